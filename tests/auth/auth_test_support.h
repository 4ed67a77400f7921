// What the auth tests share: a store at libsodium's minimum argon2id cost in a temp dir.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "auth_store.h"
#include "temp_dir.h"

namespace rotonde::auth {

// Whether `text` is `length` characters, each in `alphabet`.
bool AllOf(const std::string& text, size_t length, std::string_view alphabet);

// The minimum cost: the same code paths as INTERACTIVE, in microseconds instead of 0.1 s.
AuthOptions FastOptions();

class AuthStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  // Closes the store (if open) and opens it again on the same directory.
  void Reopen();
  void Close() { store_.reset(); }
  std::string Dir() const { return dir_.Sub("auth"); }

  test_support::TempDir dir_;
  std::unique_ptr<AuthStore> store_;
};

}  // namespace rotonde::auth
