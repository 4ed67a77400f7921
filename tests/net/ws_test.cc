// The WebSocket push against a real server on a loopback port, with real WebSocket clients:
// live events and view patches, exact resume, slow consumers, malformed messages, shutdown.
#include <atomic>
#include <chrono>
#include <iostream>
#include <set>
#include <thread>

#include "json_patch.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/event_store.h"
#include "server_fixture.h"

namespace rotonde::test_support {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kWait = seconds(20);

std::string Proposal(int n, size_t description_bytes = 40) {
  return R"({"commandId":"w-)" + std::to_string(n) + R"(","submitProposal":{"title":"Idee )" +
         std::to_string(n) + R"(","description":")" + std::string(description_bytes, 'x') +
         R"(","submitterName":"Bram"}})";
}

// Reads "events" frames until the platform's events up to `until` have arrived; records their
// positions (in arrival order). False if the connection closed or a read timed out first.
bool ReadEventsUntil(WsClient& client, uint64_t until, std::vector<uint64_t>* positions) {
  // Events that came before what the test waited for (a "caught_up") count too.
  for (const auto& message : client.TakeSkipped()) {
    if (message.at("type") != "events") continue;
    for (const auto& event : message.at("events").as_array()) {
      positions->push_back(event.at("position").to_number<uint64_t>());
    }
  }
  while (positions->empty() || positions->back() < until) {
    auto message = client.Read(kWait);
    if (!message) {
      std::cerr << "stopped after " << positions->size() << " events"
                << (positions->empty() ? std::string() : " at " + std::to_string(positions->back()))
                << ", waiting for " << until << (client.closed() ? ", closed " : ", open ")
                << client.close_code() << "\n";
      return false;
    }
    if (message->at("type") != "events") continue;
    for (const auto& event : message->at("events").as_array()) {
      positions->push_back(event.at("position").to_number<uint64_t>());
    }
  }
  return true;
}

std::vector<uint64_t> KolenkitPositionsAfter(eventstore::EventStore& store, uint64_t after) {
  std::vector<eventstore::EventRecord> records;
  EXPECT_TRUE(store.Read("kolenkit", after, 1'000'000, &records).ok());
  std::vector<uint64_t> out;
  for (const auto& r : records) out.push_back(r.position());
  return out;
}

class WsTest : public ServerFixture {};

TEST_F(WsTest, OneActsTheOtherSeesTheEventAndTheViewPatch) {
  WsClient actor, watcher;
  ASSERT_TRUE(actor.Connect(port_, SignIn("bram")));
  ASSERT_TRUE(watcher.Connect(port_, SignIn("dewi")));
  const uint64_t head = Head();
  ASSERT_TRUE(watcher.Send(
      {{"type", "subscribe"}, {"id", "s1"}, {"platform", "kolenkit"}, {"from", head}}));
  ASSERT_TRUE(watcher.ReadUntil("caught_up", kWait));
  ASSERT_TRUE(
      watcher.Send({{"type", "watch"}, {"id", "w1"}, {"platform", "kolenkit"}, {"view", "board"}}));
  auto snapshot = watcher.ReadUntil("view", kWait);
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->at("id"), "w1");
  json::value board = snapshot->at("data");
  uint64_t board_position = snapshot->at("position").to_number<uint64_t>();

  json::object command{
      {"commandId", "ws-1"},
      {"proposeInitiative", json::object{{"kind", "INITIATIVE_KIND_STREET_MARKET"},
                                         {"title", "Braderie Kolenkit"},
                                         {"when", json::object{{"startDate", "2026-09-26"}}}}}};
  ASSERT_TRUE(actor.Send(
      {{"type", "command"}, {"id", "c1"}, {"platform", "kolenkit"}, {"command", command}}));
  auto result = actor.ReadUntil("result", kWait);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->at("id"), "c1");
  const uint64_t last = result->at("lastPosition").to_number<uint64_t>();

  // The event, and a patch that turns the snapshot into the new board.
  bool saw_event = false, saw_patch = false;
  while (!(saw_event && saw_patch)) {
    auto message = watcher.Read(kWait);
    ASSERT_TRUE(message) << "closed or timed out";
    if (message->at("type") == "events") {
      for (const auto& e : message->at("events").as_array()) {
        saw_event |= e.at("correlationId") == "ws-1";
      }
    } else if (message->at("type") == "patch") {
      EXPECT_EQ(message->at("from").to_number<uint64_t>(), board_position);
      ASSERT_TRUE(wire::Apply(board, message->at("patch").as_array()));
      board_position = message->at("position").to_number<uint64_t>();
      saw_patch = board_position >= last;
    }
  }
  HttpReply served = Get("/api/v1/platforms/kolenkit/views/board", SignIn("dewi"));
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(served.Json().at("position").to_number<uint64_t>(), board_position);
  EXPECT_EQ(board, served.Json().at("view"));
}

TEST_F(WsTest, AResumeAfterThousandsOfEventsMissesNothingAndDoublesNothing) {
  const std::string token = SignIn("dewi");
  const uint64_t start = Head();
  constexpr int kCommands = 3000;
  std::atomic<int> written{0};
  std::atomic<bool> dropped{false};
  std::jthread writer([&] {
    for (int i = 0; i < kCommands; ++i) {
      // The rest only once the first connection is gone, so the gap is thousands however
      // many events the frames before the drop carried.
      if (i == 200) dropped.wait(false);
      Command("m-bram", Proposal(i, 200));
      written = i + 1;
    }
  });
  // Should an assertion end the test early, the writer is released before it is joined.
  struct Release {
    std::atomic<bool>& flag;
    ~Release() {
      flag = true;
      flag.notify_all();
    }
  } release{dropped};

  std::vector<uint64_t> received;
  {
    WsClient first;
    ASSERT_TRUE(first.Connect(port_, token));
    ASSERT_TRUE(first.Send({{"type", "subscribe"}, {"platform", "kolenkit"}, {"from", start}}));
    ASSERT_TRUE(first.ReadUntil("caught_up", kWait));
    while (written < 200) std::this_thread::sleep_for(milliseconds(5));
    // Take what arrives for a moment, then lose the network mid-stream.
    const uint64_t some = KolenkitPositionsAfter(*store_, start).at(100);
    const bool read = ReadEventsUntil(first, some, &received);
    first.Drop();
    dropped = true;
    dropped.notify_all();
    ASSERT_TRUE(read);
  }
  const uint64_t resume_from = received.back();
  writer.join();
  const uint64_t disk_reads_before = CounterValue("rotonde_ws_disk_reads_total");
  const std::vector<uint64_t> expected = KolenkitPositionsAfter(*store_, start);
  ASSERT_GE(expected.size() - received.size(), 2000u) << "the gap should be thousands of events";

  WsClient second;
  ASSERT_TRUE(second.Connect(port_, token));
  ASSERT_TRUE(
      second.Send({{"type", "subscribe"}, {"platform", "kolenkit"}, {"from", resume_from}}));
  ASSERT_TRUE(ReadEventsUntil(second, expected.back(), &received));
  EXPECT_EQ(received, expected);  // in order, none missing, none twice
  // The gap is larger than the live feed keeps (256 KiB here): the resume read the log,
  // and operators can see that it did.
  EXPECT_GT(CounterValue("rotonde_ws_disk_reads_total"), disk_reads_before);
}

// Subscribers far behind the live feed (here: all starting from before thousands of events)
// share the pages they read from the log: each gets every event once, in order, and the log
// is read fewer times than there are subscribers, where each reading its own pages took
// several reads apiece — what left a server that had fallen behind unable to catch up.
TEST_F(WsTest, SubscribersBehindTheLiveFeedShareThePagesTheyReadFromTheLog) {
  const uint64_t start = Head();
  for (int i = 0; i < 1500; ++i) Command("m-bram", Proposal(i));
  const std::vector<uint64_t> expected = KolenkitPositionsAfter(*store_, start);
  const uint64_t reads_before = CounterValue("rotonde_ws_disk_reads_total");
  const std::string token = SignIn("dewi");
  constexpr int kSubscribers = 20;
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < kSubscribers; ++i) {
    clients.push_back(std::make_unique<WsClient>());
    ASSERT_TRUE(clients.back()->Connect(port_, token));
    ASSERT_TRUE(
        clients.back()->Send({{"type", "subscribe"}, {"platform", "kolenkit"}, {"from", start}}));
  }
  for (auto& client : clients) {
    std::vector<uint64_t> received;
    ASSERT_TRUE(ReadEventsUntil(*client, expected.back(), &received));
    EXPECT_EQ(received, expected);
  }
  const uint64_t reads = CounterValue("rotonde_ws_disk_reads_total") - reads_before;
  EXPECT_GE(reads, 1u);
  EXPECT_LT(reads, static_cast<uint64_t>(kSubscribers));
}

TEST_F(WsTest, ASlowConsumerIsClosedWith4000AndOthersKeepReceiving) {
  Stop();
  ServerOptions options;
  options.ws_queue_limit_bytes = 512 << 10;
  Start(options);
  const std::string token = SignIn("dewi");
  const uint64_t start = Head();
  WsClient slow, normal;
  ASSERT_TRUE(slow.Connect(port_, token, /*receive_buffer_bytes=*/4096));
  ASSERT_TRUE(normal.Connect(port_, token));
  for (WsClient* c : {&slow, &normal}) {
    ASSERT_TRUE(c->Send({{"type", "subscribe"}, {"platform", "kolenkit"}, {"from", start}}));
    ASSERT_TRUE(c->ReadUntil("caught_up", kWait));
  }
  // The slow one stops reading while ~8 MB of events go out; the normal one reads along.
  constexpr int kCommands = 2000;
  std::vector<uint64_t> normal_received;
  std::atomic<uint64_t> normal_at{start};  // the last position the normal one has read
  std::atomic<bool> reader_done{false};
  std::jthread reader([&] {
    struct Done {
      std::atomic<bool>& done;
      ~Done() { done = true; }
    } done{reader_done};
    // Until the last command's events (one append: one frame) have arrived.
    while (true) {
      auto message = normal.Read(kWait);
      if (!message) return;
      if (message->at("type") != "events") continue;
      bool last = false;
      for (const auto& event : message->at("events").as_array()) {
        normal_received.push_back(event.at("position").to_number<uint64_t>());
        normal_at = normal_received.back();
        last |= event.at("correlationId").as_string() == "w-" + std::to_string(kCommands - 1);
      }
      if (last) return;
    }
  });
  for (int i = 0; i < kCommands; ++i) {
    Command("m-bram", Proposal(i, 4000));
    // A normal client keeps up: its lag stays far below the queue's limit, however slow this
    // machine is at parsing frames (ASan, a busy test run). The slow one is never waited for.
    if (i % 20 == 19) {
      const uint64_t head = Head();
      const auto deadline = std::chrono::steady_clock::now() + kWait;
      while (normal_at < head && !reader_done && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(milliseconds(1));
    }
  }
  reader.join();
  const std::vector<uint64_t> expected = KolenkitPositionsAfter(*store_, start);
  EXPECT_FALSE(normal.closed());
  EXPECT_EQ(normal_received, expected);

  std::vector<uint64_t> slow_received;
  EXPECT_FALSE(ReadEventsUntil(slow, expected.back(), &slow_received));
  EXPECT_TRUE(slow.closed());
  EXPECT_EQ(slow.close_code(), 4000);
  // It resumes from what it got, and gets the rest exactly.
  WsClient resumed;
  ASSERT_TRUE(resumed.Connect(port_, token));
  const uint64_t from = slow_received.empty() ? start : slow_received.back();
  ASSERT_TRUE(resumed.Send({{"type", "subscribe"}, {"platform", "kolenkit"}, {"from", from}}));
  ASSERT_TRUE(ReadEventsUntil(resumed, expected.back(), &slow_received));
  EXPECT_EQ(slow_received, expected);
}

TEST_F(WsTest, MalformedMessagesGetAnErrorAndTheConnectionStaysUsable) {
  WsClient client;
  ASSERT_TRUE(client.Connect(port_, SignIn("bram")));
  const uint64_t head = Head();
  struct Row {
    std::string text, code;
  };
  const std::vector<Row> rows = {
      {"not json", "bad_request"},
      {"[1,2,3]", "bad_request"},
      {R"({"type":"launch"})", "bad_request"},
      {R"({"type":"subscribe"})", "bad_request"},
      {R"({"type":"subscribe","platform":"kolenkit","from":-4})", "bad_request"},
      {R"({"type":"subscribe","platform":"noord"})", "platform_not_found"},
      {R"({"type":"watch","platform":"kolenkit","view":"nonsense"})", "not_found"},
      {R"({"type":"command","platform":"kolenkit","command":{"commandId":"x"}})",
       "unknown_command"},
      {R"({"type":"command","platform":"kolenkit","command":{"commandId":"x","proposeInitiative":{"kind":"INITIATIVE_KIND_STREET_MARKET","title":"a","when":{"startDate":"2026-13-01"}}}})",
       "invalid_date"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    ASSERT_TRUE(client.SendText(row.text));
    auto error = client.ReadUntil("error", kWait);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->at("code").as_string(), row.code);
    EXPECT_FALSE(error->at("message").as_string().empty());
  }
  ASSERT_TRUE(client.Send({{"type", "ping"}, {"id", "p"}}));
  auto pong = client.ReadUntil("pong", kWait);
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->at("id"), "p");
  EXPECT_EQ(Head(), head);
}

TEST_F(WsTest, SubscribingFromBeyondThePlatformsHeadIsRefusedWithTheHead) {
  WsClient client;
  ASSERT_TRUE(client.Connect(port_, SignIn("bram")));
  const uint64_t head = Head();
  ASSERT_TRUE(client.Send(
      {{"type", "subscribe"}, {"id", "s1"}, {"platform", "kolenkit"}, {"from", head + 5}}));
  auto error = client.ReadUntil("error", kWait);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->at("id"), "s1");
  EXPECT_EQ(error->at("code"), "position_beyond_head");
  EXPECT_EQ(error->at("details").at("head").to_number<uint64_t>(), head);
  // From the head it names, the subscription works.
  ASSERT_TRUE(
      client.Send({{"type", "subscribe"}, {"id", "s2"}, {"platform", "kolenkit"}, {"from", head}}));
  auto subscribed = client.ReadUntil("subscribed", kWait);
  ASSERT_TRUE(subscribed);
  EXPECT_EQ(subscribed->at("position").to_number<uint64_t>(), head);
}

TEST_F(WsTest, AResumeNamingTheHashItSawIsRefusedWhenTheLogHoldsAnotherEventThere) {
  WsClient client;
  ASSERT_TRUE(client.Connect(port_, SignIn("bram")));
  const uint64_t head = Head();
  std::vector<eventstore::EventRecord> at;
  ASSERT_TRUE(store_->Read("kolenkit", head - 2, 1, &at).ok());
  ASSERT_EQ(at.size(), 1u);
  // The event the client saw at head - 1 is there: it resumes after it.
  ASSERT_TRUE(client.Send({{"type", "subscribe"},
                           {"id", "s1"},
                           {"platform", "kolenkit"},
                           {"from", head - 1},
                           {"fromHash", HexOf(at[0].hash())}}));
  auto resumed = client.ReadUntil("events", kWait);
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->at("events").as_array().size(), 1u);
  // Another event there (the log was rewritten, or it is another server's): start over.
  std::string other = HexOf(at[0].hash());
  other[0] = other[0] == '0' ? '1' : '0';
  ASSERT_TRUE(client.Send({{"type", "subscribe"},
                           {"id", "s2"},
                           {"platform", "kolenkit"},
                           {"from", head - 1},
                           {"fromHash", other}}));
  auto error = client.ReadUntil("error", kWait);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->at("id"), "s2");
  EXPECT_EQ(error->at("code"), "unknown_position");
  EXPECT_EQ(error->at("details").at("head").to_number<uint64_t>(), head);
  // Not a hash at all: a bad request.
  ASSERT_TRUE(client.Send({{"type", "subscribe"},
                           {"id", "s3"},
                           {"platform", "kolenkit"},
                           {"from", head - 1},
                           {"fromHash", "ABC"}}));
  auto bad = client.ReadUntil("error", kWait);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->at("code"), "bad_request");
}

TEST_F(WsTest, AnOversizeMessageClosesWith1009) {
  WsClient client;
  ASSERT_TRUE(client.Connect(port_, SignIn("bram")));
  const bool sent = client.SendText(std::string(2 << 20, ' '));
  EXPECT_FALSE(client.Read(kWait));
  EXPECT_TRUE(client.closed());
  // 1009, unless the client was still sending when the server closed: then TCP resets the
  // connection and the close frame is lost with it (docs/api.md says so). The reset shows
  // either on the send (broken pipe, reset) or on the read after it.
  const bool cut_while_sending = !sent || client.close_error().find("reset") != std::string::npos;
  EXPECT_TRUE(client.close_code() == 1009 || cut_while_sending)
      << "send: " << client.send_error() << "; read: " << client.close_error();
  if (!sent) {
    EXPECT_TRUE(client.send_error().find("reset") != std::string::npos ||
                client.send_error().find("pipe") != std::string::npos)
        << client.send_error();
  }
  // Either way the server is fine: the next connection works.
  WsClient next;
  ASSERT_TRUE(next.Connect(port_, SignIn("bram")));
  ASSERT_TRUE(next.Send({{"type", "ping"}}));
  EXPECT_TRUE(next.ReadUntil("pong", kWait));
}

// Membership is checked as events and patches go out, not only when subscribing: a member
// who is removed gets the event that says so, then an error, and nothing more.
TEST_F(WsTest, AMemberWhoIsRemovedStopsReceivingTheEventsAndViewsAtOnce) {
  WsClient dewi;
  ASSERT_TRUE(dewi.Connect(port_, SignIn("dewi")));
  ASSERT_TRUE(
      dewi.Send({{"type", "subscribe"}, {"id", "s1"}, {"platform", "kolenkit"}, {"from", Head()}}));
  ASSERT_TRUE(dewi.ReadUntil("caught_up", kWait));
  ASSERT_TRUE(
      dewi.Send({{"type", "watch"}, {"id", "w1"}, {"platform", "kolenkit"}, {"view", "board"}}));
  ASSERT_TRUE(dewi.ReadUntil("view", kWait));

  const std::string anna = SignIn("anna");
  HttpReply removed =
      Post("/api/v1/platforms/kolenkit/commands",
           R"({"commandId":"remove-dewi","leavePlatform":{"memberId":"m-dewi"}})", anna);
  ASSERT_EQ(removed.status, 200) << removed.body;
  auto error = dewi.ReadUntil("error", kWait);
  ASSERT_TRUE(error) << "no end of the subscription";
  EXPECT_EQ(error->at("code"), "platform_not_found");
  EXPECT_EQ(error->at("platform"), "kolenkit");

  // She cannot subscribe again.
  ASSERT_TRUE(dewi.Send({{"type", "subscribe"}, {"id", "s2"}, {"platform", "kolenkit"}}));
  auto refused = dewi.ReadUntil("error", kWait);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->at("id"), "s2");
  EXPECT_EQ(refused->at("code"), "platform_not_found");
  // What happens next on the platform does not reach her, neither as events nor as views.
  ASSERT_EQ(Post("/api/v1/platforms/kolenkit/commands", Proposal(901), anna).status, 200);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (std::chrono::steady_clock::now() < deadline) {
    auto message = dewi.Read(std::chrono::milliseconds(200));
    if (!message) continue;
    const std::string type(message->at("type").as_string());
    EXPECT_TRUE(type != "events" && type != "patch" && type != "view") << *message;
  }
}

TEST_F(WsTest, AnUpgradeNeedsASessionAndTheOwnOrigin) {
  WsClient anonymous;
  std::string error;
  EXPECT_FALSE(anonymous.Connect(port_, "", 0, &error));
  EXPECT_NE(error.find("401"), std::string::npos) << error;
  EXPECT_NE(error.find("unauthenticated"), std::string::npos) << error;
}

TEST_F(WsTest, ACommandRetriedWithTheSameIdReturnsTheFirstResult) {
  WsClient client;
  ASSERT_TRUE(client.Connect(port_, SignIn("bram")));
  json::object message{{"type", "command"},
                       {"platform", "kolenkit"},
                       {"command", json::parse(Proposal(77)).as_object()}};
  message["id"] = "a";
  ASSERT_TRUE(client.Send(message));
  auto first = client.ReadUntil("result", kWait);
  ASSERT_TRUE(first);
  const uint64_t head = Head();
  message["id"] = "b";
  ASSERT_TRUE(client.Send(message));
  auto second = client.ReadUntil("result", kWait);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->at("repeated"), true);
  EXPECT_EQ(second->at("firstPosition"), first->at("firstPosition"));
  EXPECT_EQ(Head(), head);
}

TEST_F(WsTest, AnsweredCommandsAreNoLongerInFlight) {
  // A drain waits for what is in flight; a command answered but still counted kept every
  // stop waiting for the whole drain timeout.
  WsClient client;
  ASSERT_TRUE(client.Connect(port_, SignIn("bram")));
  for (int i = 0; i < 3; ++i) {
    json::object message{{"type", "command"},
                         {"platform", "kolenkit"},
                         {"command", json::parse(Proposal(90 + i)).as_object()}};
    ASSERT_TRUE(client.Send(message));
    ASSERT_TRUE(client.ReadUntil("result", kWait));
  }
  json::object refused{{"type", "command"},
                       {"platform", "kolenkit"},
                       {"command", json::object{{"commandId", "c-empty"}}}};
  ASSERT_TRUE(client.Send(refused));
  ASSERT_TRUE(client.ReadUntil("error", kWait));
  // The worker that answered may still be finishing its batch (handing the next one on) for
  // a moment after the answer is out; then only this very /metrics request is in flight.
  uint64_t in_flight = 0;
  for (int tries = 0; tries < 200; ++tries) {
    in_flight = CounterValue("rotonde_requests_in_flight");
    if (in_flight == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(in_flight, 1u);
}

TEST_F(WsTest, ShutdownClosesWebSocketsWith1001) {
  WsClient client;
  ASSERT_TRUE(client.Connect(port_, SignIn("bram")));
  ASSERT_TRUE(client.Send({{"type", "ping"}}));
  ASSERT_TRUE(client.ReadUntil("pong", kWait));
  server_->Stop();
  EXPECT_FALSE(client.Read(kWait));
  EXPECT_TRUE(client.closed());
  EXPECT_EQ(client.close_code(), 1001);
  EXPECT_EQ(Http(port_, "GET", "/healthz").status, 0);  // no longer accepting
}

}  // namespace
}  // namespace rotonde::test_support
