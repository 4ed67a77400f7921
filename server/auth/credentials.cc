#include "credentials.h"

#include <algorithm>

#include "auth_store.h"
#include "rotonde/base/utf8.h"

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

bool IsValidDisplayName(std::string_view name) {
  if (name.empty() || name.size() > kMaxDisplayNameBytes) return false;
  bool blank = true;
  for (size_t i = 0; i < name.size();) {
    const utf8::Sequence sequence = utf8::Decode(name, i);
    if (!sequence.valid()) return false;
    const char32_t c = sequence.code_point;
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return false;
    if (c != 0x20 && c != 0xA0) blank = false;
    i += sequence.length;
  }
  return !blank;
}

bool IsValidAccountId(std::string_view id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7F && c != '/'; });
}

}  // namespace rotonde::auth
