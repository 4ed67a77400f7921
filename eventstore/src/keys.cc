#include "keys.h"

#include <cstring>

#include "hash_chain.h"

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

std::string NameKey(std::string_view name, uint64_t number) {
  std::string key;
  key.reserve(name.size() + 9);
  key.append(name);
  key.push_back('\0');
  key.append(EncodeU64(number));
  return key;
}

bool DecodeNameKey(std::string_view key, std::string_view* name, uint64_t* number) {
  if (key.size() < 10 || key[key.size() - 9] != '\0') return false;
  *name = key.substr(0, key.size() - 9);
  return DecodeU64(key.substr(key.size() - 8), number);
}

std::string NameEnd(std::string_view name) {
  std::string key(name);
  key.push_back('\x01');
  return key;
}

std::string HeadValue(uint64_t position, std::string_view hash) {
  std::string value = EncodeU64(position);
  value.append(hash);
  return value;
}

bool DecodeHeadValue(std::string_view value, uint64_t* position, std::string* hash) {
  if (value.size() != 8 + kHashBytes) return false;
  hash->assign(value.substr(8));
  return DecodeU64(value.substr(0, 8), position);
}

namespace {

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

std::shared_ptr<const rocksdb::SliceTransform> SequencePerName() {
  static const auto transform = std::make_shared<SequencePerNameTransform>();
  return transform;
}

}  // namespace rotonde::eventstore::keys
