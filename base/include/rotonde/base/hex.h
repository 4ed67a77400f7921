// Lowercase hexadecimal: how hashes, tokens and keys are written in reports, files and on
// the wire.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rotonde {

// Two lowercase hex digits per byte.
std::string HexOf(std::string_view bytes);

// The bytes of exactly 2 * `bytes` lowercase hex digits; nullopt for anything else
// (uppercase, a wrong length, other characters): a token has one spelling.
std::optional<std::string> BytesOfLowerHex(std::string_view hex, size_t bytes);

}  // namespace rotonde
