// Checkpoints of a PlatformModel: Take() captures it as a PlatformSnapshot, Restore() gives
// it back. Both are deterministic: equal models give equal bytes, which is how tests prove
// that a live model equals one rebuilt from position 0.
#pragma once

#include <optional>
#include <string>

#include "rotonde/projections/platform_model.h"
#include "rotonde/v1/snapshot.pb.h"

namespace rotonde::projections {

// 5: proposals know when they came; 6: with what clash detection learned on the platform
// (learned pairs, title-term counts); 7: with each member's inbox.
inline constexpr const char* kSnapshotFormat = "rotonde-platform-8";

class ModelSnapshots {
 public:
  static v1::PlatformSnapshot Take(const PlatformModel& model);
  // nullopt if the snapshot is of another format: rebuild from the log instead.
  static std::optional<PlatformModel> Restore(const v1::PlatformSnapshot& snapshot);
  // Take(), serialized deterministically.
  static std::string Bytes(const PlatformModel& model);
  // A taken snapshot, serialized deterministically (Bytes is Serialize(Take(model))).
  static std::string Serialize(const v1::PlatformSnapshot& snapshot);

 private:
  static void Fill(const PlatformModel& model, v1::PlatformSnapshot& out);
};

}  // namespace rotonde::projections
