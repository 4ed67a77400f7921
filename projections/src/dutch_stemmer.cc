#include "dutch_stemmer.h"

#include <algorithm>
#include <string_view>

namespace rotonde::projections::internal {
namespace {

constexpr size_t kMinStem = 3;

bool IsVowel(char c) { return std::string_view("aeiouy").find(c) != std::string_view::npos; }
bool IsConsonant(char c) { return c >= 'a' && c <= 'z' && !IsVowel(c); }

// -je, -tje, -pje, -etje. Which one was added depends on how the word ends, so the stem is
// guessed from the letters before it: after a vowel "tje" (cadeautje), after l/n/r/w that
// follow a long vowel or diphthong "tje" (tuintje, stoeltje), after a short vowel + n/t "je"
// (krantje, lichtje), after m "pje" (kraampje), after a doubled consonant "etje" (balletje).
std::string StripDiminutive(const std::string& word) {
  const size_t n = word.size();
  std::string stem;
  if (word.ends_with("etje") && n >= 4 + kMinStem + 1 && word[n - 5] == word[n - 6] &&
      IsConsonant(word[n - 5])) {
    stem = word.substr(0, n - 5);  // "balletje" -> "bal"
  } else if (word.ends_with("pje") && n >= 3 + kMinStem && word[n - 4] == 'm') {
    stem = word.substr(0, n - 3);
  } else if (word.ends_with("tje") && n >= 3 + kMinStem) {
    const char before = word[n - 4];
    const bool long_vowel_before = n >= 6 && IsVowel(word[n - 5]) && IsVowel(word[n - 6]);
    const bool tje =
        IsVowel(before) ||
        (std::string_view("lnrw").find(before) != std::string_view::npos && long_vowel_before);
    stem = word.substr(0, n - (tje ? 3 : 2));
  } else {
    stem = word.substr(0, n - 2);
  }
  return stem.size() >= kMinStem ? stem : word;
}

// The stem left by taking off -en, spelled as Dutch spells it on its own.
std::string RestoreStemSpelling(std::string stem) {
  const size_t n = stem.size();
  if (n >= 2 && stem[n - 1] == stem[n - 2] && IsConsonant(stem[n - 1])) {
    stem.pop_back();  // spullen -> spul: a doubled consonant closes a short vowel
    return stem;
  }
  // An open syllable spells a long vowel single (bo-men); the closed stem doubles it (boom).
  // Not for an unstressed -el/-em/-en/-er ending of a longer word (wandelen -> wandel).
  const char last = stem[n - 1];
  const char vowel = stem[n - 2];
  const bool single_vowel = n >= 3 && IsConsonant(last) && last != 'w' && last != 'j' &&
                            std::string_view("aeou").find(vowel) != std::string_view::npos &&
                            IsConsonant(stem[n - 3]);
  const bool unstressed =
      vowel == 'e' && std::string_view("lmnr").find(last) != std::string_view::npos && n > 4;
  if (single_vowel && !unstressed) stem.insert(stem.begin() + static_cast<long>(n - 1), vowel);
  if (stem.back() == 'v') stem.back() = 'f';  // geven -> geef
  if (stem.back() == 'z') stem.back() = 's';  // huizen -> huis
  return stem;
}

// Plural -s after a consonant that does not end the word itself.
std::string StripPluralS(std::string word) {
  const size_t n = word.size();
  if (n < 4 || word.back() != 's') return word;
  const char before = word[n - 2];
  const bool plural_s = IsConsonant(before) && before != 's' && before != 't' && before != 'j' &&
                        (before != 'n' || (n >= 6 && (word[n - 3] == 'e' || word[n - 3] == 'o')));
  if (plural_s) word.pop_back();
  return word;
}

}  // namespace

std::string StemDutch(std::string word) {
  const size_t n = word.size();
  if (n < 4 ||
      std::any_of(word.begin(), word.end(), [](char c) { return !(c >= 'a' && c <= 'z'); })) {
    return word;
  }
  if (word.ends_with("jes") && n >= 6) return StripDiminutive(word.substr(0, n - 1));
  if (word.ends_with("je") && n >= 5) return StripDiminutive(word);

  if (word.ends_with("en") && n >= 2 + kMinStem) {
    std::string stem = word.substr(0, n - 2);
    if (IsVowel(stem.back())) {
      // braderieën, ideeën (folded): the stem ends in ie/ee; other vowels keep their -en.
      return stem.ends_with("ie") || stem.ends_with("ee") ? stem : word;
    }
    // Undoubling may leave two letters (allen -> al): too short to be a stem.
    std::string restored = RestoreStemSpelling(std::move(stem));
    return restored.size() >= kMinStem ? restored : word;
  }

  if (word.back() == 'e' && IsConsonant(word[n - 2]) && n >= 5) {
    // Inflected adjectives and -e nouns: grote -> groot, digitale -> digitaal,
    // nederlandse -> nederlands (then -> nederland, as "Nederlands").
    return StripPluralS(RestoreStemSpelling(word.substr(0, n - 1)));
  }
  return StripPluralS(std::move(word));
}

}  // namespace rotonde::projections::internal
