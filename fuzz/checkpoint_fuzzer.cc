// Checkpoints and signed notes read from disk: bytes a damaged or foreign data directory may
// hold where the server expects a checkpoint (CheckpointStore::Load: a PlatformSnapshot,
// projections/include/rotonde/projections/snapshot.h) or a signed note's record
// (server/app/note_record.h). Checks:
// - a snapshot Restore takes gives a model every view builds from, and the model's own
//   snapshot restores to a model with the same bytes (Take and Restore are inverses on what
//   Restore makes);
// - ParseNoteValue takes exactly the values longer than a hash, splitting them as NoteValue
//   joins them; NoteKeySize reads back NoteKey's size, and takes no key NoteKey would not
//   have made for its platform.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "note_record.h"
#include "rotonde/projections/dates.h"
#include "rotonde/projections/snapshot.h"
#include "rotonde/projections/views.h"

namespace {

namespace projections = rotonde::projections;

void CheckSnapshot(const uint8_t* data, size_t size) {
  rotonde::v1::PlatformSnapshot snapshot;
  if (!snapshot.ParseFromArray(data, static_cast<int>(size))) return;
  // Most inputs are not of the current format; try each also as if it were.
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1) {
      if (snapshot.format() == projections::kSnapshotFormat) break;
      snapshot.set_format(projections::kSnapshotFormat);
    }
    const auto model = projections::ModelSnapshots::Restore(snapshot);
    if (!model) {
      FUZZ_CHECK(snapshot.format() != projections::kSnapshotFormat);
      continue;
    }
    const std::string bytes = projections::ModelSnapshots::Bytes(*model);
    rotonde::v1::PlatformSnapshot again;
    FUZZ_CHECK(again.ParseFromString(bytes));
    const auto restored = projections::ModelSnapshots::Restore(again);
    FUZZ_CHECK(restored.has_value());
    FUZZ_CHECK(projections::ModelSnapshots::Bytes(*restored) == bytes);

    const int32_t today = projections::ParseIsoDate("2026-05-01").value_or(0);
    projections::BuildBoard(*model);
    projections::BuildCalendar(*model, today, today + 40);
    projections::BuildClashes(*model, today);
    projections::BuildTasks(*model, today);
    projections::BuildMeetings(*model);
    projections::BuildBudget(*model);
    projections::BuildAccountabilityReport(*model, "");
    projections::BuildAccountabilityReport(*model, "2026");
    projections::BuildMembers(*model);
    projections::BuildProposals(*model);
    projections::BuildFigures(*model);
  }
}

void CheckNoteRecords(std::string_view bytes) {
  const auto note = rotonde::app::ParseNoteValue(bytes);
  if (bytes.size() > rotonde::app::kNoteHashBytes) {
    FUZZ_CHECK(note.ok());
    FUZZ_CHECK(note->hash.size() == rotonde::app::kNoteHashBytes && !note->note.empty());
    FUZZ_CHECK(rotonde::app::NoteValue(note->hash, note->note) == bytes);
  } else {
    FUZZ_CHECK(!note.ok() && note.status().code() == "corruption");
  }
  // The input as a key of the platform named by its first bytes (up to a 0x00).
  const std::string_view platform = bytes.substr(0, bytes.find('\0'));
  const auto size = rotonde::app::NoteKeySize(bytes, platform);
  if (size) FUZZ_CHECK(rotonde::app::NoteKey(platform, *size) == bytes);
  // And a size from its last 8 bytes, through a key and back.
  uint64_t wanted = 0;
  for (const char c : bytes.substr(bytes.size() < 8 ? 0 : bytes.size() - 8)) {
    wanted = wanted << 8 | static_cast<unsigned char>(c);
  }
  const std::string key = rotonde::app::NoteKey(platform, wanted);
  FUZZ_CHECK(rotonde::app::NoteKeySize(key, platform) == wanted);
  FUZZ_CHECK(!rotonde::app::NoteKeySize(key, std::string(platform) + "x"));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // strings that are not UTF-8 fail to parse, quietly
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckSnapshot(data, size);
  CheckNoteRecords(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
