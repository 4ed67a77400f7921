#include "access.h"

namespace rotonde::app {

Status PlatformNotFound(const std::string& platform) {
  return Status(codes::kPlatformNotFound, "no platform '" + platform + "' that you can see");
}

Status PositionBeyondHead(const std::string& platform, uint64_t position, uint64_t head) {
  Status beyond(codes::kPositionBeyondHead, "the log of " + platform + " ends at position " +
                                                std::to_string(head) + ", before " +
                                                std::to_string(position));
  beyond.WithDetail("head", static_cast<int64_t>(head));
  return beyond;
}

Status Unavailable(const Status& cause) {
  return Status(codes::kUnavailable, "the store cannot answer now: " + cause.message());
}

Result<v1::Role> Access::RoleOn(const Caller& caller, const std::string& platform) {
  if (caller.kind == auth::TokenKind::kFeed || !commands_.Knows(platform)) {
    return PlatformNotFound(platform);
  }
  auto role = commands_.RoleOf(platform, caller.account_id);
  if (!role.ok()) return Unavailable(role.status());
  if (role.value() == v1::ROLE_UNSPECIFIED) return PlatformNotFound(platform);
  return role.value();
}

Status Access::RequireWriter(const Caller& caller, const std::string& platform) {
  auto role = RoleOn(caller, platform);
  if (!role.ok()) return role.status();
  if (role.value() == v1::ROLE_AUDITOR) {
    return Status(codes::kReadOnly, "auditors read everything and change nothing");
  }
  return Status::Ok();
}

Status Access::RequireAuditor(const Caller& caller, const std::string& platform) {
  auto role = RoleOn(caller, platform);
  if (!role.ok()) return role.status();
  if (role.value() != v1::ROLE_AUDITOR && role.value() != v1::ROLE_ADMIN) {
    return Status(codes::kForbidden, "auditors and admins verify the log");
  }
  return Status::Ok();
}

}  // namespace rotonde::app
