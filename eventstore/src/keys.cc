#include "keys.h"

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

}  // namespace rotonde::eventstore::keys
