#include "demo_data_dir.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <ctime>

#include "auth_store.h"
#include "demo_data.h"
#include "rotonde/eventstore/event_store.h"
#include "server_fixture.h"

namespace rotonde::test_support {

void PrepareDemoDataDir(const std::string& dir) {
  auto store = eventstore::EventStore::Open(dir, eventstore::Options{});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  demo::DemoSummary summary;
  ASSERT_TRUE(demo::WriteDemo(**store, &summary).ok()) << summary.failed_command_id;
  auth::AuthOptions options;
  options.cost = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
  auto auth = auth::AuthStore::Open(dir + "/auth", options);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  for (const auto& member : summary.members) {
    if (!member.active) continue;
    ASSERT_TRUE((*auth)
                    ->CreateAccount(member.id.substr(2), kDemoPassword, member.name,
                                    static_cast<int64_t>(std::time(nullptr)), member.id)
                    .ok())
        << member.id;
  }
  auth->reset();
  (*store)->Close();
  store->reset();
}

}  // namespace rotonde::test_support
