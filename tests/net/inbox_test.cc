// The inbox over the API (docs/api.md, "Notifications"): a clash reaches both organizers'
// inboxes, live over the WebSocket, and marking it read reaches every screen of theirs; mail
// settings and the unsubscribe link.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "server_fixture.h"

namespace rotonde::test_support {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

constexpr milliseconds kWait{5000};
constexpr char kCommands[] = "/api/v1/platforms/kolenkit/commands";
constexpr char kInbox[] = "/api/v1/platforms/kolenkit/views/inbox";

class InboxApiTest : public ServerFixture {
 protected:
  // Proposes a street market on `date` as the token's member; its initiative id.
  std::string Market(const std::string& token, const std::string& id, const std::string& title,
                     const std::string& date) {
    json::object command{
        {"commandId", id},
        {"proposeInitiative", json::object{{"kind", "INITIATIVE_KIND_STREET_MARKET"},
                                           {"title", title},
                                           {"when", json::object{{"startDate", date}}}}}};
    HttpReply reply = Post(kCommands, json::serialize(command), token);
    EXPECT_EQ(reply.status, 200) << reply.body;
    const json::value body = reply.Json();
    const auto& event = body.at("events").as_array()[0].at("event");
    return std::string(event.at("initiativeProposed").at("initiativeId").as_string());
  }
  json::object Inbox(const std::string& token) {
    HttpReply reply = Get(kInbox, token);
    EXPECT_EQ(reply.status, 200) << reply.body;
    const json::value body = reply.Json();
    return body.at("view").as_object();
  }
};

TEST_F(InboxApiTest, AClashReachesBothOrganizersLiveAndReadMarksReachEveryScreen) {
  const std::string bram = SignIn("bram");
  const std::string dewi = SignIn("dewi");
  const auto before = Inbox(bram);
  const int64_t unread_before = before.at("unread").to_number<int64_t>();

  WsClient screen;
  ASSERT_TRUE(screen.Connect(port_, bram));
  ASSERT_TRUE(
      screen.Send({{"type", "watch"}, {"id", "w"}, {"platform", "kolenkit"}, {"view", "inbox"}}));
  auto snapshot = screen.ReadUntil("view", kWait);
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->at("data").at("unread").to_number<int64_t>(), unread_before);

  Market(bram, "c-inbox-1", "Voorjaarsbraderie", "2027-03-13");
  Market(dewi, "c-inbox-2", "Rommelmarkt op het plein", "2027-03-13");

  // Live: a patch makes Bram's unread count one higher.
  bool live = false;
  for (int i = 0; i < 10 && !live; ++i) {
    auto patch = screen.ReadUntil("patch", kWait);
    ASSERT_TRUE(patch) << "no patch of the inbox";
    for (const auto& op : patch->at("patch").as_array()) {
      if (op.at("path") == "/unread" && op.at("value").to_number<int64_t>() == unread_before + 1) {
        live = true;
      }
    }
  }
  EXPECT_TRUE(live) << "the unread count did not reach Bram's screen";

  const auto after = Inbox(bram);
  ASSERT_EQ(after.at("unread").to_number<int64_t>(), unread_before + 1);
  const auto& newest = after.at("items").as_array()[0].as_object();
  EXPECT_EQ(newest.at("kind"), "clash_detected");
  EXPECT_EQ(newest.at("title"), "Voorjaarsbraderie");
  EXPECT_EQ(newest.at("otherTitle"), "Rommelmarkt op het plein");
  EXPECT_FALSE(newest.contains("read") && newest.at("read").as_bool());
  const uint64_t position = std::stoull(std::string(newest.at("position").as_string()));
  // Dewi proposed the second market: she hears of the clash too, from her side.
  const auto dewis = Inbox(dewi);
  EXPECT_EQ(dewis.at("items").as_array()[0].at("title"), "Rommelmarkt op het plein");

  // Marking it read changes nothing in the log, and reaches Bram's open screen.
  const uint64_t head = Head();
  HttpReply read = Post("/api/v1/platforms/kolenkit/inbox/read",
                        R"({"positions":[)" + std::to_string(position) + "]}", bram);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(Head(), head);
  bool seen = false;
  for (int i = 0; i < 10 && !seen; ++i) {
    auto patch = screen.ReadUntil("patch", kWait);
    ASSERT_TRUE(patch) << "the read mark did not reach the screen";
    EXPECT_EQ(patch->at("from"), patch->at("position"));  // no event: the same position
    for (const auto& op : patch->at("patch").as_array()) {
      if (op.at("path") == "/unread" && op.at("value").to_number<int64_t>() == unread_before) {
        seen = true;
      }
    }
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(Inbox(bram).at("unread").to_number<int64_t>(), unread_before);
  // Everything read.
  read = Post("/api/v1/platforms/kolenkit/inbox/read",
              R"({"through":)" + std::to_string(Head()) + "}", bram);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(Inbox(bram).at("unread").to_number<int64_t>(), 0);
  // Dewi's marks are her own.
  EXPECT_GE(Inbox(dewi).at("unread").to_number<int64_t>(), 1);
}

TEST_F(InboxApiTest, BadReadMarksAndOtherPlatformsAreRefused) {
  const std::string bram = SignIn("bram");
  EXPECT_EQ(Post("/api/v1/platforms/kolenkit/inbox/read", R"({"through":-1})", bram).Code(),
            "invalid_argument");
  EXPECT_EQ(Post("/api/v1/platforms/kolenkit/inbox/read", R"({"positions":["x"]})", bram).Code(),
            "invalid_argument");
  EXPECT_EQ(Post("/api/v1/platforms/kolenkit/inbox/read", R"({"all":true})", bram).Code(),
            "bad_request");
  // Another neighbourhood's is not there for Bram, as for every read.
  EXPECT_EQ(Post("/api/v1/platforms/noord/inbox/read", R"({"through":1})", bram).Code(),
            "platform_not_found");
  EXPECT_EQ(Post("/api/v1/platforms/kolenkit/inbox/read", R"({"through":1})", "").status, 401);
  EXPECT_EQ(Get(kInbox, "").status, 401);
}

TEST_F(InboxApiTest, MailSettingsAreEachMembersOwnAndTheUnsubscribeLinkTurnsMailOff) {
  const std::string bram = SignIn("bram");
  HttpReply got = Get("/api/v1/mail/settings", bram);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.Json().at("mode"), "digest");  // never chosen: the daily digest
  EXPECT_EQ(got.Json().at("address"), "");
  EXPECT_EQ(got.Json().at("serverSendsMail"), false);

  HttpReply set = Post("/api/v1/mail/settings",
                       R"({"address":"bram@example.org","mode":"instant","language":"en"})", bram);
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(Get("/api/v1/mail/settings", bram).Json().at("mode"), "instant");
  EXPECT_EQ(Get("/api/v1/mail/settings", SignIn("dewi")).Json().at("address"), "");

  EXPECT_EQ(Post("/api/v1/mail/settings", R"({"address":"bram","mode":"instant"})", bram).Code(),
            "invalid_contact");
  EXPECT_EQ(Post("/api/v1/mail/settings",
                 "{\"address\":\"b@x.nl\\r\\nBcc: x@y.nl\",\"mode\":\"instant\"}", bram)
                .Code(),
            "invalid_contact");
  EXPECT_EQ(Post("/api/v1/mail/settings", R"({"mode":"weekly"})", bram).Code(), "invalid_argument");
  EXPECT_EQ(Post("/api/v1/mail/settings", R"({"mode":"off","language":"de"})", bram).Code(),
            "invalid_argument");
  EXPECT_EQ(Post("/api/v1/mail/settings", R"({"mode":"off","colour":"red"})", bram).Code(),
            "bad_request");
  EXPECT_EQ(Get("/api/v1/mail/settings", bram).Json().at("address"), "bram@example.org");

  // The link in every mail: no session needed, a one-click POST from a mail client.
  const std::string token = app_->inbox().UnsubscribeToken("m-bram");
  EXPECT_EQ(Http(port_, "POST", "/api/v1/mail/unsubscribe?t=" + token + "x", "").Code(),
            "invalid_link");
  EXPECT_EQ(Http(port_, "POST", "/api/v1/mail/unsubscribe?t=m-dewi." + token.substr(7), "").Code(),
            "invalid_link");
  HttpReply off =
      Http(port_, "POST", "/api/v1/mail/unsubscribe?t=" + token, "List-Unsubscribe=One-Click",
           {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(Get("/api/v1/mail/settings", bram).Json().at("mode"), "off");
}

}  // namespace
}  // namespace rotonde::test_support
