#include "keys.h"

#include <cstring>

namespace rotonde::eventstore::keys {

std::string EncodeU64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

bool DecodeU64(std::string_view bytes, uint64_t* value) {
  if (bytes.size() != 8) return false;
  uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  *value = v;
  return true;
}

std::string StreamKey(std::string_view stream, uint64_t version) {
  std::string key;
  key.reserve(stream.size() + 9);
  key.append(stream);
  key.push_back('\0');
  key.append(EncodeU64(version));
  return key;
}

std::string StreamEnd(std::string_view stream) {
  std::string key(stream);
  key.push_back('\x01');
  return key;
}

std::string PartitionKey(std::string_view partition, uint64_t position) {
  return StreamKey(partition, position);
}

bool DecodeTrailingU64(std::string_view key, uint64_t* value) {
  if (key.size() < 9) return false;
  return DecodeU64(key.substr(key.size() - 8), value);
}

namespace {

class OneSequenceTransform : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "rotonde.OneSequence"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), 0);
  }
  bool InDomain(const rocksdb::Slice&) const override { return true; }
};

class SequencePerNameTransform : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "rotonde.SequencePerName"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    const void* nul = std::memchr(key.data(), '\0', key.size());
    return rocksdb::Slice(key.data(), static_cast<const char*>(nul) - key.data() + 1);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return std::memchr(key.data(), '\0', key.size()) != nullptr;
  }
};

}  // namespace

std::shared_ptr<const rocksdb::SliceTransform> OneSequence() {
  static const auto transform = std::make_shared<OneSequenceTransform>();
  return transform;
}

std::shared_ptr<const rocksdb::SliceTransform> SequencePerName() {
  static const auto transform = std::make_shared<SequencePerNameTransform>();
  return transform;
}

}  // namespace rotonde::eventstore::keys
