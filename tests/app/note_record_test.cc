// How a signed note is kept on disk (server/app/note_record.h), and read back when damaged.
#include <gtest/gtest.h>

#include "note_record.h"

namespace rotonde::app {
namespace {

TEST(NoteRecord, KeysSortByPlatformThenSizeAndReadBack) {
  EXPECT_LT(NoteKey("kolenkit", 9), NoteKey("kolenkit", 10));
  EXPECT_LT(NoteKey("kolenkit", UINT64_MAX), NoteKey("kolenkit2", 0));
  EXPECT_EQ(NoteKeySize(NoteKey("kolenkit", 282), "kolenkit"), 282u);
  EXPECT_EQ(NoteKeySize(NoteKey("kolenkit", UINT64_MAX), "kolenkit"), UINT64_MAX);
  EXPECT_FALSE(NoteKeySize(NoteKey("kolenkit", 282), "kolenkit2"));
  EXPECT_FALSE(NoteKeySize(NoteKey("kolenkit", 282).substr(0, 12), "kolenkit"));
  EXPECT_FALSE(NoteKeySize(NoteKey("kolenkit", 282) + "x", "kolenkit"));
}

TEST(NoteRecord, ValuesSplitIntoHashAndNote) {
  const std::string hash(32, 'h');
  auto stored = ParseNoteValue(NoteValue(hash, "origin\n1\nX\n"));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->hash, hash);
  EXPECT_EQ(stored->note, "origin\n1\nX\n");
  EXPECT_EQ(ParseNoteValue(hash).status().code(), "corruption");
  EXPECT_EQ(ParseNoteValue("").status().code(), "corruption");
}

}  // namespace
}  // namespace rotonde::app
