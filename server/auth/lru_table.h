// LruTable: records by string key, at most `capacity` of them; when full, taking a record
// for a new key drops the least recently used one. The rate limiters keep their per-login
// and per-address records in these, so a flood of new keys costs bounded memory.
//
// Not thread-safe: its owner locks.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace rotonde::auth {

template <typename Record>
class LruTable {
 public:
  explicit LruTable(size_t capacity) : capacity_(capacity > 0 ? capacity : 1) {}
  LruTable(const LruTable&) = delete;
  LruTable& operator=(const LruTable&) = delete;

  // The record for `key`, marked as just used; nullptr if there is none.
  Record* Find(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  // The record for `key`, created if missing (dropping the least recently used record when
  // full), marked as just used.
  Record& Get(std::string_view key) {
    if (Record* record = Find(key)) return *record;
    if (index_.size() >= capacity_) {
      index_.erase(std::string_view(order_.back().first));
      order_.pop_back();
    }
    order_.emplace_front(std::string(key), Record{});
    index_.emplace(std::string_view(order_.front().first), order_.begin());
    return order_.front().second;
  }

  void Erase(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    auto node = it->second;
    index_.erase(it);
    order_.erase(node);
  }

  size_t size() const { return index_.size(); }

 private:
  using Node = std::pair<std::string, Record>;
  size_t capacity_;
  std::list<Node> order_;  // most recently used first
  // Keys view the strings in `order_`'s nodes, which never move.
  std::unordered_map<std::string_view, typename std::list<Node>::iterator> index_;
};

}  // namespace rotonde::auth
