#include "trigram_baseline.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <vector>

#include "rotonde/base/utf8.h"

namespace rotonde::projections::baseline {
namespace {

using Trigram = std::array<char32_t, 3>;

// PostgreSQL refuses text that is not UTF-8; here such bytes separate words.
std::vector<char32_t> DecodeUtf8(std::string_view text) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < text.size();) {
    const utf8::Sequence sequence = utf8::Decode(text, i);
    out.push_back(sequence.valid() ? sequence.code_point : U' ');
    i += sequence.length;
  }
  return out;
}

char32_t ToLower(char32_t cp) {
  if (cp >= U'A' && cp <= U'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  if (cp == 0x130) return U'i';
  if (cp == 0x178) return 0xFF;
  const bool even_upper = (cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177);
  const bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
  if ((even_upper && cp % 2 == 0) || (odd_upper && cp % 2 == 1)) return cp + 1;
  return cp;
}

bool IsAlnum(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z') || (cp >= U'0' && cp <= U'9');
  }
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation and symbols
  if (cp >= 0x3000 && cp <= 0x303F) return false;
  if (cp >= 0x1F000) return false;  // emoji
  return true;
}

std::vector<Trigram> Trigrams(std::string_view text) {
  std::vector<Trigram> out;
  std::vector<char32_t> padded;
  const auto flush = [&] {
    if (padded.size() > 2) {
      padded.push_back(U' ');
      for (size_t k = 0; k + 3 <= padded.size(); ++k) {
        out.push_back({padded[k], padded[k + 1], padded[k + 2]});
      }
    }
    padded = {U' ', U' '};
  };
  padded = {U' ', U' '};
  for (char32_t cp : DecodeUtf8(text)) {
    if (IsAlnum(cp)) {
      padded.push_back(ToLower(cp));
    } else {
      flush();
    }
  }
  flush();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

double PgTrgmSimilarity(std::string_view a, std::string_view b) {
  const std::vector<Trigram> ta = Trigrams(a);
  const std::vector<Trigram> tb = Trigrams(b);
  if (ta.empty() || tb.empty()) return 0.0;
  std::vector<Trigram> common;
  std::set_intersection(ta.begin(), ta.end(), tb.begin(), tb.end(), std::back_inserter(common));
  const double shared = static_cast<double>(common.size());
  return shared / (static_cast<double>(ta.size() + tb.size()) - shared);
}

bool DecidimSimilar(std::string_view title_a, std::string_view body_a, std::string_view title_b,
                    std::string_view body_b) {
  return std::max(PgTrgmSimilarity(title_a, title_b), PgTrgmSimilarity(body_a, body_b)) >=
         kDecidimSimilarityThreshold;
}

}  // namespace rotonde::projections::baseline
