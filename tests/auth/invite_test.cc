// Invite links on a real RocksDB: what a link grants, expiry, one claim only (also under
// concurrent claims), release, and that claims survive reopening the store.
#include <latch>
#include <thread>
#include <vector>

#include "auth_test_support.h"

namespace rotonde::auth {
namespace {

constexpr int64_t kNow = 1'790'000'000;
constexpr int64_t kWeek = 7 * 24 * 60 * 60;

InviteGrant FlyerGroupInvite() {
  InviteGrant grant;
  grant.platform = "kolenkit";
  grant.invite_id = "inv-flyers";
  grant.role = v1::ROLE_MEMBER;
  grant.note = "voor de flyergroep";
  grant.expires_at = kNow + kWeek;
  return grant;
}

class InviteTest : public AuthStoreTest {
 protected:
  std::string MustInvite(const InviteGrant& grant = FlyerGroupInvite()) {
    Result<std::string> token = store_->CreateInvite(grant);
    EXPECT_TRUE(token.ok()) << token.error().code;
    return token.ok() ? token.value() : std::string();
  }
  std::string PeekCode(const std::string& token, int64_t now = kNow) {
    Result<InviteGrant> grant = store_->PeekInvite(token, now);
    return grant.ok() ? "ok" : grant.error().code;
  }
  std::string ClaimCode(const std::string& token, int64_t now = kNow) {
    Result<InviteGrant> grant = store_->ClaimInvite(token, now);
    return grant.ok() ? "ok" : grant.error().code;
  }
};

TEST_F(InviteTest, ALinkOffersItsGrant) {
  const std::string token = MustInvite();
  EXPECT_TRUE(AllOf(token, 64, "0123456789abcdef")) << token;
  EXPECT_NE(MustInvite(), token);

  Result<InviteGrant> grant = store_->PeekInvite(token, kNow);
  ASSERT_TRUE(grant.ok()) << grant.error().code;
  EXPECT_EQ(grant->platform, "kolenkit");
  EXPECT_EQ(grant->invite_id, "inv-flyers");
  EXPECT_EQ(grant->role, v1::ROLE_MEMBER);
  EXPECT_EQ(grant->note, "voor de flyergroep");
  EXPECT_EQ(grant->expires_at, kNow + kWeek);
  EXPECT_FALSE(grant->founding);
  // Peeking claims nothing.
  EXPECT_EQ(PeekCode(token), "ok");
  EXPECT_EQ(ClaimCode(token), "ok");
}

TEST_F(InviteTest, AFoundingLinkCarriesThePlatformToFound) {
  InviteGrant founding;
  founding.platform = "spaarndammerbuurt";
  founding.role = v1::ROLE_ADMIN;
  founding.expires_at = kNow + kWeek;
  founding.founding = true;
  founding.platform_name = "Buurtplatform Spaarndammerbuurt";
  founding.neighbourhood = "Spaarndammerbuurt";
  const std::string token = MustInvite(founding);

  Result<InviteGrant> grant = store_->ClaimInvite(token, kNow);
  ASSERT_TRUE(grant.ok());
  EXPECT_TRUE(grant->founding);
  EXPECT_EQ(grant->invite_id, "");
  EXPECT_EQ(grant->role, v1::ROLE_ADMIN);
  EXPECT_EQ(grant->platform, "spaarndammerbuurt");
  EXPECT_EQ(grant->platform_name, "Buurtplatform Spaarndammerbuurt");
  EXPECT_EQ(grant->neighbourhood, "Spaarndammerbuurt");
}

TEST_F(InviteTest, UnknownAndMalformedLinksAreNotFound) {
  const std::string token = MustInvite();
  std::string other = token;
  other[0] = other[0] == 'a' ? 'b' : 'a';
  for (const std::string& bad :
       {std::string(), std::string("inv-flyers"), token.substr(1), other, std::string(64, 'G')}) {
    EXPECT_EQ(PeekCode(bad), "invite_not_found") << bad;
    EXPECT_EQ(ClaimCode(bad), "invite_not_found") << bad;
  }
  EXPECT_EQ(PeekCode(token), "ok");
}

TEST_F(InviteTest, ALinkExpiresAtItsTime) {
  const std::string token = MustInvite();
  EXPECT_EQ(PeekCode(token, kNow + kWeek - 1), "ok");
  EXPECT_EQ(PeekCode(token, kNow + kWeek), "invite_expired");
  EXPECT_EQ(ClaimCode(token, kNow + kWeek), "invite_expired");
  EXPECT_EQ(ClaimCode(token, kNow + 2 * kWeek), "invite_expired");
  // The refused claims did not use it.
  EXPECT_EQ(ClaimCode(token, kNow + kWeek - 1), "ok");
}

TEST_F(InviteTest, ALinkWorksOnce) {
  const std::string token = MustInvite();
  EXPECT_EQ(ClaimCode(token), "ok");
  EXPECT_EQ(PeekCode(token), "invite_used");
  EXPECT_EQ(ClaimCode(token), "invite_used");
  // Used says more than expired, so it wins once both are true.
  EXPECT_EQ(PeekCode(token, kNow + 2 * kWeek), "invite_used");
  // Other links are not affected.
  EXPECT_EQ(ClaimCode(MustInvite()), "ok");
}

TEST_F(InviteTest, OfEightConcurrentClaimsExactlyOneWins) {
  for (int trial = 0; trial < 5; ++trial) {
    const std::string token = MustInvite();
    constexpr int kThreads = 8;
    std::latch start(kThreads);
    std::vector<std::string> outcomes(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        outcomes[i] = ClaimCode(token);
      });
    }
    for (std::thread& thread : threads) thread.join();
    int won = 0;
    for (const std::string& outcome : outcomes) {
      if (outcome == "ok") {
        ++won;
      } else {
        EXPECT_EQ(outcome, "invite_used");
      }
    }
    EXPECT_EQ(won, 1) << "trial " << trial;
  }
}

TEST_F(InviteTest, ReleasingAClaimMakesTheLinkWorkAgain) {
  const std::string token = MustInvite();
  ASSERT_EQ(ClaimCode(token), "ok");
  store_->ReleaseInvite(token);
  EXPECT_EQ(PeekCode(token), "ok");
  EXPECT_EQ(ClaimCode(token), "ok");
  EXPECT_EQ(ClaimCode(token), "invite_used");

  // Releasing an unclaimed, unknown or malformed link changes nothing.
  const std::string fresh = MustInvite();
  store_->ReleaseInvite(fresh);
  store_->ReleaseInvite(std::string(64, 'a'));
  store_->ReleaseInvite("geen-link");
  EXPECT_EQ(ClaimCode(fresh), "ok");
  EXPECT_EQ(PeekCode(std::string(64, 'a')), "invite_not_found");
}

TEST_F(InviteTest, CreateInviteChecksTheGrant) {
  InviteGrant no_platform = FlyerGroupInvite();
  no_platform.platform.clear();
  Result<std::string> refused = store_->CreateInvite(no_platform);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "bad_request");

  InviteGrant no_expiry = FlyerGroupInvite();
  no_expiry.expires_at = 0;
  refused = store_->CreateInvite(no_expiry);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "bad_request");
}

TEST_F(InviteTest, LinksAndTheirClaimsSurviveReopening) {
  const std::string open_link = MustInvite();
  const std::string used_link = MustInvite();
  const std::string released_link = MustInvite();
  ASSERT_EQ(ClaimCode(used_link), "ok");
  ASSERT_EQ(ClaimCode(released_link), "ok");
  store_->ReleaseInvite(released_link);
  Reopen();

  Result<InviteGrant> grant = store_->PeekInvite(open_link, kNow);
  ASSERT_TRUE(grant.ok());
  EXPECT_EQ(grant->note, "voor de flyergroep");
  EXPECT_EQ(PeekCode(used_link), "invite_used");
  EXPECT_EQ(ClaimCode(released_link), "ok");
  EXPECT_EQ(ClaimCode(open_link), "ok");
}

}  // namespace
}  // namespace rotonde::auth
