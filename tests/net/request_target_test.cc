// ParseTarget and the query readers (server/net/request_target.h), without a server.
#include <gtest/gtest.h>

#include "request_target.h"

namespace rotonde::net {
namespace {

TEST(ParseTarget, DecodesSegmentsAndQuery) {
  auto target = ParseTarget("/api//v1/caf%C3%A9/a+b?x=1&y=caf%C3%A9+bar&x=2&flag");
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_EQ(target->segments, (std::vector<std::string>{"api", "v1", "café", "a+b"}));
  EXPECT_EQ(QueryOr(*target, "x"), "2");
  EXPECT_EQ(QueryOr(*target, "y"), "café bar");
  EXPECT_EQ(QueryOr(*target, "flag", "absent"), "");
  EXPECT_EQ(QueryOr(*target, "z", "absent"), "absent");
}

TEST(ParseTarget, RefusesBrokenEscapesAndBytesThatAreNotUtf8) {
  EXPECT_EQ(ParseTarget("/a%zz").status().code(), "bad_request");
  EXPECT_EQ(ParseTarget("no-slash").status().code(), "bad_request");
  EXPECT_EQ(ParseTarget("/caf%E9").status().code(), "invalid_utf8");
  EXPECT_EQ(ParseTarget("/a?k=%FF").status().code(), "invalid_utf8");
}

TEST(QueryNumber, ReadsWholeNumbersAndRefusesTheRest) {
  auto number = [](std::string value) {
    Target target;
    target.query["n"] = std::move(value);
    return QueryNumber(target, "n");
  };
  EXPECT_FALSE(number("")->has_value());
  EXPECT_EQ(number("0")->value(), 0u);
  EXPECT_EQ(number("007")->value(), 7u);
  EXPECT_EQ(number("282")->value(), 282u);
  EXPECT_EQ(number("-1").status().code(), "bad_request");
  // Found by fuzz/request_target_fuzzer.cc (fuzz/corpus/request_target/query-number-max-refused):
  // the overflow guard refused the largest numbers (above 1844674407370955160 before the
  // last digit).
  EXPECT_EQ(number("18446744073709551615")->value(), UINT64_MAX);
  EXPECT_EQ(number("18446744073709551610")->value(), UINT64_MAX - 5);
  EXPECT_EQ(number("18446744073709551616").status().code(), "bad_request");
  EXPECT_EQ(number("99999999999999999999").status().code(), "bad_request");
  EXPECT_EQ(number("1e3").status().code(), "bad_request");
  EXPECT_EQ(number(" 1").status().code(), "bad_request");
  Target empty;
  EXPECT_FALSE(QueryNumber(empty, "n")->has_value());
}

}  // namespace
}  // namespace rotonde::net
