// The Dutch word lists behind the text similarity: stop words, neighbourhood filler words,
// synonyms of neighbourhood vocabulary, generic compound modifiers. All words are in folded
// form (lower-case ASCII, see utf8_fold.h).
#pragma once

#include <string>
#include <string_view>

namespace rotonde::projections::internal {

// Function words (de, het, een, en, van, ...) and words that any neighbourhood initiative
// may carry without saying what it is (buurt, samen, gezellig, weekdays, ...). Checked
// before and after stemming.
bool IsStopWord(std::string_view word);

// True when two adjacent words written apart form a word the synonym table knows
// ("bewoners avond", "clean up"), so that the pair is read as that one word.
bool IsKnownCompound(std::string_view joined);

// Maps a word onto the common form of its meaning group: the whole word
// ("nieuwsbrief" -> "krant"), the head of a compound ("buurtnieuwsbrief" -> "buurtkrant")
// or its modifier ("geefmarkt" -> "weggeefmarkt"). Unknown words come back unchanged.
std::string ApplySynonyms(std::string word);

// Takes off a modifier that every initiative of a neighbourhood platform shares
// (buurt-, wijk-, bewoners-) when what remains is a word: "buurtfeest" -> "feest". Meets the
// split form "feest in de buurt", whose "buurt" is a filler word.
std::string StripGenericModifier(std::string word);

// Splits a head that names the form or time of an activity off a compound, when what
// remains is a content word. Dutch compounds put the form last: kookworkshop, kookles,
// taalcafé, voorleesochtend, weggeefactie. Two plans with the same content in another form
// are likely one plan, two with the same form and other content ("taalcafé",
// "energiecafé") are not, so the content becomes a term of its own. A format head
// (les, café, begeleiding, groep) comes back in `format` to be a lighter term of its own;
// a time or action head (-dag, -middag, -avond, -actie) is dropped, as the date is compared
// elsewhere and "actie" says nothing. Returns {word, ""} when nothing is split off.
struct SplitCompound {
  std::string content;
  std::string format;
};
SplitCompound SplitFormatHead(std::string word);

// True for the canonical form words SplitFormatHead returns ("les", "cafe", ...), also
// when written on their own.
bool IsFormatWord(std::string_view word);

}  // namespace rotonde::projections::internal
