// The Dutch word lists behind the text similarity: stop words, neighbourhood filler words,
// synonyms of neighbourhood vocabulary, generic compound modifiers. All words are in folded
// form (lower-case ASCII, see utf8_fold.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

// ---- The activity lexicon (projections/data/activity_lexicon.tsv, format in its header).

// What a word of the lexicon says about a plan.
enum class TermClass : uint8_t {
  kActivity,  // what is done: two texts naming one activity concept are similar
  kForm,      // how, not what (petitie, toernooi): as a form head of a compound
  kFeast,     // the occasion that names the plan (kerst): counts, but is not the activity
  kAudience,  // for whom
  kPlace,     // where
  kOccasion,  // what kind of day (opening, inzameling)
};

struct Concept {
  std::string_view name;  // the canonical term
  TermClass term_class = TermClass::kActivity;
  uint32_t index = 0;  // dense: 0 .. ConceptCount() - 1
};

// The concept a canonical term (as the text pipeline leaves it: synonyms applied, generic
// modifier and form head taken off, stemmed) or a folded word as written names; null if
// none. Both the word as written and its canonical form are looked up.
const Concept* FindConcept(std::string_view word);

// The concept named by the head of a compound that is not itself listed
// ("buitenbioscoop" -> film): the longest listed term of at least 4 letters that ends
// `term`, leaving at least 3 letters. Sets `*modifier` to what is left in front of it.
const Concept* FindHeadConcept(std::string_view term, std::string* modifier);

// A multiword phrase of the lexicon ("samen eten", "iedereen neemt iets mee") starting at
// words[at], read on folded words as written: the number of words it spans (0 when none
// starts there) and its concept.
size_t MatchPhrase(const std::vector<std::string_view>& words, size_t at, const Concept** found);

size_t ConceptCount();

// Errors of the lexicon (for its test): a word naming two concepts ("word: a, b"), or a line
// that is not class, concept, words and an optional gloss ("malformed line: ...").
std::vector<std::string> LexiconConflicts();

// ---- Informativeness (projections/data/nl_word_frequency.txt).

// In (0, 1]: how much a term says, by how common the word is in Dutch at large. Words
// among the most frequent few hundred say little (huis, maken); a word outside the list
// (speeltuin, braderie) says all it can. Looked up by canonical term (stemmed).
float Informativeness(std::string_view term);

}  // namespace rotonde::projections::internal
