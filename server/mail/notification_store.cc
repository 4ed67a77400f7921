#include "notification_store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <set>

#include "rotonde/eventstore/rocksdb_safety.h"

namespace rotonde::mail {
namespace {

constexpr std::string_view kReadPrefix = "read/";
constexpr std::string_view kSettingsPrefix = "settings/";
constexpr std::string_view kCursorPrefix = "cursor/";
constexpr std::string_view kOutboxPrefix = "outbox/";
constexpr std::string_view kDigestPrefix = "digest/";

rocksdb::WriteOptions Synced() {
  rocksdb::WriteOptions options;
  options.sync = true;
  return options;
}

Status Failed(const rocksdb::Status& s) {
  return Status("unavailable", "the notification database failed: " + s.ToString());
}

// Fixed width, so keys sort as numbers do.
std::string Padded(uint64_t n) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%020" PRIu64, n);
  return buffer;
}

template <typename Message>
Result<std::optional<Message>> Load(rocksdb::DB& db, const std::string& key) {
  std::string bytes;
  rocksdb::Status s = db.Get(rocksdb::ReadOptions(), key, &bytes);
  if (s.IsNotFound()) return std::optional<Message>();
  if (!s.ok()) return Failed(s);
  Message message;
  if (!message.ParseFromString(bytes)) {
    return Status("corruption", "a notification record does not parse: " + key);
  }
  return std::optional<Message>(std::move(message));
}

// Every record under `prefix`, in key order.
template <typename Message>
Result<std::vector<std::pair<std::string, Message>>> Scan(rocksdb::DB& db,
                                                          std::string_view prefix) {
  std::vector<std::pair<std::string, Message>> out;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
  const rocksdb::Slice start(prefix.data(), prefix.size());
  for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
    Message message;
    if (!message.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status("corruption", "a notification record does not parse: " + it->key().ToString());
    }
    out.emplace_back(it->key().ToString(), std::move(message));
  }
  if (!it->status().ok()) return Failed(it->status());
  return out;
}

std::string ReadKey(std::string_view account_id, std::string_view platform) {
  return std::string(kReadPrefix) + std::string(account_id) + "/" + std::string(platform);
}

}  // namespace

Result<std::unique_ptr<NotificationStore>> NotificationStore::Open(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.max_open_files = 64;
  // A full disk must not take the process down (rocksdb_safety.h): after a write failed for
  // lack of space, read marks and mail settings answer unavailable until a restart.
  options.info_log = eventstore::NewInfoLog(dir);
  options.listeners.push_back(eventstore::NewManualRecoveryListener());
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return Status("io_error", "cannot open the notification database: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  // The next outbox key follows the last one, so the outbox stays in queueing order.
  uint64_t next = 1;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  std::string end(kOutboxPrefix);
  end.push_back('\xff');
  it->SeekForPrev(end);
  if (it->Valid() &&
      it->key().starts_with(rocksdb::Slice(kOutboxPrefix.data(), kOutboxPrefix.size()))) {
    next =
        std::strtoull(it->key().ToString().substr(kOutboxPrefix.size()).c_str(), nullptr, 10) + 1;
  }
  return std::unique_ptr<NotificationStore>(new NotificationStore(std::move(db), next));
}

NotificationStore::NotificationStore(std::unique_ptr<rocksdb::DB> db, uint64_t next_sequence)
    : db_(std::move(db)), next_sequence_(next_sequence) {}

NotificationStore::~NotificationStore() = default;

std::string NotificationStore::NextOutboxKey() {
  std::lock_guard lock(sequence_mu_);
  return std::string(kOutboxPrefix) + Padded(next_sequence_++);
}

Result<v1::InboxRead> NotificationStore::ReadMarks(std::string_view account_id,
                                                   std::string_view platform) const {
  auto loaded = Load<v1::InboxRead>(*db_, ReadKey(account_id, platform));
  if (!loaded.ok()) return loaded.status();
  return loaded.value().value_or(v1::InboxRead());
}

Status NotificationStore::MarkRead(std::string_view account_id, std::string_view platform,
                                   uint64_t through, const std::vector<uint64_t>& positions) {
  std::lock_guard lock(read_mu_);
  auto marks = ReadMarks(account_id, platform);
  if (!marks.ok()) return marks.status();
  v1::InboxRead read = std::move(marks.value());
  read.set_through(std::max(read.through(), through));
  std::set<uint64_t> kept(read.positions().begin(), read.positions().end());
  kept.insert(positions.begin(), positions.end());
  kept.erase(kept.begin(), kept.upper_bound(read.through()));
  while (kept.size() > kMaxReadPositions) kept.erase(kept.begin());
  read.clear_positions();
  for (uint64_t p : kept) read.add_positions(p);
  rocksdb::Status s = db_->Put(Synced(), ReadKey(account_id, platform), read.SerializeAsString());
  return s.ok() ? Status::Ok() : Failed(s);
}

Result<v1::MailSettings> NotificationStore::Settings(std::string_view account_id) const {
  auto loaded =
      Load<v1::MailSettings>(*db_, std::string(kSettingsPrefix) + std::string(account_id));
  if (!loaded.ok()) return loaded.status();
  if (loaded.value()) return *loaded.value();
  v1::MailSettings defaults;
  defaults.set_language("nl");
  return defaults;
}

Status NotificationStore::SetSettings(std::string_view account_id,
                                      const v1::MailSettings& settings) {
  rocksdb::Status s = db_->Put(Synced(), std::string(kSettingsPrefix) + std::string(account_id),
                               settings.SerializeAsString());
  return s.ok() ? Status::Ok() : Failed(s);
}

Result<std::optional<uint64_t>> NotificationStore::Cursor(std::string_view platform) const {
  auto loaded = Load<v1::MailCursor>(*db_, std::string(kCursorPrefix) + std::string(platform));
  if (!loaded.ok()) return loaded.status();
  if (!loaded.value()) return std::optional<uint64_t>();
  return std::optional<uint64_t>(loaded.value()->position());
}

Status NotificationStore::Queue(std::string_view platform, uint64_t position,
                                const std::vector<v1::OutgoingMail>& mails,
                                const std::vector<std::pair<std::string, v1::DigestLine>>& lines) {
  rocksdb::WriteBatch batch;
  for (const v1::OutgoingMail& mail : mails) batch.Put(NextOutboxKey(), mail.SerializeAsString());
  for (const auto& [account_id, line] : lines) {
    batch.Put(std::string(kDigestPrefix) + account_id + "/" + line.platform() + "/" +
                  Padded(line.position()),
              line.SerializeAsString());
  }
  v1::MailCursor cursor;
  cursor.set_position(position);
  batch.Put(std::string(kCursorPrefix) + std::string(platform), cursor.SerializeAsString());
  rocksdb::Status s = db_->Write(Synced(), &batch);
  return s.ok() ? Status::Ok() : Failed(s);
}

Result<std::vector<QueuedMail>> NotificationStore::Outbox() const {
  auto scanned = Scan<v1::OutgoingMail>(*db_, kOutboxPrefix);
  if (!scanned.ok()) return scanned.status();
  std::vector<QueuedMail> out;
  for (auto& [key, mail] : scanned.value()) out.push_back({std::move(key), std::move(mail)});
  return out;
}

Result<std::vector<QueuedMail>> NotificationStore::DueMails(int64_t now, size_t limit) const {
  auto all = Outbox();
  if (!all.ok()) return all.status();
  std::vector<QueuedMail> due;
  for (QueuedMail& queued : all.value()) {
    if (due.size() >= limit) break;
    if (queued.mail.next_attempt_at() <= now) due.push_back(std::move(queued));
  }
  return due;
}

Status NotificationStore::Remove(const std::string& key) {
  rocksdb::Status s = db_->Delete(Synced(), key);
  return s.ok() ? Status::Ok() : Failed(s);
}

Status NotificationStore::Reschedule(const std::string& key, const v1::OutgoingMail& mail) {
  rocksdb::Status s = db_->Put(Synced(), key, mail.SerializeAsString());
  return s.ok() ? Status::Ok() : Failed(s);
}

Result<std::vector<QueuedLine>> NotificationStore::DigestLines() const {
  auto scanned = Scan<v1::DigestLine>(*db_, kDigestPrefix);
  if (!scanned.ok()) return scanned.status();
  std::vector<QueuedLine> out;
  for (auto& [key, line] : scanned.value()) {
    // "digest/<account>/<platform>/<position>": the account is the segment after the prefix.
    const size_t start = kDigestPrefix.size();
    std::string account = key.substr(start, key.find('/', start) - start);
    out.push_back({std::move(key), std::move(account), std::move(line)});
  }
  return out;
}

Status NotificationStore::ComposeDigest(const std::vector<std::string>& keys,
                                        const v1::OutgoingMail& mail) {
  rocksdb::WriteBatch batch;
  for (const std::string& key : keys) batch.Delete(key);
  batch.Put(NextOutboxKey(), mail.SerializeAsString());
  rocksdb::Status s = db_->Write(Synced(), &batch);
  return s.ok() ? Status::Ok() : Failed(s);
}

Status NotificationStore::Forget(std::string_view account_id, std::string_view name) {
  auto names = [&](std::string_view text) {
    return !name.empty() && text.find(name) != std::string_view::npos;
  };
  rocksdb::WriteBatch batch;
  batch.Delete(std::string(kSettingsPrefix) + std::string(account_id));
  for (std::string_view prefix : {kReadPrefix, kDigestPrefix}) {
    const std::string own = std::string(prefix) + std::string(account_id) + "/";
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(own); it->Valid() && it->key().starts_with(own); it->Next()) {
      batch.Delete(it->key());
    }
    if (!it->status().ok()) return Failed(it->status());
  }
  auto outbox = Scan<v1::OutgoingMail>(*db_, kOutboxPrefix);
  if (!outbox.ok()) return outbox.status();
  for (const auto& [key, mail] : outbox.value()) {
    if (mail.account_id() == account_id || names(mail.subject()) || names(mail.text()) ||
        names(mail.html())) {
      batch.Delete(key);
    }
  }
  auto lines = Scan<v1::DigestLine>(*db_, kDigestPrefix);
  if (!lines.ok()) return lines.status();
  for (const auto& [key, line] : lines.value()) {
    if (names(line.text())) batch.Delete(key);
  }
  if (rocksdb::Status s = db_->Write(Synced(), &batch); !s.ok()) return Failed(s);
  return eventstore::ForgetDeleted(*db_);
}

}  // namespace rotonde::mail
