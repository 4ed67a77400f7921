#include "utf8_fold.h"

#include "rotonde/base/utf8.h"

namespace rotonde::projections::internal {
namespace {

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

// What a sequence is to a word: an apostrophe, like a byte that is not UTF-8, is between
// words (the caller joins "'s" itself).
utf8::WordRole RoleOf(const utf8::Sequence& sequence) {
  if (!sequence.valid() || IsApostrophe(sequence.code_point)) return utf8::WordRole::kNone;
  return utf8::RoleInWord(sequence.code_point);
}

bool MakesWords(utf8::WordRole role) {
  return role == utf8::WordRole::kLetter || role == utf8::WordRole::kDigit;
}

}  // namespace

std::vector<FoldedWord> FoldWords(std::string_view utf8) {
  std::vector<FoldedWord> words;
  words.reserve(utf8.size() / 6 + 1);  // Dutch words with their space: six bytes or more
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
    const utf8::Sequence sequence = utf8::Decode(utf8, i);
    const char32_t cp = sequence.code_point;
    const utf8::WordRole role = RoleOf(sequence);
    if (role == utf8::WordRole::kMark) {
      utf8::AppendFolded(cp, &current.text);  // the mark belongs to the previous letter
      i += sequence.length;
      continue;
    }
    const bool apostrophe = sequence.valid() && IsApostrophe(cp);
    if (apostrophe && !current.text.empty()) {
      // "foto's": an apostrophe, an s, then the end of the word.
      const size_t s_at = i + sequence.length;
      if (s_at < utf8.size() && (utf8[s_at] == 's' || utf8[s_at] == 'S')) {
        const size_t next_at = s_at + 1;
        if (next_at >= utf8.size() || !MakesWords(RoleOf(utf8::Decode(utf8, next_at)))) {
          current.text.push_back('s');
          i = next_at;
          continue;
        }
      }
    }
    if (MakesWords(role)) {
      const bool upper = utf8::IsUpper(cp);
      if (current.text.empty()) {
        current.capitalized = upper;
        current.sentence_start = sentence_start;
      }
      utf8::AppendFolded(cp, &current.text);
      if (!upper && role != utf8::WordRole::kDigit) letters_all_upper = false;
    } else {
      finish_word();
      if (sequence.valid() && StartsSentence(cp)) sentence_start = true;
    }
    i += sequence.length;
  }
  finish_word();
  return words;
}

std::string FoldUtf8(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());  // folding mostly keeps or shortens a text
  for (const FoldedWord& word : FoldWords(utf8)) {
    if (!out.empty()) out.push_back(' ');
    out += word.text;
  }
  return out;
}

}  // namespace rotonde::projections::internal
