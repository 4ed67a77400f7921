// PlatformModel: a platform's complete read side, one fold over its events: the
// PlatformState (entities) plus each entity's history. Views (views.h) are pure functions
// of it. snapshot.h turns it into a checkpoint and back; restoring a checkpoint and folding
// the events after it gives byte-for-byte the model a full rebuild gives.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/projections/platform_state.h"
#include "rotonde/v1/views.pb.h"

namespace rotonde::projections {

class PlatformModel {
 public:
  // Folds one stored event of this platform (in log order).
  void Apply(const v1::EventRecord& record);

  const PlatformState& state() const { return state_; }
  uint64_t position() const { return state_.position(); }

  // The history of an entity, by its stream name ("kolenkit/initiative/i-..."); empty if
  // nothing happened to it.
  const std::vector<v1::HistoryEntry>& History(std::string_view entity_stream) const;

  const std::map<std::string, std::vector<v1::HistoryEntry>, std::less<>>& histories() const {
    return history_;
  }

 private:
  friend class ModelSnapshots;  // snapshot.cc reads and restores the members

  void Remember(const std::string& entity_stream, const v1::HistoryEntry& entry);

  PlatformState state_;
  std::map<std::string, std::vector<v1::HistoryEntry>, std::less<>> history_;
};

}  // namespace rotonde::projections
