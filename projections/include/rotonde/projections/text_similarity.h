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
// Comparison. Each term is cut into character 4-grams with word-boundary marks. A term is
// present on the other side in the proportion of its 4-grams found among all of the other
// side's 4-grams, so "kledingweggeef" is covered by "weggeef" plus "kleding", and a typo
// costs only the grams it touches. A compound made of the other side's terms joined as
// Dutch joins them ("boek-en-ruil") is present; one whose head is there ("buitenfilm" next
// to "film") is half present. Title terms weigh twice description terms; names (words only
// written with a capital inside a sentence: places, organisations) weigh a quarter, form
// words ("les", "cafe") half. A side's coverage is the weighted share of its terms present
// on the other side. The similarity is the mean of the two sides' coverage of all terms,
// averaged with the mean of their coverage of title terms alone. It is symmetric, in
// [0, 1], and 1.0 for identical texts.
//
// Thread safety: all functions may be called concurrently; a TextFingerprint is immutable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rotonde::projections {

// Similarity at or above this counts as "similar": a possible duplicate worth showing to the
// organizers of both initiatives. Chosen on tests/projections/similar_initiatives.tsv, where
// precision and recall both stay at or above 0.90 for thresholds from 0.45 to 0.48; the low
// end is taken because a missed duplicate costs more than a flag a coordinator dismisses.
inline constexpr double kSimilarThreshold = 0.45;

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

 private:
  friend class FingerprintComparison;

  struct Term {
    std::string canonical;
    std::string display;  // the normalised word as written, for explanations
    float weight = 0;
    uint16_t gram_count = 0;
    bool in_title = false;
  };
  struct Gram {
    uint32_t packed;  // four bytes of the padded term
    uint16_t term;    // index into terms_
  };

  std::vector<Term> terms_;
  std::vector<Gram> grams_;  // sorted by (packed, term); each (packed, term) once
  uint64_t text_hash_ = 0;   // of the normalised title and description, for term-less texts
  bool has_text_ = false;
};

// In [0, 1]; Similarity(a, b) == Similarity(b, a); 1.0 when both were built from the same
// title and description (or from texts with the same terms). Texts without any content
// term (empty, or only stop words) are similar only to the same normalised text. Cost:
// one merge of the two sorted 4-gram lists plus a substring check for partly present
// compounds: well under a microsecond for a title with a short description, a few
// microseconds at the term caps.
double Similarity(const TextFingerprint& a, const TextFingerprint& b);

// The words two texts have in common, for explaining a clash in the UI ("kleding",
// "weggeefactie"): words of either side (almost) wholly present on the other side, as
// written (normalised, not stemmed); a word is left out when a shorter listed word is part
// of it.
// Sorted, without duplicates.
std::vector<std::string> SharedTerms(const TextFingerprint& a, const TextFingerprint& b);

}  // namespace rotonde::projections
