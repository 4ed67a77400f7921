#include "hash_chain.h"

#include <openssl/evp.h>

#include <cassert>
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

}  // namespace

const std::string& GenesisHash() {
  static const std::string genesis(kHashBytes, '\0');
  return genesis;
}

std::string Sha256Of(std::string_view a, std::string_view b) {
  thread_local DigestContext digest;
  std::string out(kHashBytes, '\0');
  unsigned int length = 0;
  bool ok =
      EVP_DigestInit_ex(digest.ctx, digest.md, nullptr) == 1 &&
      EVP_DigestUpdate(digest.ctx, a.data(), a.size()) == 1 &&
      EVP_DigestUpdate(digest.ctx, b.data(), b.size()) == 1 &&
      EVP_DigestFinal_ex(digest.ctx, reinterpret_cast<unsigned char*>(out.data()), &length) == 1;
  if (!ok || length != kHashBytes) throw std::runtime_error("SHA-256 failed");
  return out;
}

std::string ComputeEventHash(const EventRecord& record) {
  if (record.hash().empty()) return Sha256Of(record.prev_hash(), record.SerializeAsString());
  EventRecord copy = record;
  copy.clear_hash();
  return Sha256Of(copy.prev_hash(), copy.SerializeAsString());
}

std::string SealRecord(const rotonde::v1::EventRecord& record, std::string* hash) {
  assert(record.hash().empty());
  std::string bytes = record.SerializeAsString();
  *hash = Sha256Of(record.prev_hash(), bytes);
  bytes.push_back(static_cast<char>((15 << 3) | 2));  // field 15, length-delimited
  bytes.push_back(static_cast<char>(kHashBytes));     // varint length 32
  bytes.append(*hash);
  return bytes;
}

}  // namespace rotonde::eventstore
