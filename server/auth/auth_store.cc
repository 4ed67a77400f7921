#include "auth_store.h"

#include <sys/stat.h>

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <ctime>
#include <mutex>
#include <vector>

#include "credentials.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/rocksdb_safety.h"
#include "rotonde/v1/auth.pb.h"
#include "secrets.h"

namespace rotonde::auth {
namespace {

// The key layout; see proto/rotonde/v1/auth.proto.
constexpr std::string_view kFormatKey = "format";
constexpr std::string_view kFormatVersion = "rotonde-auth-1";
constexpr std::string_view kAccountPrefix = "account/";
constexpr std::string_view kLoginPrefix = "login/";
constexpr std::string_view kTokenPrefix = "token/";
constexpr std::string_view kAccountTokenPrefix = "account-token/";
constexpr std::string_view kInvitePrefix = "invite/";

std::string Key(std::string_view prefix, std::string_view rest) {
  std::string key(prefix);
  key.append(rest);
  return key;
}

// The keys of one account's tokens start with this; '\0' ends the id (see the layout).
std::string AccountTokensPrefix(std::string_view account_id) {
  std::string key = Key(kAccountTokenPrefix, account_id);
  key.push_back('\0');
  return key;
}

std::string AccountTokenKey(std::string_view account_id, std::string_view token_hash) {
  return AccountTokensPrefix(account_id) + std::string(token_hash);
}

rocksdb::Slice AsSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

rocksdb::WriteOptions Synced() {
  rocksdb::WriteOptions options;
  options.sync = true;
  return options;
}

Error Refusal(std::string_view code, std::string message) {
  return Error{std::string(code), std::move(message), {}};
}

Error Unavailable(const rocksdb::Status& s) {
  return Refusal(codes::kUnavailable, "the account database failed: " + s.ToString());
}

Error BadCredentials() { return Refusal(codes::kBadCredentials, "wrong login or password"); }

v1::AuthTokenKind ToStored(TokenKind kind) {
  return kind == TokenKind::kFeed ? v1::AUTH_TOKEN_KIND_FEED : v1::AUTH_TOKEN_KIND_SESSION;
}

TokenKind FromStored(v1::AuthTokenKind kind) {
  return kind == v1::AUTH_TOKEN_KIND_FEED ? TokenKind::kFeed : TokenKind::kSession;
}

Account ToAccount(const v1::AuthAccount& stored) {
  return Account{stored.id(), stored.login(), stored.display_name(), stored.created_at()};
}

InviteGrant ToGrant(const v1::AuthInvite& stored) {
  InviteGrant grant;
  grant.platform = stored.platform();
  grant.invite_id = stored.invite_id();
  grant.role = stored.role();
  grant.note = stored.note();
  grant.expires_at = stored.expires_at();
  grant.founding = stored.founding();
  grant.platform_name = stored.platform_name();
  grant.neighbourhood = stored.neighbourhood();
  return grant;
}

// Reads and parses the message at `key`. nullopt with *error unset: no such key (or, for a
// record that does not parse, treated the same: it grants nothing).
template <typename Message>
std::optional<Message> Load(rocksdb::DB& db, const std::string& key, Error* error) {
  std::string bytes;
  rocksdb::Status s = db.Get(rocksdb::ReadOptions(), key, &bytes);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) {
    if (error != nullptr) *error = Unavailable(s);
    return std::nullopt;
  }
  Message message;
  if (!message.ParseFromString(bytes)) return std::nullopt;
  return message;
}

// Looks up an invite for PeekInvite and ClaimInvite: the stored record, or the refusal.
Result<v1::AuthInvite> CheckInvite(rocksdb::DB& db, std::string_view token, int64_t now,
                                   std::string* key) {
  const Error not_found = Refusal(codes::kInviteNotFound, "this invite link does not exist");
  std::optional<std::string> hash = TokenHash(token);
  if (!hash) return not_found;
  *key = Key(kInvitePrefix, *hash);
  Error error;
  std::optional<v1::AuthInvite> invite = Load<v1::AuthInvite>(db, *key, &error);
  if (!error.code.empty()) return error;
  if (!invite) return not_found;
  if (invite->used()) return Refusal(codes::kInviteUsed, "this invite link has been used already");
  if (now >= invite->expires_at())
    return Refusal(codes::kInviteExpired, "this invite link expired");
  return std::move(*invite);
}

}  // namespace

Result<std::unique_ptr<AuthStore>> AuthStore::Open(const std::string& dir, AuthOptions options) {
  if (!SodiumReady()) return Status::IOError("libsodium failed to initialise");
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.keep_log_file_num = 2;
  // A full disk must not take the process down (rocksdb_safety.h). After a write failed for
  // lack of space the accounts stay read-only until a restart: sign-ins and sign-ups answer
  // unavailable, sessions already made go on.
  db_options.info_log = eventstore::NewInfoLog(dir);
  db_options.listeners.push_back(eventstore::NewManualRecoveryListener());
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, &raw);
  if (!s.ok())
    return Status::IOError("cannot open the account database at " + dir + ": " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);

  std::string format;
  s = db->Get(rocksdb::ReadOptions(), AsSlice(kFormatKey), &format);
  if (s.IsNotFound()) {
    s = db->Put(Synced(), AsSlice(kFormatKey), AsSlice(kFormatVersion));
    if (!s.ok()) return Status::IOError("cannot initialise " + dir + ": " + s.ToString());
  } else if (!s.ok()) {
    return Status::IOError("cannot read " + dir + ": " + s.ToString());
  } else if (format != kFormatVersion) {
    return Status::Corruption(dir + " is not an account database (format \"" + format + "\")");
  }

  // The session count starts from what is stored; CreateToken, revocations and purges keep
  // it current.
  int64_t sessions = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(AsSlice(kTokenPrefix));
         it->Valid() && it->key().starts_with(AsSlice(kTokenPrefix)); it->Next()) {
      v1::AuthToken token;
      if (token.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) &&
          token.kind() == v1::AUTH_TOKEN_KIND_SESSION) {
        ++sessions;
      }
    }
    if (!it->status().ok())
      return Status::IOError("cannot read " + dir + ": " + it->status().ToString());
  }
  return std::unique_ptr<AuthStore>(new AuthStore(std::move(db), options, sessions));
}

AuthStore::AuthStore(std::unique_ptr<rocksdb::DB> db, AuthOptions options, int64_t sessions)
    : db_(std::move(db)),
      hasher_(options.cost, options.max_concurrent_hashes),
      sessions_(sessions) {}

AuthStore::~AuthStore() {
  if (db_) db_->Close().PermitUncheckedError();
}

Result<Account> AuthStore::CreateAccount(std::string_view login, std::string_view password,
                                         std::string_view display_name, int64_t now,
                                         std::string id) {
  const std::string lowered = LowercaseLogin(login);
  if (!IsValidLogin(lowered)) {
    return Refusal(codes::kInvalidLogin, "a login is 3 to 32 of a-z, 0-9, '.', '_' and '-'");
  }
  if (!IsAcceptablePassword(password)) {
    return Refusal(codes::kWeakPassword,
                   "a password has at least 10 characters and at most 128 bytes");
  }
  if (!IsValidDisplayName(display_name)) {
    return Refusal(codes::kInvalidText,
                   "a display name is 1 to 100 bytes of text without control characters");
  }
  if (!id.empty() && !IsValidAccountId(id)) {
    return Refusal(codes::kBadRequest, "an account id is 1 to 64 visible ASCII characters, no '/'");
  }
  const std::string login_key = Key(kLoginPrefix, lowered);
  const auto login_taken = [] {
    return Refusal(codes::kLoginTaken, "this login is in use; choose another");
  };

  // A cheap early answer for a taken login, before spending a hash; checked again below.
  std::string ignored;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), login_key, &ignored);
  if (s.ok()) return login_taken();
  if (!s.IsNotFound()) return Unavailable(s);

  std::optional<std::string> hash = hasher_.Hash(password);
  if (!hash) return Refusal(codes::kUnavailable, "the password could not be hashed (memory)");

  v1::AuthAccount stored;
  stored.set_login(lowered);
  stored.set_display_name(std::string(display_name));
  stored.set_created_at(now);
  stored.set_password_hash(std::move(*hash));

  std::lock_guard lock(accounts_mu_);
  s = db_->Get(rocksdb::ReadOptions(), login_key, &ignored);
  if (s.ok()) return login_taken();
  if (!s.IsNotFound()) return Unavailable(s);
  const bool random_id = id.empty();
  for (;;) {
    if (random_id) id = NewAccountId();
    s = db_->Get(rocksdb::ReadOptions(), Key(kAccountPrefix, id), &ignored);
    if (s.IsNotFound()) break;
    if (!s.ok()) return Unavailable(s);
    // 100 random bits make a repeat practically impossible; a given id is the caller's.
    if (!random_id) return Refusal(codes::kAccountExists, "account " + id + " exists already");
  }
  stored.set_id(id);
  v1::AuthLogin index;
  index.set_account_id(id);

  rocksdb::WriteBatch batch;
  batch.Put(Key(kAccountPrefix, id), stored.SerializeAsString());
  batch.Put(login_key, index.SerializeAsString());
  s = db_->Write(Synced(), &batch);
  if (!s.ok()) return Unavailable(s);
  return ToAccount(stored);
}

std::optional<Account> AuthStore::LoadAccount(std::string_view account_id,
                                              std::string* password_hash, Error* error) const {
  std::optional<v1::AuthAccount> stored =
      Load<v1::AuthAccount>(*db_, Key(kAccountPrefix, account_id), error);
  if (!stored) return std::nullopt;
  if (password_hash != nullptr) *password_hash = stored->password_hash();
  return ToAccount(*stored);
}

Result<Account> AuthStore::CheckPassword(std::string_view login, std::string_view password) {
  const std::string lowered = LowercaseLogin(login);
  std::optional<Account> account;
  std::string password_hash;
  Error error;
  // Malformed logins and over-long passwords match no account; they are refused after the
  // same work as a wrong password.
  if (IsValidLogin(lowered) && password.size() <= kMaxPasswordBytes) {
    std::optional<v1::AuthLogin> index =
        Load<v1::AuthLogin>(*db_, Key(kLoginPrefix, lowered), &error);
    if (index) account = LoadAccount(index->account_id(), &password_hash, &error);
  }
  if (!error.code.empty()) return error;
  if (!account) {
    hasher_.VerifyNothing(password.substr(0, kMaxPasswordBytes));
    return BadCredentials();
  }
  if (!hasher_.Verify(password_hash, password)) return BadCredentials();
  return std::move(*account);
}

std::optional<Account> AuthStore::GetAccount(std::string_view account_id) const {
  return LoadAccount(account_id, nullptr, nullptr);
}

Result<std::string> AuthStore::CreateToken(std::string_view account_id, TokenKind kind,
                                           std::string_view platform, int64_t now,
                                           int64_t ttl_seconds) {
  if (ttl_seconds <= 0) return Refusal(codes::kBadRequest, "a token needs a positive lifetime");
  if (kind == TokenKind::kFeed && platform.empty()) {
    return Refusal(codes::kBadRequest, "a feed key needs a platform");
  }
  Error error;
  if (!LoadAccount(account_id, nullptr, &error)) {
    if (!error.code.empty()) return error;
    return Refusal(codes::kAccountNotFound, "no account " + std::string(account_id));
  }

  const std::string token = NewTokenBytes();
  const std::string hash = Sha256(token);
  v1::AuthToken stored;
  stored.set_token_hash(hash);
  stored.set_account_id(std::string(account_id));
  stored.set_kind(ToStored(kind));
  stored.set_platform(std::string(platform));
  stored.set_created_at(now);
  stored.set_expires_at(now + ttl_seconds);
  v1::AuthTokenRef ref;
  ref.set_kind(stored.kind());
  ref.set_expires_at(stored.expires_at());

  rocksdb::WriteBatch batch;
  batch.Put(Key(kTokenPrefix, hash), stored.SerializeAsString());
  batch.Put(AccountTokenKey(account_id, hash), ref.SerializeAsString());
  std::lock_guard lock(tokens_mu_);
  rocksdb::Status s = db_->Write(Synced(), &batch);
  if (!s.ok()) return Unavailable(s);
  if (kind == TokenKind::kSession) ++sessions_;
  return HexOf(token);
}

Result<TokenInfo> AuthStore::ResolveToken(std::string_view token, int64_t now) const {
  const Error unauthenticated =
      Refusal(codes::kUnauthenticated, "not signed in, or the session was ended");
  std::optional<std::string> hash = TokenHash(token);
  if (!hash) return unauthenticated;
  Error error;
  std::optional<v1::AuthToken> stored = Load<v1::AuthToken>(*db_, Key(kTokenPrefix, *hash), &error);
  if (!error.code.empty()) return error;
  // The lookup is by hash, so its timing could tell at most a prefix of SHA-256(token),
  // which does not help guess a token. The stored hash is compared in constant time all the
  // same, so a record under the wrong key never grants anything.
  if (!stored || stored->token_hash().size() != hash->size() ||
      sodium_memcmp(stored->token_hash().data(), hash->data(), hash->size()) != 0) {
    return unauthenticated;
  }
  if (IsRevokedUnsaved(*hash)) return unauthenticated;
  if (now >= stored->expires_at()) {
    return Refusal(codes::kSessionExpired, "the session expired; sign in again");
  }
  return TokenInfo{stored->account_id(), FromStored(stored->kind()), stored->platform(),
                   stored->expires_at()};
}

bool AuthStore::IsRevokedUnsaved(std::string_view token_hash) const {
  if (!any_revoked_unsaved_.load(std::memory_order_acquire)) return false;
  std::lock_guard lock(revoked_mu_);
  return revoked_unsaved_.find(token_hash) != revoked_unsaved_.end();
}

void AuthStore::RememberRevokedUnsaved(std::string token_hash) {
  std::lock_guard lock(revoked_mu_);
  revoked_unsaved_.insert(std::move(token_hash));
  any_revoked_unsaved_.store(true, std::memory_order_release);
}

void AuthStore::RevokeToken(std::string_view token) {
  std::optional<std::string> hash = TokenHash(token);
  if (!hash) return;
  const std::string key = Key(kTokenPrefix, *hash);
  std::lock_guard lock(tokens_mu_);
  Error error;
  std::optional<v1::AuthToken> stored = Load<v1::AuthToken>(*db_, key, &error);
  if (!error.code.empty()) {
    RememberRevokedUnsaved(std::move(*hash));
    return;
  }
  if (!stored) return;
  rocksdb::WriteBatch batch;
  batch.Delete(key);
  batch.Delete(AccountTokenKey(stored->account_id(), *hash));
  if (!db_->Write(Synced(), &batch).ok()) {
    RememberRevokedUnsaved(std::move(*hash));
    return;
  }
  if (stored->kind() == v1::AUTH_TOKEN_KIND_SESSION) --sessions_;
}

void AuthStore::RevokeAllTokens(std::string_view account_id) {
  const std::string prefix = AccountTokensPrefix(account_id);
  std::lock_guard lock(tokens_mu_);
  rocksdb::WriteBatch batch;
  std::vector<std::string> hashes;
  int64_t sessions = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string hash = it->key().ToString().substr(prefix.size());
    v1::AuthTokenRef ref;
    if (ref.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) &&
        ref.kind() == v1::AUTH_TOKEN_KIND_SESSION) {
      ++sessions;
    }
    batch.Delete(it->key());
    batch.Delete(Key(kTokenPrefix, hash));
    hashes.push_back(std::move(hash));
  }
  // Without the whole index the store cannot know every token to refuse; what it found is
  // still revoked.
  const bool complete = it->status().ok();
  if (hashes.empty()) return;
  if (!complete || !db_->Write(Synced(), &batch).ok()) {
    for (std::string& hash : hashes) RememberRevokedUnsaved(std::move(hash));
    return;
  }
  sessions_ -= sessions;
}

Status AuthStore::DeleteAccount(std::string_view account_id) {
  Error error;
  std::optional<v1::AuthAccount> stored =
      Load<v1::AuthAccount>(*db_, Key(kAccountPrefix, account_id), &error);
  if (!stored) {
    if (!error.code.empty()) return Status(std::move(error));
    return Refusal(codes::kAccountNotFound, "no account " + std::string(account_id));
  }
  RevokeAllTokens(account_id);
  rocksdb::WriteBatch batch;
  batch.Delete(Key(kAccountPrefix, account_id));
  batch.Delete(Key(kLoginPrefix, stored->login()));
  if (rocksdb::Status s = db_->Write(Synced(), &batch); !s.ok()) return Unavailable(s);
  return Status::Ok();
}

Status AuthStore::DeleteInvites(std::string_view platform,
                                const std::set<std::string>& invite_ids) {
  std::lock_guard lock(invites_mu_);
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(kInvitePrefix); it->Valid() && it->key().starts_with(kInvitePrefix); it->Next()) {
    v1::AuthInvite invite;
    if (invite.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) &&
        invite.platform() == platform && invite_ids.contains(invite.invite_id())) {
      batch.Delete(it->key());
    }
  }
  if (!it->status().ok()) return Unavailable(it->status());
  if (rocksdb::Status s = db_->Write(Synced(), &batch); !s.ok()) return Unavailable(s);
  return Status::Ok();
}

Status AuthStore::ForgetDeleted() { return eventstore::ForgetDeleted(*db_); }

size_t AuthStore::PurgeExpired(int64_t now) {
  std::lock_guard lock(tokens_mu_);
  size_t purged = 0;
  int64_t sessions = 0;
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const rocksdb::Slice prefix = AsSlice(kTokenPrefix);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::AuthToken stored;
    if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) continue;
    if (stored.expires_at() > now) continue;
    const std::string hash = it->key().ToString().substr(prefix.size());
    batch.Delete(it->key());
    batch.Delete(AccountTokenKey(stored.account_id(), hash));
    ++purged;
    if (stored.kind() == v1::AUTH_TOKEN_KIND_SESSION) ++sessions;
  }
  if (purged == 0 || !db_->Write(Synced(), &batch).ok()) return 0;
  sessions_ -= sessions;
  return purged;
}

size_t AuthStore::CountSessions() const {
  const int64_t sessions = sessions_.load();
  return sessions > 0 ? static_cast<size_t>(sessions) : 0;
}

Result<std::string> AuthStore::CreateInvite(const InviteGrant& grant) {
  if (grant.platform.empty()) return Refusal(codes::kBadRequest, "an invite needs a platform");
  if (grant.expires_at <= 0) return Refusal(codes::kBadRequest, "an invite needs an expiry time");
  const std::string token = NewTokenBytes();
  const std::string hash = Sha256(token);
  v1::AuthInvite stored;
  stored.set_token_hash(hash);
  stored.set_platform(grant.platform);
  stored.set_invite_id(grant.invite_id);
  stored.set_role(grant.role);
  stored.set_note(grant.note);
  stored.set_expires_at(grant.expires_at);
  stored.set_founding(grant.founding);
  stored.set_platform_name(grant.platform_name);
  stored.set_neighbourhood(grant.neighbourhood);
  rocksdb::Status s = db_->Put(Synced(), Key(kInvitePrefix, hash), stored.SerializeAsString());
  if (!s.ok()) return Unavailable(s);
  return HexOf(token);
}

Result<InviteGrant> AuthStore::PeekInvite(std::string_view token, int64_t now) const {
  std::string key;
  Result<v1::AuthInvite> invite = CheckInvite(*db_, token, now, &key);
  if (!invite.ok()) return invite.error();
  return ToGrant(*invite);
}

Result<InviteGrant> AuthStore::ClaimInvite(std::string_view token, int64_t now) {
  std::string key;
  std::lock_guard lock(invites_mu_);
  Result<v1::AuthInvite> invite = CheckInvite(*db_, token, now, &key);
  if (!invite.ok()) return invite.error();
  invite->set_used(true);
  invite->set_claimed_at(now);
  rocksdb::Status s = db_->Put(Synced(), key, invite->SerializeAsString());
  if (!s.ok()) return Unavailable(s);
  return ToGrant(*invite);
}

void AuthStore::ReleaseInvite(std::string_view token) {
  std::optional<std::string> hash = TokenHash(token);
  if (!hash) return;
  const std::string key = Key(kInvitePrefix, *hash);
  std::lock_guard lock(invites_mu_);
  std::optional<v1::AuthInvite> invite = Load<v1::AuthInvite>(*db_, key, nullptr);
  if (!invite || !invite->used()) return;
  invite->set_used(false);
  invite->set_claimed_at(0);
  // Should this fail, the link stays used: refusing a link is the safe side.
  db_->Put(Synced(), key, invite->SerializeAsString()).PermitUncheckedError();
}

}  // namespace rotonde::auth
