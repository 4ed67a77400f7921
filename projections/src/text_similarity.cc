#include "rotonde/projections/text_similarity.h"

#include <algorithm>
#include <array>
#include <bit>
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

// See FingerprintComparison::CompoundCredit.
constexpr size_t kMinPart = 4;
constexpr double kHeadCredit = 0.5;

// SharedTerms lists terms present at least this much: a short word that is part of a
// compound on the other side ("boek" in "boekenruil") misses its end-of-word 4-gram.
constexpr double kSharedCredit = 0.9;

// Longer "words" are not Dutch (pasted links, keyboard noise) and are cut to this length.
constexpr size_t kMaxTermBytes = 40;

struct WordTerm {
  std::string canonical;
  std::string display;
  // Written with a capital inside a sentence ("op het Bos en Lommerplein"): a name.
  bool written_as_name = false;
  bool written_lower = false;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool AllDigits(std::string_view w) { return std::all_of(w.begin(), w.end(), IsDigit); }
bool AllLetters(std::string_view w) { return std::none_of(w.begin(), w.end(), IsDigit); }

// The folded words of `utf8`, split where letters meet digits ("4x" -> "4", "x").
std::vector<internal::FoldedWord> SplitWords(std::string_view utf8) {
  std::vector<internal::FoldedWord> words;
  for (internal::FoldedWord& word : internal::FoldWords(utf8)) {
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

// Appends the canonical terms of one folded word (none when it carries no content; two
// when a format head is split off a compound) to `out`.
void AppendCanonicalTerms(const std::string& word, bool keep_numbers,
                          std::vector<std::string>* out) {
  if (AllDigits(word)) {
    if (keep_numbers && word.size() >= 2) out->push_back(word);
    return;
  }
  if (word.size() < 2 || IsStopWord(word)) return;
  internal::SplitCompound split = SplitFormatHead(StripGenericModifier(ApplySynonyms(word)));
  for (std::string* part : {&split.content, &split.format}) {
    if (part->empty() || IsStopWord(*part)) continue;
    std::string term = StemDutch(std::move(*part));
    if (term.size() < 2 || IsStopWord(term)) continue;
    if (term.size() > kMaxTermBytes) term.resize(kMaxTermBytes);
    out->push_back(std::move(term));
  }
}

std::vector<WordTerm> WordTerms(std::string_view utf8, bool keep_numbers) {
  const std::vector<internal::FoldedWord> words = SplitWords(utf8);
  std::vector<WordTerm> terms;
  for (size_t i = 0; i < words.size(); ++i) {
    const internal::FoldedWord& first = words[i];
    std::string word = first.text;
    // A compound written apart ("bewoners avond") is read as the compound.
    if (i + 1 < words.size() && AllLetters(word) && AllLetters(words[i + 1].text) &&
        IsKnownCompound(word + words[i + 1].text)) {
      word += words[++i].text;
    }
    std::vector<std::string> canonical;
    AppendCanonicalTerms(word, keep_numbers, &canonical);
    for (std::string& term : canonical) {
      terms.push_back(
          {std::move(term), word, first.capitalized && !first.sentence_start, !first.capitalized});
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

double GramCredit(uint32_t hits, uint32_t grams) {
  const double coverage = static_cast<double>(hits) / grams;
  if (coverage >= kFullCoverage) return 1.0;
  if (coverage <= kNoCoverage) return 0.0;
  return (coverage - kNoCoverage) / (kFullCoverage - kNoCoverage);
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
    for (WordTerm& w : words) {
      auto it = index.find(w.canonical);
      if (it == index.end()) {
        if (fp.terms_.size() >= cap) continue;
        it = index.emplace(w.canonical, fp.terms_.size()).first;
        fp.terms_.push_back({std::move(w.canonical), std::move(w.display), 0, 0, in_title});
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

  for (size_t t = 0; t < fp.terms_.size(); ++t) {
    Term& term = fp.terms_[t];
    if (as_name[t] && !lower[t]) term.weight *= kNameWeight;
    if (IsFormatWord(term.canonical)) term.weight *= kFormatWeight;
    const std::string padded = "#" + term.canonical + "#";
    const size_t first = fp.grams_.size();
    for (size_t k = 0; k + 4 <= padded.size(); ++k) {
      uint32_t packed;
      std::memcpy(&packed, padded.data() + k, sizeof packed);
      fp.grams_.push_back({packed, static_cast<uint16_t>(t)});
    }
    std::sort(fp.grams_.begin() + static_cast<long>(first), fp.grams_.end(),
              [](const Gram& a, const Gram& b) { return a.packed < b.packed; });
    fp.grams_.erase(std::unique(fp.grams_.begin() + static_cast<long>(first), fp.grams_.end(),
                                [](const Gram& a, const Gram& b) { return a.packed == b.packed; }),
                    fp.grams_.end());
    term.gram_count = static_cast<uint16_t>(fp.grams_.size() - first);
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

// One comparison of two fingerprints: which terms of each side are present on the other.
class FingerprintComparison {
 public:
  FingerprintComparison(const TextFingerprint& a, const TextFingerprint& b) : a_(a), b_(b) {
    Hits hits_a{};
    Hits hits_b{};
    Links links_a{};
    Links links_b{};
    CountHits(a.grams_, b.grams_, &hits_a, &hits_b, &links_a, &links_b);
    for (size_t t = 0; t < a.terms_.size(); ++t) {
      credit_a_[t] = Credit(a.terms_[t], hits_a[t], b, links_a[t]);
    }
    for (size_t t = 0; t < b.terms_.size(); ++t) {
      credit_b_[t] = Credit(b.terms_[t], hits_b[t], a, links_b[t]);
    }
  }

  // Fingerprints without terms: equal when built from the same normalised text.
  static bool SameText(const TextFingerprint& a, const TextFingerprint& b) {
    return a.has_text_ && b.has_text_ && a.text_hash_ == b.text_hash_;
  }

  double Similarity() const {
    const double all_terms = 0.5 * (Coverage(a_, credit_a_, /*title_only=*/false) +
                                    Coverage(b_, credit_b_, /*title_only=*/false));
    const double title_a = Coverage(a_, credit_a_, /*title_only=*/true);
    const double title_b = Coverage(b_, credit_b_, /*title_only=*/true);
    if (title_a < 0 || title_b < 0) return std::clamp(all_terms, 0.0, 1.0);  // no title
    const double titles = 0.5 * (title_a + title_b);
    return std::clamp((1 - kTitleOnlyShare) * all_terms + kTitleOnlyShare * titles, 0.0, 1.0);
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
  // Bit u of links[t]: term t shares a 4-gram with term u of the other side.
  using Links = std::array<uint64_t, TextFingerprint::kMaxTerms>;
  static_assert(TextFingerprint::kMaxTerms <= 64);

  // For every term of a and of b, how many of its 4-grams occur anywhere on the other side,
  // and which terms there share one: one merge of the two sorted gram lists.
  static void CountHits(const std::vector<TextFingerprint::Gram>& a,
                        const std::vector<TextFingerprint::Gram>& b, Hits* hits_a, Hits* hits_b,
                        Links* links_a, Links* links_b) {
    size_t i = 0;
    size_t j = 0;
    while (i < a.size() && j < b.size()) {
      if (a[i].packed < b[j].packed) {
        ++i;
      } else if (b[j].packed < a[i].packed) {
        ++j;
      } else {
        const uint32_t packed = a[i].packed;
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
    const double by_grams = GramCredit(hits, term.gram_count);
    if (by_grams >= 1.0 || linked == 0) return by_grams;
    return std::max(by_grams, CompoundCredit(term.canonical, other, linked));
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
    if (n < 2 * kMinPart) return 0.0;
    std::array<bool, kMaxTermBytes> covered{};
    bool head = false;
    for (; linked != 0; linked &= linked - 1) {
      const std::string& part =
          other.terms_[static_cast<size_t>(std::countr_zero(linked))].canonical;
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
  static double Coverage(const TextFingerprint& fp, const Credits& credits, bool title_only) {
    double present = 0;
    double total = 0;
    for (size_t t = 0; t < fp.terms_.size(); ++t) {
      if (title_only && !fp.terms_[t].in_title) continue;
      present += fp.terms_[t].weight * credits[t];
      total += fp.terms_[t].weight;
    }
    return total > 0 ? present / total : -1.0;
  }

  const TextFingerprint& a_;
  const TextFingerprint& b_;
  Credits credit_a_{};
  Credits credit_b_{};
};

double Similarity(const TextFingerprint& a, const TextFingerprint& b) {
  if (a.empty() || b.empty()) return FingerprintComparison::SameText(a, b) ? 1.0 : 0.0;
  return FingerprintComparison(a, b).Similarity();
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
