// UTF-8: reading it one sequence at a time, checking a whole text, and folding letters for
// comparing words.
//
// Reading follows RFC 3629: a sequence is one to four bytes, the lead byte announcing the
// length (0xxxxxxx one, 110xxxxx two, 1110xxxx three, 11110xxx four) and each further byte a
// continuation byte (10xxxxxx). It is valid only in its shortest form, outside the UTF-16
// surrogates U+D800..U+DFFF and at most U+10FFFF.
//
// Folding is ICU's: full case folding and compatibility decomposition (Unicode's
// NFKC_Casefold), nonspacing marks removed after canonical decomposition, and ICU's
// Latin-ASCII transform for the Latin letters Unicode does not write as a base letter with a
// mark (æ, ø, ł, þ). ASCII is folded without ICU.
//
// Thread safety: every function may be called from any number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rotonde::utf8 {

// Why a byte sequence is not UTF-8.
enum class Error : uint8_t {
  kNone,
  kBadLead,    // a continuation byte (80..BF) or F8..FF where a sequence should start
  kTruncated,  // fewer continuation bytes than the lead byte announces: the text ends, or
               // another byte comes first
  kOverlong,   // a longer form than the code point needs ("C0 80" for U+0000)
  kSurrogate,  // U+D800..U+DFFF, which UTF-8 does not encode
  kTooLarge,   // above U+10FFFF
};

// One sequence as read from a text.
struct Sequence {
  // The value the bits spell: the code point when valid; also set for kOverlong, kSurrogate
  // and kTooLarge (lenient readers such as protobuf's JSON printer accept overlong forms).
  char32_t code_point = 0;
  // The lead byte and the continuation bytes after it, at most as many as it announces:
  // 1..4, never 0. Skipping it moves past the sequence; past a kTruncated one, to the byte
  // that cut it short.
  size_t length = 1;
  Error error = Error::kNone;

  bool valid() const { return error == Error::kNone; }
};

// Reads the sequence that starts at text[at]; requires at < text.size().
Sequence Decode(std::string_view text, size_t at);

// Whether all of `text` is valid UTF-8 (an empty text is).
bool IsValid(std::string_view text);

// A code point's part in a word, by its Unicode general category.
enum class WordRole : uint8_t {
  kNone,    // between words: punctuation, symbols, spaces, controls, format characters,
            // other numbers (², ½), private use and unassigned code points
  kLetter,  // letters (L) and letter numbers (Nl: Ⅻ)
  kDigit,   // decimal digits (Nd)
  kMark,    // combining marks (M): part of the letter before them
};
WordRole RoleInWord(char32_t code_point);

// Upper or title case (Lu, Lt: "É", "ǅ").
bool IsUpper(char32_t code_point);

// Appends the folded form of a letter, digit or mark to `out` (for anything else: nothing):
// lower case and without diacritics, ligatures and compatibility forms spelled out, in
// canonically decomposed form (NFD). The result holds only letters, digits and marks, and may
// be longer or empty: "É" -> "e", "ß" -> "ss", "ĳ" -> "ij", "ﬁ" -> "fi", "æ" -> "ae",
// "ș" -> "s", "Ά" -> "α", "ς" -> "σ", "Ё" -> "е", "Ⅻ" -> "xii", a nonspacing mark -> "".
// The letters of Latin-1 Supplement, Latin Extended-A and Latin Extended Additional fold to ASCII
// (but for the archaic ẚ and ẟ). A fold folds to itself.
void AppendFolded(char32_t code_point, std::string* out);

// ASCII, the bulk of most text, is handled inline; the rest out of line.
namespace internal {
Sequence DecodeMultibyte(std::string_view text, size_t at);
WordRole RoleInWordBeyondAscii(char32_t code_point);
bool IsUpperBeyondAscii(char32_t code_point);
void AppendFoldedBeyondAscii(char32_t code_point, std::string* out);
}  // namespace internal

inline Sequence Decode(std::string_view text, size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) return {lead, 1, Error::kNone};
  return internal::DecodeMultibyte(text, at);
}

inline WordRole RoleInWord(char32_t code_point) {
  if (code_point >= 0x80) return internal::RoleInWordBeyondAscii(code_point);
  if ((code_point >= U'a' && code_point <= U'z') || (code_point >= U'A' && code_point <= U'Z')) {
    return WordRole::kLetter;
  }
  return code_point >= U'0' && code_point <= U'9' ? WordRole::kDigit : WordRole::kNone;
}

inline bool IsUpper(char32_t code_point) {
  if (code_point >= 0x80) return internal::IsUpperBeyondAscii(code_point);
  return code_point >= U'A' && code_point <= U'Z';
}

inline void AppendFolded(char32_t code_point, std::string* out) {
  if (code_point >= 0x80) return internal::AppendFoldedBeyondAscii(code_point, out);
  if (RoleInWord(code_point) == WordRole::kNone) return;
  const char c = static_cast<char>(code_point);
  out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
}

}  // namespace rotonde::utf8
