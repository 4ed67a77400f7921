#include "hash_chain.h"

#include <openssl/evp.h>

#include <cassert>
#include <initializer_list>
#include <memory>
#include <stdexcept>

#include "rotonde/eventstore/event_store.h"

namespace rotonde::eventstore {
namespace {

struct DigestContext {
  DigestContext() : ctx(EVP_MD_CTX_new()), md(EVP_MD_fetch(nullptr, "SHA256", nullptr)) {
    // Without a digest there is no chain: fail loudly at first use rather than store garbage.
    if (ctx == nullptr || md == nullptr) throw std::runtime_error("OpenSSL SHA-256 unavailable");
  }
  ~DigestContext() {
    EVP_MD_free(md);
    EVP_MD_CTX_free(ctx);
  }
  EVP_MD_CTX* ctx;
  EVP_MD* md;
};

// The tags, with the 0x00 that ends each (string_view of a literal would stop before it).
constexpr std::string_view kGenesisTag("rotonde-log-v1 genesis\0", 23);
constexpr std::string_view kEventTag("rotonde-log-v1 event\0", 21);

constexpr char kPrevHashTag = (10 << 3) | 2;  // field 10, length-delimited
constexpr char kHashTag = (15 << 3) | 2;      // field 15, length-delimited

}  // namespace

std::string Sha256(std::initializer_list<std::string_view> parts) {
  thread_local DigestContext digest;
  std::string out(kHashBytes, '\0');
  unsigned int length = 0;
  bool ok = EVP_DigestInit_ex(digest.ctx, digest.md, nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(digest.ctx, part.data(), part.size()) == 1;
  }
  ok = ok &&
       EVP_DigestFinal_ex(digest.ctx, reinterpret_cast<unsigned char*>(out.data()), &length) == 1;
  if (!ok || length != kHashBytes) throw std::runtime_error("SHA-256 failed");
  return out;
}

std::string GenesisHashOf(std::string_view platform) { return Sha256({kGenesisTag, platform}); }

std::string ChainHash(std::string_view prev_hash, uint64_t position, std::string_view body) {
  char position_bytes[8];
  for (int i = 7; i >= 0; --i) {
    position_bytes[i] = static_cast<char>(position & 0xff);
    position >>= 8;
  }
  return Sha256({kEventTag, prev_hash, std::string_view(position_bytes, 8), body});
}

std::string SealRecord(const rotonde::v1::EventRecord& record, std::string_view prev_hash,
                       std::string* hash) {
  assert(record.hash().empty() && record.prev_hash().empty());
  assert(prev_hash.size() == kHashBytes);
  std::string bytes = record.SerializeAsString();
  *hash = ChainHash(prev_hash, record.position(), bytes);
  bytes.reserve(bytes.size() + kSealBytes);
  bytes.push_back(kPrevHashTag);
  bytes.push_back(static_cast<char>(kHashBytes));  // varint length 32
  bytes.append(prev_hash);
  bytes.push_back(kHashTag);
  bytes.push_back(static_cast<char>(kHashBytes));
  bytes.append(*hash);
  return bytes;
}

bool BodyOf(std::string_view stored, std::string_view* body) {
  if (stored.size() < kSealBytes) return false;
  const size_t at = stored.size() - kSealBytes;
  if (stored[at] != kPrevHashTag || stored[at + 1] != static_cast<char>(kHashBytes) ||
      stored[at + 2 + kHashBytes] != kHashTag ||
      stored[at + 3 + kHashBytes] != static_cast<char>(kHashBytes)) {
    return false;
  }
  *body = stored.substr(0, at);
  return true;
}

std::string CheckLink(std::string_view platform, uint64_t position, std::string_view prev_hash,
                      std::string_view stored, rotonde::v1::EventRecord* record,
                      std::unordered_map<std::string, uint64_t>* next_versions) {
  std::string_view body;
  record->Clear();
  if (!BodyOf(stored, &body) ||
      !record->ParseFromArray(stored.data(), static_cast<int>(stored.size()))) {
    return "the stored bytes do not parse as an event";
  }
  if (record->position() != position) return "the event names another position";
  if (PlatformOf(record->stream()) != platform) {
    return "the event's stream " + record->stream() + " is of another platform";
  }
  if (record->prev_hash() != prev_hash) return "prev_hash does not match the previous event's hash";
  if (ChainHash(prev_hash, position, body) != record->hash()) {
    return "the hash does not recompute: the event was altered";
  }
  if (next_versions != nullptr) {
    auto [entry, inserted] = next_versions->try_emplace(record->stream(), 0);
    if (record->version() != entry->second) {
      return "stream " + record->stream() + " expects version " + std::to_string(entry->second) +
             ", the event has " + std::to_string(record->version());
    }
    ++entry->second;
  }
  return "";
}

}  // namespace rotonde::eventstore
