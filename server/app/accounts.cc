#include "accounts.h"

#include <ctime>

#include "rotonde/projections/platform_model.h"

namespace rotonde::app {

int64_t NowSeconds() { return static_cast<int64_t>(std::time(nullptr)); }

Accounts::Accounts(auth::AuthStore& auth, CommandService& commands, Counters& counters,
                   const Limits& limits)
    : auth_(auth), commands_(commands), access_(commands), counters_(counters), limits_(limits) {}

Result<Caller> Accounts::Resolve(std::string_view token) const {
  if (token.empty()) return Status(codes::kUnauthenticated, "sign in first");
  auto info = auth_.ResolveToken(token, NowSeconds());
  if (!info.ok()) return info.status();
  Caller caller;
  caller.account_id = info->account_id;
  caller.kind = info->kind;
  caller.feed_platform = info->platform;
  caller.token = std::string(token);
  return caller;
}

std::vector<Membership> Accounts::PlatformsOf(const std::string& account_id) {
  std::vector<Membership> out;
  for (const std::string& platform : commands_.Platforms()) {
    Membership entry;
    Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
      const auto& state = model.state();
      entry.role = state.RoleOf(account_id);
      if (!state.founded() || entry.role == v1::ROLE_UNSPECIFIED) return;
      entry.platform = state.platform_id();
      entry.name = state.name();
      entry.neighbourhood = state.neighbourhood();
      const auto* member = state.Member(account_id);
      entry.display_name = member ? member->name : "";
      entry.position = model.position();
    });
    if (read.ok() && !entry.platform.empty()) out.push_back(std::move(entry));
  }
  return out;
}

Result<Session> Accounts::OpenSession(const auth::Account& account) {
  const int64_t now = NowSeconds();
  auto token = auth_.CreateToken(account.id, auth::TokenKind::kSession, "", now,
                                 limits_.session_ttl_seconds);
  if (!token.ok()) return token.status();
  Session session;
  session.account = account;
  session.token = std::move(token.value());
  session.expires_at = now + limits_.session_ttl_seconds;
  session.max_age_seconds = limits_.session_ttl_seconds;
  session.platforms = PlatformsOf(account.id);
  return session;
}

Result<Session> Accounts::SignIn(const std::string& login, const std::string& password,
                                 const std::string& address) {
  if (login.empty() || password.empty()) {
    return Status(codes::kMissingField, "give a login and a password");
  }
  const int64_t now = NowSeconds();
  if (const int64_t wait = limiter_.RetryAfter(login, address, now); wait > 0) {
    counters_.logins_limited++;
    Status limited(codes::kRateLimited, "too many attempts; wait a while and try again");
    limited.WithDetail("retryAfterSeconds", wait);
    return limited;
  }
  auto account = auth_.CheckPassword(login, password);
  if (!account.ok()) {
    limiter_.RecordFailure(login, address, now);
    counters_.logins_failed++;
    return account.status();
  }
  limiter_.RecordSuccess(login, address);
  counters_.logins_ok++;
  return OpenSession(account.value());
}

Result<Me> Accounts::WhoAmI(const Caller& caller) {
  if (caller.kind == auth::TokenKind::kFeed)
    return Status(codes::kUnauthenticated, "sign in first");
  auto account = auth_.GetAccount(caller.account_id);
  if (!account) return Status(codes::kUnauthenticated, "this account no longer exists");
  return Me{*account, PlatformsOf(account->id)};
}

void Accounts::SignOut(const Caller& caller) { auth_.RevokeToken(caller.token); }

Result<std::vector<Membership>> Accounts::MyPlatforms(const Caller& caller) {
  if (caller.kind == auth::TokenKind::kFeed)
    return Status(codes::kUnauthenticated, "sign in first");
  return PlatformsOf(caller.account_id);
}

Result<std::string> Accounts::CreateFeedKey(const Caller& caller, const std::string& platform) {
  auto role = access_.RoleOn(caller, platform);
  if (!role.ok()) return role.status();
  return auth_.CreateToken(caller.account_id, auth::TokenKind::kFeed, platform, NowSeconds(),
                           10LL * 365 * 24 * 3600);
}

void Accounts::Housekeep() { auth_.PurgeExpired(NowSeconds()); }

}  // namespace rotonde::app
