// PgDirectory: where each platform's log lives when platforms are placed across clusters, each
// cluster a PostgreSQL database (a primary and its replicas) holding the PgEventLog schema
// (pg_event_log.h). The directory is kept in the home cluster, the database that every
// server's --store names, in the schema `rotonde`:
//
//   clusters  (name PK, url)                     the other clusters, by name, and the libpq
//                                                connection string of each
//   directory (platform PK, cluster, frozen)     a platform placed in a cluster; frozen
//                                                while a move copies it
//
// A platform with no entry belongs to the home cluster, named "home" (kHomeCluster). A server
// of a cluster serves only the platforms the directory places there, and none while frozen.
//
// Moving a platform (MovePlatform) keeps its log byte for byte: the same positions, stored
// bytes and hashes, so clients resume by position and every signed checkpoint still holds.
// It runs as follows, and may be run again after it stopped half way:
//   1. freeze: the directory entry frozen (servers answer the platform's commands
//      "unavailable", to retry shortly), then the head row in the source cluster frozen in a
//      transaction that locks it. That lock waits for an append in flight, and every append
//      transaction checks the flag under the same lock (as it checks the lease), so after it
//      nothing more is appended, by any server, whatever its cache of the directory says;
//   2. copy the events with their stored bytes, the streams' versions and the head row into
//      the target cluster, in one transaction (its head row frozen as well);
//   3. check that the head position and hash are the same on both sides, and verify the
//      copy's chain;
//   4. unfreeze the target's head row (its servers may claim the platform), switch the
//      directory entry to the target, unfrozen;
//   5. remove the platform's events and streams from the source, leaving its head row
//      frozen at position 0: a server there with a stale directory can never found it anew.
// A failure before step 4 leaves the platform frozen in the source, with nothing or a whole
// copy in the target; MovePlatform again finishes the move (a copy with the source's head is
// kept), and a copy with another head is refused ("already_exists"). Unfreeze() gives the
// platform back to the source instead.
//
// Thread safety: a PgDirectory may be used from any thread (one connection, serialised).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "rotonde/base/status.h"

namespace rotonde::eventstore {

class PgConnection;

inline constexpr std::string_view kHomeCluster = "home";

struct DirectoryEntry {
  std::string cluster{kHomeCluster};
  bool frozen = false;
};

// What a move did (MovePlatform).
struct MoveReport {
  std::string from, to;   // clusters
  uint64_t events = 0;    // copied (0 if a whole copy was there already)
  uint64_t position = 0;  // the platform's head, on both sides
  std::string hash;       // the head hash, on both sides
  std::chrono::milliseconds frozen_for{0};
};

class PgDirectory {
 public:
  // Connects to the home cluster and makes the directory's tables if missing. kUnavailable if
  // PostgreSQL cannot be reached.
  static Result<std::unique_ptr<PgDirectory>> Open(const std::string& home_conninfo);
  ~PgDirectory();
  PgDirectory(const PgDirectory&) = delete;
  PgDirectory& operator=(const PgDirectory&) = delete;

  // Adds (or renames the URL of) a cluster. kInvalidArgument for the name "home" or one not
  // of letters, digits, '_' and '-'.
  Status AddCluster(const std::string& name, const std::string& url);
  // The connection string of a cluster: the home one's for "home"; kNotFound if unknown.
  Result<std::string> ClusterUrl(const std::string& name);
  // The clusters added, by name.
  Result<std::map<std::string, std::string>> Clusters();
  // Where `platform` is, as the database says now.
  Result<DirectoryEntry> Lookup(const std::string& platform);
  // Freezes `platform` where it is, as a move's first step does (see above): once it
  // returns, no server appends to it. Unfreeze() undoes it, and gives back a platform whose
  // move stopped before it switched.
  Status Freeze(const std::string& platform);
  Status Unfreeze(const std::string& platform);

  // Moves `platform` to the cluster `to` (see above); blocks until done. kInvalidArgument if
  // it is there already, kNotFound if `to` is unknown or the platform has no events,
  // "already_exists" if the target holds another log of that name, kCorruption if the copy
  // does not check.
  Status MovePlatform(const std::string& platform, const std::string& to, MoveReport* report);

  // A server's cached view: every entry, read again by Refresh() (a server calls it every
  // few seconds). Cached() answers from the last Refresh(): an unlisted platform is home's.
  Status Refresh();
  DirectoryEntry Cached(std::string_view platform) const;

 private:
  PgDirectory(std::string home_conninfo, std::unique_ptr<PgConnection> conn);
  // Sets the head row's frozen flag of `platform` in the cluster at `conninfo`, under its
  // lock; *head gets the row's position and hash (0 and "" without a row).
  Status FreezeHead(const std::string& conninfo, const std::string& platform, bool frozen,
                    uint64_t* position, std::string* hash);
  Status SetEntry(const std::string& platform, const std::string& cluster, bool frozen);
  // Freeze(), telling the head it froze.
  Status Freeze(const std::string& platform, uint64_t* position, std::string* hash);

  const std::string home_conninfo_;
  std::mutex mu_;  // the connection
  std::unique_ptr<PgConnection> conn_;
  mutable std::mutex cache_mu_;
  std::map<std::string, DirectoryEntry, std::less<>> cache_;
};

}  // namespace rotonde::eventstore
