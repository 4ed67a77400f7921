// ViewWatches: `watch {platform, view}` — a snapshot, then a JSON Patch after every change.
//
// Watchers of the same view of the same platform with the same parameters (an inbox's are
// its member's) share one channel: after the platform's
// events pass the FeedHub, the channel rebuilds the view once (on the worker pool, at most
// one rebuild in flight and at most one per `min_interval`), diffs it against the previous
// one, and hands the same patch frame to every watcher. A watcher joins with the channel's
// current snapshot, under the channel's lock, so its first patch starts exactly where its
// snapshot ends. Frames reach a watcher in order: they are handed over under that lock.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "application.h"
#include "feed_hub.h"
#include "weak_listeners.h"

namespace rotonde::net {

class ViewWatcher {
 public:
  virtual ~ViewWatcher() = default;
  // A frame of a view of `platform` for this watcher ("view" snapshot, "patch" or an
  // "error"); must not block.
  virtual void OnViewFrame(const std::string& platform,
                           std::shared_ptr<const std::string> frame) = 0;
};

class ViewWatches : public FeedListener, public std::enable_shared_from_this<ViewWatches> {
 public:
  ViewWatches(app::Application& app, FeedHub& hub, boost::asio::any_io_executor workers,
              std::chrono::milliseconds min_interval = std::chrono::milliseconds(20));

  // Starts a watch; the snapshot (carrying `request_id`) or an "error" frame follows through
  // the watcher. The caller has checked the watcher may read the platform. Call on a worker.
  void Watch(const std::string& platform, const std::string& view, const app::ViewParams& params,
             const std::string& request_id, const std::shared_ptr<ViewWatcher>& watcher);
  void Unwatch(const std::string& platform, const std::string& view, const ViewWatcher* watcher);

  // Rebuilds `view` of `platform` for its watchers although the log did not move: what the
  // view shows besides the log changed (an inbox's read marks).
  void Refresh(const std::string& platform, const std::string& view);

  // Views are rebuilt on the workers, at their own pace: the token is not kept.
  void OnFeed(const std::string& platform, FanOutToken token) override;

 private:
  struct Channel {
    std::string platform, view;
    app::ViewParams params;
    std::mutex mu;
    bool building = false;
    bool dirty = false;
    std::chrono::steady_clock::time_point last_build{};
    uint64_t position = 0;
    bool has_view = false;
    boost::json::value current;
    std::string current_text;
    WeakListeners<ViewWatcher> watchers;
  };
  static std::string KeyOf(const std::string& platform, const std::string& view,
                           const app::ViewParams& params);
  void Rebuild(const std::shared_ptr<Channel>& channel);
  void Schedule(const std::shared_ptr<Channel>& channel);

  app::Application& app_;
  FeedHub& hub_;
  boost::asio::any_io_executor workers_;
  const std::chrono::milliseconds min_interval_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Channel>> channels_;  // by KeyOf
  std::set<std::string> listened_;  // platforms whose feed this listens to (once each)
};

}  // namespace rotonde::net
