// The demo neighbourhood written into a real store in a temp dir: the lived-in history the
// wire tests render, and the platform model folded from it up to any position.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "rotonde/eventstore/event_store.h"
#include "rotonde/projections/platform_model.h"
#include "temp_dir.h"

namespace rotonde::test_support {

class DemoLog {
 public:
  // Writes the demo and reads its log back; a failure fails the current test (check
  // ok() before using it).
  DemoLog();

  bool ok() const { return store_ != nullptr && !events_.empty(); }
  // Every event of the log, in order.
  const std::vector<v1::EventRecord>& events() const { return events_; }
  uint64_t head() const { return events_.empty() ? 0 : events_.back().position(); }
  // The demo platform folded up to `position` (inclusive).
  projections::PlatformModel ModelAt(uint64_t position) const;
  projections::PlatformModel Model() const { return ModelAt(head()); }
  // Reads one event from the store by position, as the server's views do.
  std::function<bool(uint64_t, v1::EventRecord*)> EventAt() const;

 private:
  test_support::TempDir tmp_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::vector<v1::EventRecord> events_;
};

}  // namespace rotonde::test_support
