#include "utf8_fold.h"

#include <array>
#include <cstdint>

namespace rotonde::projections::internal {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes one code point at text[i]; on any malformation returns kInvalid with length 1 so
// that the caller skips exactly the bad byte and resynchronises on the next one.
char32_t Decode(std::string_view text, size_t i, size_t* length) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  *length = 1;
  if (lead < 0x80) return lead;
  size_t need;
  char32_t cp;
  char32_t min;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1, cp = lead & 0x1F, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2, cp = lead & 0x0F, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3, cp = lead & 0x07, min = 0x10000;
  } else {
    return kInvalid;  // continuation byte, overlong 2-byte lead (C0, C1) or F5..FF
  }
  if (i + need >= text.size()) return kInvalid;  // truncated at the end of the text
  for (size_t k = 1; k <= need; ++k) {
    const uint8_t b = byte(i + k);
    if ((b & 0xC0) != 0x80) return kInvalid;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
  *length = need + 1;
  return cp;
}

// U+00C0..U+00FF. Empty: not a letter (× and ÷).
constexpr std::array<const char*, 64> kLatin1Letters = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// U+0100..U+017F, one base letter each; '1' is the ĳ ligature (ij), '2' is œ (oe).
constexpr std::string_view kLatinExtendedA =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii11jjkkkllllllllllnnnnnnnnnoooooo22"
    "rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static_assert(kLatinExtendedA.size() == 0x80);

bool IsUpperLatin(char32_t cp) {
  if (cp >= U'A' && cp <= U'Z') return true;
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;
  if (cp == 0x130 || cp == 0x178) return true;
  // Latin Extended-A alternates upper and lower case, with the phase shifting twice.
  if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) return cp % 2 == 0;
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return cp % 2 == 1;
  return false;
}

bool IsApostrophe(char32_t cp) {
  return cp == U'\'' || cp == U'`' || cp == 0xB4 || cp == 0x2BC || cp == 0x2018 || cp == 0x2019 ||
         cp == 0x2032;
}

// Characters after which a capital letter is expected anyway, so it says nothing about a
// word being a name.
bool StartsSentence(char32_t cp) {
  switch (cp) {
    case U'.':
    case U'!':
    case U'?':
    case U':':
    case U';':
    case U'(':
    case U'"':
    case U'\n':
    case U'\r':
    case 0xAB:
    case 0xBB:
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x2022:
    case 0xB7:
      return true;
    default:
      return false;
  }
}

bool IsSeparator(char32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
         (cp >= 0x2000 && cp <= 0x2BFF) ||    // punctuation, symbols, arrows, shapes
         (cp >= 0x3000 && cp <= 0x303F) ||    // CJK punctuation
         (cp >= 0xFE10 && cp <= 0xFE6F) ||    // vertical and small forms
         (cp >= 0xFEFF && cp <= 0xFFFF) ||    // BOM, fullwidth forms, specials
         (cp >= 0x1F000 && cp <= 0x1FAFF) ||  // emoji and pictographs
         cp >= 0xE0000;                       // tags, private use
}

bool IsDropped(char32_t cp) {
  return (cp >= 0x300 && cp <= 0x36F) ||  // combining diacritical marks
         (cp >= 0xFE00 && cp <= 0xFE0F);  // variation selectors
}

// Appends the folded form of a letter or digit to `out`; false when `cp` is not one.
bool AppendFolded(char32_t cp, std::string_view utf8, size_t i, size_t length, std::string* out) {
  if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    if (c >= 'A' && c <= 'Z') {
      out->push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out->push_back(c);
    } else {
      return false;
    }
  } else if (cp >= 0xC0 && cp <= 0xFF) {
    const char* folded = kLatin1Letters[cp - 0xC0];
    if (*folded == '\0') return false;
    out->append(folded);
  } else if (cp >= 0x100 && cp <= 0x17F) {
    const char base = kLatinExtendedA[cp - 0x100];
    out->append(base == '1' ? "ij" : base == '2' ? "oe" : std::string_view(&base, 1));
  } else if (IsSeparator(cp) || IsApostrophe(cp)) {
    return false;
  } else {
    out->append(utf8.substr(i, length));  // a letter of another script, kept as is
  }
  return true;
}

bool IsWordCodePoint(char32_t cp) {
  std::string scratch;
  return cp != kInvalid && !IsDropped(cp) && AppendFolded(cp, "", 0, 0, &scratch);
}

}  // namespace

std::vector<FoldedWord> FoldWords(std::string_view utf8) {
  std::vector<FoldedWord> words;
  FoldedWord current;
  bool letters_all_upper = true;
  bool sentence_start = true;
  const auto finish_word = [&] {
    if (current.text.empty()) return;
    if (letters_all_upper && current.text.size() > 1) current.capitalized = false;
    words.push_back(std::move(current));
    current = FoldedWord();
    letters_all_upper = true;
    sentence_start = false;
  };

  for (size_t i = 0; i < utf8.size();) {
    size_t length;
    const char32_t cp = Decode(utf8, i, &length);
    if (cp != kInvalid && IsDropped(cp)) {
      i += length;  // the mark belongs to the previous letter
      continue;
    }
    if (cp != kInvalid && IsApostrophe(cp) && !current.text.empty()) {
      // "foto's": an apostrophe, an s, then the end of the word.
      size_t s_length;
      const size_t s_at = i + length;
      const char32_t s = s_at < utf8.size() ? Decode(utf8, s_at, &s_length) : kInvalid;
      if (s == U's' || s == U'S') {
        size_t next_length;
        const size_t next_at = s_at + s_length;
        const bool word_ends =
            next_at >= utf8.size() || !IsWordCodePoint(Decode(utf8, next_at, &next_length));
        if (word_ends) {
          current.text.push_back('s');
          i = next_at;
          continue;
        }
      }
    }
    const bool first_letter = current.text.empty();
    if (cp != kInvalid && AppendFolded(cp, utf8, i, length, &current.text)) {
      const bool upper = IsUpperLatin(cp);
      const bool is_digit = cp >= U'0' && cp <= U'9';
      if (first_letter) {
        current.capitalized = upper;
        current.sentence_start = sentence_start;
      }
      if (!upper && !is_digit) letters_all_upper = false;
    } else {
      finish_word();
      if (cp != kInvalid && StartsSentence(cp)) sentence_start = true;
    }
    i += length;
  }
  finish_word();
  return words;
}

std::string FoldUtf8(std::string_view utf8) {
  std::string out;
  for (const FoldedWord& word : FoldWords(utf8)) {
    if (!out.empty()) out.push_back(' ');
    out += word.text;
  }
  return out;
}

}  // namespace rotonde::projections::internal
