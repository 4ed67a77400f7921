// Reads: what a member sees of a platform, as of now or (for everyone who may read it) as of
// any earlier position: its views by name, its events as a feed, the accountability report,
// and the calendar feed a phone polls with a feed key. Results are the application's own
// (protobuf messages, event records); the server renders them (server/wire).
//
// Every method may block (a platform's lock, the disk): call them on a worker.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message.h>

#include "access.h"
#include "audit.h"
#include "auth_store.h"
#include "inbox.h"
#include "rotonde/eventstore/event_log.h"
#include "rotonde/v1/commands.pb.h"
#include "rotonde/v1/domain.pb.h"
#include "usage_limits.h"
#include "view_catalog.h"

namespace rotonde::app {

// A view and the log position it reflects.
struct ViewAt {
  uint64_t position = 0;
  std::unique_ptr<google::protobuf::Message> view;
};

// A page of a platform's events.
struct EventsPage {
  std::vector<eventstore::EventRecord> events;
  uint64_t head = 0;  // the platform's head when the page was read
  // Where the next page starts: the last event's position, or the head when the page holds
  // everything up to it (so resuming from it is exact).
  uint64_t next = 0;
};

// One initiative a draft would clash with, or only look like.
struct PreviewedClash {
  std::string initiative_id;
  std::string title;
  v1::When when;
  std::string place;
  // The rule that would raise the clash; CLASH_RULE_UNSPECIFIED for an initiative whose text
  // only looks like the draft's (on another day, or before the draft has one).
  v1::ClashRule rule = v1::CLASH_RULE_UNSPECIFIED;
  double score = 0;
  double similarity = 0;
  std::string day;                        // the first shared day ("YYYY-MM-DD"), if any
  std::vector<std::string> shared_terms;  // the words both texts use
};

struct ClashPreview {
  uint64_t position = 0;
  std::vector<PreviewedClash> clashes;  // strongest first, at most kMaxPreviewed
};

class Reads {
 public:
  static constexpr size_t kMaxPreviewed = 8;

  Reads(eventstore::EventLog& store, CommandService& commands, auth::AuthStore& auth, Audit& audit,
        Inbox& inbox, const Limits& limits);

  // View `name` (view_catalog.h) of `platform` as of now, or as of position `at` (the same
  // fold on the log's prefix). platform_not_found, the catalog's codes, unavailable.
  Result<ViewAt> View(const Caller& caller, const std::string& platform, const std::string& name,
                      const ViewParams& params, std::optional<uint64_t> at);
  // The current view without authorization: for a watch whose caller was authorized (the
  // inbox is params.member's, which the watch set from its caller).
  Result<ViewAt> CurrentView(const std::string& platform, const std::string& name,
                             const ViewParams& params);

  // What `draft` would clash with if it were proposed now (or, with the id of an initiative,
  // if that one were changed to it): the clash rules' findings (clash_detector.h) on the
  // platform's current state, then active initiatives whose text is similar on other days.
  // The same rules as the deciders', so the hint and the dashboard agree. Any member or
  // auditor may ask; platform_not_found, unavailable.
  Result<ClashPreview> PreviewClashes(const Caller& caller, const std::string& platform,
                                      const v1::ProposeInitiative& draft);

  // The platform's events after position `from`, at most `limit` (0: the default page; at
  // most the maximum page).
  Result<EventsPage> Events(const Caller& caller, const std::string& platform, uint64_t from,
                            size_t limit);
  // The platform's events after `after`, at most `limit`, without authorization: for
  // subscriptions, authorized when they were made.
  Status LogPage(const std::string& platform, uint64_t after, size_t limit,
                 std::vector<eventstore::EventRecord>* out);

  // The accountability report of a period ("2026", or "" for everything).
  Result<v1::AccountabilityReport> Report(const Caller& caller, const std::string& platform,
                                          const std::string& period);

  // Renders a platform's calendar from its model (the server's iCalendar printer).
  // The third argument is the reader's member id: their own initiatives carry a reminder.
  using CalendarRenderer = std::function<std::string(const projections::PlatformModel&,
                                                     const EventReader&, const std::string&)>;
  // The calendar of `platform` for whoever holds `key`: a feed key of that platform, or a
  // member's session token. unauthenticated, session_expired, platform_not_found.
  Result<std::string> Calendar(const std::string& platform, std::string_view key,
                               const CalendarRenderer& render);

  // The platform's event at `position` (false if it cannot be read).
  bool EventAt(const std::string& platform, uint64_t position, v1::EventRecord* record) const;

 private:
  // `params` with today filled in when the caller gave none: Limits::fixed_today, or the
  // date in Amsterdam now; for the inbox, its member's read marks as they are now.
  Result<ViewParams> Completed(const std::string& platform, const std::string& name,
                               ViewParams params) const;

  eventstore::EventLog& store_;
  CommandService& commands_;
  auth::AuthStore& auth_;
  Audit& audit_;
  Inbox& inbox_;
  Access access_;
  const Limits& limits_;
};

}  // namespace rotonde::app
