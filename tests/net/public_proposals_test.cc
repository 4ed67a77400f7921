// The public proposal form's routes against a real server: a resident without an account
// sends a proposal and follows it through its private link while the coordinators discuss,
// adopt or decline it; and everything a public form must refuse is refused, changing nothing.
#include <string>

#include "server_fixture.h"

namespace rotonde::test_support {
namespace {

namespace json = boost::json;

constexpr char kForm[] = "/api/v1/public/platforms/kolenkit/proposals";
constexpr char kCommands[] = "/api/v1/platforms/kolenkit/commands";

class PublicProposalsTest : public ServerFixture {
 protected:
  HttpReply Send(const json::object& body) { return Post(kForm, json::serialize(body), ""); }
  static json::object Proposal(const std::string& title) {
    return {{"name", "Fatima Yilmaz"},
            {"contact", "fatima@example.nl"},
            {"title", title},
            {"description", "Er is nergens om te zitten."},
            {"website", ""}};
  }
  HttpReply StatusOf(const json::value& receipt, const std::string& key = "") {
    return Get("/api/v1/public/platforms/kolenkit/proposals/" +
                   std::string(receipt.at("proposalId").as_string()) +
                   "?key=" + (key.empty() ? std::string(receipt.at("key").as_string()) : key),
               "");
  }
};

TEST_F(PublicProposalsTest, AResidentSendsAProposalAndFollowsItWhileCoordinatorsHandleIt) {
  // The form's short address leads to the web client's form.
  HttpReply short_link = Http(port_, "GET", "/p/kolenkit/voorstel");
  EXPECT_EQ(short_link.status, 302);
  EXPECT_EQ(short_link.headers["location"], "/#/p/kolenkit/voorstel");
  HttpReply platform = Get("/api/v1/public/platforms/kolenkit", "");
  ASSERT_EQ(platform.status, 200) << platform.body;
  EXPECT_EQ(platform.Json().at("name"), "Buurtplatform Kolenkitbuurt");

  const uint64_t head = Head();
  json::object first = Proposal("Bankjes op het Kolenkitplein");
  first["requestId"] = "r-bankjes-1";
  HttpReply sent = Send(first);
  ASSERT_EQ(sent.status, 201) << sent.body;
  const json::value receipt = sent.Json();
  EXPECT_EQ(Head(), head + 1);
  const std::string id(receipt.at("proposalId").as_string());
  EXPECT_NE(std::string(receipt.at("statusUrl").as_string())
                .find("/#/p/kolenkit/voorstel/" + id +
                      "?k=" + std::string(receipt.at("key").as_string())),
            std::string::npos);
  // A retry of the same sending is answered as the first and records nothing.
  HttpReply again = Send(first);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.Json().at("proposalId"), receipt.at("proposalId"));
  EXPECT_EQ(again.Json().at("key"), receipt.at("key"));
  EXPECT_EQ(Head(), head + 1);

  HttpReply status = StatusOf(receipt);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.Json().at("proposal").at("status"), "open");
  EXPECT_EQ(status.Json().at("proposal").at("title"), "Bankjes op het Kolenkitplein");
  EXPECT_FALSE(status.Json().at("proposal").as_object().contains("contact"));
  // A wrong key is answered as an unknown proposal.
  HttpReply wrong = StatusOf(receipt, "00000000000000000000000000000000");
  EXPECT_EQ(wrong.status, 404);
  EXPECT_EQ(wrong.Code(), "not_found");
  EXPECT_EQ(Get("/api/v1/public/platforms/kolenkit/proposals/p-nope?key=x", "").Code(),
            "not_found");

  // The members see it, contact included; the event has no actor.
  const std::string carla = SignIn("carla");
  HttpReply view = Get("/api/v1/platforms/kolenkit/views/proposals", carla);
  ASSERT_EQ(view.status, 200) << view.body;
  const json::value members_view = view.Json();
  const auto& listed = members_view.at("view").at("proposals").as_array();
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed[0].at("id"), receipt.at("proposalId"));
  EXPECT_EQ(listed[0].at("submitterContact"), "fatima@example.nl");
  EXPECT_EQ(listed[0].at("status"), "open");

  // Discussed, then adopted: the sender sees both, and the initiative it became.
  ASSERT_EQ(Post(kCommands,
                 json::serialize(json::object{
                     {"commandId", "c-discuss-1"},
                     {"recordProposalDiscussion",
                      json::object{{"proposalId", id}, {"notes", "Goed idee, vraag stadsdeel"}}}}),
                 carla)
                .status,
            200);
  EXPECT_EQ(StatusOf(receipt).Json().at("proposal").at("status"), "discussed");
  EXPECT_EQ(StatusOf(receipt).Json().at("proposal").at("discussions"), 1);
  HttpReply adopted = Post(
      kCommands,
      json::serialize(json::object{
          {"commandId", "c-adopt-1"},
          {"proposeInitiative", json::object{{"kind", "INITIATIVE_KIND_OTHER"},
                                             {"title", "Bankjes op het Kolenkitplein"},
                                             {"when", json::object{{"startDate", "2027-04-10"}}},
                                             {"place", json::object{{"text", "Kolenkitplein"}}},
                                             {"proposalId", id}}}}),
      carla);
  ASSERT_EQ(adopted.status, 200) << adopted.body;
  const json::value page = StatusOf(receipt).Json();
  EXPECT_EQ(page.at("proposal").at("status"), "adopted");
  EXPECT_EQ(page.at("proposal").at("initiative").at("title"), "Bankjes op het Kolenkitplein");
  EXPECT_EQ(page.at("proposal").at("initiative").at("startDate"), "2027-04-10");

  // Another one declined: the sender reads the reason.
  HttpReply second = Send(Proposal("Hondenuitlaatveld"));
  ASSERT_EQ(second.status, 201) << second.body;
  ASSERT_EQ(
      Post(kCommands,
           json::serialize(json::object{
               {"commandId", "c-decline-1"},
               {"declineProposal", json::object{{"proposalId", second.Json().at("proposalId")},
                                                {"reason", "Het stadsdeel regelt dit al."}}}}),
           carla)
          .status,
      200);
  const json::value declined = StatusOf(second.Json()).Json();
  EXPECT_EQ(declined.at("proposal").at("status"), "declined");
  EXPECT_EQ(declined.at("proposal").at("declineReason"), "Het stadsdeel regelt dit al.");
  // Waiting ones come first in the members' list; the adopted one names its initiative.
  const json::value after = Get("/api/v1/platforms/kolenkit/views/proposals", carla).Json();
  EXPECT_EQ(after.at("view").at("open"), members_view.at("view").at("open").to_number<int>() - 1)
      << after;
  EXPECT_EQ(after.at("view").at("proposals").as_array()[0].at("status"), "open");
  for (const auto& p : after.at("view").at("proposals").as_array()) {
    if (p.at("id") == receipt.at("proposalId")) {
      EXPECT_EQ(p.at("initiativeTitle"), "Bankjes op het Kolenkitplein");
    }
  }
}

TEST_F(PublicProposalsTest, WhatAPublicFormMustRefuseIsRefusedAndChangesNothing) {
  const uint64_t head = Head();
  auto refused = [&](json::object body, int status, const std::string& code) {
    HttpReply reply = Send(body);
    EXPECT_EQ(reply.status, status) << json::serialize(body) << " " << reply.body;
    EXPECT_EQ(reply.Code(), code) << reply.body;
    return reply;
  };
  json::object bot = Proposal("Goedkope pillen");
  bot["website"] = "http://spam.example";
  refused(bot, 400, "spam_suspected");
  json::object nameless = Proposal("Bankjes");
  nameless["name"] = "  ";
  EXPECT_EQ(refused(nameless, 400, "missing_field").Json().at("details").at("field"), "name");
  json::object unreachable = Proposal("Bankjes");
  unreachable["contact"] = "bel me maar";
  EXPECT_EQ(refused(unreachable, 400, "invalid_contact").Json().at("details").at("field"),
            "contact");
  refused(Proposal(""), 400, "missing_field");
  EXPECT_EQ(refused(Proposal(std::string(201, 'x')), 400, "text_too_long")
                .Json()
                .at("details")
                .at("field"),
            "title");
  json::object wrong_type = Proposal("Bankjes");
  wrong_type["name"] = 42;
  refused(wrong_type, 400, "bad_request");
  json::object big = Proposal("Bankjes");
  big["description"] = std::string(17 * 1024, 'x');
  refused(big, 413, "too_large");
  HttpReply nowhere =
      Post("/api/v1/public/platforms/nergens/proposals", json::serialize(Proposal("Bankjes")), "");
  EXPECT_EQ(nowhere.Code(), "platform_not_found");
  EXPECT_EQ(Get("/api/v1/public/platforms/nergens", "").Code(), "platform_not_found");
  EXPECT_EQ(Http(port_, "GET", "/p/kolenkit%0d%0aX:1/voorstel").status, 404);
  EXPECT_EQ(Head(), head) << "nothing refused was recorded";

  // Five an hour from one address: the sixth waits, and is told how long.
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Send(Proposal("Voorstel " + std::to_string(i))).status, 201);
  }
  HttpReply limited = refused(Proposal("Nog een"), 429, "rate_limited");
  const int64_t wait = limited.Json().at("details").at("retryAfterSeconds").to_number<int64_t>();
  EXPECT_GT(wait, 3000);
  EXPECT_LE(wait, 3600);
  EXPECT_EQ(Head(), head + 5);
  EXPECT_EQ(limited.headers["retry-after"], std::to_string(wait));
}

}  // namespace
}  // namespace rotonde::test_support
