// ApiService: every operation of the wire API (docs/api.md), independent of the transport.
// HTTP handlers and WebSocket sessions both call it, so a command, a view or a permission
// check means the same thing over both. Every method may block (on the disk, on argon2id,
// on a platform's lock): the server calls them on its worker pool, never on a network thread.
//
// Authorization is decided here and nowhere else: a caller sees a platform only as an
// active member of it (any role); auditors read everything of their platform and write
// nothing; a feed key reads one platform's calendar and nothing else. A platform the caller
// may not see answers exactly like one that does not exist (platform_not_found).
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api_error.h"
#include "auth_store.h"
#include "command_service.h"
#include "login_limiter.h"
#include "metrics.h"
#include "rotonde/eventstore/event_store.h"
#include "view_catalog.h"

namespace rotonde::net {

// Who is calling, once their token is resolved.
struct Caller {
  std::string account_id;
  auth::TokenKind kind = auth::TokenKind::kSession;
  std::string feed_platform;  // for a feed key: the one platform it reads
  std::string token;          // as presented, for sign-out
};

// A session that was just opened (sign-in, or an accepted invite).
struct SignedIn {
  boost::json::object body;  // the sign-in response of docs/api.md
  std::string token;
  int64_t max_age_seconds = 0;
};

struct ApiLimits {
  int64_t session_ttl_seconds = 30 * 24 * 3600;
  int64_t invite_default_hours = 168;
  int64_t invite_max_hours = 720;
  size_t events_page_default = 1000;
  size_t events_page_max = 10'000;
};

class ApiService {
 public:
  ApiService(eventstore::EventStore& store, commands::CommandService& commands,
             auth::AuthStore& auth, Metrics& metrics, ApiLimits limits = {});

  uint64_t Head() const { return store_.Head().position; }
  eventstore::Stats StoreStats() const { return store_.GetStats(); }
  size_t SessionCount() const { return auth_.CountSessions(); }

  // From the Cookie and Authorization headers (either may be empty): unauthenticated,
  // session_expired.
  Result<Caller> Authenticate(std::string_view cookie_header,
                              std::string_view authorization_header) const;
  // The caller's role on `platform`; platform_not_found when they are not an active member.
  Result<v1::Role> RoleOn(const Caller& caller, const std::string& platform);

  // Sessions and invites.
  Result<SignedIn> SignIn(std::string_view body, const std::string& address);
  Result<boost::json::object> WhoAmI(const Caller& caller);
  void SignOut(const Caller& caller);
  Result<boost::json::object> PeekInvite(std::string_view token);
  // `caller` may be null (a newcomer creates an account with the invite).
  Result<SignedIn> AcceptInvite(std::string_view token, std::string_view body,
                                const Caller* caller);
  Result<boost::json::object> CreateInvite(const Caller& caller, const std::string& platform,
                                           std::string_view body, const std::string& base_url);
  Result<boost::json::object> CreateFeedKey(const Caller& caller, const std::string& platform,
                                            const std::string& base_url);
  Result<boost::json::object> MyPlatforms(const Caller& caller);

  // A founding invite for a new platform (`rotonde admin create-platform`): the token.
  Result<std::string> CreateFoundingInvite(const std::string& platform, const std::string& name,
                                           const std::string& neighbourhood, int64_t hours);
  // The same from a JSON body {platform, name, neighbourhood, expiresInHours} (the operator's
  // endpoint): {platform, token, link, expiresAt, position}.
  Result<boost::json::object> CreatePlatform(std::string_view body, const std::string& base_url);

  // Deletes expired sessions and feed keys; the server calls it now and then.
  void Housekeep();

  // A command (its JSON: a v1::Command): the result object of docs/api.md; with its events
  // when `with_events` (HTTP; WebSocket clients get them through their subscription).
  Result<boost::json::object> RunCommand(const Caller& caller, const std::string& platform,
                                         std::string_view command_json, bool with_events);
  // RunCommand without events, answered through `done` once the command is durable or
  // refused (see CommandService::Submit: the calling thread may first handle a batch of the
  // platform's commands, or return at once with the command queued). `done` must not block.
  void RunCommandAsync(const Caller& caller, const std::string& platform,
                       std::string_view command_json,
                       std::function<void(Result<boost::json::object>)> done);
  // Where a platform's next batch of commands is handled (CommandService::SetSpawn).
  void SetCommandSpawn(commands::CommandService::Spawn spawn) {
    commands_.SetSpawn(std::move(spawn));
  }
  // Where checkpoints due during commands are folded (CommandService::SetCheckpointSpawn).
  void SetCheckpointSpawn(commands::CommandService::Spawn spawn) {
    commands_.SetCheckpointSpawn(std::move(spawn));
  }

  // Reads: JSON text of {"position", "view"}; NDJSON; CSV; iCalendar; the verify report.
  Result<std::string> View(const Caller& caller, const std::string& platform,
                           const std::string& name, const wire::ViewParams& params,
                           std::optional<uint64_t> at);
  // The view's JSON only (for watches); the model's position in *position.
  Result<std::string> ViewJson(const std::string& platform, const std::string& name,
                               const wire::ViewParams& params, uint64_t* position);
  Result<std::string> Events(const Caller& caller, const std::string& platform, uint64_t from,
                             size_t limit);
  Result<std::string> ReportCsv(const Caller& caller, const std::string& platform,
                                const std::string& period);
  Result<std::string> CalendarIcs(const std::string& platform, std::string_view key,
                                  const std::string& host);
  Result<boost::json::object> Verify(const Caller& caller, const std::string& platform);

  // The platform's events after `after` (at most `limit`), each rendered with
  // wire::EventJson; *last gets the position of the last one read (or stays).
  Status ReadEventsJson(const std::string& platform, uint64_t after, size_t limit,
                        std::vector<std::pair<uint64_t, std::string>>* out);

 private:
  // The log's event at `position` (false if it cannot be read).
  bool EventAt(uint64_t position, v1::EventRecord* record) const;
  Result<SignedIn> OpenSession(const auth::Account& account);
  boost::json::array PlatformsOf(const std::string& account_id);
  // Authorizes a write: read_only for auditors and feed keys.
  std::optional<Error> RequireWriter(const Caller& caller, const std::string& platform);
  // A command's JSON as a v1::Command the caller may send to `platform`.
  Result<v1::Command> ParseCommand(const Caller& caller, const std::string& platform,
                                   std::string_view command_json);
  // Counts a handled command in the metrics; its outcome as an answer.
  Result<commands::CommandOutcome> Counted(commands::CommandOutcome outcome,
                                           std::chrono::steady_clock::time_point started);
  // Handles a command the server itself composes (joining, founding, inviting).
  Result<commands::CommandOutcome> Handle(const std::string& platform, const std::string& actor,
                                          const v1::Command& command);

  eventstore::EventStore& store_;
  commands::CommandService& commands_;
  auth::AuthStore& auth_;
  auth::LoginLimiter limiter_;
  Metrics& metrics_;
  ApiLimits limits_;
  std::mutex verify_mu_;  // one whole-log verification at a time
};

}  // namespace rotonde::net
