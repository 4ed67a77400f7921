#include "view_watches.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "api_error.h"
#include "json_patch.h"
#include "proto_json.h"

namespace rotonde::net {

namespace json = boost::json;

ViewWatches::ViewWatches(app::Application& app, FeedHub& hub, boost::asio::any_io_executor workers,
                         std::chrono::milliseconds min_interval)
    : app_(app), hub_(hub), workers_(std::move(workers)), min_interval_(min_interval) {}

std::string ViewWatches::KeyOf(const std::string& platform, const std::string& view,
                               const app::ViewParams& params) {
  return platform + '\n' + view + '\n' + params.from + '\n' + params.to + '\n' + params.period +
         '\n' + params.entity + '\n' + params.today + '\n' + params.member;
}

namespace {

std::string ErrorFrame(const std::string& request_id, const Error& error, uint64_t position) {
  json::object frame = ErrorJson(error, position);  // the watched platform's position
  frame["type"] = "error";
  if (!request_id.empty()) frame["id"] = request_id;
  return json::serialize(frame);
}

std::string SnapshotFrame(const std::string& request_id, const std::string& platform,
                          const std::string& view, uint64_t position, const std::string& data) {
  std::string frame = "{\"type\":\"view\",\"id\":" + json::serialize(json::string_view(request_id));
  frame += ",\"platform\":" + json::serialize(json::string_view(platform));
  frame += ",\"view\":" + json::serialize(json::string_view(view));
  frame += ",\"position\":" + std::to_string(position) + ",\"data\":" + data + "}";
  return frame;
}

}  // namespace

void ViewWatches::Watch(const std::string& platform, const std::string& view,
                        const app::ViewParams& params, const std::string& request_id,
                        const std::shared_ptr<ViewWatcher>& watcher) {
  std::shared_ptr<Channel> channel;
  bool first_of_platform = false;
  {
    std::lock_guard lock(mu_);
    const std::string key = KeyOf(platform, view, params);
    first_of_platform = listened_.insert(platform).second;
    auto& slot = channels_[key];
    if (!slot) {
      slot = std::make_shared<Channel>();
      slot->platform = platform;
      slot->view = view;
      slot->params = params;
    }
    channel = slot;
  }
  if (first_of_platform) hub_.Listen(platform, shared_from_this());

  std::lock_guard lock(channel->mu);
  if (!channel->has_view) {
    auto built = app_.reads().CurrentView(platform, view, params);
    if (!built.ok()) {
      watcher->OnViewFrame(platform, std::make_shared<const std::string>(ErrorFrame(
                                         request_id, built.error(), app_.Head(platform))));
      return;  // an empty channel is dropped at its next rebuild or unwatch
    }
    channel->current_text = wire::MessageJson(*built->view);
    channel->current = json::parse(channel->current_text);
    channel->position = built->position;
    channel->has_view = true;
  }
  watcher->OnViewFrame(platform,
                       std::make_shared<const std::string>(SnapshotFrame(
                           request_id, platform, view, channel->position, channel->current_text)));
  channel->watchers.push_back({watcher.get(), watcher});
  // Events may have passed between the snapshot's build and now: catch up.
  Schedule(channel);
}

void ViewWatches::Unwatch(const std::string& platform, const std::string& view,
                          const ViewWatcher* watcher) {
  std::lock_guard lock(mu_);
  for (auto it = channels_.begin(); it != channels_.end();) {
    Channel& c = *it->second;
    if (c.platform == platform && c.view == view) {
      std::lock_guard channel_lock(c.mu);
      RemoveListener(c.watchers, watcher);
      if (c.watchers.empty() && !c.building) {
        it = channels_.erase(it);
        continue;
      }
    }
    ++it;
  }
}

void ViewWatches::Refresh(const std::string& platform, const std::string& view) {
  std::vector<std::shared_ptr<Channel>> touched;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, channel] : channels_) {
      if (channel->platform == platform && channel->view == view) touched.push_back(channel);
    }
  }
  for (const auto& channel : touched) {
    std::lock_guard lock(channel->mu);
    if (channel->has_view) Schedule(channel);
  }
}

void ViewWatches::OnFeed(const std::string& platform, FanOutToken) {
  std::vector<std::shared_ptr<Channel>> touched;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, channel] : channels_) {
      if (channel->platform == platform) touched.push_back(channel);
    }
  }
  for (const auto& channel : touched) {
    std::lock_guard lock(channel->mu);
    if (channel->has_view) Schedule(channel);
  }
}

void ViewWatches::Schedule(const std::shared_ptr<Channel>& channel) {
  // Under channel->mu.
  if (channel->building) {
    channel->dirty = true;
    return;
  }
  channel->building = true;
  const auto due = channel->last_build + min_interval_;
  auto timer = std::make_shared<boost::asio::steady_timer>(workers_, due);
  timer->async_wait([self = shared_from_this(), channel, timer](boost::system::error_code) {
    self->Rebuild(channel);
  });
}

void ViewWatches::Rebuild(const std::shared_ptr<Channel>& channel) {
  auto built = app_.reads().CurrentView(channel->platform, channel->view, channel->params);
  const uint64_t position = built.ok() ? built->position : 0;
  std::string text = built.ok() ? wire::MessageJson(*built->view) : std::string();
  json::value next;
  if (built.ok()) next = json::parse(text);

  bool orphaned = false;
  // Told after the lock is released (see weak_listeners.h).
  std::vector<std::shared_ptr<ViewWatcher>> live;
  std::shared_ptr<const std::string> patch_frame;
  {
    std::lock_guard lock(channel->mu);
    channel->last_build = std::chrono::steady_clock::now();
    if (!built.ok()) {
      spdlog::warn("watch: cannot rebuild {}/{}: {}", channel->platform, channel->view,
                   built.error().message);
    } else if (position != channel->position || text != channel->current_text) {
      // A new position, or the same one with another view: what the log does not hold
      // changed (an inbox's read marks), sent as a patch from the position to itself.
      json::array patch = wire::Diff(channel->current, next);
      std::string frame = "{\"type\":\"patch\",\"platform\":" +
                          json::serialize(json::string_view(channel->platform)) +
                          ",\"view\":" + json::serialize(json::string_view(channel->view)) +
                          ",\"from\":" + std::to_string(channel->position) +
                          ",\"position\":" + std::to_string(position) +
                          ",\"patch\":" + json::serialize(patch) + "}";
      patch_frame = std::make_shared<const std::string>(std::move(frame));
      channel->current = std::move(next);
      channel->current_text = std::move(text);
      channel->position = position;
      CollectLive(channel->watchers, &live);
    }
    channel->building = false;
    if (channel->dirty && !channel->watchers.empty()) {
      channel->dirty = false;
      Schedule(channel);
    }
    orphaned = channel->watchers.empty() && !channel->building;
  }
  for (const auto& watcher : live) watcher->OnViewFrame(channel->platform, patch_frame);
  if (orphaned) {
    std::lock_guard lock(mu_);
    auto it = channels_.find(KeyOf(channel->platform, channel->view, channel->params));
    if (it != channels_.end() && it->second == channel) {
      std::lock_guard channel_lock(channel->mu);
      if (channel->watchers.empty() && !channel->building) channels_.erase(it);
    }
  }
}

}  // namespace rotonde::net
