// Base64 (RFC 4648, the standard alphabet, padded): how bytes travel in JSON, as protobuf's
// JSON mapping writes them and as exports carry events' bodies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rotonde {

std::string Base64Of(std::string_view bytes);

// The bytes of padded standard base64; nullopt for anything else (a wrong length, a
// character outside the alphabet, padding anywhere but at the end, non-zero bits after the
// last byte): a value has one spelling.
std::optional<std::string> BytesOfBase64(std::string_view text);

}  // namespace rotonde
