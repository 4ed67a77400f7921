// What the public proposal form takes as a way to reach its sender.
#include <gtest/gtest.h>

#include "public_proposals.h"

namespace rotonde::app {
namespace {

TEST(PlausibleContactTest, AnEmailAddressOrAPhoneNumber) {
  for (const char* ok : {"fatima@example.nl", "f.yilmaz+buurt@mail.example.com", "06-12345678",
                         "+31 6 1234 5678", "(020) 123 4567", "0612345678"}) {
    EXPECT_TRUE(PlausibleContact(ok)) << ok;
  }
  for (const char* bad :
       {"", "bel me maar", "fatima@", "@example.nl", "fatima@example", "fatima@example.n",
        "fati ma@example.nl", "a@b@example.nl", "12345", "06-1234x678", "123456789012345678901"}) {
    EXPECT_FALSE(PlausibleContact(bad)) << bad;
  }
}

}  // namespace
}  // namespace rotonde::app
