#include "auth_test_support.h"

namespace rotonde::auth {

bool AllOf(const std::string& text, size_t length, std::string_view alphabet) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (alphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

AuthOptions FastOptions() {
  AuthOptions options;
  options.cost = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
  return options;
}

void AuthStoreTest::Reopen() {
  store_.reset();
  Result<std::unique_ptr<AuthStore>> opened = AuthStore::Open(Dir(), FastOptions());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store_ = std::move(opened).value();
}

}  // namespace rotonde::auth
