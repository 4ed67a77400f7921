// Text folding, stemming, similarity and clash detection (projections: utf8_fold.h,
// dutch_stemmer.h, text_similarity.h, clash_detector.h) over any bytes, as titles and
// descriptions of initiatives. None may crash; and:
// - FoldWords gives non-empty UTF-8 words without spaces, FoldUtf8 joins them with single
//   spaces; NormalizeText has no leading, trailing or doubled spaces and is UTF-8;
// - StemDutch leaves a word unchanged or returns a-z letters, at least 3 and never more than
//   the word;
// - ContentTerms has no duplicates; Similarity is in [0, 1], symmetric, 1 for a text with
//   itself (when it has any text once normalised; an empty text is similar to nothing), with
//   and without a learned SimilarityContext; SharedTerms is sorted, unique and
//   symmetric; DistinctTitleTerms gives at most four terms a side, swapped when the sides are;
// - FindClashes over a platform of such initiatives never finds the subject itself, gives
//   scores and similarities in [0, 1], and SamePlace is symmetric.
#include <fuzzer/FuzzedDataProvider.h>
#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dutch_stemmer.h"
#include "fuzz_check.h"
#include "fuzz_model.h"
#include "rotonde/base/utf8.h"
#include "rotonde/projections/clash_detector.h"
#include "rotonde/projections/text_similarity.h"
#include "utf8_fold.h"

namespace {

namespace projections = rotonde::projections;
using projections::TextFingerprint;

// Returns NormalizeText(text).
std::string CheckFolding(std::string_view text) {
  const auto words = projections::internal::FoldWords(text);
  std::string joined;
  for (const auto& word : words) {
    FUZZ_CHECK(!word.text.empty());
    FUZZ_CHECK(word.text.find(' ') == std::string::npos);
    FUZZ_CHECK(rotonde::utf8::IsValid(word.text));
    if (!joined.empty()) joined.push_back(' ');
    joined += word.text;
    const std::string stem = projections::internal::StemDutch(word.text);
    if (stem != word.text) {
      FUZZ_CHECK(stem.size() >= 3 && stem.size() <= word.text.size());
      FUZZ_CHECK(
          std::all_of(stem.begin(), stem.end(), [](char c) { return c >= 'a' && c <= 'z'; }));
    }
  }
  FUZZ_CHECK(projections::internal::FoldUtf8(text) == joined);

  const std::string normal = projections::NormalizeText(text);
  FUZZ_CHECK(rotonde::utf8::IsValid(normal));
  FUZZ_CHECK(normal.empty() || (normal.front() != ' ' && normal.back() != ' '));
  FUZZ_CHECK(normal.find("  ") == std::string::npos);

  const auto terms = projections::ContentTerms(text);
  FUZZ_CHECK(std::set<std::string>(terms.begin(), terms.end()).size() == terms.size());
  return normal;
}

void CheckPair(const TextFingerprint& a, const TextFingerprint& b,
               const projections::SimilarityContext& context) {
  const double ab = projections::Similarity(a, b, context);
  const double ba = projections::Similarity(b, a, context);
  FUZZ_CHECK(ab >= 0.0 && ab <= 1.0);
  FUZZ_CHECK(ab == ba);
}

// `has_text`: whether title_a or description_a has any text once normalised.
void CheckSimilarity(const std::string& title_a, const std::string& description_a,
                     const std::string& title_b, const std::string& description_b, bool has_text) {
  const TextFingerprint a = TextFingerprint::Build(title_a, description_a);
  const TextFingerprint b = TextFingerprint::Build(title_b, description_b);
  const TextFingerprint a_again = TextFingerprint::Build(title_a, description_a);
  FUZZ_CHECK(projections::Similarity(a, a_again) == (has_text ? 1.0 : 0.0));
  CheckPair(a, b, {});

  const auto shared = projections::SharedTerms(a, b);
  FUZZ_CHECK(std::is_sorted(shared.begin(), shared.end()));
  FUZZ_CHECK(std::adjacent_find(shared.begin(), shared.end()) == shared.end());
  FUZZ_CHECK(projections::SharedTerms(b, a) == shared);

  const auto [only_a, only_b] = projections::DistinctTitleTerms(a, b);
  FUZZ_CHECK(only_a.size() <= 4 && only_b.size() <= 4);
  const auto [swapped_b, swapped_a] = projections::DistinctTitleTerms(b, a);
  FUZZ_CHECK(swapped_a == only_a && swapped_b == only_b);

  // What a platform learns from deciding about this pair, either way, and its term counts.
  for (const bool same : {true, false}) {
    projections::LearnedTerms learned;
    learned.Learn(only_a, only_b, same);
    std::unordered_map<uint64_t, uint32_t> frequency;
    for (const uint64_t hash : a.term_hashes()) frequency[hash] += 15;
    for (const uint64_t hash : b.term_hashes()) frequency[hash] += 10;
    const projections::SimilarityContext context{&learned, &frequency, 30};
    CheckPair(a, b, context);
    FUZZ_CHECK(projections::Similarity(a, a_again, context) == (has_text ? 1.0 : 0.0));
  }
}

void CheckClashes(FuzzedDataProvider& input) {
  rotonde::fuzz::ModelBuilder builder(input);
  builder.Found();
  builder.Initiatives(5);
  const auto& state = builder.model().state();
  for (const auto& [id, subject] : state.initiatives()) {
    for (const auto& finding : projections::FindClashes(state, subject)) {
      FUZZ_CHECK(finding.other_id != id);
      FUZZ_CHECK(finding.score >= 0.0 && finding.score <= 1.0);
      FUZZ_CHECK(finding.similarity >= 0.0 && finding.similarity <= 1.0);
    }
    for (const auto& [other_id, other] : state.initiatives()) {
      FUZZ_CHECK(projections::SamePlace(subject.place, other.place) ==
                 projections::SamePlace(other.place, subject.place));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const std::string title_a = input.ConsumeRandomLengthString(200);
  const std::string description_a = input.ConsumeRandomLengthString(1000);
  const std::string title_b = input.ConsumeRandomLengthString(200);
  const std::string description_b = input.ConsumeRandomLengthString(1000);
  const std::string normal_title_a = CheckFolding(title_a);
  const std::string normal_description_a = CheckFolding(description_a);
  const bool has_text = !normal_title_a.empty() || !normal_description_a.empty();
  CheckFolding(title_b);
  CheckFolding(description_b);
  CheckSimilarity(title_a, description_a, title_b, description_b, has_text);
  CheckClashes(input);
  return 0;
}
