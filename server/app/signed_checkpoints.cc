#include "signed_checkpoints.h"

#include <rocksdb/db.h>

#include <vector>

#include "note_record.h"
#include "rotonde/base/base64.h"

namespace rotonde::app {

namespace {

Status NotFoundAt(const std::string& platform, uint64_t size) {
  Status status(codes::kCheckpointNotFound, "no checkpoint of " + platform + " at size " +
                                                std::to_string(size) + " was signed");
  status.WithDetail("size", static_cast<int64_t>(size));
  return status;
}

}  // namespace

SignedCheckpoints::SignedCheckpoints(std::unique_ptr<rocksdb::DB> db, SigningKey key,
                                     eventstore::EventLog& store)
    : db_(std::move(db)), key_(std::move(key)), store_(store) {}

SignedCheckpoints::~SignedCheckpoints() = default;

Result<std::unique_ptr<SignedCheckpoints>> SignedCheckpoints::Open(const std::string& dir,
                                                                   SigningKey key,
                                                                   eventstore::EventLog& store) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.keep_log_file_num = 2;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return Status::IOError("cannot open the notes in " + dir + ": " + s.ToString());
  return std::unique_ptr<SignedCheckpoints>(
      new SignedCheckpoints(std::unique_ptr<rocksdb::DB>(raw), std::move(key), store));
}

Result<SignedCheckpoint> SignedCheckpoints::Stored(const std::string& platform, uint64_t size) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), NoteKey(platform, size), &value);
  if (s.IsNotFound()) return NotFoundAt(platform, size);
  if (!s.ok()) return Status::IOError("cannot read a note: " + s.ToString());
  auto stored = ParseNoteValue(value);
  if (!stored.ok()) return stored.status();
  return SignedCheckpoint{key_.name() + "/" + platform, size, std::move(stored->hash),
                          std::move(stored->note)};
}

Result<SignedCheckpoint> SignedCheckpoints::SignedAt(const std::string& platform, uint64_t size) {
  return Stored(platform, size);
}

Status SignedCheckpoints::CheckExtendsLastNote(const std::string& platform, uint64_t size) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const std::string prefix = NoteKey(platform, 0).substr(0, platform.size() + 1);
  it->SeekForPrev(NoteKey(platform, size));
  if (!it->status().ok())
    return Status::IOError("cannot read the notes: " + it->status().ToString());
  if (!it->Valid() || !it->key().starts_with(prefix)) return Status::Ok();  // the first note
  const std::optional<uint64_t> last_size = NoteKeySize(it->key().ToStringView(), platform);
  auto last_note = ParseNoteValue(it->value().ToStringView());
  if (!last_size || *last_size == 0 || !last_note.ok()) {
    return Status::Corruption("a stored note of " + platform + " is damaged");
  }
  const uint64_t last = *last_size;
  const std::string& signed_hash = last_note->hash;
  std::vector<eventstore::EventRecord> event;
  if (Status s = store_.Read(platform, last - 1, 1, &event); !s.ok()) return s;
  if (event.size() == 1 && event[0].hash() == signed_hash) return Status::Ok();
  Status conflict(codes::kCheckpointConflict,
                  "the log of " + platform +
                      " does not extend the checkpoint this server "
                      "signed at size " +
                      std::to_string(last) +
                      ": it was rewritten or restored from an older backup; no new checkpoint is "
                      "signed");
  conflict.WithDetail("size", static_cast<int64_t>(last));
  return conflict;
}

Result<SignedCheckpoint> SignedCheckpoints::SignHead(const std::string& platform) {
  std::lock_guard lock(sign_mu_);
  const eventstore::HeadInfo head = store_.Head(platform);
  if (head.position == 0) return NotFoundAt(platform, 0);
  auto stored = Stored(platform, head.position);
  if (stored.ok()) {
    if (stored->hash == head.hash) return stored;
    Status conflict(codes::kCheckpointConflict,
                    "the log of " + platform + " holds another event at position " +
                        std::to_string(head.position) +
                        " than the one this server signed there: it was rewritten or restored "
                        "from an older backup; no new checkpoint is signed");
    conflict.WithDetail("size", static_cast<int64_t>(head.position));
    return conflict;
  }
  if (stored.status().code() != codes::kCheckpointNotFound) return stored;
  if (Status s = CheckExtendsLastNote(platform, head.position); !s.ok()) return s;

  SignedCheckpoint checkpoint;
  checkpoint.origin = key_.name() + "/" + platform;
  checkpoint.size = head.position;
  checkpoint.hash = head.hash;
  // tlog-checkpoint: origin, size in decimal, base64 of the root hash, each line ended by \n.
  checkpoint.note = key_.SignNote(checkpoint.origin + "\n" + std::to_string(checkpoint.size) +
                                  "\n" + Base64Of(checkpoint.hash) + "\n");
  rocksdb::WriteOptions durable;
  durable.sync = true;
  rocksdb::Status s = db_->Put(durable, NoteKey(platform, checkpoint.size),
                               NoteValue(checkpoint.hash, checkpoint.note));
  if (!s.ok()) return Status::IOError("cannot keep the note: " + s.ToString());
  return checkpoint;
}

}  // namespace rotonde::app
