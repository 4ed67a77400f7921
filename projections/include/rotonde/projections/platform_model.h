// PlatformModel: a platform's complete read side, one fold over its events: the
// PlatformState (entities), each entity's history, and each member's inbox (inbox.h). Views
// (views.h) are pure functions of it. snapshot.h turns it into a checkpoint and back; restoring a
// checkpoint and folding the events after it gives byte-for-byte the model a full rebuild gives.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/projections/personal_data.h"
#include "rotonde/projections/platform_state.h"
#include "rotonde/v1/views.pb.h"

namespace rotonde::projections {

class PlatformModel {
 public:
  // `opener` parses the events this model folds (personal_data.h): the keys it holds decide
  // which personal fields the model shows. Null: KeylessOpener(). It must outlive the model
  // and its copies.
  PlatformModel() : opener_(&KeylessOpener()) {}
  explicit PlatformModel(const EventOpener* opener)
      : opener_(opener != nullptr ? opener : &KeylessOpener()) {}

  // Changes the opener (a model restored from a checkpoint gets the reader's).
  void SetOpener(const EventOpener* opener) {
    opener_ = opener != nullptr ? opener : &KeylessOpener();
  }

  // Folds one stored event of this platform (in log order).
  void Apply(const v1::EventRecord& record);

  const PlatformState& state() const { return state_; }
  uint64_t position() const { return state_.position(); }

  // The log positions of the events in an entity's history, by the entity's stream name
  // ("kolenkit/initiative/i-..."), ascending; empty if nothing happened to it. Positions
  // only: what happened at each is in the log, which never changes (views.h BuildHistory).
  const std::vector<uint64_t>& History(std::string_view entity_stream) const;

  // A member's notifications (inbox.h), oldest first: at most kMaxInboxItems, the stored
  // fields only. Empty for a member who has none.
  using Inbox = std::deque<v1::Notification>;
  const Inbox& InboxOf(std::string_view member_id) const;
  // Every member's inbox, by member id.
  const std::map<std::string, Inbox, std::less<>>& inboxes() const { return inboxes_; }

 private:
  friend class ModelSnapshots;  // snapshot.cc reads and restores the members

  // Adds `position` to an entity's history (kept beside its stream's version in the state).
  static void Remember(std::vector<uint64_t>& history, uint64_t position);
  void Remember(std::string_view entity_stream, uint64_t position);

  const EventOpener* opener_;
  PlatformState state_;
  std::map<std::string, Inbox, std::less<>> inboxes_;
  std::string initiative_stream_;  // a reused buffer for Apply()
};

}  // namespace rotonde::projections
