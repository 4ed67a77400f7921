// UTF-8 decoding and folding of Dutch text to lower-case ASCII words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rotonde::projections::internal {

struct FoldedWord {
  std::string text;             // lower-case ASCII letters and digits (see FoldWords)
  bool capitalized = false;     // written with a capital first letter and not all in capitals
  bool sentence_start = false;  // first word of the text or after . ! ? : ; • ( " or a newline
};

// The words of `utf8`, folded. Latin-1 Supplement and Latin Extended-A letters fold to their
// base letters (é -> e, ĳ -> ij, ß -> ss, æ -> ae, ł -> l); combining marks
// (U+0300..U+036F) are dropped, so a decomposed "e + ◌́" folds like "é". An apostrophe
// followed by "s" and a word end joins ("foto's" -> "fotos"); every other apostrophe,
// punctuation, symbol, space and every byte that is not part of valid UTF-8 (bad lead byte,
// truncated sequence, overlong form, surrogate, beyond U+10FFFF) separates words. Letters
// of other scripts are kept as their UTF-8 bytes, unfolded.
std::vector<FoldedWord> FoldWords(std::string_view utf8);

// The folded words joined by single spaces.
std::string FoldUtf8(std::string_view utf8);

}  // namespace rotonde::projections::internal
