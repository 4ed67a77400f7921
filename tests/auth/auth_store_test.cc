// Accounts, passwords and tokens on a real RocksDB: every refusal code, what is (and is not)
// stored, expiry, revocation, and that all of it survives closing and reopening the store.
#include <openssl/evp.h>
#include <rocksdb/db.h>

#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <latch>
#include <set>
#include <thread>
#include <vector>

#include "auth_test_support.h"
#include "rotonde/base/hex.h"
#include "secrets.h"

namespace rotonde::auth {
namespace {

constexpr int64_t kNow = 1'790'000'000;  // 2026-09-21
constexpr int64_t kDay = 24 * 60 * 60;
constexpr char kPassword[] = "kolenkit-2026";

class AccountsTest : public AuthStoreTest {
 protected:
  Account MustCreate(std::string_view login, std::string_view password = kPassword,
                     std::string_view name = "Anna de Vries", std::string id = {}) {
    Result<Account> account = store_->CreateAccount(login, password, name, kNow, std::move(id));
    EXPECT_TRUE(account.ok()) << account.error().code << ": " << account.error().message;
    return account.ok() ? account.value() : Account{};
  }

  std::string MustToken(const std::string& account_id, TokenKind kind = TokenKind::kSession,
                        std::string_view platform = "", int64_t ttl = 30 * kDay) {
    Result<std::string> token = store_->CreateToken(account_id, kind, platform, kNow, ttl);
    EXPECT_TRUE(token.ok()) << token.error().code;
    return token.ok() ? token.value() : std::string();
  }

  std::string CreateCode(std::string_view login, std::string_view password, std::string_view name) {
    Result<Account> account = store_->CreateAccount(login, password, name, kNow);
    return account.ok() ? "ok" : account.error().code;
  }

  std::string ResolveCode(const std::string& token, int64_t now = kNow) {
    Result<TokenInfo> info = store_->ResolveToken(token, now);
    return info.ok() ? "ok" : info.error().code;
  }
};

TEST_F(AccountsTest, CreateAccountGivesARandomIdAndLowercasesTheLogin) {
  Account anna = MustCreate("Anna.de-Vries_2", kPassword, "Anna de Vries");
  EXPECT_EQ(anna.id.substr(0, 2), "a-");
  EXPECT_TRUE(AllOf(anna.id.substr(2), 20, "0123456789abcdefghijklmnopqrstuv")) << anna.id;
  EXPECT_EQ(anna.login, "anna.de-vries_2");
  EXPECT_EQ(anna.display_name, "Anna de Vries");
  EXPECT_EQ(anna.created_at, kNow);

  Account dewi = MustCreate("dewi", kPassword, "Dewi Pranoto");
  EXPECT_NE(dewi.id, anna.id);

  std::optional<Account> read = store_->GetAccount(anna.id);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->login, "anna.de-vries_2");
  EXPECT_EQ(read->display_name, "Anna de Vries");
  EXPECT_EQ(read->created_at, kNow);
  EXPECT_FALSE(store_->GetAccount("a-nobody").has_value());
}

TEST_F(AccountsTest, LoginsOutsideTheRulesAreInvalid) {
  for (const std::string& login :
       {std::string(), std::string("ab"), std::string(33, 'a'), std::string("anna de vries"),
        std::string("anna/kolenkit"), std::string("anna@kolenkit"), std::string("ännä"),
        std::string("anna\n"), std::string("an\0na", 5)}) {
    EXPECT_EQ(CreateCode(login, kPassword, "Anna"), "invalid_login") << login;
  }
  EXPECT_EQ(CreateCode("abc", kPassword, "Anna"), "ok");
  EXPECT_EQ(CreateCode(std::string(32, 'z'), kPassword, "Anna"), "ok");
  EXPECT_EQ(CreateCode("j.de-boer_3", kPassword, "Jan de Boer"), "ok");
  EXPECT_EQ(CreateCode("MOHAMED", kPassword, "Mohamed El Amrani"), "ok");
}

TEST_F(AccountsTest, PasswordsOutsideTheRulesAreWeak) {
  EXPECT_EQ(CreateCode("anna", "negen-tek", "Anna"), "weak_password");  // 9
  EXPECT_EQ(CreateCode("anna", "", "Anna"), "weak_password");           // 0
  EXPECT_EQ(CreateCode("anna", std::string(129, 'x'), "Anna"), "weak_password");
  // Characters, not bytes, count towards the minimum: nine é are 18 bytes but 9 characters.
  EXPECT_EQ(CreateCode("anna", "ééééééééé", "Anna"), "weak_password");
  EXPECT_EQ(CreateCode("anna", "éééééééééé", "Anna"), "ok");
  EXPECT_EQ(CreateCode("bram", "tien-tekns", "Bram"), "ok");           // 10
  EXPECT_EQ(CreateCode("cees", std::string(128, 'x'), "Cees"), "ok");  // 128 bytes
}

TEST_F(AccountsTest, DisplayNamesMustBeTextWithoutControlCharacters) {
  for (const std::string& name :
       {std::string(), std::string(101, 'a'), std::string("Anna\nde Vries"),
        std::string("Anna\tde Vries"), std::string("Anna\x7f"), std::string("Anna\xc2\x85"),
        std::string("Anna\xff"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
        std::string("Ann\xc3"), std::string("   "), std::string("\xc2\xa0 "),
        std::string("An\0na", 5)}) {
    EXPECT_EQ(CreateCode("anna", kPassword, name), "invalid_text") << name;
  }
  EXPECT_EQ(CreateCode("anna", kPassword, std::string(100, 'a')), "ok");
  EXPECT_EQ(CreateCode("fatima", kPassword, "Fatima Çelik 🌻"), "ok");
}

TEST_F(AccountsTest, ALoginIsTakenWhateverItsCase) {
  MustCreate("anna");
  Result<Account> again = store_->CreateAccount("ANNA", "een-ander-wachtwoord", "Anna B", kNow);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "login_taken");
  EXPECT_FALSE(again.error().message.empty());
}

TEST_F(AccountsTest, AGivenIdIsKeptAndMustBeFree) {
  Account anna = MustCreate("anna", kPassword, "Anna de Vries", "a-anna");
  EXPECT_EQ(anna.id, "a-anna");
  Result<Account> same_id = store_->CreateAccount("bram", kPassword, "Bram", kNow, "a-anna");
  ASSERT_FALSE(same_id.ok());
  EXPECT_EQ(same_id.error().code, "account_exists");
  // The failed attempt did not take the login either.
  EXPECT_EQ(CreateCode("bram", kPassword, "Bram"), "ok");

  Result<Account> bad_id = store_->CreateAccount("cees", kPassword, "Cees", kNow, "a/cees");
  ASSERT_FALSE(bad_id.ok());
  EXPECT_EQ(bad_id.error().code, "bad_request");
}

TEST_F(AccountsTest, TheRightPasswordVerifiesAndAWrongOneDoesNot) {
  Account anna = MustCreate("anna");
  Result<Account> signed_in = store_->CheckPassword("anna", kPassword);
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().code;
  EXPECT_EQ(signed_in->id, anna.id);
  EXPECT_EQ(signed_in->display_name, "Anna de Vries");

  Result<Account> upper = store_->CheckPassword("Anna", kPassword);
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(upper->id, anna.id);

  for (const std::string& wrong :
       {std::string("kolenkit-2027"), std::string("KOLENKIT-2026"), std::string("kolenkit-202"),
        std::string(), std::string(kPassword) + std::string(1, '\0'), std::string(200, 'x')}) {
    Result<Account> refused = store_->CheckPassword("anna", wrong);
    ASSERT_FALSE(refused.ok()) << wrong;
    EXPECT_EQ(refused.error().code, "bad_credentials");
  }
}

TEST_F(AccountsTest, AnUnknownLoginIsRefusedLikeAWrongPassword) {
  MustCreate("anna");
  Result<Account> wrong = store_->CheckPassword("anna", "niet-het-wachtwoord");
  Result<Account> unknown = store_->CheckPassword("bram", "niet-het-wachtwoord");
  Result<Account> malformed = store_->CheckPassword("b/r am", "niet-het-wachtwoord");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
  EXPECT_EQ(malformed.error().code, "bad_credentials");
}

// --- What is stored ---------------------------------------------------------------------

std::string Sha256(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr), 1);
  return std::string(reinterpret_cast<char*>(digest), length);
}

TEST(Secrets, TokensAreStoredAsTheirStandardSha256) {
  // FIPS 180-2's example, and OpenSSL's digest of random bytes: the same as libsodium's.
  EXPECT_EQ(HexOf(auth::Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ASSERT_TRUE(SodiumReady());
  for (int i = 0; i < 50; ++i) {
    const std::string bytes = RandomBytes(static_cast<size_t>(i * 7));
    EXPECT_EQ(auth::Sha256(bytes), Sha256(bytes));
  }
  const std::string token = NewTokenBytes();
  EXPECT_EQ(TokenHash(HexOf(token)), auth::Sha256(token));
  EXPECT_EQ(TokenHash("not-a-token"), std::nullopt);
}

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// Every key and value in the database, read with RocksDB itself (decompressed).
std::vector<std::string> RawRecords(const std::string& dir) {
  rocksdb::DB* raw = nullptr;
  rocksdb::Options options;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, dir, &raw);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::vector<std::string> records;
  if (!s.ok()) return records;
  std::unique_ptr<rocksdb::DB> db(raw);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    records.push_back(it->key().ToString());
    records.push_back(it->value().ToString());
  }
  EXPECT_TRUE(it->status().ok());
  return records;
}

// The bytes of every file in the database directory (write-ahead log, tables, manifest).
std::string RawFiles(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

bool AnyContains(const std::vector<std::string>& records, const std::string& needle) {
  for (const std::string& record : records) {
    if (record.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST_F(AccountsTest, NeitherPasswordsNorTokensAreStoredInPlainText) {
  const std::string password = "Sneeuwklokje-Kolenkit-1961";
  Account anna = MustCreate("anna", password, "Anna de Vries");
  const std::string session = MustToken(anna.id);
  const std::string feed = MustToken(anna.id, TokenKind::kFeed, "kolenkit");
  InviteGrant grant;
  grant.platform = "kolenkit";
  grant.invite_id = "inv-flyers";
  grant.role = v1::ROLE_MEMBER;
  grant.note = "voor de flyergroep";
  grant.expires_at = kNow + 7 * kDay;
  Result<std::string> invite = store_->CreateInvite(grant);
  ASSERT_TRUE(invite.ok());
  Close();

  const std::vector<std::string> records = RawRecords(Dir());
  const std::string files = RawFiles(Dir());
  // What must be there is found: the scan can see stored data.
  EXPECT_TRUE(AnyContains(records, "Anna de Vries"));
  EXPECT_NE(files.find("Anna de Vries"), std::string::npos);
  EXPECT_TRUE(AnyContains(records, "$argon2id$v=19$"));
  for (const std::string& token : {session, feed, *invite}) {
    EXPECT_TRUE(AnyContains(records, Sha256(FromHex(token))));
  }
  // What must not be there is not.
  EXPECT_FALSE(AnyContains(records, password));
  EXPECT_EQ(files.find(password), std::string::npos);
  for (const std::string& token : {session, feed, *invite}) {
    EXPECT_FALSE(AnyContains(records, token));
    EXPECT_FALSE(AnyContains(records, FromHex(token)));
    EXPECT_EQ(files.find(token), std::string::npos);
    EXPECT_EQ(files.find(FromHex(token)), std::string::npos);
  }
}

// --- Tokens -----------------------------------------------------------------------------

TEST_F(AccountsTest, ATokenResolvesToItsAccountUntilItExpires) {
  Account anna = MustCreate("anna");
  const std::string token = MustToken(anna.id, TokenKind::kSession, "", 3600);
  EXPECT_TRUE(AllOf(token, 64, "0123456789abcdef")) << token;
  EXPECT_NE(MustToken(anna.id), token);

  Result<TokenInfo> info = store_->ResolveToken(token, kNow);
  ASSERT_TRUE(info.ok()) << info.error().code;
  EXPECT_EQ(info->account_id, anna.id);
  EXPECT_EQ(info->kind, TokenKind::kSession);
  EXPECT_EQ(info->platform, "");
  EXPECT_EQ(info->expires_at, kNow + 3600);

  EXPECT_EQ(ResolveCode(token, kNow + 3599), "ok");
  EXPECT_EQ(ResolveCode(token, kNow + 3600), "session_expired");
  EXPECT_EQ(ResolveCode(token, kNow + 400 * kDay), "session_expired");
}

TEST_F(AccountsTest, AFeedKeyNamesItsPlatform) {
  Account anna = MustCreate("anna");
  const std::string key = MustToken(anna.id, TokenKind::kFeed, "kolenkit", 365 * kDay);
  Result<TokenInfo> info = store_->ResolveToken(key, kNow);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->kind, TokenKind::kFeed);
  EXPECT_EQ(info->platform, "kolenkit");
  EXPECT_EQ(info->account_id, anna.id);
}

TEST_F(AccountsTest, UnknownAndMalformedTokensAreUnauthenticated) {
  Account anna = MustCreate("anna");
  const std::string token = MustToken(anna.id);
  std::string upper = token;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string other = token;
  other[10] = other[10] == '0' ? '1' : '0';
  for (const std::string& bad :
       {std::string(), token.substr(0, 63), token + "0", upper, other, std::string(64, 'g'),
        std::string(64, '0'), " " + token.substr(1)}) {
    EXPECT_EQ(ResolveCode(bad), "unauthenticated") << bad;
  }
  EXPECT_EQ(ResolveCode(token), "ok");
}

TEST_F(AccountsTest, CreateTokenChecksItsArguments) {
  Account anna = MustCreate("anna");
  Result<std::string> no_account =
      store_->CreateToken("a-nobody", TokenKind::kSession, "", kNow, 3600);
  ASSERT_FALSE(no_account.ok());
  EXPECT_EQ(no_account.error().code, "account_not_found");
  for (int64_t ttl : {int64_t{0}, int64_t{-1}}) {
    Result<std::string> no_life = store_->CreateToken(anna.id, TokenKind::kSession, "", kNow, ttl);
    ASSERT_FALSE(no_life.ok());
    EXPECT_EQ(no_life.error().code, "bad_request");
  }
  Result<std::string> feed = store_->CreateToken(anna.id, TokenKind::kFeed, "", kNow, 3600);
  ASSERT_FALSE(feed.ok());
  EXPECT_EQ(feed.error().code, "bad_request");
  EXPECT_EQ(store_->CountSessions(), 0u);
}

TEST_F(AccountsTest, RevokingATokenEndsThatSessionOnly) {
  Account anna = MustCreate("anna");
  const std::string laptop = MustToken(anna.id);
  const std::string phone = MustToken(anna.id);
  EXPECT_EQ(store_->CountSessions(), 2u);

  store_->RevokeToken(laptop);
  EXPECT_EQ(ResolveCode(laptop), "unauthenticated");
  EXPECT_EQ(ResolveCode(phone), "ok");
  EXPECT_EQ(store_->CountSessions(), 1u);

  // Revoking again, or revoking what never existed, changes nothing and fails nothing.
  store_->RevokeToken(laptop);
  store_->RevokeToken(std::string(64, 'a'));
  store_->RevokeToken("geen-token");
  EXPECT_EQ(ResolveCode(phone), "ok");
  EXPECT_EQ(store_->CountSessions(), 1u);
}

TEST_F(AccountsTest, RevokingAllTokensEndsEverySessionAndFeedKeyOfThatAccountOnly) {
  // Ids where one is a prefix of the other: the account->tokens index keeps them apart.
  Account an = MustCreate("an.jansen", kPassword, "An Jansen", "a-an");
  Account anna = MustCreate("anna", kPassword, "Anna de Vries", "a-anna");
  const std::string an_session = MustToken(an.id);
  const std::vector<std::string> anna_tokens = {MustToken(anna.id), MustToken(anna.id),
                                                MustToken(anna.id, TokenKind::kFeed, "kolenkit")};
  EXPECT_EQ(store_->CountSessions(), 3u);

  store_->RevokeAllTokens("a-an");
  EXPECT_EQ(ResolveCode(an_session), "unauthenticated");
  for (const std::string& token : anna_tokens) EXPECT_EQ(ResolveCode(token), "ok");
  EXPECT_EQ(store_->CountSessions(), 2u);

  store_->RevokeAllTokens("a-anna");
  for (const std::string& token : anna_tokens) EXPECT_EQ(ResolveCode(token), "unauthenticated");
  EXPECT_EQ(store_->CountSessions(), 0u);

  // A new sign-in afterwards works as before.
  EXPECT_EQ(ResolveCode(MustToken(anna.id)), "ok");
  store_->RevokeAllTokens("a-nobody");
  EXPECT_EQ(store_->CountSessions(), 1u);
}

TEST_F(AccountsTest, PurgeDeletesExpiredTokensOnly) {
  Account anna = MustCreate("anna");
  const std::string hour = MustToken(anna.id, TokenKind::kSession, "", 3600);
  const std::string day = MustToken(anna.id, TokenKind::kSession, "", kDay);
  const std::string feed = MustToken(anna.id, TokenKind::kFeed, "kolenkit", 3600);
  EXPECT_EQ(store_->CountSessions(), 2u);

  EXPECT_EQ(store_->PurgeExpired(kNow + 3599), 0u);
  EXPECT_EQ(store_->PurgeExpired(kNow + 3600), 2u);
  EXPECT_EQ(store_->CountSessions(), 1u);
  // Purged: no longer known at all (before, they were "expired").
  EXPECT_EQ(ResolveCode(hour, kNow), "unauthenticated");
  EXPECT_EQ(ResolveCode(feed, kNow), "unauthenticated");
  EXPECT_EQ(ResolveCode(day, kNow + 3600), "ok");
  // The account's index lost them too: revoking all finds only the one left.
  store_->RevokeAllTokens(anna.id);
  EXPECT_EQ(store_->CountSessions(), 0u);
  EXPECT_EQ(store_->PurgeExpired(kNow + 2 * kDay), 0u);
}

TEST_F(AccountsTest, AccountsTokensAndRevocationsSurviveReopening) {
  Account anna = MustCreate("anna");
  const std::string kept = MustToken(anna.id);
  const std::string revoked = MustToken(anna.id);
  const std::string feed = MustToken(anna.id, TokenKind::kFeed, "kolenkit");
  store_->RevokeToken(revoked);
  Reopen();

  std::optional<Account> read = store_->GetAccount(anna.id);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->login, "anna");
  Result<Account> signed_in = store_->CheckPassword("anna", kPassword);
  ASSERT_TRUE(signed_in.ok());
  EXPECT_EQ(signed_in->id, anna.id);
  EXPECT_EQ(CreateCode("anna", kPassword, "Anna"), "login_taken");

  EXPECT_EQ(ResolveCode(kept), "ok");
  EXPECT_EQ(ResolveCode(feed), "ok");
  EXPECT_EQ(ResolveCode(revoked), "unauthenticated");
  EXPECT_EQ(store_->CountSessions(), 1u);  // counted again from the database

  store_->RevokeAllTokens(anna.id);  // the index survived as well
  Reopen();
  EXPECT_EQ(ResolveCode(kept), "unauthenticated");
  EXPECT_EQ(ResolveCode(feed), "unauthenticated");
  EXPECT_EQ(store_->CountSessions(), 0u);
}

TEST_F(AccountsTest, ADirectoryHoldingSomethingElseIsNotOpened) {
  Close();
  const std::string other = dir_.Sub("other");
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options options;
    options.create_if_missing = true;
    ASSERT_TRUE(rocksdb::DB::Open(options, other, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "format", "rotonde-eventstore-1").ok());
  }
  Result<std::unique_ptr<AuthStore>> opened = AuthStore::Open(other, FastOptions());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), rotonde::codes::kCorruption);

  // One process at a time: a second open of a store in use fails instead of sharing it.
  Reopen();
  Result<std::unique_ptr<AuthStore>> twice = AuthStore::Open(Dir(), FastOptions());
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().code(), rotonde::codes::kIOError);
}

// --- Many threads -----------------------------------------------------------------------

TEST_F(AccountsTest, ConcurrentSignUpsForOneLoginMakeOneAccount) {
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<std::string> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      Result<Account> account = store_->CreateAccount("dewi", "wachtwoord-" + std::to_string(i),
                                                      "Dewi " + std::to_string(i), kNow);
      outcomes[i] = account.ok() ? "ok:" + account->display_name : account.error().code;
    });
  }
  for (std::thread& thread : threads) thread.join();
  int won = 0;
  std::string winner;
  for (const std::string& outcome : outcomes) {
    if (outcome.rfind("ok:", 0) == 0) {
      ++won;
      winner = outcome.substr(3);
    } else {
      EXPECT_EQ(outcome, "login_taken");
    }
  }
  ASSERT_EQ(won, 1);
  // The account stored is the winner's, with the winner's password.
  const std::string index = winner.substr(winner.find(' ') + 1);
  Result<Account> signed_in = store_->CheckPassword("dewi", "wachtwoord-" + index);
  ASSERT_TRUE(signed_in.ok());
  EXPECT_EQ(signed_in->display_name, winner);
}

TEST_F(AccountsTest, ManyThreadsSignInAndOutAtOnce) {
  Close();
  AuthOptions options = FastOptions();
  options.max_concurrent_hashes = 2;  // fewer than the threads: some wait their turn
  Result<std::unique_ptr<AuthStore>> opened = AuthStore::Open(Dir(), options);
  ASSERT_TRUE(opened.ok());
  store_ = std::move(opened).value();
  const std::vector<std::string> logins = {"anna", "bram", "cees", "dewi"};
  for (const std::string& login : logins) MustCreate(login, kPassword, "Buurtbewoner " + login);

  constexpr int kThreads = 8;
  constexpr int kRounds = 10;
  std::atomic<int> failures{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      const std::string& login = logins[i % logins.size()];
      for (int round = 0; round < kRounds; ++round) {
        Result<Account> account =
            store_->CheckPassword(login, round % 3 == 2 ? "fout-wachtwoord" : kPassword);
        if (account.ok() != (round % 3 != 2)) ++failures;
        if (!account.ok()) continue;
        Result<std::string> token =
            store_->CreateToken(account->id, TokenKind::kSession, "", kNow, 3600);
        if (!token.ok() || !store_->ResolveToken(*token, kNow).ok()) {
          ++failures;
          continue;
        }
        if (round % 2 == 0) store_->RevokeToken(*token);
        if (store_->ResolveToken(*token, kNow).ok() != (round % 2 != 0)) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  // Rounds 2, 5 and 8 give a wrong password; of the others, the odd ones keep their session:
  // rounds 1, 3, 7 and 9, four per thread.
  EXPECT_EQ(store_->CountSessions(), static_cast<size_t>(kThreads * 4));
  Reopen();
  EXPECT_EQ(store_->CountSessions(), static_cast<size_t>(kThreads * 4));
}

}  // namespace
}  // namespace rotonde::auth
