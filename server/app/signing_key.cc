#include "signing_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "password_hasher.h"
#include "rotonde/base/base64.h"
#include "rotonde/base/hex.h"
#include "secrets.h"

namespace rotonde::app {

namespace {

constexpr std::string_view kPrivatePrefix = "PRIVATE+KEY+";
constexpr char kAlgEd25519 = 0x01;
// U+2014 EM DASH, which opens every signature line of a signed note.
constexpr std::string_view kEmDash = "\xe2\x80\x94";

// "name+hash+key" -> {"name", "hash", "key"}; the key, being base64, may hold '+' itself.
std::vector<std::string_view> SplitNameHashKey(std::string_view text) {
  std::vector<std::string_view> parts;
  for (int i = 0; i < 2; ++i) {
    const size_t plus = text.find('+');
    if (plus == std::string_view::npos) break;
    parts.push_back(text.substr(0, plus));
    text.remove_prefix(plus + 1);
  }
  parts.push_back(text);
  return parts;
}

}  // namespace

bool SigningKey::IsValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '+' || c == '/') return false;
  }
  return true;
}

Result<SigningKey> SigningKey::FromSeed(std::string name, std::string_view seed) {
  if (!auth::SodiumReady()) return Status::IOError("libsodium failed to initialise");
  SigningKey key;
  key.name_ = std::move(name);
  key.secret_.resize(crypto_sign_SECRETKEYBYTES);
  key.public_key_.resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(key.public_key_.data()),
                           reinterpret_cast<unsigned char*>(key.secret_.data()),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  key.key_hash_ =
      auth::Sha256(key.name_ + "\n" + std::string(1, kAlgEd25519) + key.public_key_).substr(0, 4);
  return key;
}

Result<SigningKey> SigningKey::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return Status::NotFound("no signing key at " + path);
    return Status::IOError("cannot read the signing key " + path + ": " + std::strerror(errno));
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string line = text.str();
  if (!line.empty() && line.back() == '\n') line.pop_back();
  const Status malformed = Status::InvalidArgument(
      path + " is not a signing key (one line: PRIVATE+KEY+<name>+<key hash>+<base64 key>)");
  if (!line.starts_with(kPrivatePrefix)) return malformed;
  const std::vector<std::string_view> parts =
      SplitNameHashKey(std::string_view(line).substr(kPrivatePrefix.size()));
  if (parts.size() != 3 || !IsValidName(parts[0])) return malformed;
  const std::optional<std::string> raw = BytesOfBase64(parts[2]);
  if (!raw || raw->size() != 1 + crypto_sign_SEEDBYTES || (*raw)[0] != kAlgEd25519) {
    return malformed;
  }
  auto key = FromSeed(std::string(parts[0]), std::string_view(*raw).substr(1));
  if (!key.ok()) return key;
  if (key->KeyHashHex() != parts[1]) {
    return Status::InvalidArgument(path + ": the key hash does not match the key");
  }
  return key;
}

Result<SigningKey> SigningKey::LoadOrCreate(const std::string& path, const std::string& name) {
  auto loaded = Load(path);
  if (loaded.ok() || loaded.status().code() != rotonde::codes::kNotFound) return loaded;
  if (!IsValidName(name)) {
    return Status::InvalidArgument("\"" + name +
                                   "\" cannot name a signing key: 1 to 64 visible characters, "
                                   "no '+' or '/'");
  }
  if (!auth::SodiumReady()) return Status::IOError("libsodium failed to initialise");
  const std::string seed = auth::RandomBytes(crypto_sign_SEEDBYTES);
  auto key = FromSeed(name, seed);
  if (!key.ok()) return key;
  const std::string line = std::string(kPrivatePrefix) + name + "+" + key->KeyHashHex() + "+" +
                           Base64Of(std::string(1, kAlgEd25519) + seed) + "\n";
  // O_EXCL: two servers starting on one directory never write two keys.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) return Load(path);
  if (fd < 0) {
    return Status::IOError("cannot create the signing key " + path + ": " + std::strerror(errno));
  }
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    return Status::IOError("cannot write the signing key " + path + ": " +
                           std::strerror(saved_errno));
  }
  return key;
}

std::string SigningKey::KeyHashHex() const { return HexOf(key_hash_); }

std::string SigningKey::VerifierKey() const {
  return name_ + "+" + KeyHashHex() + "+" + Base64Of(std::string(1, kAlgEd25519) + public_key_);
}

std::string SigningKey::SignNote(std::string_view text) const {
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       reinterpret_cast<const unsigned char*>(secret_.data()));
  std::string note(text);
  note += "\n";
  note += kEmDash;
  note += " " + name_ + " " + Base64Of(key_hash_ + signature) + "\n";
  return note;
}

std::string SigningKey::DeriveSecret(std::string_view purpose) const {
  // BLAKE2b keyed with the 32-byte seed (the first half of libsodium's secret key), over a
  // domain-separated purpose.
  std::string message = "rotonde derived secret\n";
  message += purpose;
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     reinterpret_cast<const unsigned char*>(secret_.data()), 32);
  return out;
}

}  // namespace rotonde::app
