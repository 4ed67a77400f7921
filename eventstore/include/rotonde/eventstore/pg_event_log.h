// PgEventLog: the replicated backend of the event log (event_log.h holds the contract), on
// PostgreSQL through libpq. It keeps the same contract as the embedded EventStore and passes
// the same contract suite; the chain and the stored bytes of each event are byte for byte
// those of EventStore (docs/verification.md), so a platform moves between them by export and
// import.
//
// Where it connects. A libpq connection string, URL or key=value: a multi-host URL with
// target_session_attrs=read-write follows the primary after a failover (Patroni), and the
// durability of a commit is the server's (synchronous_commit, synchronous replicas). Unless
// the string says otherwise, a host that does not answer is given up after 5 s
// (connect_timeout) and a connection whose peer vanished without a word is dropped within
// about 10 s (TCP keepalives, tcp_user_timeout).
//
// Schema, created by Open() if missing (under an advisory lock, so servers opening at once
// do not race; the columns of a schema made before leases are added), in the schema
// `rotonde`:
//
//   heads    (platform PK, position, hash,        a platform's last event; position 0 and an
//             holder, term, lease_until,          empty hash while it has none; its lease
//             frozen)                             (see Leases); frozen by a move
//   events   (platform, position) PK, stream, version, id UNIQUE, record
//                                                 record: the event's stored bytes, as
//                                                 EventStore stores them (body, prev_hash,
//                                                 hash); (stream, version) UNIQUE
//   streams  (stream PK, version)                 each stream's last version
//
// Every name is COLLATE "C", so platforms list in byte order as in EventStore.
//
// Appending. One writer thread takes everything queued meanwhile (appends of any platforms)
// and commits it as one transaction in two round trips (libpq pipelines): it locks the head
// rows of the group's platforms (in name order, so two servers never deadlock) and reads
// which of the group's ids are stored and its streams' versions; it decides each append as
// EventStore does (src/prepare.h); then it inserts the events, moves the streams and heads
// and commits. A platform's first append costs one more round trip, to make its head row. Each
// append is acknowledged once COMMIT returned; positions follow commit order, as the head rows are
// locked until it. An id that another server's transaction stored alongside (a unique violation, or
// a deadlock over two such ids) sends the group round again, which then finds it stored. Any other
// statement refused inside the group fails the transaction: its appends are then tried one
// transaction each, so only the refused one fails. A started append (StartAppendAll) is placed by
// that commit too: Prepared() returns once it is durable.
//
// A lost connection (a failover, a restarted server). Lost before COMMIT was sent, the group
// is tried again on a new connection (three tries in all). Lost at COMMIT, its appends fail
// with kUnavailable at once: their commit may or may not have landed, and a retry with the
// same ids finds out (idempotency); before its next group the writer reads those platforms'
// heads on the new connection and publishes what landed. While no primary takes writes
// (PostgreSQL refuses or cannot be reached), each append fails with kUnavailable as soon as
// connecting fails; the next one connects again; nothing is refused for good. With
// synchronous replication a COMMIT waits for a synchronous standby, so an append that found
// none (synchronous_mode_strict, a standby lost) answers once Patroni named another, or
// after PgOptions::write_timeout with kUnavailable, its outcome unknown as above: the
// connection is dropped, never the wait cancelled (that would leave the commit standing on
// the primary alone). Until a standby is back, later groups (waiting for the head rows that
// commit still holds) answer so too.
//
// Leases: one server appends to a platform. With PgOptions::holder set, the log appends only
// to the platforms whose head row names it as holder with the term it claimed them with:
// - it claims a platform in a transaction that locks the head row, when the row is free, its
//   own (from an earlier run), or expired (lease_until < now(), PostgreSQL's clock alone):
//   holder = it, term = term + 1, lease_until = now() + lease_time. A platform it founds
//   starts with its lease (term 1).
// - a renewal thread, every lease_time / 3, extends the leases it holds (holder and term
//   unchanged); a row no longer so is lost, and the log stops serving it. The same tick claims
//   the free and expired platforms, so a dead server's platforms pass to another one lease
//   time after its last renewal. Its own clock ends a lease it could not renew in time.
// - every group transaction, after locking the head rows, compares each row's holder and
//   term with its own (compare-and-set): an append to a platform it does not hold fails with
//   kUnavailable, naming the holder, and writes nothing. A stale holder (a paused process, a
//   lost connection) therefore never writes after another server claimed the platform, even
//   while it still believes it holds it; its reads go on.
// Without a holder, nothing of this applies: the log appends to any platform.
//
// Frozen rows. A move between clusters (pg_directory.h) sets a head row's `frozen` under its
// lock; every group transaction, with a holder or not, refuses an append to a frozen row with
// kUnavailable, and no renewal renews or claims one. A platform moved away keeps a frozen row
// at position 0 here, so no server founds it anew.
//
// Readers. Each commit sends NOTIFY rotonde_log naming the platforms and their heads; it is a
// wake-up only. The listener also reads every head again after a second without one: a
// commit in progress while LISTEN took effect sends no notification that reaches it. Events this
// process appended are published from memory as its commits return; another server's are read by
// position with SELECT once its notification arrives. The listening connection, lost, is made again
// (every 0.5 s until a primary answers), and then every platform is caught up from its head row:
// notifications missed meanwhile cost nothing. Head(), Platforms(), subscriptions and the live feed
// show what was published so, each platform's events in order, once; Read() and ReadStream() read
// by SELECT up to the published head (on a pooled connection, made again once if it turns out
// lost).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "rotonde/eventstore/event_log.h"
#include "rotonde/eventstore/queued_log.h"

namespace rotonde::eventstore {

struct PgOptions {
  // Recently committed events kept in memory for live subscribers and the live feed.
  size_t recent_events_cache = 65'536;
  // Upper bounds of one group transaction.
  size_t max_group_events = 16'384;
  size_t max_group_bytes = 32 << 20;
  // Idle connections kept for readers.
  size_t max_idle_connections = 4;
  // How long each round trip of a group transaction, COMMIT included, may go unanswered:
  // past it the writer drops its connection and the group's appends fail with kUnavailable
  // (see "A lost connection"), so no append waits longer for a primary that holds it.
  std::chrono::milliseconds write_timeout{15'000};
  // The server this log serves platforms for (a server id): with one, it holds leases (see
  // "Leases" above) and appends only to the platforms it holds; without, it appends to any
  // platform, as when one server alone uses the database.
  std::string holder;
  // How long a lease lasts unless renewed; renewed every third of it. Longer than a failover
  // of the database (Patroni's ttl, 20 s at least, and the promotion): while no primary
  // takes writes no lease is renewed, and a shorter one would pass every platform to
  // whichever server reconnects first.
  std::chrono::milliseconds lease_time{45'000};
};

// Who serves a platform, as a log with a holder knows it (PgEventLog::LeaseOf).
struct PlatformLease {
  bool served_here = false;  // this log holds the platform's lease and appends to it
  std::string holder;        // the holder serving it elsewhere; "" if none does right now
};

class PgEventLog final : public QueuedLog {
 public:
  // Connects with `conninfo`, creates the schema if missing and loads the platforms' heads.
  // kUnavailable if PostgreSQL cannot be reached, kIOError if it refuses.
  static Result<std::unique_ptr<PgEventLog>> Open(const std::string& conninfo,
                                                  const PgOptions& options = {});

  ~PgEventLog() override;
  PgEventLog(const PgEventLog&) = delete;
  PgEventLog& operator=(const PgEventLog&) = delete;

  Status ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                    std::vector<EventRecord>* out) const override;
  Result<std::optional<uint64_t>> StreamVersion(std::string_view stream) const override;
  // Also checks, in one snapshot, that each event's position, stream, version and id columns
  // are its record's, that the head row names the last event, and that the streams table
  // holds each stream's last version.
  VerifyReport Verify(std::string_view platform) const override;

  Stats GetStats() const override;
  // Stops renewing, and with a holder, ends the leases it holds, so that another server
  // takes them at its next renewal rather than after the lease time.
  void Close() override;

  // Whether this log serves `platform`, and if not, which holder does. Without a holder,
  // every platform is served here. With one: a platform it holds and renewed within the lease
  // time; a platform no row names yet (this server would found it); not a platform another
  // holder's live lease names, nor one free or expired until a renewal claims it.
  PlatformLease LeaseOf(std::string_view platform) const;

  // For tests: a paused log neither renews its leases nor claims any, as a server that hangs;
  // its appends still try (and fail once another holder took the platform).
  void TEST_PauseRenewal(bool paused);

  class Impl;

 private:
  explicit PgEventLog(std::unique_ptr<Impl> impl);
  bool Enqueue(const std::shared_ptr<WriteRequest>& request) override;
  const PublishedLog& published() const override;
  Status ReadStored(std::string_view platform, uint64_t after, size_t limit, uint64_t upto,
                    std::vector<EventRecord>* out) const override;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rotonde::eventstore
