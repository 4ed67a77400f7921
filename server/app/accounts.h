// Accounts: signing in and out, who a token belongs to, the caller's platforms, and feed
// keys for phone calendars. Passwords and tokens live in the auth store (server/auth), apart
// from the log; this use case adds the sign-in rate limit, the counters and what a signed-in
// person sees of their platforms.
//
// Every method may block (argon2id, the auth store's disk, a platform's lock): call them on a
// worker, never on a network thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "access.h"
#include "auth_store.h"
#include "command_service.h"
#include "counters.h"
#include "login_limiter.h"
#include "usage_limits.h"

namespace rotonde::app {

// One platform the caller is an active member of.
struct Membership {
  std::string platform;
  std::string name;
  std::string neighbourhood;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string display_name;  // how the platform knows the member
  uint64_t position = 0;     // the platform's last position
};

// A session that was just opened (sign-in, or an accepted invite).
struct Session {
  auth::Account account;
  std::string token;
  int64_t expires_at = 0;  // seconds since the epoch
  int64_t max_age_seconds = 0;
  std::vector<Membership> platforms;
};

// Who the caller is: their account and platforms.
struct Me {
  auth::Account account;
  std::vector<Membership> platforms;
};

// The seconds since the epoch, as every use case reads the clock.
int64_t NowSeconds();

class Accounts {
 public:
  Accounts(auth::AuthStore& auth, CommandService& commands, Counters& counters,
           const Limits& limits);

  // The caller a session token or feed key stands for: unauthenticated (no token, unknown,
  // revoked), session_expired.
  Result<Caller> Resolve(std::string_view token) const;

  // Checks the password and opens a session. missing_field (an empty login or password),
  // rate_limited (with detail retryAfterSeconds) when `address` or the login made too many
  // failed attempts, bad_credentials.
  Result<Session> SignIn(const std::string& login, const std::string& password,
                         const std::string& address);
  // Opens a session for an account whose identity is established (an accepted invite).
  Result<Session> OpenSession(const auth::Account& account);
  Result<Me> WhoAmI(const Caller& caller);
  void SignOut(const Caller& caller);
  Result<std::vector<Membership>> MyPlatforms(const Caller& caller);
  // A read-only key for the platform's calendar feed, for phones that poll without cookies;
  // it lives until its owner signs out everywhere.
  Result<std::string> CreateFeedKey(const Caller& caller, const std::string& platform);

  // Live session tokens, for /metrics.
  size_t SessionCount() const { return auth_.CountSessions(); }
  // Deletes expired sessions and feed keys; the server calls it now and then.
  void Housekeep();

 private:
  std::vector<Membership> PlatformsOf(const std::string& account_id);

  auth::AuthStore& auth_;
  CommandService& commands_;
  Access access_;
  Counters& counters_;
  const Limits& limits_;
  auth::LoginLimiter limiter_;
};

}  // namespace rotonde::app
