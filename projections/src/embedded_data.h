// Data files of projections/data, embedded into the binary at build time by
// projections/embed_data.cmake (the generated embedded_data.cc is in the build directory).
// The files are the only source: edit them, not a copy.
#pragma once

#include <string_view>

namespace rotonde::projections::internal {

// projections/data/activity_lexicon.tsv: the activity lexicon (format in its header).
std::string_view ActivityLexiconTsv();

// projections/data/nl_word_frequency.txt: Dutch words by frequency, "word count" a line.
std::string_view DutchWordFrequency();

}  // namespace rotonde::projections::internal
