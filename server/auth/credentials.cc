#include "credentials.h"

#include <algorithm>
#include <cstdint>

#include "auth_store.h"

namespace rotonde::auth {

std::string LowercaseLogin(std::string_view login) {
  std::string out(login);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsValidLogin(std::string_view login) {
  if (login.size() < kMinLoginBytes || login.size() > kMaxLoginBytes) return false;
  return std::all_of(login.begin(), login.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

bool IsAcceptablePassword(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) return false;
  const size_t characters = std::count_if(password.begin(), password.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  return characters >= kMinPasswordCharacters;
}

namespace {

// Decodes the UTF-8 sequence at `text[i]`; returns its length, or 0 if it is not valid.
size_t DecodeUtf8(std::string_view text, size_t i, uint32_t* code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  size_t length;
  uint32_t value;
  uint32_t minimum;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, value = lead & 0x1F, minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, value = lead & 0x0F, minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return 0;  // a continuation byte, an overlong lead (C0, C1) or beyond U+10FFFF
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(k) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *code_point = value;
  return length;
}

}  // namespace

bool IsValidDisplayName(std::string_view name) {
  if (name.empty() || name.size() > kMaxDisplayNameBytes) return false;
  bool blank = true;
  for (size_t i = 0; i < name.size();) {
    uint32_t c = 0;
    const size_t length = DecodeUtf8(name, i, &c);
    if (length == 0) return false;
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return false;
    if (c != 0x20 && c != 0xA0) blank = false;
    i += length;
  }
  return !blank;
}

bool IsValidAccountId(std::string_view id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7F && c != '/'; });
}

}  // namespace rotonde::auth
