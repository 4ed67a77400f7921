// A light Dutch stemmer for folded words: plurals and diminutives only.
#pragma once

#include <string>

namespace rotonde::projections::internal {

// Takes off one inflection, so that singular, plural and diminutive meet:
//   diminutives -je, -tje, -pje, -etje and their plurals in -s (kraampjes -> kraam,
//     geveltuintjes -> geveltuin, lichtjes -> licht, balletjes -> bal);
//   plural (and infinitive) -en, restoring the spelling of the stem: a doubled consonant is
//     undoubled (spullen -> spul), a long vowel in an open syllable doubled again
//     (kramen -> kraam, bomen -> boom), v/z back to f/s (geven -> geef, huizen -> huis);
//     "-ën" after ie/ee (braderieën, folded to braderieen -> braderie);
//   inflectional -e after a consonant, with the same spelling rules (grote -> groot,
//     digitale -> digitaal, nederlandse -> nederlands -> nederland);
//   plural -s after a consonant (flyers -> flyer), but not after s, t or j, where it belongs
//     to the word (fiets, kans), nor after a vowel ("'s" plurals are left for the 4-grams).
// Words shorter than 4 letters and words with digits are returned unchanged; the result is
// never shorter than 3 letters. Irregular plurals (kinderen, dagen) are not handled here.
std::string StemDutch(std::string word);

}  // namespace rotonde::projections::internal
