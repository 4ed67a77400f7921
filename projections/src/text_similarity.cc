#include "rotonde/projections/text_similarity.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "dutch_lexicon.h"
#include "dutch_stemmer.h"
#include "utf8_fold.h"

namespace rotonde::projections {
namespace {

using internal::ApplySynonyms;
using internal::FoldUtf8;
using internal::IsFormatWord;
using internal::IsKnownCompound;
using internal::IsStopWord;
using internal::SplitFormatHead;
using internal::StemDutch;
using internal::StripGenericModifier;

// A title names the plan; a description adds details that two write-ups of one plan often
// do not share. So a title term counts twice a description term, and the similarity is the
// mean of the coverage of all terms and the coverage of the title terms alone.
constexpr float kTitleWeight = 2.0f;
constexpr double kTitleOnlyShare = 0.5;

// A term whose 4-grams are found on the other side at least this much is present there
// (a compound part, a typo, a changed ending still reach it); at most kNoCoverage it is
// absent (a few shared grams such as "ing#" say nothing); in between it counts in part.
constexpr double kFullCoverage = 0.7;
constexpr double kNoCoverage = 0.3;

// Names of places, organisations and people: unrelated initiatives in one neighbourhood
// share them ("Kolenkit", "Bos en Lommer"), and the clash projection compares places
// itself. A term only ever written with a capital inside a sentence counts this much.
constexpr float kNameWeight = 0.25f;

// A form of activity ("les", "cafe") says how, not what: it counts this much.
constexpr float kFormatWeight = 0.5f;

// For whom, where and on what kind of day (kinderen, buurthuis, opening): shared by plans
// that have nothing else in common, so they count this much.
constexpr float kQualifierWeight = 0.2f;

// Two titles that each name an activity, none of which the other side has, describe
// different plans however much else they share (filmavond voor kinderen, spelletjesavond
// voor kinderen): their similarity is scaled by this. So are two titles for different
// audiences (seniorenbingo, kinderbingo), on different feasts (halloween, pasen), or a
// pair whose differing terms the platform has learned keep plans apart.
constexpr double kApartFactor = 0.5;

// A term at least this present on the other side is shared, for the rules above.
constexpr double kSharedPresence = 0.5;

// A platform's initiatives: a term in more than this share of them starts to weigh less,
// down to kMinPlatformWeight for a term in all; not before the platform has
// kMinDocuments initiatives (a few texts say nothing about a platform's vocabulary).
constexpr double kCommonOnPlatform = 0.1;
constexpr double kMinPlatformWeight = 0.2;
constexpr uint32_t kMinDocuments = 20;

// See FingerprintComparison::CompoundCredit.
constexpr size_t kMinPart = 4;
constexpr double kHeadCredit = 0.5;

// SharedTerms lists terms present at least this much: a short word that is part of a
// compound on the other side ("boek" in "boekenruil") misses its end-of-word 4-gram.
constexpr double kSharedCredit = 0.9;

// Longer "words" are not Dutch (pasted links, keyboard noise) and are cut to this length.
constexpr size_t kMaxTermBytes = 40;

using Role = TextFingerprint::Role;

struct WordTerm {
  std::string canonical;
  std::string display;
  Role role = Role::kActivity;
  bool is_concept = false;
  bool modifier = false;  // a concept named by a compound's modifier (the "kinder" of kinderyoga)
  std::string word;       // see TextFingerprint::Term::word
  // Written with a capital inside a sentence ("op het Bos en Lommerplein"): a name.
  bool written_as_name = false;
  bool written_lower = false;
};

Role RoleOf(internal::TermClass term_class) {
  switch (term_class) {
    case internal::TermClass::kForm:
      return Role::kForm;
    case internal::TermClass::kFeast:
      return Role::kFeast;
    case internal::TermClass::kAudience:
      return Role::kAudience;
    case internal::TermClass::kPlace:
      return Role::kPlace;
    case internal::TermClass::kOccasion:
      return Role::kOccasion;
    default:
      return Role::kActivity;
  }
}

WordTerm ConceptTerm(const internal::Concept& found_concept, std::string word) {
  WordTerm term;
  term.word = std::move(word);
  term.canonical = std::string(found_concept.name);
  term.role = RoleOf(found_concept.term_class);
  term.is_concept = true;
  return term;
}

// The concept a compound's modifier names ("kinder" in "kinderyoga"), also with a linking
// -s- or a plural ending ("senioren").
const internal::Concept* ModifierConcept(const std::string& modifier) {
  if (const auto* c = internal::FindConcept(modifier)) return c;
  if (modifier.size() > 3 && modifier.back() == 's') {
    if (const auto* c =
            internal::FindConcept(std::string_view(modifier).substr(0, modifier.size() - 1))) {
      return c;
    }
  }
  return internal::FindConcept(StemDutch(modifier));
}

// Street and place names end in what they are ("Hoofdweg", "Kolenkitplein"): a word that
// does, with a name in front, is a place, however it is written.
constexpr std::string_view kPlaceSuffixes[] = {"straat", "weg",    "laan",  "dijk", "kade",
                                               "singel", "gracht", "plein", "hof",  "dreef",
                                               "steeg",  "park",   "buurt", "wijk", "polder"};

bool IsPlaceName(std::string_view term) {
  return std::any_of(std::begin(kPlaceSuffixes), std::end(kPlaceSuffixes), [&](std::string_view s) {
    return term.size() >= s.size() + 3 && term.ends_with(s);
  });
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool AllDigits(std::string_view w) { return std::all_of(w.begin(), w.end(), IsDigit); }
bool AllLetters(std::string_view w) { return std::none_of(w.begin(), w.end(), IsDigit); }

// The folded words of `utf8`, split where letters meet digits ("4x" -> "4", "x").
std::vector<internal::FoldedWord> SplitWords(std::string_view utf8) {
  std::vector<internal::FoldedWord> folded = internal::FoldWords(utf8);
  std::vector<internal::FoldedWord> words;
  words.reserve(folded.size());
  for (internal::FoldedWord& word : folded) {
    if (!word.text.empty() && (AllDigits(word.text) || AllLetters(word.text))) {  // one part
      words.push_back(std::move(word));
      continue;
    }
    size_t start = 0;
    for (size_t k = 1; k <= word.text.size(); ++k) {
      if (k == word.text.size() || IsDigit(word.text[k]) != IsDigit(word.text[k - 1])) {
        internal::FoldedWord part = word;
        part.text = word.text.substr(start, k - start);
        if (start > 0) part.capitalized = part.sentence_start = false;
        words.push_back(std::move(part));
        start = k;
      }
    }
  }
  return words;
}

// Appends the terms of one folded word (none when it carries no content; more when a
// form head is split off or a compound's head and modifier name concepts) to `out`. A word
// the lexicon lists, as written or in canonical form, is its concept; a compound it does not
// list is read by its head ("buitenbioscoop" -> film) and, when the lexicon knows it, its
// modifier ("kinderyoga" -> yoga, kind).
void AppendCanonicalTerms(const std::string& word, bool keep_numbers, std::vector<WordTerm>* out) {
  if (AllDigits(word)) {
    if (keep_numbers && word.size() >= 2)
      out->push_back({word, "", Role::kActivity, false, false, "", false, false});
    return;
  }
  if (word.size() < 2 || IsStopWord(word)) return;
  if (const internal::Concept* found_concept = internal::FindConcept(word)) {
    out->push_back(ConceptTerm(*found_concept, StemDutch(word)));
    return;
  }
  internal::SplitCompound split = SplitFormatHead(StripGenericModifier(ApplySynonyms(word)));
  if (!split.content.empty() && !IsStopWord(split.content)) {
    std::string term = StemDutch(std::move(split.content));
    std::string modifier;
    if (term.size() < 2 || IsStopWord(term)) {
      // nothing
    } else if (const internal::Concept* found_concept = internal::FindConcept(term)) {
      out->push_back(ConceptTerm(*found_concept, term));
    } else if (const internal::Concept* head = internal::FindHeadConcept(term, &modifier)) {
      out->push_back(ConceptTerm(*head, term));
      if (const internal::Concept* m = ModifierConcept(modifier); m != nullptr && m != head) {
        out->push_back(ConceptTerm(*m, modifier));
        // Under a form head the modifier is what is done: a klaverjastoernooi is klaverjassen
        // in the form of a tournament, a bibliotheekpetitie is about the library.
        out->back().modifier = head->term_class != internal::TermClass::kForm;
      }
    } else {
      if (term.size() > kMaxTermBytes) term.resize(kMaxTermBytes);
      const Role role = IsPlaceName(term) ? Role::kPlace : Role::kActivity;
      out->push_back({std::move(term), "", role, false, false, "", false, false});
    }
  }
  if (!split.format.empty()) {
    out->push_back(
        {StemDutch(std::move(split.format)), "", Role::kForm, false, false, "", false, false});
  }
}

std::vector<WordTerm> WordTerms(std::string_view utf8, bool keep_numbers) {
  const std::vector<internal::FoldedWord> words = SplitWords(utf8);
  std::vector<std::string_view> texts;
  texts.reserve(words.size());
  for (const internal::FoldedWord& w : words) texts.push_back(w.text);
  std::vector<WordTerm> terms;
  terms.reserve(words.size());
  std::vector<WordTerm> found;  // the terms of one word (or phrase), reused
  for (size_t i = 0; i < words.size(); ++i) {
    const internal::FoldedWord& first = words[i];
    found.clear();
    std::string word = first.text;
    // A phrase of the lexicon ("samen eten") is its concept, whatever its words are.
    const internal::Concept* phrase = nullptr;
    if (const size_t n = internal::MatchPhrase(texts, i, &phrase); n > 0) {
      for (size_t k = 1; k < n; ++k) (word += ' ') += words[i + k].text;
      i += n - 1;
      found.push_back(ConceptTerm(*phrase, ""));
    } else {
      // A compound written apart ("bewoners avond") is read as the compound.
      if (i + 1 < words.size() && AllLetters(word) && AllLetters(words[i + 1].text) &&
          IsKnownCompound(word + words[i + 1].text)) {
        word += words[++i].text;
      }
      AppendCanonicalTerms(word, keep_numbers, &found);
    }
    for (WordTerm& term : found) {
      term.display = word;
      term.written_as_name = first.capitalized && !first.sentence_start;
      term.written_lower = !first.capitalized;
      terms.push_back(std::move(term));
    }
  }
  return terms;
}

uint64_t Fnv1a(std::string_view bytes, uint64_t hash = 14695981039346656037ull) {
  for (char c : bytes) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

// The top byte of a concept's gram; no 4-gram of folded text has it.
constexpr uint32_t kConceptGram = 0xFF000000u;

// The text whose 4-grams stand for a term: a concept's word, any other term's canonical form.
const std::string& GramText(const TextFingerprint::Term& term) {
  return term.is_concept ? term.word : term.canonical;
}

double GramCredit(uint32_t hits, uint32_t grams) {
  if (grams == 0) return 0.0;
  const double coverage = static_cast<double>(hits) / grams;
  if (coverage >= kFullCoverage) return 1.0;
  if (coverage <= kNoCoverage) return 0.0;
  return (coverage - kNoCoverage) / (kFullCoverage - kNoCoverage);
}

// How much a term counts, by what it says about the plan (its title or description
// weight aside).
float RoleWeight(const TextFingerprint::Term& term) {
  switch (term.role) {
    case Role::kAudience:
    case Role::kPlace:
    case Role::kOccasion:
      return kQualifierWeight;
    case Role::kForm:
      return kFormatWeight;
    case Role::kName:
      return kNameWeight;
    case Role::kFeast:
      return 1.0f;
    case Role::kActivity:
      // A concept of the lexicon is an activity; another word says as much as it is rare.
      return term.is_concept ? 1.0f : internal::Informativeness(term.canonical);
  }
  return 1.0f;
}

}  // namespace

std::string NormalizeText(std::string_view utf8) { return FoldUtf8(utf8); }

std::vector<std::string> ContentTerms(std::string_view utf8) {
  std::vector<std::string> out;
  for (WordTerm& t : WordTerms(utf8, /*keep_numbers=*/true)) {
    if (std::find(out.begin(), out.end(), t.canonical) == out.end()) {
      out.push_back(std::move(t.canonical));
    }
  }
  return out;
}

uint64_t TermHash(std::string_view term) { return Fnv1a(term); }

TextFingerprint TextFingerprint::Build(std::string_view title, std::string_view description) {
  TextFingerprint fp;
  const std::string normalized_title = NormalizeText(title);
  const std::string normalized_description = NormalizeText(description);
  fp.has_text_ = !normalized_title.empty() || !normalized_description.empty();
  fp.text_hash_ = Fnv1a(normalized_description, Fnv1a("\n", Fnv1a(normalized_title)));

  std::unordered_map<std::string, size_t> index;
  std::vector<bool> as_name;
  std::vector<bool> lower;
  const auto add = [&](std::vector<WordTerm> words, bool in_title, size_t cap) {
    const float weight = in_title ? kTitleWeight : 1.0f;
    fp.terms_.reserve(std::min(cap, fp.terms_.size() + words.size()));
    for (WordTerm& w : words) {
      auto it = index.find(w.canonical);
      if (it == index.end()) {
        if (fp.terms_.size() >= cap) continue;
        it = index.emplace(w.canonical, fp.terms_.size()).first;
        Term term;
        term.canonical = std::move(w.canonical);
        term.display = std::move(w.display);
        term.in_title = in_title;
        term.is_concept = w.is_concept;
        term.role = w.role;
        term.carrier = w.role == Role::kActivity && !w.modifier;
        term.word = std::move(w.word);
        fp.terms_.push_back(std::move(term));
        as_name.push_back(false);
        lower.push_back(false);
      }
      const size_t t = it->second;
      fp.terms_[t].weight = std::max(fp.terms_[t].weight, weight);
      as_name[t] = as_name[t] || w.written_as_name;
      lower[t] = lower[t] || w.written_lower;
    }
  };
  // Numbers in a title name things (metro 53); in a description they are mostly dates,
  // times, ages and prices, which say nothing about the plan.
  add(WordTerms(title, /*keep_numbers=*/true), /*in_title=*/true, kMaxTitleTerms);
  add(WordTerms(description, /*keep_numbers=*/false), /*in_title=*/false, kMaxTerms);

  size_t grams = 0;  // at most: a concept's own gram, and one per byte of the text
  for (const Term& term : fp.terms_) grams += 1 + GramText(term).size();
  fp.grams_.reserve(grams);
  for (size_t t = 0; t < fp.terms_.size(); ++t) {
    Term& term = fp.terms_[t];
    term.hash = TermHash(term.canonical);
    if (term.role == Role::kActivity && !term.is_concept && as_name[t] && !lower[t]) {
      term.role = Role::kName;
      term.carrier = false;
    }
    term.weight *= RoleWeight(term);
    const size_t first = fp.grams_.size();
    if (term.is_concept) {
      // One gram no text has (byte 0xFF is never part of UTF-8): a concept meets itself,
      // however either side words it. Its word's grams come on top (see Credit).
      fp.grams_.push_back(
          {kConceptGram | static_cast<uint32_t>(term.hash & 0xFFFFFF), static_cast<uint16_t>(t)});
    }
    const std::string& text = GramText(term);
    if (!text.empty()) {
      const std::string padded = "#" + text + "#";
      for (size_t k = 0; k + 4 <= padded.size(); ++k) {
        uint32_t packed;
        std::memcpy(&packed, padded.data() + k, sizeof packed);
        fp.grams_.push_back({packed, static_cast<uint16_t>(t)});
      }
    }
    std::sort(fp.grams_.begin() + static_cast<long>(first), fp.grams_.end(),
              [](const Gram& a, const Gram& b) { return a.packed < b.packed; });
    fp.grams_.erase(std::unique(fp.grams_.begin() + static_cast<long>(first), fp.grams_.end(),
                                [](const Gram& a, const Gram& b) { return a.packed == b.packed; }),
                    fp.grams_.end());
    term.gram_count = static_cast<uint16_t>(fp.grams_.size() - first - (term.is_concept ? 1 : 0));
  }
  std::sort(fp.grams_.begin(), fp.grams_.end(), [](const Gram& a, const Gram& b) {
    return a.packed != b.packed ? a.packed < b.packed : a.term < b.term;
  });
  return fp;
}

std::vector<std::string> TextFingerprint::terms() const {
  std::vector<std::string> out;
  out.reserve(terms_.size());
  for (const Term& t : terms_) out.push_back(t.canonical);
  return out;
}

std::vector<uint64_t> TextFingerprint::term_hashes() const {
  std::vector<uint64_t> out;
  out.reserve(terms_.size());
  for (const Term& t : terms_) out.push_back(t.hash);
  return out;
}

// One comparison of two fingerprints: which terms of each side are present on the other.
class FingerprintComparison {
 public:
  FingerprintComparison(const TextFingerprint& a, const TextFingerprint& b,
                        const SimilarityContext& context = {})
      : a_(a), b_(b), context_(context) {
    Hits hits_a{};
    Hits hits_b{};
    Links links_a{};
    Links links_b{};
    CountHits(a.grams_, b.grams_, &hits_a, &hits_b, &links_a, &links_b, &concepts_a_, &concepts_b_);
    for (size_t t = 0; t < a.terms_.size(); ++t) {
      credit_a_[t] = (concepts_a_ >> t & 1) ? 1.0 : Credit(a.terms_[t], hits_a[t], b, links_a[t]);
    }
    for (size_t t = 0; t < b.terms_.size(); ++t) {
      credit_b_[t] = (concepts_b_ >> t & 1) ? 1.0 : Credit(b.terms_[t], hits_b[t], a, links_b[t]);
    }
    if (context.learned != nullptr && !context.learned->same.empty()) {
      LearnedSame(a, b, *context.learned, &credit_a_);
      LearnedSame(b, a, *context.learned, &credit_b_);
    }
    PlatformWeights(a, &weight_a_);
    PlatformWeights(b, &weight_b_);
  }

  // Fingerprints without terms: equal when built from the same normalised text.
  static bool SameText(const TextFingerprint& a, const TextFingerprint& b) {
    return a.has_text_ && b.has_text_ && a.text_hash_ == b.text_hash_;
  }

  double Similarity() const {
    const double all_terms = 0.5 * (Coverage(a_, credit_a_, weight_a_, /*title_only=*/false) +
                                    Coverage(b_, credit_b_, weight_b_, /*title_only=*/false));
    const double title_a = Coverage(a_, credit_a_, weight_a_, /*title_only=*/true);
    const double title_b = Coverage(b_, credit_b_, weight_b_, /*title_only=*/true);
    double similarity = all_terms;
    if (title_a >= 0 && title_b >= 0) {
      const double titles = 0.5 * (title_a + title_b);
      similarity = (1 - kTitleOnlyShare) * all_terms + kTitleOnlyShare * titles;
    }
    if (Apart()) similarity *= kApartFactor;
    return std::clamp(similarity, 0.0, 1.0);
  }

  // The title terms of each side the other lacks, names and numbers left out.
  std::pair<std::vector<std::string>, std::vector<std::string>> DistinctTitleTerms() const {
    return {Distinct(a_, credit_a_), Distinct(b_, credit_b_)};
  }

  // Display forms of the terms of either side that are (almost) wholly present on the other.
  std::vector<std::string> PresentTerms() const {
    std::vector<std::string> present;
    for (size_t t = 0; t < a_.terms_.size(); ++t) {
      if (credit_a_[t] >= kSharedCredit) present.push_back(a_.terms_[t].display);
    }
    for (size_t t = 0; t < b_.terms_.size(); ++t) {
      if (credit_b_[t] >= kSharedCredit) present.push_back(b_.terms_[t].display);
    }
    return present;
  }

 private:
  using Hits = std::array<uint16_t, TextFingerprint::kMaxTerms>;
  using Credits = std::array<double, TextFingerprint::kMaxTerms>;
  using Weights = std::array<double, TextFingerprint::kMaxTerms>;
  // Bit u of links[t]: term t shares a 4-gram with term u of the other side.
  using Links = std::array<uint64_t, TextFingerprint::kMaxTerms>;
  static_assert(TextFingerprint::kMaxTerms <= 64);

  // For every term of a and of b, how many of its 4-grams occur anywhere on the other side,
  // and which terms there share one: one merge of the two sorted gram lists. A concept's
  // gram sets the concept's bit instead (bit t of concepts_a: a's term t is a concept b has).
  static void CountHits(const std::vector<TextFingerprint::Gram>& a,
                        const std::vector<TextFingerprint::Gram>& b, Hits* hits_a, Hits* hits_b,
                        Links* links_a, Links* links_b, uint64_t* concepts_a,
                        uint64_t* concepts_b) {
    size_t i = 0;
    size_t j = 0;
    while (i < a.size() && j < b.size()) {
      if (a[i].packed < b[j].packed) {
        ++i;
      } else if (b[j].packed < a[i].packed) {
        ++j;
      } else {
        const uint32_t packed = a[i].packed;
        if ((packed & kConceptGram) == kConceptGram) {
          for (; i < a.size() && a[i].packed == packed; ++i)
            *concepts_a |= uint64_t{1} << a[i].term;
          for (; j < b.size() && b[j].packed == packed; ++j)
            *concepts_b |= uint64_t{1} << b[j].term;
          continue;
        }
        const size_t a_begin = i;
        const size_t b_begin = j;
        for (; i < a.size() && a[i].packed == packed; ++i) ++(*hits_a)[a[i].term];
        for (; j < b.size() && b[j].packed == packed; ++j) ++(*hits_b)[b[j].term];
        for (size_t x = a_begin; x < i; ++x) {
          for (size_t y = b_begin; y < j; ++y) {
            (*links_a)[a[x].term] |= uint64_t{1} << b[y].term;
            (*links_b)[b[y].term] |= uint64_t{1} << a[x].term;
          }
        }
      }
    }
  }

  // In [0, 1]: how far `term` is present on the `other` side.
  static double Credit(const TextFingerprint::Term& term, uint16_t hits,
                       const TextFingerprint& other, uint64_t linked) {
    if (term.is_concept) {
      // A concept the other side does not name is present there only when its word is
      // wholly there, as a word or as the parts of a compound ("boekenruil", "boeken ruilen"):
      // "muziek" is part of "muziekles", but a music lesson is not a concert.
      if (term.gram_count > 0 && hits == term.gram_count) return 1.0;
      return linked != 0 && CompoundCredit(GramText(term), other, linked) >= 1.0 ? 1.0 : 0.0;
    }
    const double by_grams = GramCredit(hits, term.gram_count);
    if (by_grams >= 1.0 || linked == 0) return by_grams;
    return std::max(by_grams, CompoundCredit(GramText(term), other, linked));
  }

  // How much of a compound the other side's terms make up, read as Dutch compounds are
  // built: parts of at least kMinPart letters, joined directly or by a linking -s-, -e- or
  // -en- ("boek" + "en" + "ruil"). The 4-grams miss this where the parts meet. A compound
  // made up wholly of the other side's terms is present there. One whose head is there (its
  // last part, which names what it is: "buitenfilm" is a film, "straatfeest" a feest)
  // counts kHeadCredit. A modifier alone counts no more than its 4-grams: a "kledingmarkt"
  // is not a kind of "kleding".
  // Only the other side's terms in `linked` can be parts: a part of at least kMinPart
  // letters shares its first four letters as a 4-gram with any word that contains it.
  static double CompoundCredit(const std::string& compound, const TextFingerprint& other,
                               uint64_t linked) {
    const size_t n = compound.size();
    std::array<bool, kMaxTermBytes> covered{};
    // A concept's word is not cut to kMaxTermBytes as other terms are: one longer is read by
    // its 4-grams alone.
    if (n < 2 * kMinPart || n > covered.size()) return 0.0;
    bool head = false;
    for (; linked != 0; linked &= linked - 1) {
      const std::string& part =
          GramText(other.terms_[static_cast<size_t>(std::countr_zero(linked))]);
      if (part.size() < kMinPart || part.size() >= n) continue;
      for (size_t at = compound.find(part); at != std::string::npos;
           at = compound.find(part, at + 1)) {
        std::fill_n(covered.begin() + static_cast<long>(at), part.size(), true);
        head = head || at + part.size() == n;
      }
    }
    // Every uncovered stretch must be a linking morpheme between two covered parts.
    for (size_t k = 0; k < n;) {
      if (covered[k]) {
        ++k;
        continue;
      }
      size_t end = k;
      while (end < n && !covered[end]) ++end;
      const std::string_view gap = std::string_view(compound).substr(k, end - k);
      const bool linking = k > 0 && end < n && (gap == "s" || gap == "e" || gap == "en");
      if (!linking) return head ? kHeadCredit : 0.0;
      k = end;
    }
    return 1.0;
  }

  // Weighted share of `fp`'s terms (or title terms) present on the other side; -1 when
  // there are no such terms.
  static double Coverage(const TextFingerprint& fp, const Credits& credits, const Weights& weights,
                         bool title_only) {
    double present = 0;
    double total = 0;
    for (size_t t = 0; t < fp.terms_.size(); ++t) {
      if (title_only && !fp.terms_[t].in_title) continue;
      present += weights[t] * credits[t];
      total += weights[t];
    }
    return total > 0 ? present / total : -1.0;
  }

  // The terms' weights, less for terms common among the platform's initiatives.
  void PlatformWeights(const TextFingerprint& fp, Weights* weights) const {
    const bool platform =
        context_.document_frequency != nullptr && context_.documents >= kMinDocuments;
    for (size_t t = 0; t < fp.terms_.size(); ++t) {
      double weight = fp.terms_[t].weight;
      if (platform) {
        auto it = context_.document_frequency->find(fp.terms_[t].hash);
        if (it != context_.document_frequency->end()) {
          const double share = static_cast<double>(it->second) / context_.documents;
          if (share > kCommonOnPlatform) {
            weight *= std::clamp(std::log(1 / share) / std::log(1 / kCommonOnPlatform),
                                 kMinPlatformWeight, 1.0);
          }
        }
      }
      (*weights)[t] = weight;
    }
  }

  // Whether the two texts are kept apart: their titles name different audiences, or
  // different feasts; or they share only audience, place and occasion words; or their
  // titles name activities and none of either text's activities is on the other side as an
  // activity; or the platform learned that terms only one side has keep plans apart.
  bool Apart() const {
    if (TitlesDisjoint(Role::kAudience) || TitlesDisjoint(Role::kFeast)) return true;
    if (!SharesMoreThanQualifiers(a_, credit_a_) && !SharesMoreThanQualifiers(b_, credit_b_)) {
      return true;  // for whom, where and when alone never make a duplicate
    }
    const bool forms_a = !HasTitleCarrier(a_);
    const bool forms_b = !HasTitleCarrier(b_);
    if ((!forms_a || HasTitleRole(a_, Role::kForm)) &&
        (!forms_b || HasTitleRole(b_, Role::kForm)) &&
        !AnyCarrierShared(a_, credit_a_, b_, forms_a) &&
        !AnyCarrierShared(b_, credit_b_, a_, forms_b)) {
      return true;
    }
    if (context_.learned != nullptr && !context_.learned->different.empty()) {
      const auto [only_a, only_b] = DistinctTitleTerms();
      for (const std::string& x : only_a) {
        for (const std::string& y : only_b) {
          if (context_.learned->Different(x, y)) return true;
        }
      }
    }
    return false;
  }

  static bool HasTitleRole(const TextFingerprint& fp, Role role) {
    return std::any_of(fp.terms_.begin(), fp.terms_.end(), [&](const TextFingerprint::Term& t) {
      return t.in_title && t.role == role;
    });
  }

  static bool SharesMoreThanQualifiers(const TextFingerprint& fp, const Credits& credits) {
    for (size_t t = 0; t < fp.terms_.size(); ++t) {
      const Role role = fp.terms_[t].role;
      if (role != Role::kAudience && role != Role::kPlace && role != Role::kOccasion &&
          credits[t] >= kSharedPresence) {
        return true;
      }
    }
    return false;
  }

  static bool HasTitleCarrier(const TextFingerprint& fp) {
    return std::any_of(fp.terms_.begin(), fp.terms_.end(),
                       [](const TextFingerprint::Term& t) { return t.in_title && t.carrier; });
  }

  // Whether one of `fp`'s carriers (or, with `forms`, its form words) is on the other side:
  // a concept as a carrier there too (a moestuinfeest is a feest, not a moestuin), any
  // other word by its credit.
  static bool AnyCarrierShared(const TextFingerprint& fp, const Credits& credits,
                               const TextFingerprint& other, bool forms) {
    for (size_t t = 0; t < fp.terms_.size(); ++t) {
      const TextFingerprint::Term& term = fp.terms_[t];
      if (forms ? term.role != Role::kForm : !term.carrier) continue;
      if (credits[t] < kSharedPresence) continue;
      if (!term.is_concept) return true;
      for (const TextFingerprint::Term& u : other.terms_) {
        if ((forms ? u.role == Role::kForm : u.carrier) && u.hash == term.hash) return true;
      }
      // Present by its word (the parts of a compound) or a learned pair, not as a concept.
      if (!std::any_of(other.terms_.begin(), other.terms_.end(),
                       [&](const TextFingerprint::Term& u) { return u.hash == term.hash; })) {
        return true;
      }
    }
    return false;
  }

  // Both titles name terms of `role` and share none of them.
  bool TitlesDisjoint(Role role) const {
    bool in_a = false;
    bool in_b = false;
    for (size_t t = 0; t < a_.terms_.size(); ++t) {
      if (!a_.terms_[t].in_title || a_.terms_[t].role != role) continue;
      if (credit_a_[t] >= kSharedPresence) return false;
      in_a = true;
    }
    for (size_t t = 0; t < b_.terms_.size(); ++t) {
      if (!b_.terms_[t].in_title || b_.terms_[t].role != role) continue;
      if (credit_b_[t] >= kSharedPresence) return false;
      in_b = true;
    }
    return in_a && in_b;
  }

  static std::vector<std::string> Distinct(const TextFingerprint& fp, const Credits& credits) {
    std::vector<std::string> out;
    for (size_t t = 0; t < fp.terms_.size() && out.size() < 4; ++t) {
      const TextFingerprint::Term& term = fp.terms_[t];
      if (!term.in_title || term.role == Role::kName || AllDigits(term.canonical)) continue;
      if (credits[t] < kSharedPresence) out.push_back(term.canonical);
    }
    return out;
  }

  // A term the platform learned names the same activity as a term of the other side is
  // present there.
  static void LearnedSame(const TextFingerprint& fp, const TextFingerprint& other,
                          const LearnedTerms& learned, Credits* credits) {
    for (size_t t = 0; t < fp.terms_.size(); ++t) {
      if ((*credits)[t] >= 1.0 || !learned.Knows(fp.terms_[t].hash)) continue;
      for (const TextFingerprint::Term& u : other.terms_) {
        if (learned.Knows(u.hash) && learned.Same(fp.terms_[t].canonical, u.canonical)) {
          (*credits)[t] = 1.0;
          break;
        }
      }
    }
  }

  const TextFingerprint& a_;
  const TextFingerprint& b_;
  const SimilarityContext& context_;
  Credits credit_a_{};
  Credits credit_b_{};
  Weights weight_a_{};
  Weights weight_b_{};
  uint64_t concepts_a_ = 0;
  uint64_t concepts_b_ = 0;
};

double Similarity(const TextFingerprint& a, const TextFingerprint& b) {
  return Similarity(a, b, SimilarityContext{});
}

double Similarity(const TextFingerprint& a, const TextFingerprint& b,
                  const SimilarityContext& context) {
  // The same text is the same plan, even one the rules below would keep apart (nothing but
  // an audience or a form: "Voor kinderen", "Inzameling").
  if (FingerprintComparison::SameText(a, b)) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  return FingerprintComparison(a, b, context).Similarity();
}

std::pair<std::vector<std::string>, std::vector<std::string>> DistinctTitleTerms(
    const TextFingerprint& a, const TextFingerprint& b) {
  return FingerprintComparison(a, b).DistinctTitleTerms();
}

namespace {
std::pair<std::string, std::string> Ordered(std::string_view a, std::string_view b) {
  return a < b ? std::pair(std::string(a), std::string(b))
               : std::pair(std::string(b), std::string(a));
}
}  // namespace

bool LearnedTerms::Same(std::string_view a, std::string_view b) const {
  return a != b && same.contains(Ordered(a, b));
}

bool LearnedTerms::Different(std::string_view a, std::string_view b) const {
  return a != b && different.contains(Ordered(a, b));
}

void LearnedTerms::Learn(const std::vector<std::string>& a, const std::vector<std::string>& b,
                         bool as_same) {
  for (const std::string& x : a) {
    for (const std::string& y : b) {
      if (x == y) continue;
      auto pair = Ordered(x, y);
      terms.insert(TermHash(x));
      terms.insert(TermHash(y));
      (as_same ? different : same).erase(pair);
      auto& into = as_same ? same : different;
      if (into.size() < kMaxPairs) into.insert(std::move(pair));
    }
  }
}

void LearnedTerms::Add(std::string first, std::string second, bool as_same) {
  terms.insert(TermHash(first));
  terms.insert(TermHash(second));
  (as_same ? same : different).emplace(std::move(first), std::move(second));
}

std::vector<std::string> SharedTerms(const TextFingerprint& a, const TextFingerprint& b) {
  std::vector<std::string> shared = FingerprintComparison(a, b).PresentTerms();
  std::sort(shared.begin(), shared.end());
  shared.erase(std::unique(shared.begin(), shared.end()), shared.end());
  // "kledingweggeefactie" says less than its parts "kleding" and "weggeefactie".
  std::vector<std::string> parts_first;
  for (const std::string& word : shared) {
    const bool has_listed_part =
        std::any_of(shared.begin(), shared.end(), [&](const std::string& other) {
          return other.size() < word.size() && word.find(other) != std::string::npos;
        });
    if (!has_listed_part) parts_first.push_back(word);
  }
  return parts_first;
}

}  // namespace rotonde::projections
