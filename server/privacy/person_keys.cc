#include "person_keys.h"

#include <rocksdb/db.h>
#include <sodium.h>

#include <filesystem>

#include "rotonde/eventstore/rocksdb_safety.h"

namespace rotonde::privacy {
namespace {

// Keys: "k" 0x00 platform 0x00 person -> the 32 key bytes, or empty once destroyed (the
// tombstone). Erasures in progress: "e" 0x00 platform 0x00 person -> the person's name.
std::string KeyOf(char kind, const PersonRef& person) {
  std::string key(1, kind);
  key.push_back('\0');
  key += person.platform;
  key.push_back('\0');
  key += person.person;
  return key;
}

std::optional<PersonRef> RefOf(std::string_view key) {
  if (key.size() < 2) return std::nullopt;
  key.remove_prefix(2);
  const size_t zero = key.find('\0');
  if (zero == std::string_view::npos) return std::nullopt;
  return PersonRef{std::string(key.substr(0, zero)), std::string(key.substr(zero + 1))};
}

Status IOError(const std::string& what, const rocksdb::Status& s) {
  return Status::IOError("key store: " + what + ": " + s.ToString());
}

}  // namespace

Result<std::unique_ptr<PersonKeys>> PersonKeys::Open(const std::string& dir, bool read_only) {
  if (sodium_init() < 0) return Status::IOError("libsodium cannot start");
  rocksdb::Options options;
  options.create_if_missing = true;
  // A destroyed key must leave no copy behind: no recycled write-ahead logs (they keep old
  // bytes until overwritten), none archived, and the ones a flush made obsolete deleted.
  options.recycle_log_file_num = 0;
  options.WAL_ttl_seconds = 0;
  options.WAL_size_limit_MB = 0;
  options.keep_log_file_num = 2;
  options.info_log = eventstore::NewInfoLog(dir);
  options.listeners.push_back(eventstore::NewManualRecoveryListener());
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (read_only) {
    options.create_if_missing = false;
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) return Status::NotFound("no key store at " + dir);
    s = rocksdb::DB::OpenForReadOnly(options, dir, &raw);
  } else {
    s = rocksdb::DB::Open(options, dir, &raw);
  }
  if (!s.ok()) return Status::IOError("cannot open the key store at " + dir + ": " + s.ToString());
  return std::unique_ptr<PersonKeys>(new PersonKeys(std::unique_ptr<rocksdb::DB>(raw)));
}

PersonKeys::PersonKeys(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

PersonKeys::~PersonKeys() {
  if (db_) db_->Close().PermitUncheckedError();
}

Status PersonKeys::Write(const std::string& key, std::optional<std::string> value) {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  rocksdb::Status s = value ? db_->Put(sync, key, *value) : db_->Delete(sync, key);
  return s.ok() ? Status::Ok() : IOError("cannot write", s);
}

std::optional<PersonKey> PersonKeys::Find(const PersonRef& person) const {
  std::lock_guard lock(mu_);
  if (auto it = cache_.find(person); it != cache_.end()) return it->second;
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), KeyOf('k', person), &value);
  if (!s.ok() || value.size() != std::tuple_size_v<PersonKey>) {
    // Not cached unless known: a read error may pass, and an unknown person may get a key.
    if (s.ok()) cache_[person] = std::nullopt;  // the tombstone
    return std::nullopt;
  }
  PersonKey key;
  std::copy(value.begin(), value.end(), key.begin());
  cache_[person] = key;
  return key;
}

bool PersonKeys::Destroyed(const PersonRef& person) const {
  std::string value;
  return db_->Get(rocksdb::ReadOptions(), KeyOf('k', person), &value).ok() && value.empty();
}

Result<PersonKey> PersonKeys::Ensure(const PersonRef& person) {
  if (auto key = Find(person)) return *key;
  std::lock_guard lock(mu_);
  if (auto it = cache_.find(person); it != cache_.end()) {
    if (it->second) return *it->second;  // made meanwhile
    return Status("erased", "this person's data was erased");
  }
  std::string value;
  if (db_->Get(rocksdb::ReadOptions(), KeyOf('k', person), &value).ok()) {
    if (value.empty()) return Status("erased", "this person's data was erased");
  }
  PersonKey key;
  randombytes_buf(key.data(), key.size());
  if (Status s = Write(KeyOf('k', person), std::string(key.begin(), key.end())); !s.ok()) {
    sodium_memzero(key.data(), key.size());
    return s;
  }
  cache_[person] = key;
  return key;
}

Status PersonKeys::Destroy(const PersonRef& person) {
  {
    std::lock_guard lock(mu_);
    if (Status s = Write(KeyOf('k', person), std::string()); !s.ok()) return s;
    cache_[person] = std::nullopt;
  }
  // The tombstone hides the key; now its bytes go from every file.
  return eventstore::ForgetDeleted(*db_);
}

Status PersonKeys::BeginErasure(const PersonRef& person, const std::string& name) {
  return Write(KeyOf('e', person), name);
}

Status PersonKeys::EndErasure(const PersonRef& person) {
  if (Status s = Write(KeyOf('e', person), std::nullopt); !s.ok()) return s;
  return eventstore::ForgetDeleted(*db_);  // the mark held the name
}

Result<std::vector<ErasureMark>> PersonKeys::Erasures() const {
  std::vector<ErasureMark> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const std::string prefix("e\0", 2);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (auto ref = RefOf(it->key().ToStringView())) {
      out.push_back(ErasureMark{std::move(*ref), it->value().ToString()});
    }
  }
  if (!it->status().ok()) return IOError("cannot read the erasures", it->status());
  return out;
}

std::vector<std::string> PersonKeys::People(std::string_view platform) const {
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  std::string prefix("k\0", 2);
  prefix += platform;
  prefix.push_back('\0');
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (auto ref = RefOf(it->key().ToStringView())) out.push_back(std::move(ref->person));
  }
  return out;
}

}  // namespace rotonde::privacy
