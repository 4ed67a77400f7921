// Listeners held weakly, each with its address, so that one can be removed, or the expired
// ones dropped, without locking any of them. Locking a listener under a mutex can make that
// the last reference (its owner let go meanwhile): its destructor would then run, and remove
// itself, under the same mutex, on the same thread: a deadlock.
#pragma once

#include <memory>
#include <vector>

namespace rotonde::net {

template <typename Listener>
struct WeakListener {
  const Listener* address;
  std::weak_ptr<Listener> weak;
};

template <typename Listener>
using WeakListeners = std::vector<WeakListener<Listener>>;

// Removes `gone` and every expired listener; locks none.
template <typename Listener>
void RemoveListener(WeakListeners<Listener>& listeners, const Listener* gone) {
  std::erase_if(listeners, [&](const WeakListener<Listener>& l) {
    return l.address == gone || l.weak.expired();
  });
}

// Drops the expired listeners and appends the live ones to *live, which the caller must
// release only after unlocking.
template <typename Listener>
void CollectLive(WeakListeners<Listener>& listeners, std::vector<std::shared_ptr<Listener>>* live) {
  std::erase_if(listeners, [&](const WeakListener<Listener>& l) {
    auto locked = l.weak.lock();
    if (!locked) return true;
    live->push_back(std::move(locked));
    return false;
  });
}

}  // namespace rotonde::net
