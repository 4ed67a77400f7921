// Access: who may do what on a platform. Every use case asks here, so a command, a view or a
// permission check means the same over HTTP and the WebSocket, and authorization is decided
// in one place.
//
// The rules: a caller sees a platform only as an active member of it (any role); auditors
// read everything of their platform and write nothing; a feed key reads one platform's
// calendar and nothing else. A platform the caller may not see answers exactly like one that
// does not exist (platform_not_found), so its name tells a stranger nothing.
#pragma once

#include <cstdint>
#include <string>

#include "auth_store.h"
#include "command_service.h"
#include "rotonde/base/status.h"
#include "rotonde/v1/domain.pb.h"

namespace rotonde::app {

// Who is calling, once their token is resolved (Accounts::Resolve).
struct Caller {
  std::string account_id;
  auth::TokenKind kind = auth::TokenKind::kSession;
  std::string feed_platform;  // for a feed key: the one platform it reads
  std::string token;          // as presented, for sign-out
};

// The codes the application adds to the domain's and the store's (docs/api.md).
namespace codes {
inline constexpr std::string_view kPlatformNotFound = "platform_not_found";
inline constexpr std::string_view kReadOnly = "read_only";
inline constexpr std::string_view kForbidden = "forbidden";
inline constexpr std::string_view kUnauthenticated = "unauthenticated";
inline constexpr std::string_view kUnavailable = "unavailable";  // the store failed
inline constexpr std::string_view kMissingField = "missing_field";
inline constexpr std::string_view kInvalidArgument = "invalid_argument";
inline constexpr std::string_view kRateLimited = "rate_limited";
inline constexpr std::string_view kPlatformExists = "platform_exists";
// A position above the platform's head: remembered from another log of it.
inline constexpr std::string_view kPositionBeyondHead = "position_beyond_head";
// A position whose event is not the one the client saw there: the log was rewritten or moved.
inline constexpr std::string_view kUnknownPosition = "unknown_position";
}  // namespace codes

// platform_not_found, worded for a caller who may not know whether it exists.
Status PlatformNotFound(const std::string& platform);
// unavailable: the store could not answer; `cause` says why, for the operator's log.
Status Unavailable(const Status& cause);
// position_beyond_head for `position`, past `platform`'s head `head`; details.head says it.
Status PositionBeyondHead(const std::string& platform, uint64_t position, uint64_t head);

class Access {
 public:
  explicit Access(CommandService& commands) : commands_(commands) {}

  // The caller's role on `platform`: platform_not_found unless they are an active member
  // (feed keys are members of no platform); unavailable if the store cannot say.
  Result<v1::Role> RoleOn(const Caller& caller, const std::string& platform);
  // As RoleOn, and read_only for auditors and feed keys: the caller may change the platform.
  Status RequireWriter(const Caller& caller, const std::string& platform);
  // As RoleOn, and forbidden unless the caller is an auditor or an admin.
  Status RequireAuditor(const Caller& caller, const std::string& platform);

 private:
  CommandService& commands_;
};

}  // namespace rotonde::app
