// Dutch-aware text similarity of initiative titles and descriptions: the text half of the
// clash detector's "possible duplicate" rule (two initiatives in one ISO week whose kind is
// the same or whose texts are similar). Pure functions of their input, no I/O, no state
// that changes: a projection may call them while folding, and a replay gets the same answers.
//
// Terms. Text is decoded as UTF-8 (a byte that is not valid UTF-8 separates words, it is
// never an error), split into words, case-folded and diacritic-folded by ICU (Latin script to
// ASCII: é -> e, ĳ -> ij, ß -> ss; Greek and Cyrillic to lower case without accents). Dutch stop
// words and words any neighbourhood initiative may carry
// ("buurt", "samen", weekdays, "zomer") are dropped. A short table maps words of one
// meaning onto one form (nieuwsbrief -> krant, geefmarkt -> weggeef). Compounds lose the
// modifiers every initiative shares (buurtfeest -> feest) and are split where the head
// names only the form or time of the activity (kookworkshop -> kook + les, voorleesochtend
// -> voorlees). Plurals, diminutives and inflected adjectives are stemmed (braderieën ->
// braderie, kraampjes -> kraam). The word lists are in projections/src/dutch_lexicon.cc,
// each with the reason for its entries.
//
// Concepts. The activity lexicon (projections/data/activity_lexicon.tsv, embedded at build
// time; about 200 activity concepts, 30 feasts, 3 forms and 40 audience, place and occasion
// concepts, written category by category, each with an English gloss) maps words, multiword
// phrases and loanwords onto concepts: karaoke and meezingavond are "zingen", "iedereen
// neemt iets mee" is "potluck"; a lantern walk ("lichtjestocht") is not a parade. A compound it
// does not list reads by its head (buitenbioscoop -> film) and, when the lexicon knows it, its
// modifier (kinderyoga
// -> yoga, kind). Each concept has a class: an activity; a form (petitie, toernooi); a feast
// (kerst); an audience, place or occasion (kinderen, buurthuis, opening). Under a form head
// the modifier is the activity (klaverjastoernooi: klaverjassen, as a tournament). Words
// ending in a place (Hoofdweg, Kolenkitplein) are places.
//
// Comparison. Each term is cut into character 4-grams with word-boundary marks; a concept
// adds one gram of its own, so that two words of one concept meet. A term is present on the
// other side in the proportion of its 4-grams found among all of the other side's 4-grams,
// so "kledingweggeef" is covered by "weggeef" plus "kleding", and a typo costs only the
// grams it touches. A compound made of the other side's terms joined as Dutch joins them
// ("boek-en-ruil") is present; one whose head is there ("buitenfilm" next to "film") is half
// present. A concept the other side does not name is present only when its word is wholly
// there. Title terms weigh twice description terms; then by what they say: activities and
// feasts 1, forms half, names a quarter, audience, place and occasion a fifth, any other
// word by how rare it is in Dutch (Informativeness in dutch_lexicon.h) and, given a
// SimilarityContext of 20 initiatives or more, less when more than a tenth of the
// platform's initiatives carry it in their title (down to a fifth for a term in all). A side's
// coverage is the weighted share of its terms present on the other side. The similarity is the mean
// of the two sides' coverage of all terms, averaged with the mean of their coverage of title terms
// alone, and halved when the texts are kept apart: different audiences or feasts in the titles;
// nothing but audience, place and occasion shared; titles naming activities none of which the other
// text names as an activity; or a pair of terms the platform learned keeps plans apart
// (LearnedTerms). It is symmetric, in [0, 1], and 1.0 for identical texts.
//
// Thread safety: all functions may be called concurrently; a TextFingerprint is immutable.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace rotonde::projections {

// Similarity at or above this counts as "similar": a possible duplicate worth showing to the
// organizers of both initiatives. Chosen on tests/projections/similar_initiatives.tsv and
// the tuning half tests/projections/clash_pairs_tuning.tsv; the held-out half was not
// looked at to choose it. Precision/recall at 0.5 without a platform context (`ctest -R
// LabelledSet` prints them): 0.95/0.94, tuning 0.95/0.98, held-out 0.88/0.88 (short of
// the 0.9 floor its test asserts).
inline constexpr double kSimilarThreshold = 0.5;

// The folded form of `utf8` for display and search: lower-case letters and digits (ASCII for
// Latin script), words separated by single spaces, no leading or trailing space. Diacritics are
// removed,
// "'s" plurals are joined (foto's -> fotos), every other character is a separator. Stop
// words are kept; nothing is stemmed.
std::string NormalizeText(std::string_view utf8);

// The comparable terms of `utf8` in order of first appearance, without duplicates:
// normalised, stop and filler words dropped, synonyms mapped, compounds reduced, stemmed.
// Numbers are kept.
std::vector<std::string> ContentTerms(std::string_view utf8);

// The precomputed form of one initiative's text. Build once when the initiative is proposed
// or updated; compare many times.
class TextFingerprint {
 public:
  // Terms beyond these caps are ignored, which bounds the cost of a comparison however long
  // a description is. Title terms come first.
  static constexpr size_t kMaxTitleTerms = 16;
  static constexpr size_t kMaxTerms = 64;

  TextFingerprint() = default;  // empty: similar to nothing
  // Numbers count in the title (metro 53) but not in the description, where they are
  // mostly dates, times, ages and prices.
  static TextFingerprint Build(std::string_view title, std::string_view description);

  bool empty() const { return terms_.empty(); }
  // Canonical terms (as ContentTerms), title terms first.
  std::vector<std::string> terms() const;
  // TermHash() of each of terms(), for counting them over a platform's initiatives.
  std::vector<uint64_t> term_hashes() const;

  // What a term says about the plan (see the header comment). Public for the
  // implementation's helpers; not part of the interface.
  enum class Role : uint8_t { kActivity, kFeast, kAudience, kPlace, kOccasion, kForm, kName };
  struct Term {
    std::string canonical;
    std::string display;  // the normalised word as written, for explanations
    uint64_t hash = 0;    // TermHash(canonical)
    float weight = 0;
    uint16_t gram_count = 0;
    bool in_title = false;
    bool is_concept = false;  // a concept of the lexicon: matches the same concept
    bool carrier = false;     // names what is done (an activity that is no compound's modifier)
    Role role = Role::kActivity;
    // A concept's word as written (stemmed), whose 4-grams let it meet the parts of a
    // compound on the other side ("boekenruil", "boeken ruilen"); empty for a phrase.
    std::string word;
  };

 private:
  friend class FingerprintComparison;

  struct Gram {
    uint32_t packed;  // four bytes of the padded term
    uint16_t term;    // index into terms_
  };

  std::vector<Term> terms_;
  std::vector<Gram> grams_;  // sorted by (packed, term); each (packed, term) once
  uint64_t text_hash_ = 0;   // of the normalised title and description, for term-less texts
  bool has_text_ = false;
};

// A stable hash of a canonical term (64-bit FNV-1a), as TextFingerprint::term_hashes().
uint64_t TermHash(std::string_view term);

// What a platform has learned from its own decisions about pairs of texts (PlatformState
// folds it from InitiativesMerged and "bewust apart" ClashDismissed events, with the
// DistinctTitleTerms of the two initiatives; FindClashes compares with it): unordered pairs
// of canonical terms, (smaller, larger), that name the same activity, or that keep two plans
// apart. A pair is in at most one of the two sets: the later decision wins.
struct LearnedTerms {
  // Each set holds at most this many pairs: a pair first learned when its set is full is not
  // kept (a decision teaches at most 16), which bounds a platform's memory.
  static constexpr size_t kMaxPairs = 4096;

  std::set<std::pair<std::string, std::string>> same;
  std::set<std::pair<std::string, std::string>> different;
  // TermHash of every term in a pair ever learned: a comparison looks a pair up only when
  // both of its terms are here, which keeps the learned pairs nearly free for the many
  // comparisons they do not concern. Kept by Learn and Add.
  std::unordered_set<uint64_t> terms;

  bool empty() const { return same.empty() && different.empty(); }
  bool Knows(uint64_t term_hash) const { return terms.contains(term_hash); }
  bool Same(std::string_view a, std::string_view b) const;
  bool Different(std::string_view a, std::string_view b) const;
  // Records every pair of a term of `a` and a term of `b` as the same or as different.
  void Learn(const std::vector<std::string>& a, const std::vector<std::string>& b, bool same);
  // Adds one pair (smaller, larger) as it was learned (a snapshot restores them so).
  void Add(std::string first, std::string second, bool same);
};

// Where a comparison happens: the platform whose initiatives are compared. Default: no
// platform (the lexicon and the frequency list only).
struct SimilarityContext {
  const LearnedTerms* learned = nullptr;
  // Of how many of the platform's initiatives' texts each term (by TermHash) is part, and
  // of how many texts in all. A term most initiatives carry says little on that platform.
  const std::unordered_map<uint64_t, uint32_t>* document_frequency = nullptr;
  uint32_t documents = 0;
};

// The title terms of each side that the other side lacks (names and numbers left out): what
// a decision about the pair teaches. At most four of each side, in order.
std::pair<std::vector<std::string>, std::vector<std::string>> DistinctTitleTerms(
    const TextFingerprint& a, const TextFingerprint& b);

// In [0, 1]; Similarity(a, b) == Similarity(b, a); 1.0 when both were built from the same
// title and description (or from texts with the same terms). Texts without any content
// term (empty, or only stop words) are similar only to the same normalised text. Cost:
// one merge of the two sorted 4-gram lists plus a substring check for partly present
// compounds: well under a microsecond for a title with a short description, a few
// microseconds at the term caps.
double Similarity(const TextFingerprint& a, const TextFingerprint& b);
double Similarity(const TextFingerprint& a, const TextFingerprint& b,
                  const SimilarityContext& context);

// The words two texts have in common, for explaining a clash in the UI ("kleding",
// "weggeefactie"): words of either side (almost) wholly present on the other side, as
// written (normalised, not stemmed); a word is left out when a shorter listed word is part
// of it.
// Sorted, without duplicates.
std::vector<std::string> SharedTerms(const TextFingerprint& a, const TextFingerprint& b);

}  // namespace rotonde::projections
