// Dutch text split into folded words: the word rules of text similarity, on the Unicode
// mechanics of rotonde/base/utf8.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rotonde::projections::internal {

struct FoldedWord {
  std::string text;             // folded letters and digits (see FoldWords)
  bool capitalized = false;     // written with a capital first letter and not all in capitals
  bool sentence_start = false;  // first word of the text or after . ! ? : ; • ( " or a newline
};

// The words of `utf8`, folded. Words are runs of letters and digits; each is folded by
// utf8::AppendFolded: lower case, diacritics removed (é -> e, ș -> s, ά -> α), ligatures
// spelled out (ĳ -> ij, ß -> ss, æ -> ae, ﬁ -> fi), Latin letters to ASCII (ł -> l).
// Combining marks belong to the letter before them, so a decomposed "e + ◌́" folds like "é".
// An apostrophe followed by "s" and a word end joins ("foto's" -> "fotos"); every other
// apostrophe, punctuation, symbol, space and every byte that is not part of valid UTF-8 (bad
// lead byte, truncated sequence, overlong form, surrogate, beyond U+10FFFF) separates words.
std::vector<FoldedWord> FoldWords(std::string_view utf8);

// The folded words joined by single spaces.
std::string FoldUtf8(std::string_view utf8);

}  // namespace rotonde::projections::internal
