// The directory of platforms across clusters, and moving a platform between them
// (pg_directory.h).
#include "rotonde/eventstore/pg_directory.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <vector>

#include "pg_connection.h"
#include "pg_rows.h"
#include "rotonde/eventstore/pg_event_log.h"

namespace rotonde::eventstore {
namespace {

constexpr const char* kDirectorySchema = R"sql(
SET client_min_messages = warning;
BEGIN;
SELECT pg_advisory_xact_lock(7300192);
CREATE SCHEMA IF NOT EXISTS rotonde;
CREATE TABLE IF NOT EXISTS rotonde.clusters (
  name text COLLATE "C" PRIMARY KEY,
  url text NOT NULL);
CREATE TABLE IF NOT EXISTS rotonde.directory (
  platform text COLLATE "C" PRIMARY KEY,
  cluster text COLLATE "C" NOT NULL,
  frozen boolean NOT NULL DEFAULT false);
COMMIT;
)sql";

// Rows copied per SELECT and INSERT of a move.
constexpr uint64_t kCopyPage = 4096;

bool ValidClusterName(const std::string& name) {
  return !name.empty() && name.size() <= 63 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// Runs `work` inside a transaction on `conn`: committed if it succeeds, rolled back if not.
Status InTransaction(PgConnection& conn, const std::function<Status()>& work) {
  if (auto begun = conn.Exec("BEGIN"); !begun.ok()) return begun.status();
  Status s = work();
  if (!s.ok()) {
    if (!conn.broken()) static_cast<void>(conn.Exec("ROLLBACK"));
    return s;
  }
  auto committed = conn.Exec("COMMIT");
  return committed.ok() ? Status::Ok() : committed.status();
}

Result<std::unique_ptr<PgConnection>> ConnectTo(const std::string& conninfo) {
  return PgConnection::Connect(conninfo);
}

// Copies `platform`'s events up to `position` from `from` into `to` (inside a transaction of
// `to`), their stored bytes unchanged, and the streams' last versions; *events counts them.
Status CopyEvents(PgConnection& from, PgConnection& to, const std::string& platform,
                  uint64_t position, uint64_t* events) {
  std::map<std::string, uint64_t> versions;
  for (uint64_t after = 0; after < position;) {
    auto rows = from.Exec(
        "SELECT position, stream, version, id, record FROM rotonde.events WHERE platform = $1 "
        "AND position > $2 AND position <= $3 ORDER BY position LIMIT $4",
        PgParams().Text(platform).Int(after).Int(position).Int(kCopyPage));
    if (!rows.ok()) return rows.status();
    if (rows->rows() == 0) {
      return Status::Corruption("the log of " + platform + " ends before its head, at " +
                                std::to_string(after));
    }
    PgEventRows copy;
    for (int i = 0; i < rows->rows(); ++i) {
      const uint64_t at = rows->U64(i, 0);
      if (at != after + 1) {
        return Status::Corruption("the log of " + platform + " has no event at position " +
                                  std::to_string(after + 1));
      }
      after = at;
      copy.Add(platform, at, rows->Bytes(i, 1), rows->U64(i, 2), rows->Bytes(i, 3),
               rows->Bytes(i, 4));
      uint64_t& last = versions[std::string(rows->Bytes(i, 1))];
      last = std::max(last, rows->U64(i, 2));
    }
    const PgStatement insert = copy.Insert();
    if (auto inserted = to.Exec(insert.sql, insert.params); !inserted.ok()) {
      return inserted.status();
    }
    *events += static_cast<uint64_t>(rows->rows());
  }
  std::vector<std::string_view> streams;
  std::vector<uint64_t> last_versions;
  for (const auto& [stream, version] : versions) {
    streams.push_back(stream);
    last_versions.push_back(version);
  }
  const PgStatement upsert = UpsertStreamVersions(streams, last_versions);
  auto upserted = to.Exec(upsert.sql, upsert.params);
  return upserted.ok() ? Status::Ok() : upserted.status();
}

// The stream names of `platform`'s log on `conn`.
Result<std::vector<std::string>> StreamsOf(PgConnection& conn, const std::string& platform) {
  auto rows = conn.Exec("SELECT DISTINCT stream FROM rotonde.events WHERE platform = $1",
                        PgParams().Text(platform));
  if (!rows.ok()) return rows.status();
  std::vector<std::string> streams;
  for (int i = 0; i < rows->rows(); ++i) streams.emplace_back(rows->Bytes(i, 0));
  return streams;
}

}  // namespace

PgDirectory::PgDirectory(std::string home_conninfo, std::unique_ptr<PgConnection> conn)
    : home_conninfo_(std::move(home_conninfo)), conn_(std::move(conn)) {}
PgDirectory::~PgDirectory() = default;

Result<std::unique_ptr<PgDirectory>> PgDirectory::Open(const std::string& home_conninfo) {
  auto conn = ConnectTo(home_conninfo);
  if (!conn.ok()) return conn.status();
  if (Status s = (*conn)->Script(kDirectorySchema); !s.ok()) return s;
  return std::unique_ptr<PgDirectory>(new PgDirectory(home_conninfo, std::move(conn.value())));
}

Status PgDirectory::AddCluster(const std::string& name, const std::string& url) {
  if (name == kHomeCluster || !ValidClusterName(name)) {
    return Status::InvalidArgument(
        "a cluster's name is 1-63 letters, digits, '_' or '-', and not \"home\"");
  }
  std::lock_guard lock(mu_);
  auto added = conn_->Exec(
      "INSERT INTO rotonde.clusters (name, url) VALUES ($1, $2) "
      "ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url",
      PgParams().Text(name).Text(url));
  return added.ok() ? Status::Ok() : added.status();
}

Result<std::string> PgDirectory::ClusterUrl(const std::string& name) {
  if (name == kHomeCluster) return home_conninfo_;
  std::lock_guard lock(mu_);
  auto rows =
      conn_->Exec("SELECT url FROM rotonde.clusters WHERE name = $1", PgParams().Text(name));
  if (!rows.ok()) return rows.status();
  if (rows->rows() == 0) return Status::NotFound("no cluster named " + name);
  return std::string(rows->Bytes(0, 0));
}

Result<std::map<std::string, std::string>> PgDirectory::Clusters() {
  std::lock_guard lock(mu_);
  auto rows = conn_->Exec("SELECT name, url FROM rotonde.clusters ORDER BY name");
  if (!rows.ok()) return rows.status();
  std::map<std::string, std::string> clusters;
  for (int i = 0; i < rows->rows(); ++i) {
    clusters.emplace(rows->Bytes(i, 0), rows->Bytes(i, 1));
  }
  return clusters;
}

Result<DirectoryEntry> PgDirectory::Lookup(const std::string& platform) {
  std::lock_guard lock(mu_);
  auto rows = conn_->Exec(
      "SELECT cluster, CASE WHEN frozen THEN 1::bigint ELSE 0::bigint END FROM "
      "rotonde.directory WHERE platform = $1",
      PgParams().Text(platform));
  if (!rows.ok()) return rows.status();
  DirectoryEntry entry;
  if (rows->rows() > 0) {
    entry.cluster = std::string(rows->Bytes(0, 0));
    entry.frozen = rows->U64(0, 1) != 0;
  }
  return entry;
}

Status PgDirectory::SetEntry(const std::string& platform, const std::string& cluster, bool frozen) {
  std::lock_guard lock(mu_);
  auto set = conn_->Exec(
      "INSERT INTO rotonde.directory (platform, cluster, frozen) VALUES ($1, $2, $3::boolean) "
      "ON CONFLICT (platform) DO UPDATE SET cluster = EXCLUDED.cluster, frozen = EXCLUDED.frozen",
      PgParams().Text(platform).Text(cluster).Text(frozen ? "true" : "false"));
  return set.ok() ? Status::Ok() : set.status();
}

Status PgDirectory::FreezeHead(const std::string& conninfo, const std::string& platform,
                               bool frozen, uint64_t* position, std::string* hash) {
  auto conn = ConnectTo(conninfo);
  if (!conn.ok()) return conn.status();
  // The row lock waits for an append in flight to commit; an append after this commit finds
  // the flag under the same lock.
  return InTransaction(**conn, [&]() -> Status {
    auto head =
        (*conn)->Exec("SELECT position, hash FROM rotonde.heads WHERE platform = $1 FOR UPDATE",
                      PgParams().Text(platform));
    if (!head.ok()) return head.status();
    *position = head->rows() == 0 ? 0 : head->U64(0, 0);
    *hash = head->rows() == 0 ? std::string() : std::string(head->Bytes(0, 1));
    auto set = (*conn)->Exec("UPDATE rotonde.heads SET frozen = $2::boolean WHERE platform = $1",
                             PgParams().Text(platform).Text(frozen ? "true" : "false"));
    return set.ok() ? Status::Ok() : set.status();
  });
}

Status PgDirectory::Freeze(const std::string& platform) {
  uint64_t position = 0;
  std::string hash;
  return Freeze(platform, &position, &hash);
}

Status PgDirectory::Freeze(const std::string& platform, uint64_t* position, std::string* hash) {
  auto entry = Lookup(platform);
  if (!entry.ok()) return entry.status();
  auto url = ClusterUrl(entry->cluster);
  if (!url.ok()) return url.status();
  // The directory first: servers answer "being moved" rather than meet the head row's flag.
  if (Status s = SetEntry(platform, entry->cluster, true); !s.ok()) return s;
  return FreezeHead(*url, platform, true, position, hash);
}

Status PgDirectory::Unfreeze(const std::string& platform) {
  auto entry = Lookup(platform);
  if (!entry.ok()) return entry.status();
  auto url = ClusterUrl(entry->cluster);
  if (!url.ok()) return url.status();
  uint64_t position = 0;
  std::string hash;
  if (Status s = FreezeHead(*url, platform, false, &position, &hash); !s.ok()) return s;
  return SetEntry(platform, entry->cluster, false);
}

Status PgDirectory::MovePlatform(const std::string& platform, const std::string& to,
                                 MoveReport* report) {
  *report = MoveReport{};
  auto entry = Lookup(platform);
  if (!entry.ok()) return entry.status();
  const std::string from = entry->cluster;
  report->from = from;
  report->to = to;
  if (from == to) {
    return Status::InvalidArgument("platform " + platform + " is in cluster " + to + " already");
  }
  auto from_url = ClusterUrl(from);
  if (!from_url.ok()) return from_url.status();
  auto to_url = ClusterUrl(to);
  if (!to_url.ok()) return to_url.status();
  // Opening a log makes the target's schema if missing; it verifies the copy below.
  auto target = PgEventLog::Open(*to_url);
  if (!target.ok()) return target.status();

  // 1. Freeze: servers stop taking its commands, then the source's head row stops appends.
  const auto frozen_at = std::chrono::steady_clock::now();
  uint64_t position = 0;
  std::string hash;
  if (Status s = Freeze(platform, &position, &hash); !s.ok()) return s;
  if (position == 0) {
    static_cast<void>(Unfreeze(platform));
    return Status::NotFound("platform " + platform + " has no events in cluster " + from);
  }
  report->position = position;
  report->hash = hash;

  // 2. Copy, in one transaction of the target: all of it or nothing.
  auto source = ConnectTo(*from_url);
  if (!source.ok()) return source.status();
  auto dest = ConnectTo(*to_url);
  if (!dest.ok()) return dest.status();
  Status copied = InTransaction(**dest, [&]() -> Status {
    auto there =
        (*dest)->Exec("SELECT position, hash FROM rotonde.heads WHERE platform = $1 FOR UPDATE",
                      PgParams().Text(platform));
    if (!there.ok()) return there.status();
    if (there->rows() > 0 && there->U64(0, 0) > 0) {
      if (there->U64(0, 0) == position && there->Bytes(0, 1) == std::string_view(hash)) {
        return Status::Ok();  // copied whole by a move that stopped after: kept
      }
      return Status("already_exists", "cluster " + to + " holds another log of platform " +
                                          platform + " (at position " +
                                          std::to_string(there->U64(0, 0)) + ")");
    }
    if (Status s = CopyEvents(**source, **dest, platform, position, &report->events); !s.ok()) {
      return s;
    }
    // The head row frozen until the check passed; a head row left by an earlier move away
    // (position 0) takes the log back.
    auto head = (*dest)->Exec(
        "INSERT INTO rotonde.heads (platform, position, hash, frozen) VALUES ($1, $2, $3, true) "
        "ON CONFLICT (platform) DO UPDATE SET position = EXCLUDED.position, hash = "
        "EXCLUDED.hash, frozen = true",
        PgParams().Text(platform).Int(position).Bytes(hash));
    return head.ok() ? Status::Ok() : head.status();
  });
  if (!copied.ok()) return copied;

  // 3. Check: the same head on both sides, and a chain that verifies.
  uint64_t copied_position = 0;
  std::string copied_hash;
  if (Status s = FreezeHead(*to_url, platform, true, &copied_position, &copied_hash); !s.ok()) {
    return s;
  }
  if (copied_position != position || copied_hash != hash) {
    return Status::Corruption("the copy of " + platform + " in cluster " + to +
                              " does not end at the source's head");
  }
  const VerifyReport verified = (*target)->Verify(platform);
  if (!verified.ok() || verified.head.position != position || verified.head.hash != hash) {
    return Status::Corruption("the copy of " + platform + " in cluster " + to +
                              " does not verify: " + verified.problem + " " +
                              verified.status.ToString());
  }

  // 4. Switch: the target's servers may claim it, and the directory names the target.
  if (Status s = FreezeHead(*to_url, platform, false, &copied_position, &copied_hash); !s.ok()) {
    return s;
  }
  if (Status s = SetEntry(platform, to, false); !s.ok()) return s;
  report->frozen_for = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - frozen_at);
  // The target's servers read what arrived (a notification as a commit of theirs sends).
  static_cast<void>(
      (*dest)->Exec("SELECT pg_notify('rotonde_log', $1)",
                    PgParams().Text("move\n" + platform + " " + std::to_string(position))));

  // 5. Remove from the source, leaving its head row frozen at position 0.
  auto streams = StreamsOf(**source, platform);
  if (!streams.ok()) return streams.status();
  return InTransaction(**source, [&]() -> Status {
    std::vector<std::string_view> names(streams->begin(), streams->end());
    for (const char* sql :
         {"SELECT 1 FROM rotonde.heads WHERE platform = $1 FOR UPDATE",
          "DELETE FROM rotonde.events WHERE platform = $1",
          "UPDATE rotonde.heads SET position = 0, hash = ''::bytea, holder = NULL, frozen = true "
          "WHERE platform = $1"}) {
      auto done = (*source)->Exec(sql, PgParams().Text(platform));
      if (!done.ok()) return done.status();
    }
    auto dropped = (*source)->Exec("DELETE FROM rotonde.streams WHERE stream = ANY($1)",
                                   PgParams().TextArray(names));
    return dropped.ok() ? Status::Ok() : dropped.status();
  });
}

Status PgDirectory::Refresh() {
  std::map<std::string, DirectoryEntry, std::less<>> entries;
  {
    std::lock_guard lock(mu_);
    if (conn_->broken()) {
      auto conn = ConnectTo(home_conninfo_);
      if (!conn.ok()) return conn.status();
      conn_ = std::move(conn.value());
    }
    auto rows = conn_->Exec(
        "SELECT platform, cluster, CASE WHEN frozen THEN 1::bigint ELSE 0::bigint END FROM "
        "rotonde.directory");
    if (!rows.ok()) return rows.status();
    for (int i = 0; i < rows->rows(); ++i) {
      entries.emplace(std::string(rows->Bytes(i, 0)),
                      DirectoryEntry{std::string(rows->Bytes(i, 1)), rows->U64(i, 2) != 0});
    }
  }
  std::lock_guard lock(cache_mu_);
  cache_ = std::move(entries);
  return Status::Ok();
}

DirectoryEntry PgDirectory::Cached(std::string_view platform) const {
  std::lock_guard lock(cache_mu_);
  auto it = cache_.find(platform);
  return it == cache_.end() ? DirectoryEntry{} : it->second;
}

}  // namespace rotonde::eventstore
