// The notification store: what members chose about notifications and what is on its way to
// them, in its own RocksDB database (DATA/notifications), never in the log, which auditors
// read whole. It holds
//   - each member's read marks per platform (what they have read of their inbox),
//   - each member's mail settings (address, at once / daily digest / off, language),
//   - the mail outbox: composed mails waiting to be sent, each until the SMTP server took it,
//   - digest lines waiting for the day's digest,
//   - per platform, the last position whose notifications were queued (the cursor).
// The layout is proto/rotonde/v1/mail.proto.
//
// Durability. Every write is synced before the call returns. Queue() writes a position's
// mails, digest lines and the cursor in one batch, so after a kill -9 a notification is
// queued exactly once: either with its cursor, or not at all and queued again from the log.
//
// Thread safety: every method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rotonde/base/status.h"
#include "rotonde/v1/mail.pb.h"

namespace rocksdb {
class DB;
}

namespace rotonde::mail {

// A member keeps this many read positions after their `through` mark (the newest); an
// inbox holds at most 200 notifications, so this loses none that are still shown.
inline constexpr size_t kMaxReadPositions = 256;

// A mail in the outbox, by its key (the order it was queued in).
struct QueuedMail {
  std::string key;
  v1::OutgoingMail mail;
};

// A digest line, by its key, and whose digest it belongs in.
struct QueuedLine {
  std::string key;
  std::string account_id;
  v1::DigestLine line;
};

class NotificationStore {
 public:
  // Opens (creating) the database in `dir`. io_error if RocksDB cannot open it.
  static Result<std::unique_ptr<NotificationStore>> Open(const std::string& dir);
  ~NotificationStore();
  NotificationStore(const NotificationStore&) = delete;
  NotificationStore& operator=(const NotificationStore&) = delete;

  // What `account_id` has read of their inbox on `platform` (empty marks if nothing).
  Result<v1::InboxRead> ReadMarks(std::string_view account_id, std::string_view platform) const;
  // Marks read everything up to `through` (a lower mark than the stored one changes
  // nothing), and `positions`. Positions at or below the mark are dropped; of the rest the
  // newest kMaxReadPositions are kept.
  Status MarkRead(std::string_view account_id, std::string_view platform, uint64_t through,
                  const std::vector<uint64_t>& positions);

  // The member's mail settings; defaults (no address, mode unspecified, "nl") if never set.
  Result<v1::MailSettings> Settings(std::string_view account_id) const;
  Status SetSettings(std::string_view account_id, const v1::MailSettings& settings);

  // The last position of `platform` whose notifications were queued; nullopt if none ever
  // were (the dispatcher then starts at the head: a new server does not mail the past).
  Result<std::optional<uint64_t>> Cursor(std::string_view platform) const;
  // Queues `mails` and `lines` (account id, line) and moves the platform's cursor to
  // `position`, in one synced batch.
  Status Queue(std::string_view platform, uint64_t position,
               const std::vector<v1::OutgoingMail>& mails,
               const std::vector<std::pair<std::string, v1::DigestLine>>& lines);

  // Up to `limit` mails of the outbox whose next attempt is due at `now`, oldest first.
  Result<std::vector<QueuedMail>> DueMails(int64_t now, size_t limit) const;
  // Every mail in the outbox (for tests and the metrics), oldest first.
  Result<std::vector<QueuedMail>> Outbox() const;
  // The SMTP server took the mail (or refused it for good): it leaves the outbox.
  Status Remove(const std::string& key);
  // A failed attempt: the mail stays, with its attempts and next attempt time.
  Status Reschedule(const std::string& key, const v1::OutgoingMail& mail);

  // Every digest line waiting, by account then platform then position.
  Result<std::vector<QueuedLine>> DigestLines() const;
  // Replaces an account's digest lines `keys` with the digest `mail`, in one synced batch.
  Status ComposeDigest(const std::vector<std::string>& keys, const v1::OutgoingMail& mail);

  // Erasure (docs/privacy.md): deletes the account's mail settings and read marks, the
  // mails and digest lines queued for it, and every queued mail or digest line that names
  // `name` (when not empty); then rewrites the database's files so that none holds them
  // (eventstore::ForgetDeleted). unavailable if the disk fails.
  Status Forget(std::string_view account_id, std::string_view name);

  // The database, for an online backup (rotonde backup).
  rocksdb::DB& database() { return *db_; }

 private:
  explicit NotificationStore(std::unique_ptr<rocksdb::DB> db, uint64_t next_sequence);
  std::string NextOutboxKey();

  std::unique_ptr<rocksdb::DB> db_;
  std::mutex sequence_mu_;
  uint64_t next_sequence_;
  std::mutex read_mu_;  // MarkRead reads, then writes
};

}  // namespace rotonde::mail
