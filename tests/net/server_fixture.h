// A real server in this process, on a free loopback port, over a real store in a temp dir:
// the demo neighbourhood "kolenkit" with accounts for its members (password rotonde-demo,
// at libsodium's minimum cost so tests stay fast), and a second platform "noord" whose only
// member is "noor", to check that one neighbourhood never sees another.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/env.h>

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "application.h"
#include "auth_store.h"
#include "clients.h"
#include "command_service.h"
#include "faulty_disk.h"
#include "feed_hub.h"
#include "metrics.h"
#include "notification_store.h"
#include "rotonde/eventstore/event_store.h"
#include "server.h"
#include "temp_dir.h"

namespace rotonde::test_support {

inline constexpr char kDemoPassword[] = "rotonde-demo";
inline constexpr char kOperatorToken[] = "operator-token-of-the-test-server";

struct ServerOptions {
  size_t ws_queue_limit_bytes = 8 << 20;
  std::chrono::milliseconds push_interval{5};
  bool metrics_listen = false;  // a monitoring listener on another free loopback port
  int worker_threads = net::ServerConfig{}.worker_threads;
  // The store's disk: the real one, or one whose faults the test sets (it must outlive the
  // server). The demo is written first either way.
  DiskFaults* disk_faults = nullptr;
  // --trusted-proxy: whose X-Forwarded-* headers the server believes (forwarded.h).
  std::string trusted_proxies;
};

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override { Start(ServerOptions{}); }
  void TearDown() override { Stop(); }

  void Start(const ServerOptions& options);
  void Stop();

  // A session token for the account with this login.
  std::string SignIn(const std::string& login);
  // HTTP with `token` as Bearer (empty: none).
  HttpReply Get(const std::string& target, const std::string& token);
  HttpReply Post(const std::string& target, const std::string& body, const std::string& token);
  // The head position of `platform`'s log.
  uint64_t Head(const std::string& platform = "kolenkit") const {
    return store_->Head(platform).position;
  }
  // The Authorization header of the operator's token (config.operator_token).
  static std::map<std::string, std::string> OperatorHeaders();
  // The value of a counter or gauge without labels, from GET /metrics.
  uint64_t CounterValue(const std::string& name);
  // Handles a command directly (as `actor`), for setting up many events quickly.
  void Command(const std::string& actor, const std::string& json);

  TempDir dir_;
  std::unique_ptr<rocksdb::Env> env_;  // with ServerOptions::disk_faults
  uint16_t port_ = 0;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<auth::AuthStore> auth_;
  std::unique_ptr<app::CommandService> commands_;
  std::unique_ptr<app::SignedCheckpoints> notes_;
  std::unique_ptr<mail::NotificationStore> notifications_;
  std::unique_ptr<net::Metrics> metrics_;
  std::unique_ptr<app::Application> app_;
  std::unique_ptr<net::FeedHub> hub_;
  std::unique_ptr<net::Server> server_;
  std::thread thread_;
};

}  // namespace rotonde::test_support
