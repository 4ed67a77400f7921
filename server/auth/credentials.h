// The checks on what a person types when creating an account (docs/api.md): logins,
// passwords, display names; and on account ids given by the caller.
#pragma once

#include <string>
#include <string_view>

namespace rotonde::auth {

// ASCII letters lowercased; every other byte kept.
std::string LowercaseLogin(std::string_view login);
// 3-32 bytes of [a-z0-9._-] (so a login is checked after LowercaseLogin).
bool IsValidLogin(std::string_view login);
// At least 10 characters (UTF-8 code points; bytes that are not continuation bytes) and at
// most 128 bytes.
bool IsAcceptablePassword(std::string_view password);
// 1-100 bytes of valid UTF-8 (no overlong forms, surrogates or values above U+10FFFF)
// without control characters (C0, DEL, C1), and not only spaces (U+0020, U+00A0).
bool IsValidDisplayName(std::string_view name);
// 1-64 visible ASCII characters without '/': what the domain accepts as a member id.
bool IsValidAccountId(std::string_view id);

}  // namespace rotonde::auth
