#include "raw_store.h"

#include <memory>
#include <stdexcept>
#include <vector>

#include <rocksdb/db.h>

#include "keys.h"
#include "rotonde/v1/event.pb.h"

namespace rotonde::test_support {

namespace {

// Opens the store's RocksDB directly and runs `work` with the handle of `family`.
void WithFamily(
    const std::string& dir, const std::string& family,
    const std::function<rocksdb::Status(rocksdb::DB&, rocksdb::ColumnFamilyHandle*)>& work) {
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names);
  if (!s.ok()) throw std::runtime_error("list column families: " + s.ToString());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::Open(rocksdb::DBOptions(), dir, families, &handles, &raw);
  if (!s.ok()) throw std::runtime_error("open raw: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == family) handle = handles[i];
  }
  s = handle ? work(*db, handle) : rocksdb::Status::NotFound("no family " + family);
  // Into an SST file, where damage on a real disk would sit, not only the WAL.
  if (s.ok()) s = db->Flush(rocksdb::FlushOptions(), handle);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  if (!s.ok()) throw std::runtime_error("raw edit: " + s.ToString());
}

}  // namespace

void EditRawValue(const std::string& dir, const std::string& family, const std::string& key,
                  const std::function<void(std::string& bytes)>& edit) {
  WithFamily(dir, family, [&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* handle) {
    std::string bytes;
    rocksdb::Status s = db.Get(rocksdb::ReadOptions(), handle, key, &bytes);
    if (!s.ok()) return s;
    edit(bytes);
    return db.Put(rocksdb::WriteOptions(), handle, key, bytes);
  });
}

void EditStoredEvent(const std::string& dir, const std::string& platform, uint64_t position,
                     const std::function<void(std::string& bytes)>& edit) {
  EditRawValue(dir, eventstore::keys::kLogFamily, eventstore::keys::LogKey(platform, position),
               edit);
}

void DeleteRawKey(const std::string& dir, const std::string& family, const std::string& key) {
  WithFamily(dir, family, [&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* handle) {
    return db.Delete(rocksdb::WriteOptions(), handle, key);
  });
}

void PutRawKey(const std::string& dir, const std::string& family, const std::string& key,
               const std::string& value) {
  WithFamily(dir, family, [&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* handle) {
    return db.Put(rocksdb::WriteOptions(), handle, key, value);
  });
}

void FlipPayloadByteOf(std::string& bytes) {
  rotonde::v1::EventRecord record;
  if (!record.ParseFromString(bytes) || record.payload().empty()) {
    throw std::runtime_error("no payload to damage");
  }
  // Find the payload inside the stored bytes and flip a bit of its last byte, leaving the
  // protobuf framing intact: the damage is to content, as a bad sector or a tamperer does.
  const size_t at = bytes.find(record.payload());
  if (at == std::string::npos) throw std::runtime_error("payload not found");
  bytes[at + record.payload().size() - 1] ^= 0x01;
}

void FlipPayloadByte(const std::string& dir, const std::string& platform, uint64_t position) {
  EditStoredEvent(dir, platform, position, FlipPayloadByteOf);
}

}  // namespace rotonde::test_support
