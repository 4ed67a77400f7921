#include "server_fixture.h"

#include <google/protobuf/util/json_util.h>

#include <spdlog/spdlog.h>

#include "demo_data.h"
#include "rotonde/eventstore/event_store.h"

namespace rotonde::test_support {

void ServerFixture::Start(const ServerOptions& options) {
  spdlog::set_level(spdlog::level::warn);  // one line per request would drown the test output
  eventstore::Options store_options;
  if (options.disk_faults != nullptr) {
    env_ = NewFaultyEnv(options.disk_faults);
    store_options.env = env_.get();
  }
  auto store = eventstore::EventStore::Open(dir_.Sub("store"), store_options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store.value());
  auth::AuthOptions auth_options;
  auth_options.cost = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
  auto auth = auth::AuthStore::Open(dir_.Sub("auth"), auth_options);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  auth_ = std::move(auth.value());
  commands_ = std::make_unique<app::CommandService>(*store_);
  if (store_->Platforms().empty()) {
    demo::DemoSummary summary;
    ASSERT_TRUE(demo::WriteDemo(*commands_, &summary).ok());
    for (const auto& member : summary.members) {
      if (!member.active) continue;
      ASSERT_TRUE(
          auth_->CreateAccount(member.id.substr(2), kDemoPassword, member.name, 1, member.id).ok());
    }
    ASSERT_TRUE(auth_->CreateAccount("noor", kDemoPassword, "Noor", 1, "m-noor").ok());
    v1::Command found;
    found.set_command_id("found-noord");
    found.mutable_found_platform()->set_platform_id("noord");
    found.mutable_found_platform()->set_name("Buurtplatform Noord");
    found.mutable_found_platform()->set_neighbourhood("Banne Buiksloot");
    found.mutable_found_platform()->set_founder_name("Noor");
    ASSERT_TRUE(commands_->Handle("noord", "m-noor", found).ok());
  }
  ASSERT_TRUE(commands_->LoadAll().ok());
  metrics_ = std::make_unique<net::Metrics>();
  auto key = app::SigningKey::LoadOrCreate(dir_.path() + "/signing-key", "rotonde.test");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto notes = app::SignedCheckpoints::Open(dir_.Sub("notes"), std::move(key.value()), *store_);
  ASSERT_TRUE(notes.ok()) << notes.status().ToString();
  notes_ = std::move(notes.value());
  auto notifications = mail::NotificationStore::Open(dir_.Sub("notifications"));
  ASSERT_TRUE(notifications.ok()) << notifications.status().ToString();
  notifications_ = std::move(notifications.value());
  app_ = std::make_unique<app::Application>(*store_, *commands_, *auth_, notes_.get(),
                                            app::Limits{}, notifications_.get());
  hub_ = std::make_unique<net::FeedHub>(
      *store_, net::FeedHub::Options{
                   options.push_interval,
                   std::max(options.push_interval, std::chrono::milliseconds(250)), 256 << 10});
  hub_->Start();
  net::ServerConfig config;
  config.port = 0;
  config.ws_queue_limit_bytes = options.ws_queue_limit_bytes;
  config.drain_timeout = std::chrono::seconds(5);
  config.operator_token = kOperatorToken;
  config.worker_threads = options.worker_threads;
  if (options.metrics_listen) config.metrics_address = "127.0.0.1";
  auto proxies = net::TrustedProxies::Parse(options.trusted_proxies);
  ASSERT_TRUE(proxies.ok()) << proxies.status().ToString();
  config.trusted_proxies = proxies.value();
  server_ = std::make_unique<net::Server>(config, *app_, *hub_, *metrics_);
  ASSERT_TRUE(server_->Bind().ok());
  port_ = server_->port();
  server_->SetReady();
  thread_ = std::thread([this] { server_->Run(); });
}

void ServerFixture::Stop() {
  if (server_) server_->Stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
  if (hub_) hub_->Stop();
  hub_.reset();
  app_.reset();
  notifications_.reset();
  notes_.reset();
  commands_.reset();
  auth_.reset();
  store_.reset();
  env_.reset();
}

std::string ServerFixture::SignIn(const std::string& login) {
  HttpReply reply = Http(port_, "POST", "/api/v1/session",
                         R"({"login":")" + login + R"(","password":")" + kDemoPassword + R"("})");
  EXPECT_EQ(reply.status, 200) << reply.body;
  auto json = reply.Json();
  if (!json.is_object() || !json.as_object().contains("token")) return {};
  return std::string(json.as_object().at("token").as_string());
}

HttpReply ServerFixture::Get(const std::string& target, const std::string& token) {
  std::map<std::string, std::string> headers;
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  return Http(port_, "GET", target, {}, headers);
}

std::map<std::string, std::string> ServerFixture::OperatorHeaders() {
  return {{"Authorization", std::string("Bearer ") + kOperatorToken}};
}

uint64_t ServerFixture::CounterValue(const std::string& name) {
  const HttpReply metrics = Http(port_, "GET", "/metrics", {}, OperatorHeaders());
  EXPECT_EQ(metrics.status, 200);
  const std::string line_start = "\n" + name + " ";
  const size_t at = metrics.body.find(line_start);
  EXPECT_NE(at, std::string::npos) << name << " is not in /metrics";
  if (at == std::string::npos) return 0;
  return std::stoull(metrics.body.substr(at + line_start.size()));
}

HttpReply ServerFixture::Post(const std::string& target, const std::string& body,
                              const std::string& token) {
  std::map<std::string, std::string> headers;
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  return Http(port_, "POST", target, body, headers);
}

void ServerFixture::Command(const std::string& actor, const std::string& json) {
  v1::Command command;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &command).ok()) << json;
  auto outcome = commands_->Handle("kolenkit", actor, command);
  ASSERT_TRUE(outcome.ok()) << outcome.status.code() << ": " << outcome.status.message();
}

}  // namespace rotonde::test_support
