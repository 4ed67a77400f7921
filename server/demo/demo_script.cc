// See demo_script.h.
#include "demo_script.h"

#include <map>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <boost/json.hpp>

namespace rotonde::demo {

namespace {

namespace json = boost::json;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The field of `command` that holds its one command (e.g. propose_merge), or null.
const FieldDescriptor* CommandField(const v1::Command& command) {
  const auto* oneof = v1::Command::descriptor()->FindOneofByName("command");
  return command.GetReflection()->GetOneofFieldDescriptor(command, oneof);
}

// The clash id field of a command message, or null: every command about a clash names its
// clash in a field of this name, so a command added to the schema later needs no change here.
const FieldDescriptor* ClashIdField(const Message& inner) {
  const auto* field = inner.GetDescriptor()->FindFieldByName("clash_id");
  return field != nullptr && field->type() == FieldDescriptor::TYPE_STRING ? field : nullptr;
}

std::string_view Trimmed(std::string_view line) {
  const size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
}

// The string at `key` of `step`: *out is set, or the reason it cannot be.
Status StringAt(const json::object& step, std::string_view key, std::string* out) {
  const json::value* value = step.if_contains(key);
  if (value == nullptr) return Status::InvalidArgument("\"" + std::string(key) + "\" is missing");
  if (!value->is_string()) {
    return Status::InvalidArgument("\"" + std::string(key) + "\" is not a string");
  }
  *out = std::string(value->get_string());
  return Status::Ok();
}

Status ParseClashBetween(const json::value& value, ScriptStep* step) {
  const json::array* pair = value.if_array();
  if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) {
    return Status::InvalidArgument("\"clashBetween\" is not two initiative ids");
  }
  for (const json::value& id : *pair) step->clash_between.emplace_back(id.get_string());
  if (step->clash_between[0].empty() || step->clash_between[0] == step->clash_between[1]) {
    return Status::InvalidArgument("\"clashBetween\" is not two different initiative ids");
  }
  const FieldDescriptor* field = CommandField(step->command);
  const Message& inner = step->command.GetReflection()->GetMessage(step->command, field);
  const FieldDescriptor* clash_id = ClashIdField(inner);
  if (clash_id == nullptr) {
    return Status::InvalidArgument("\"clashBetween\" on " + CommandName(step->command) +
                                   ", which names no clash");
  }
  if (!inner.GetReflection()->GetString(inner, clash_id).empty()) {
    return Status::InvalidArgument(
        "\"clashBetween\" and a clashId: give one (the clash's id is derived by the rules)");
  }
  return Status::Ok();
}

// One line that is neither a comment nor blank.
Status ParseStep(std::string_view line, ScriptStep* step) {
  json::error_code error;
  const json::value value = json::parse(json::string_view(line.data(), line.size()), error);
  if (error) return Status::InvalidArgument("not JSON: " + error.message());
  const json::object* object = value.if_object();
  if (object == nullptr) return Status::InvalidArgument("not a JSON object");
  for (const auto& [key, unused] : *object) {
    if (key != "at" && key != "actor" && key != "command" && key != "clashBetween") {
      return Status::InvalidArgument("unknown key \"" + std::string(key) +
                                     "\" (a step has at, actor, command and clashBetween)");
    }
  }
  if (Status s = StringAt(*object, "at", &step->at); !s.ok()) return s;
  google::protobuf::Timestamp at;
  if (!google::protobuf::util::TimeUtil::FromString(step->at, &at)) {
    return Status::InvalidArgument("\"at\" is not an RFC 3339 time with its offset: " + step->at);
  }
  if (Status s = StringAt(*object, "actor", &step->actor); !s.ok()) return s;

  const json::value* command = object->if_contains("command");
  if (command == nullptr || !command->is_object()) {
    return Status::InvalidArgument("\"command\" is missing or not an object");
  }
  google::protobuf::util::JsonParseOptions strict;  // unknown fields are refused
  if (auto parsed = google::protobuf::util::JsonStringToMessage(json::serialize(*command),
                                                                &step->command, strict);
      !parsed.ok()) {
    return Status::InvalidArgument("\"command\" is not a Command: " +
                                   std::string(parsed.message()));
  }
  if (step->command.command_id().empty()) {
    return Status::InvalidArgument("the command has no commandId");
  }
  if (CommandField(step->command) == nullptr) {
    return Status::InvalidArgument("the command " + step->command.command_id() +
                                   " asks for nothing (no command in it)");
  }
  if (const json::value* pair = object->if_contains("clashBetween")) {
    return ParseClashBetween(*pair, step);
  }
  return Status::Ok();
}

}  // namespace

std::string CommandName(const v1::Command& command) {
  const FieldDescriptor* field = CommandField(command);
  return field == nullptr ? std::string("Command") : field->message_type()->name();
}

bool SetClashId(v1::Command& command, const std::string& clash_id) {
  const FieldDescriptor* field = CommandField(command);
  if (field == nullptr) return false;
  Message* inner = command.GetReflection()->MutableMessage(&command, field);
  const FieldDescriptor* clash_id_field = ClashIdField(*inner);
  if (clash_id_field == nullptr) return false;
  inner->GetReflection()->SetString(inner, clash_id_field, clash_id);
  return true;
}

Result<std::vector<ScriptStep>> ParseScript(std::string_view name, std::string_view text) {
  std::vector<ScriptStep> steps;
  std::map<std::string, uint64_t, std::less<>> line_of_command;
  uint64_t number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = Trimmed(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (line.empty() || line.front() == '#') continue;

    ScriptStep step;
    step.line = number;
    Status parsed = ParseStep(line, &step);
    if (parsed.ok()) {
      const auto [earlier, fresh] = line_of_command.emplace(step.command.command_id(), number);
      if (!fresh) {
        parsed = Status::InvalidArgument("the command id " + step.command.command_id() +
                                         " is used on line " + std::to_string(earlier->second) +
                                         " already");
      }
    }
    if (!parsed.ok()) {
      return Status::InvalidArgument(std::string(name) + " line " + std::to_string(number) + ": " +
                                     parsed.message())
          .WithDetail("line", static_cast<int64_t>(number));
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace rotonde::demo
