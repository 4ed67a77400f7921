#include "rotonde/base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "rotonde/base/hex.h"

namespace rotonde {
namespace {

TEST(Status, OkHasNoCodeNoMessageAndNoError) {
  const Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.code(), "");
  EXPECT_EQ(ok.message(), "");
  EXPECT_EQ(ok.ToString(), "ok");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(Status, AFailureCarriesItsCodeMessageAndDetails) {
  Status limited("rate_limited", "wait a while");
  limited.WithDetail("retryAfterSeconds", int64_t{30}).WithDetail("scope", std::string("login"));
  EXPECT_FALSE(limited.ok());
  EXPECT_EQ(limited.code(), "rate_limited");
  EXPECT_EQ(limited.ToString(), "rate_limited: wait a while");
  ASSERT_EQ(limited.error().details.size(), 2u);
  const ErrorDetail* wait = limited.error().Detail("retryAfterSeconds");
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ(std::get<int64_t>(wait->value), 30);
  EXPECT_EQ(std::get<std::string>(limited.error().Detail("scope")->value), "login");
  EXPECT_EQ(limited.error().Detail("absent"), nullptr);
  // A detail on an ok status is dropped: there is no error to carry it.
  Status ok;
  ok.WithDetail("x", int64_t{1});
  EXPECT_TRUE(ok.ok());
}

TEST(Status, CopiesAreDeepAndMovesLeaveTheValueBehind) {
  Status original = Status::Corruption("hash mismatch at 7");
  Status copy = original;
  copy.WithDetail("position", int64_t{7});
  EXPECT_TRUE(original.error().details.empty());
  EXPECT_EQ(copy.code(), codes::kCorruption);
  Status moved = std::move(copy);
  EXPECT_EQ(moved.message(), "hash mismatch at 7");
  copy = moved;  // assignable after a move
  EXPECT_EQ(copy.error(), moved.error());
}

TEST(Result, HoldsAValueOrTheFailure) {
  Result<std::string> text = std::string("kolenkit");
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text.status().ok());
  EXPECT_EQ(*text, "kolenkit");
  EXPECT_EQ(text->size(), 8u);

  Result<std::string> refused = Status("not_found", "no platform 'x'");
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "not_found");
  Result<int> from_error = Error{"too_large", "over the limit", {}};
  EXPECT_EQ(from_error.status().code(), codes::kTooLarge);
}

TEST(Result, TakesWhatItsValueIsMadeOf) {
  struct Base {
    virtual ~Base() = default;
    virtual int Kind() const { return 0; }
  };
  struct Derived : Base {
    int Kind() const override { return 1; }
  };
  Result<std::unique_ptr<Base>> made = std::make_unique<Derived>();
  ASSERT_TRUE(made.ok());
  EXPECT_EQ((*made)->Kind(), 1);
  Result<std::string> literal = "text";
  EXPECT_EQ(*literal, "text");
}

TEST(Hex, WritesLowercaseAndReadsOnlyItsOwnSpelling) {
  EXPECT_EQ(HexOf(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff");
  EXPECT_EQ(HexOf(""), "");
  EXPECT_EQ(BytesOfLowerHex("000fa0ff", 4), std::string("\x00\x0f\xa0\xff", 4));
  EXPECT_EQ(BytesOfLowerHex("000FA0FF", 4), std::nullopt);  // one spelling
  EXPECT_EQ(BytesOfLowerHex("000fa0f", 4), std::nullopt);   // too short
  EXPECT_EQ(BytesOfLowerHex("000fa0ff00", 4), std::nullopt);
  EXPECT_EQ(BytesOfLowerHex("000fa0fg", 4), std::nullopt);
}

}  // namespace
}  // namespace rotonde
