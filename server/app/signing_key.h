// The server's Ed25519 key, which signs the platforms' checkpoints (docs/verification.md,
// "Signed checkpoints"), and the C2SP signed-note format it signs in.
//
// The key lives in a file of one line, in the format of Go's golang.org/x/mod/sumdb/note:
//   PRIVATE+KEY+<name>+<key hash, 8 hex>+<base64(0x01 ‖ 32-byte Ed25519 seed)>
// so that other tools read it. Its public half, as verifiers take it:
//   <name>+<key hash, 8 hex>+<base64(0x01 ‖ 32-byte public key)>
// The key hash is the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). The name is
// the server's name: the first part of every checkpoint's origin `<name>/<platform>`.
#pragma once

#include <string>
#include <string_view>

#include "rotonde/base/status.h"

namespace rotonde::app {

class SigningKey {
 public:
  // Reads the key in `path`; not_found if there is none, invalid_argument if the file is
  // not one key of the format above (its text is never echoed: it is a secret).
  static Result<SigningKey> Load(const std::string& path);
  // As Load, and when `path` does not exist, makes a new key named `name` and writes it
  // there with mode 0600 (fsynced, never overwriting a file another process made meanwhile).
  // invalid_argument for a name that is empty, longer than 64 bytes, or holds whitespace,
  // '+' or '/'.
  static Result<SigningKey> LoadOrCreate(const std::string& path, const std::string& name);

  const std::string& name() const { return name_; }
  // The key hash as 8 lowercase hex digits.
  std::string KeyHashHex() const;
  // The verifier key: "<name>+<key hash>+<base64(0x01 ‖ public key)>".
  std::string VerifierKey() const;
  // `text` (one or more lines, each ending in "\n") as a signed note: text, a blank line,
  // and "— <name> <base64(key hash ‖ Ed25519 signature of text)>\n".
  std::string SignNote(std::string_view text) const;

  // A 32-byte secret for `purpose` (e.g. "proposal-status-links"), derived from the key's
  // seed with BLAKE2b, so that a server keeps one secret file. Different purposes give
  // unrelated secrets, and none of them reveals the key.
  std::string DeriveSecret(std::string_view purpose) const;

  // Whether `name` may name a key.
  static bool IsValidName(std::string_view name);

 private:
  SigningKey() = default;
  static Result<SigningKey> FromSeed(std::string name, std::string_view seed);

  std::string name_;
  std::string secret_;      // libsodium's 64-byte secret key (seed ‖ public key)
  std::string public_key_;  // 32 bytes
  std::string key_hash_;    // 4 bytes
};

}  // namespace rotonde::app
