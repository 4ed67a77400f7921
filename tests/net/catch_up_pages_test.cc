// CatchUpPages over a real event store: pages shared between readers, exact coverage, one
// queue drained by a bounded number of workers, a bounded cache.
#include "catch_up_pages.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "feed_hub.h"
#include "rotonde/eventstore/event_store.h"
#include "temp_dir.h"

namespace rotonde::net {
namespace {

using Events = std::vector<std::pair<uint64_t, std::string>>;

class CatchUpPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = eventstore::EventStore::Open(dir_.path(), eventstore::Options());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    // Two platforms' appends interleaved: each has a log of its own, positions 1..200.
    for (int i = 0; i < 400; ++i) {
      const std::string platform = i % 2 == 0 ? "kolenkit" : "noord";
      auto appended = store_->Append(
          platform + "/initiative/i" + std::to_string(i), eventstore::ExpectedVersion::Any(),
          {eventstore::NewEvent{"e" + std::to_string(i), "Test", "payload", "m-anna", "c"}});
      ASSERT_TRUE(appended.ok()) << appended.status.ToString();
    }
  }

  // Pages of `page_events`, tasks run at once unless `defer` collects them.
  std::unique_ptr<CatchUpPages> Pages(size_t page_events, size_t cache_bytes,
                                      std::vector<std::function<void()>>* defer = nullptr) {
    return std::make_unique<CatchUpPages>(
        [this](const std::string& platform, uint64_t after, size_t limit, Events* out) {
          ++log_reads_;
          std::vector<eventstore::EventRecord> page;
          Status s = store_->Read(platform, after, limit, &page);
          out->clear();
          for (const auto& record : page) out->emplace_back(record.position(), record.id());
          return s;
        },
        [this](const std::string& platform) { return store_->Head(platform).position; },
        [defer](std::function<void()> task) {
          if (defer != nullptr) {
            defer->push_back(std::move(task));
          } else {
            task();
          }
        },
        CatchUpPages::Options{page_events, cache_bytes, /*max_readers=*/1});
  }

  // What a session takes from a page for its position: the events after it.
  static Events After(const CatchUpPages::Page& page, uint64_t after) {
    Events out;
    for (const auto& event : page.events) {
      if (event.first > after) out.push_back(event);
    }
    return out;
  }

  // The platform's events with after < position <= upto, read directly.
  Events Direct(const std::string& platform, uint64_t after, uint64_t upto) {
    std::vector<eventstore::EventRecord> all;
    EXPECT_TRUE(store_->Read(platform, after, SIZE_MAX, &all).ok());
    Events out;
    for (const auto& record : all) {
      if (record.position() <= upto) out.emplace_back(record.position(), record.id());
    }
    return out;
  }

  std::shared_ptr<const CatchUpPages::Page> ReadNow(CatchUpPages& pages,
                                                    const std::string& platform, uint64_t after) {
    std::shared_ptr<const CatchUpPages::Page> got;
    pages.Read(platform, after, [&](Status s, std::shared_ptr<const CatchUpPages::Page> page) {
      EXPECT_TRUE(s.ok()) << s.ToString();
      got = std::move(page);
    });
    EXPECT_NE(got, nullptr);
    return got;
  }

  test_support::TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  int log_reads_ = 0;  // pages read from the log; every other answer was shared
};

TEST_F(CatchUpPagesTest, ReadersAtNearbyPositionsShareOnePageAndEachGetsExactlyWhatFollows) {
  auto pages = Pages(50, 1 << 20);
  auto first = ReadNow(*pages, "kolenkit", 10);
  auto second = ReadNow(*pages, "kolenkit", 31);
  EXPECT_EQ(log_reads_, 1);
  EXPECT_EQ(first, second);
  // A full page covers up to its last event: 50 kolenkit events after 10.
  ASSERT_EQ(first->events.size(), 50u);
  EXPECT_EQ(first->covered_to, first->events.back().first);
  EXPECT_EQ(After(*second, 31), Direct("kolenkit", 31, second->covered_to));
  // Sessions at the page's start share one frame of it all.
  ASSERT_NE(first->frame, nullptr);
  EXPECT_EQ(*first->frame, EventsFrame("kolenkit", first->events.back().first, first->events, 0));
  // A position past the page is read anew, and so is another platform's.
  ReadNow(*pages, "kolenkit", first->covered_to);
  ReadNow(*pages, "noord", 31);
  EXPECT_EQ(log_reads_, 3);
}

TEST_F(CatchUpPagesTest, APageShorterThanAskedCoversTheLogUpToItsHead) {
  auto pages = Pages(500, 1 << 20);
  auto page = ReadNow(*pages, "noord", 150);
  EXPECT_EQ(page->covered_to, store_->Head("noord").position);
  EXPECT_EQ(After(*page, 150), Direct("noord", 150, page->covered_to));
  // Nothing after the head: an empty page that covers just the position asked.
  auto nothing = ReadNow(*pages, "noord", store_->Head("noord").position);
  EXPECT_TRUE(nothing->events.empty());
  EXPECT_EQ(nothing->covered_to, store_->Head("noord").position);
}

TEST_F(CatchUpPagesTest, EveryPositionGetsTheSameEventsAsADirectRead) {
  auto pages = Pages(37, 1 << 20);
  int asked = 0;
  for (uint64_t after = 0; after <= store_->Head("kolenkit").position; after += 7) {
    for (const std::string platform : {"kolenkit", "noord"}) {
      auto page = ReadNow(*pages, platform, after);
      ++asked;
      ASSERT_LE(page->after, after);
      ASSERT_GE(page->covered_to, after);
      EXPECT_EQ(After(*page, after), Direct(platform, after, page->covered_to))
          << platform << " after " << after;
    }
  }
  EXPECT_LT(log_reads_, asked);  // some answers were shared
}

TEST_F(CatchUpPagesTest, ReadsWaitInOneQueueDrainedByOneWorker) {
  std::vector<std::function<void()>> tasks;
  auto pages = Pages(500, 1 << 20, &tasks);
  int answered = 0;
  for (int i = 0; i < 100; ++i) {
    pages->Read("kolenkit", static_cast<uint64_t>(i), [&](Status s, auto) {
      EXPECT_TRUE(s.ok());
      ++answered;
    });
  }
  ASSERT_EQ(tasks.size(), 1u);  // not a hundred tasks in front of everyone else's
  tasks.front()();
  EXPECT_EQ(answered, 100);
  EXPECT_EQ(log_reads_, 1);  // the first page, short, covers every later position
  // Once drained, the next read posts a worker again.
  pages->Read("noord", 0, [](Status, auto) {});
  EXPECT_EQ(tasks.size(), 2u);
}

TEST_F(CatchUpPagesTest, TheCacheKeepsItsBound) {
  // Room for about one page: a page read earlier is gone once another is kept.
  auto pages = Pages(20, 20 * 40);
  ReadNow(*pages, "kolenkit", 0);
  ReadNow(*pages, "noord", 0);
  ReadNow(*pages, "kolenkit", 0);
  EXPECT_EQ(log_reads_, 3);  // none shared
}

}  // namespace
}  // namespace rotonde::net
