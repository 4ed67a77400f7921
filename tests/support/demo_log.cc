#include "demo_log.h"

#include <gtest/gtest.h>

#include "demo_data.h"
#include "rotonde/eventstore/event_store.h"

namespace rotonde::test_support {

DemoLog::DemoLog() {
  auto store = eventstore::EventStore::Open(tmp_.Sub("store"), eventstore::Options());
  if (!store.ok()) {
    ADD_FAILURE() << "cannot open a store: " << store.status().ToString();
    return;
  }
  store_ = std::move(*store);
  demo::DemoSummary summary;
  if (Status s = demo::WriteDemo(*store_, &summary); !s.ok()) {
    ADD_FAILURE() << "the demo failed: " << s.ToString();
    return;
  }
  std::vector<v1::EventRecord> page;
  for (uint64_t after = 0;;) {
    page.clear();
    if (Status s = store_->Read("kolenkit", after, 4096, &page); !s.ok()) {
      ADD_FAILURE() << "cannot read the log: " << s.ToString();
      events_.clear();
      return;
    }
    if (page.empty()) break;
    after = page.back().position();
    for (auto& record : page) events_.push_back(std::move(record));
  }
}

projections::PlatformModel DemoLog::ModelAt(uint64_t position) const {
  projections::PlatformModel model;
  for (const auto& record : events_) {
    if (record.position() > position) break;
    model.Apply(record);
  }
  return model;
}

std::function<bool(uint64_t, v1::EventRecord*)> DemoLog::EventAt() const {
  const eventstore::EventStore* store = store_.get();
  return [store](uint64_t position, v1::EventRecord* record) {
    std::vector<v1::EventRecord> one;
    if (position == 0 || !store->Read("kolenkit", position - 1, 1, &one).ok() || one.empty())
      return false;
    *record = std::move(one[0]);
    return true;
  };
}

}  // namespace rotonde::test_support
