// ParseWsMessage (server/net/ws_message.h): the client's WebSocket messages, without a socket.
#include <gtest/gtest.h>

#include "ws_message.h"

namespace rotonde::net {
namespace {

TEST(ParseWsMessage, ReadsEachType) {
  std::string id;
  auto ping = ParseWsMessage(R"({"type":"ping","id":"p1"})", &id);
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(ping->type, "ping");
  EXPECT_EQ(id, "p1");

  auto subscribe =
      ParseWsMessage(R"({"type":"subscribe","id":7,"platform":"kolenkit","from":282,"fromHash":")" +
                         std::string(64, 'a') + R"("})",
                     &id);
  ASSERT_TRUE(subscribe.ok()) << subscribe.status().ToString();
  EXPECT_EQ(id, "7");
  EXPECT_EQ(subscribe->from, 282u);
  EXPECT_EQ(subscribe->from_hash, std::string(32, '\xaa'));

  auto watch = ParseWsMessage(
      R"({"type":"watch","platform":"kolenkit","view":"calendar","from":"2026-05-01","to":"2026-06-30"})",
      &id);
  ASSERT_TRUE(watch.ok());
  EXPECT_EQ(id, "");
  EXPECT_EQ(watch->view, "calendar");
  EXPECT_EQ(watch->view_from, "2026-05-01");
  EXPECT_EQ(watch->view_to, "2026-06-30");

  auto command = ParseWsMessage(
      R"({"type":"command","id":"c","platform":"kolenkit","command":{"commandId":"c-1"}})", &id);
  ASSERT_TRUE(command.ok());
  EXPECT_EQ(command->command, R"({"commandId":"c-1"})");
}

TEST(ParseWsMessage, RefusesWithTheIdWhenThereIsOne) {
  std::string id = "stale";
  EXPECT_EQ(ParseWsMessage("[1]", &id).status().message(), "a message is one JSON object");
  EXPECT_EQ(id, "");
  EXPECT_EQ(ParseWsMessage(R"({"id":"x"})", &id).status().message(), "a message needs a type");
  EXPECT_EQ(id, "x");
  EXPECT_EQ(
      ParseWsMessage(R"({"type":"subscribe","from":-1,"platform":"p"})", &id).status().message(),
      "'from' must be a position: a whole number");
  EXPECT_EQ(
      ParseWsMessage(R"({"type":"subscribe","platform":"p","fromHash":"AB"})", &id).status().code(),
      "bad_request");
  EXPECT_EQ(ParseWsMessage(R"({"type":"watch","platform":"p"})", &id).status().message(),
            "watch needs a platform and a view");
  EXPECT_EQ(
      ParseWsMessage(R"({"type":"command","platform":"p","command":[]})", &id).status().message(),
      "a command message needs a platform and a command object");
  // Found by fuzz/ws_message_fuzzer.cc (fuzz/corpus/ws_message/command-number-beyond-double):
  // such a number was passed on as "Infinity", which is no JSON.
  EXPECT_EQ(
      ParseWsMessage(
          R"({"type":"command","platform":"p","command":{"decideSpending":{"votesFor":2e999}}})",
          &id)
          .status()
          .message(),
      "a number in the command is out of range");
  EXPECT_EQ(ParseWsMessage(R"({"type":"dance"})", &id).status().message(),
            "unknown message type 'dance'");
}

}  // namespace
}  // namespace rotonde::net
