#include "json_patch.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rotonde::wire {

namespace json = boost::json;

namespace {

// `token` escaped for a JSON Pointer ("~" -> "~0", "/" -> "~1").
std::string EscapePointerToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

json::object Op(std::string_view op, const std::string& path) {
  json::object o;
  o["op"] = op;
  o["path"] = path;
  return o;
}

void AddValueOp(json::array* patch, std::string_view op, const std::string& path,
                const json::value& value) {
  json::object o = Op(op, path);
  o["value"] = value;
  patch->emplace_back(std::move(o));
}

void DiffInto(const json::value& from, const json::value& to, const std::string& path,
              json::array* patch);

void DiffObjects(const json::object& from, const json::object& to, const std::string& path,
                 json::array* patch) {
  for (const auto& member : from) {
    if (!to.contains(member.key()))
      patch->emplace_back(Op("remove", path + "/" + EscapePointerToken(member.key())));
  }
  for (const auto& member : from) {
    const json::value* other = to.if_contains(member.key());
    if (other != nullptr) {
      DiffInto(member.value(), *other, path + "/" + EscapePointerToken(member.key()), patch);
    }
  }
  for (const auto& member : to) {
    if (!from.contains(member.key())) {
      AddValueOp(patch, "add", path + "/" + EscapePointerToken(member.key()), member.value());
    }
  }
}

void DiffArrays(const json::array& from, const json::array& to, const std::string& path,
                json::array* patch) {
  size_t prefix = 0;
  while (prefix < from.size() && prefix < to.size() && from[prefix] == to[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < from.size() - prefix && suffix < to.size() - prefix &&
         from[from.size() - 1 - suffix] == to[to.size() - 1 - suffix]) {
    ++suffix;
  }
  const size_t old_middle = from.size() - prefix - suffix;
  const size_t new_middle = to.size() - prefix - suffix;
  if (old_middle == new_middle) {
    for (size_t i = prefix; i < prefix + old_middle; ++i) {
      DiffInto(from[i], to[i], path + "/" + std::to_string(i), patch);
    }
    return;
  }
  // Backwards, so each removal leaves the indexes of the ones still to go unchanged.
  for (size_t i = prefix + old_middle; i > prefix; --i) {
    patch->emplace_back(Op("remove", path + "/" + std::to_string(i - 1)));
  }
  for (size_t i = 0; i < new_middle; ++i) {
    AddValueOp(patch, "add", path + "/" + std::to_string(prefix + i), to[prefix + i]);
  }
}

void DiffInto(const json::value& from, const json::value& to, const std::string& path,
              json::array* patch) {
  if (from == to) return;
  if (from.is_object() && to.is_object())
    return DiffObjects(from.get_object(), to.get_object(), path, patch);
  if (from.is_array() && to.is_array())
    return DiffArrays(from.get_array(), to.get_array(), path, patch);
  AddValueOp(patch, "replace", path, to);
}

// A JSON Pointer split into unescaped tokens; nullopt if malformed.
std::optional<std::vector<std::string>> ParsePointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer[0] != '/') return std::nullopt;
  std::string token;
  for (size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(std::move(token));
      token.clear();
    } else if (pointer[i] == '~') {
      if (i + 1 >= pointer.size()) return std::nullopt;
      if (pointer[i + 1] == '0') {
        token.push_back('~');
      } else if (pointer[i + 1] == '1') {
        token.push_back('/');
      } else {
        return std::nullopt;
      }
      ++i;
    } else {
      token.push_back(pointer[i]);
    }
  }
  return tokens;
}

// An array index token: "0" or digits without a leading zero, within `limit`.
std::optional<size_t> ParseIndex(const std::string& token, size_t limit) {
  if (token.empty() || token.size() > 18) return std::nullopt;
  if (token.size() > 1 && token[0] == '0') return std::nullopt;
  size_t index = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  if (index > limit) return std::nullopt;
  return index;
}

bool ApplyOne(json::value& doc, const json::object& op) {
  const json::value* name = op.if_contains("op");
  const json::value* path_value = op.if_contains("path");
  if (name == nullptr || !name->is_string() || path_value == nullptr || !path_value->is_string()) {
    return false;
  }
  const json::string& kind = name->get_string();
  const bool add = kind == "add", remove = kind == "remove", replace = kind == "replace";
  if (!add && !remove && !replace) return false;
  const json::value* value = op.if_contains("value");
  if ((add || replace) && value == nullptr) return false;
  const json::string& path_text = path_value->get_string();
  auto tokens = ParsePointer(std::string_view(path_text.data(), path_text.size()));
  if (!tokens) return false;
  if (tokens->empty()) {  // the whole document
    if (remove) return false;
    doc = *value;
    return true;
  }
  // Walk to the parent of the last token.
  json::value* parent = &doc;
  for (size_t i = 0; i + 1 < tokens->size(); ++i) {
    const std::string& token = (*tokens)[i];
    if (parent->is_object()) {
      parent = parent->get_object().if_contains(token);
      if (parent == nullptr) return false;
    } else if (parent->is_array()) {
      json::array& array = parent->get_array();
      if (array.empty()) return false;
      auto index = ParseIndex(token, array.size() - 1);
      if (!index) return false;
      parent = &array[*index];
    } else {
      return false;
    }
  }
  const std::string& last = tokens->back();
  if (parent->is_object()) {
    json::object& object = parent->get_object();
    if (add) {
      object[last] = *value;
      return true;
    }
    auto it = object.find(last);
    if (it == object.end()) return false;
    if (remove) {
      object.erase(it);
    } else {
      it->value() = *value;
    }
    return true;
  }
  if (parent->is_array()) {
    json::array& array = parent->get_array();
    if (add) {
      if (last == "-") {
        array.push_back(*value);
        return true;
      }
      auto index = ParseIndex(last, array.size());
      if (!index) return false;
      array.insert(array.begin() + static_cast<std::ptrdiff_t>(*index), *value);
      return true;
    }
    if (array.empty()) return false;
    auto index = ParseIndex(last, array.size() - 1);
    if (!index) return false;
    if (remove) {
      array.erase(array.begin() + static_cast<std::ptrdiff_t>(*index));
    } else {
      array[*index] = *value;
    }
    return true;
  }
  return false;
}

}  // namespace

json::array Diff(const json::value& from, const json::value& to) {
  json::array patch;
  DiffInto(from, to, "", &patch);
  return patch;
}

bool Apply(json::value& target, const json::array& patch) {
  json::value result = target;
  for (const json::value& op : patch) {
    if (!op.is_object() || !ApplyOne(result, op.get_object())) return false;
  }
  target = std::move(result);
  return true;
}

}  // namespace rotonde::wire
