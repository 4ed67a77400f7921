// PlatformTables: what a PlatformState holds, behind its public header. The evolvers
// (evolve_*.cc) change it, snapshots (snapshot.cc) write and restore it, PlatformModel keeps
// each entity's history in it; readers see it only through PlatformState's accessors.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rotonde/base/string_map.h"
#include "rotonde/projections/platform_state.h"

namespace rotonde::projections {

// An EntityMap with a hash index beside it: the fold looks entities up on nearly every event,
// and a tree lookup among thousands of ids is a dozen cache misses where a hash is one or
// two. Entities are only ever added (their status changes; they are never removed), so the
// index's iterators stay valid.
template <typename Entity>
class EntityTable {
 public:
  using Map = EntityMap<Entity>;

  EntityTable() = default;
  EntityTable(const EntityTable& other) : map_(other.map_) { Reindex(); }
  EntityTable& operator=(const EntityTable& other) {
    if (this != &other) {
      map_ = other.map_;
      Reindex();
    }
    return *this;
  }
  // A moved std::map keeps its nodes, so the moved index still points into it.
  EntityTable(EntityTable&&) noexcept = default;
  EntityTable& operator=(EntityTable&&) noexcept = default;

  // The entity of that id, made (default) if there is none.
  Entity& operator[](const std::string& id) {
    auto [it, inserted] = map_.try_emplace(id);
    if (inserted) index_.emplace(id, it);
    return it->second;
  }
  // The entity of that id, or null.
  Entity* Find(std::string_view id) {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &it->second->second;
  }
  const Entity* Find(std::string_view id) const {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &it->second->second;
  }
  // Every entity, in id order.
  const Map& map() const { return map_; }

 private:
  void Reindex() {
    index_.clear();
    for (auto it = map_.begin(); it != map_.end(); ++it) index_.emplace(it->first, it);
  }
  Map map_;
  StringMap<typename Map::iterator> index_;
};

// What the state keeps per stream name: the stream's version, and the positions of the
// events in its entity's history (kept by PlatformModel; empty in a bare PlatformState). One
// entry for both, as the fold looks the event's stream up once.
struct StreamEntry {
  uint64_t version = 0;
  bool has_events = false;  // false for an entity only other streams' events have named
  std::vector<uint64_t> history;
};

struct PlatformTables {
  PlatformTables() = default;
  // A copy rebuilds the indexes (they point into its own initiatives) and forgets the
  // entries last applied (they point into the original's maps); a move keeps both, as moved
  // maps keep their nodes.
  PlatformTables(const PlatformTables& other);
  PlatformTables& operator=(const PlatformTables&) = delete;
  PlatformTables(PlatformTables&&) noexcept = default;
  PlatformTables& operator=(PlatformTables&&) noexcept = default;

  // Adds an active, dated initiative to the day or kind index; removes one (any status).
  void IndexInitiative(const InitiativeState& initiative);
  void UnindexInitiative(const InitiativeState& initiative);

  std::string platform_id, name, neighbourhood;
  uint64_t position = 0;
  EntityTable<MemberState> members;
  EntityTable<InviteState> invites;
  EntityTable<InitiativeState> initiatives;
  EntityTable<ProposalState> proposals;
  EntityTable<TaskState> tasks;
  EntityTable<MeetingState> meetings;
  EntityTable<ClashState> clashes;
  StringMap<std::string> clash_by_pair;  // PairKey(a, b) -> clash id
  BudgetState budget;
  // What the platform's own decisions teach its clash detection (PlatformState::
  // similarity_context): term pairs from merges (the same activity) and dismissals (kept
  // apart), folded by clashes::Merged and clashes::Dismissed; and in how many initiatives
  // each title term (TermHash) was, over `counted_initiatives` initiatives, folded by
  // initiatives::Proposed and Updated, at most kMaxPlatformTerms terms.
  LearnedTerms learned;
  std::unordered_map<uint64_t, uint32_t> term_initiatives;
  uint32_t counted_initiatives = 0;
  // Indexes for clash detection and calendars. Invariant: they hold exactly the active
  // initiatives with valid dates (by each of their days, up to kMaxInitiativeDays, or, when
  // ongoing, by kind), sorted by id; they point into `initiatives`, whose nodes never move.
  std::map<int32_t, PlatformState::InitiativeSet> active_by_day;
  std::map<v1::InitiativeKind, PlatformState::InitiativeSet> ongoing_by_kind;
  // Looked up on every event, never iterated in order (snapshots sort them): hashed.
  StringMap<StreamEntry> streams;
  StringMap<CommandOutcome> commands;
  // The entries the last Apply touched: a platform's events come in runs of one stream or
  // one command, so the next event usually needs the same ones. Null after a copy.
  StringMap<StreamEntry>::value_type* applied_stream = nullptr;
  StringMap<CommandOutcome>::value_type* applied_command = nullptr;
};

}  // namespace rotonde::projections
