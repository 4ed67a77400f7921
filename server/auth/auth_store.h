// The auth store: accounts with argon2id passwords, session tokens and feed keys, and
// one-time invite links, in their own RocksDB database (never in the event log, which
// auditors read whole). It implements the "Sessions and accounts" part of docs/api.md and
// knows nothing of HTTP; the server maps each refusal's code to its status.
//
// Durability. Every write is synced (sync = true) before the call returns: an acknowledged
// account, token, revocation or invite claim survives kill -9 and power loss.
//
// Secrets. Passwords are stored only as libsodium crypto_pwhash_str (argon2id) strings;
// tokens and invite links only as SHA-256 of their 32 random bytes. The layout is in
// proto/rotonde/v1/auth.proto.
//
// Thread safety. Every method may be called from many threads at once. Password hashing
// (~0.1-0.5 s and 64 MiB each at the INTERACTIVE cost) runs outside every lock; at most
// AuthOptions::max_concurrent_hashes run at once, so memory stays bounded however many
// sign-ins arrive together. Checks that must see the latest write (a login still free, an
// invite still unused) hold a lock of their own kind of record only across a read and a
// write.
//
// Time. `now` is seconds since the Unix epoch, passed in so tests control it; the server
// passes the wall clock.
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <sodium.h>

#include "password_hasher.h"
#include "rotonde/base/status.h"
#include "rotonde/v1/domain.pb.h"

namespace rocksdb {
class DB;
}

namespace rotonde::auth {

// The refusal codes (Error::code). Stable, lower_snake_case, as in docs/api.md.
namespace codes {
inline constexpr std::string_view kInvalidLogin = "invalid_login";
inline constexpr std::string_view kWeakPassword = "weak_password";
inline constexpr std::string_view kInvalidText = "invalid_text";
inline constexpr std::string_view kLoginTaken = "login_taken";
inline constexpr std::string_view kBadCredentials = "bad_credentials";
inline constexpr std::string_view kUnauthenticated = "unauthenticated";
inline constexpr std::string_view kSessionExpired = "session_expired";
inline constexpr std::string_view kInviteNotFound = "invite_not_found";
inline constexpr std::string_view kInviteExpired = "invite_expired";
inline constexpr std::string_view kInviteUsed = "invite_used";
// The caller's own mistakes, not a client's: an unknown account for a token, a ttl <= 0, an
// invite without a platform, a given account id that is malformed or exists.
inline constexpr std::string_view kBadRequest = "bad_request";
inline constexpr std::string_view kAccountNotFound = "account_not_found";
inline constexpr std::string_view kAccountExists = "account_exists";
// The database failed to read or write; nothing was changed.
inline constexpr std::string_view kUnavailable = "unavailable";
}  // namespace codes

struct Account {
  std::string id;
  std::string login;
  std::string display_name;
  int64_t created_at = 0;
};

enum class TokenKind {
  kSession,
  kFeed,  // feed: read-only key for one platform's calendar feed
};

struct TokenInfo {
  std::string account_id;
  TokenKind kind = TokenKind::kSession;
  std::string platform;
  int64_t expires_at = 0;
};

struct InviteGrant {
  std::string platform;   // the platform id
  std::string invite_id;  // the domain's invite id (MemberInvited), empty for a founding invite
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string note;
  int64_t expires_at = 0;
  bool founding = false;      // from `rotonde admin create-platform`: accepting founds the platform
  std::string platform_name;  // founding invites: FoundPlatform's name and neighbourhood
  std::string neighbourhood;
};

// Input limits (docs/api.md). Logins are lowercased before they are checked.
inline constexpr size_t kMinLoginBytes = 3;
inline constexpr size_t kMaxLoginBytes = 32;
inline constexpr size_t kMinPasswordCharacters = 10;  // UTF-8 characters (code points)
inline constexpr size_t kMaxPasswordBytes = 128;
inline constexpr size_t kMaxDisplayNameBytes = 100;

struct AuthOptions {
  // Argon2id cost of new password hashes. Tests use crypto_pwhash_OPSLIMIT_MIN/MEMLIMIT_MIN.
  PasswordCost cost = {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
  // Hashes computed at once (each needs cost.memlimit bytes); further callers wait.
  // 0: the number of cores.
  unsigned max_concurrent_hashes = 0;
};

class AuthStore {
 public:
  // Opens (creating) the database in `dir`. kIOError if RocksDB cannot open it (e.g. another
  // process has it open), kCorruption if it holds something other than an auth store.
  static Result<std::unique_ptr<AuthStore>> Open(const std::string& dir, AuthOptions options = {});

  ~AuthStore();
  AuthStore(const AuthStore&) = delete;

  // The database itself, for a backup of it while it is open (server/app/backup.h).
  rocksdb::DB& database() { return *db_; }
  AuthStore& operator=(const AuthStore&) = delete;

  // Creates an account. `login` is lowercased, then must be 3-32 of [a-z0-9._-]
  // (invalid_login); `password` 10-128 characters, at most 128 bytes (weak_password);
  // `display_name` 1-100 bytes of UTF-8 without control characters and not only spaces
  // (invalid_text); a login in use: login_taken. `id` empty: a new random id "a-" followed by
  // 20 characters of lowercase base32hex ([0-9a-v], 100 bits). A given `id` must be 1-64
  // visible ASCII without '/' (bad_request) and unused (account_exists).
  Result<Account> CreateAccount(std::string_view login, std::string_view password,
                                std::string_view display_name, int64_t now, std::string id = {});

  // The account whose login (lowercased) and password these are, else bad_credentials: the
  // same code for an unknown login and a wrong password, and for an unknown login the time
  // of one verification is spent as well, so neither the answer nor its timing tells which.
  Result<Account> CheckPassword(std::string_view login, std::string_view password);

  std::optional<Account> GetAccount(std::string_view account_id) const;

  // A new random 256-bit token as 64 lowercase hex characters, valid until now + ttl_seconds;
  // only its SHA-256 is stored. A feed key names its platform; a session's `platform` is
  // empty. Errors: account_not_found, bad_request (ttl_seconds <= 0, a feed key without a
  // platform), unavailable.
  Result<std::string> CreateToken(std::string_view account_id, TokenKind kind,
                                  std::string_view platform, int64_t now, int64_t ttl_seconds);

  // What a token grants. unauthenticated for an unknown, revoked or malformed token (not 64
  // lowercase hex characters); session_expired once now >= expires_at.
  Result<TokenInfo> ResolveToken(std::string_view token, int64_t now) const;

  // Sign out: the token stops resolving. No error if it is unknown. Should the deletion
  // fail to reach the disk, this store still refuses the token until it is closed.
  void RevokeToken(std::string_view token);
  // Sign out everywhere: every token of the account (sessions and feed keys) stops
  // resolving; as RevokeToken if the disk fails.
  void RevokeAllTokens(std::string_view account_id);
  // Erasure (docs/privacy.md). DeleteAccount deletes the account, its login and every token
  // of it (sessions and feed keys), synced; account_not_found if there is none.
  // DeleteInvites deletes the invite links of `platform` whose domain invite id is one of
  // `invite_ids`. ForgetDeleted then rewrites the database's files so that what was deleted
  // is in none of them (eventstore::ForgetDeleted). unavailable if the disk fails.
  Status DeleteAccount(std::string_view account_id);
  Status DeleteInvites(std::string_view platform, const std::set<std::string>& invite_ids);
  Status ForgetDeleted();

  // Deletes tokens with expires_at <= now; returns how many. ResolveToken refuses them
  // anyway: this keeps the database and CountSessions() small. Call it now and then (e.g.
  // hourly).
  size_t PurgeExpired(int64_t now);

  // An invite link for `grant`: a new random token (64 lowercase hex characters), stored as
  // its SHA-256 with the grant. bad_request if the grant has no platform or expires_at <= 0.
  Result<std::string> CreateInvite(const InviteGrant& grant);
  // What the link offers. invite_not_found (unknown or malformed), invite_used (claimed
  // and not released; said even when it has also expired), invite_expired (now >=
  // expires_at).
  Result<InviteGrant> PeekInvite(std::string_view token, int64_t now) const;
  // Checks as PeekInvite and marks the invite used, atomically: of concurrent claims of one
  // invite exactly one succeeds, the others get invite_used.
  Result<InviteGrant> ClaimInvite(std::string_view token, int64_t now);
  // Undoes a claim whose join then failed, so the link works again. No-op for an unknown or
  // unclaimed invite.
  void ReleaseInvite(std::string_view token);

  // Session tokens stored: created and neither revoked nor purged. Approximate in one way
  // only: an expired session counts until PurgeExpired() deletes it. Feed keys do not count.
  size_t CountSessions() const;

 private:
  AuthStore(std::unique_ptr<rocksdb::DB> db, AuthOptions options, int64_t sessions);

  std::optional<Account> LoadAccount(std::string_view account_id, std::string* password_hash,
                                     Error* error) const;
  bool IsRevokedUnsaved(std::string_view token_hash) const;
  void RememberRevokedUnsaved(std::string token_hash);

  std::unique_ptr<rocksdb::DB> db_;
  PasswordHasher hasher_;

  // Held across the check and the write of a new account: one login, one account.
  std::mutex accounts_mu_;
  // Held across token writes and deletes, so the session count matches the database.
  std::mutex tokens_mu_;
  // Held across an invite's check and its claim or release: one claim wins.
  std::mutex invites_mu_;

  std::atomic<int64_t> sessions_;

  // Hashes of tokens whose revocation could not be written (the disk failed): refused from
  // memory until the store closes. Empty unless the disk failed.
  mutable std::mutex revoked_mu_;
  std::atomic<bool> any_revoked_unsaved_{false};
  std::set<std::string, std::less<>> revoked_unsaved_;
};

}  // namespace rotonde::auth
