// The baseline our Dutch similarity is measured against: Decidim's "similar proposals".
//
// Decidim (decidim-proposals, app/queries/decidim/proposals/similar_proposals.rb) lists a
// published proposal as similar when
//   GREATEST(similarity(title, ?), similarity(body, ?)) >= Decidim::Proposals.similarity_threshold
// with PostgreSQL's pg_trgm similarity() and a default threshold of 0.25: title is compared
// with title and body with body, and either passing flags the pair. Dates, places and kinds
// play no part.
//
// pg_trgm, as reimplemented here: the text is lower-cased; words are maximal runs of
// alphanumeric characters (letters with diacritics included, as in a UTF-8 locale); each
// word is padded with two spaces in front and one behind; the trigrams of all padded words
// form a set; similarity = |A ∩ B| / |A ∪ B|, and 0 when either set is empty. Two
// simplifications that cannot change a result on Dutch text: trigrams are compared as code
// points (pg_trgm keeps multi-byte trigrams as a 3-byte CRC, whose collisions are
// negligible), and lower-casing covers ASCII, Latin-1 and Latin Extended-A.
#pragma once

#include <string_view>

namespace rotonde::projections::baseline {

inline constexpr double kDecidimSimilarityThreshold = 0.25;

// pg_trgm's similarity(a, b).
double PgTrgmSimilarity(std::string_view a, std::string_view b);

// Decidim's rule for two proposals.
bool DecidimSimilar(std::string_view title_a, std::string_view body_a, std::string_view title_b,
                    std::string_view body_b);

}  // namespace rotonde::projections::baseline
