// Behind a reverse proxy: which X-Forwarded-* headers the server believes (forwarded.h), and
// what follows from them against a real server on 127.0.0.1: the address the sign-in and
// proposal limits count, and the session cookie's Secure flag. From a peer that is not a
// trusted proxy every such header is the client's own claim and changes nothing.
#include "forwarded.h"

#include <gtest/gtest.h>

#include <string>

#include "http_api.h"
#include "login_limiter.h"
#include "server_fixture.h"

namespace rotonde::test_support {
namespace {

namespace json = boost::json;
namespace ip = boost::asio::ip;
using net::RequestSource;
using net::SourceOf;
using net::TrustedProxies;

TrustedProxies Proxies(const std::string& list) {
  auto parsed = TrustedProxies::Parse(list);
  EXPECT_TRUE(parsed.ok()) << list << ": " << parsed.status().ToString();
  return parsed.ok() ? parsed.value() : TrustedProxies{};
}

RequestSource From(const std::string& proxies, const std::string& peer,
                   const std::string& forwarded_for, const std::string& forwarded_proto = "") {
  return SourceOf(Proxies(proxies), ip::make_address(peer), forwarded_for, forwarded_proto);
}

TEST(ForwardedTest, TrustedProxiesAreAddressesAndNetworks) {
  const TrustedProxies proxies = Proxies(" 127.0.0.1, 10.0.0.0/8 ,::1,fd00::/8");
  EXPECT_EQ(proxies.ToString(), "127.0.0.1,10.0.0.0/8,::1,fd00::/8");
  EXPECT_TRUE(proxies.Contains(ip::make_address("127.0.0.1")));
  EXPECT_FALSE(proxies.Contains(ip::make_address("127.0.0.2")));
  EXPECT_TRUE(proxies.Contains(ip::make_address("10.200.3.4")));
  EXPECT_FALSE(proxies.Contains(ip::make_address("11.0.0.1")));
  EXPECT_TRUE(proxies.Contains(ip::make_address("::1")));
  EXPECT_TRUE(proxies.Contains(ip::make_address("fd12:3456::1")));
  EXPECT_FALSE(proxies.Contains(ip::make_address("fe80::1")));
  // A dual-stack listener sees an IPv4 peer as IPv4-mapped IPv6: the same address.
  EXPECT_TRUE(proxies.Contains(ip::make_address("::ffff:127.0.0.1")));
  EXPECT_TRUE(proxies.Contains(ip::make_address("::ffff:10.1.2.3")));
  EXPECT_TRUE(Proxies("::ffff:192.0.2.1").Contains(ip::make_address("192.0.2.1")));
  EXPECT_TRUE(Proxies("0.0.0.0/0").Contains(ip::make_address("198.51.100.7")));
  EXPECT_TRUE(Proxies("192.0.2.128/25").Contains(ip::make_address("192.0.2.200")));
  EXPECT_FALSE(Proxies("192.0.2.128/25").Contains(ip::make_address("192.0.2.127")));
  EXPECT_TRUE(Proxies("").empty());
  EXPECT_TRUE(Proxies(" ").empty());
  EXPECT_FALSE(Proxies("").Contains(ip::make_address("127.0.0.1")));
}

TEST(ForwardedTest, AnythingButAddressesAndNetworksIsRefusedNamingTheEntry) {
  for (const std::string bad :
       {"localhost", "127.0.0.1,", ",127.0.0.1", "127.0.0.1,,::1", "10.0.0.0/33", "10.0.0.0/",
        "10.0.0.0/-1", "10.0.0.0/8x", "fd00::/129", "256.0.0.1", "127.0.0.1:8080", "fe80::1%lo",
        "proxy.example.nl"}) {
    auto parsed = TrustedProxies::Parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), "invalid_argument") << bad;
    EXPECT_NE(parsed.status().message().find('"'), std::string::npos) << bad;
  }
}

TEST(ForwardedTest, AnUntrustedPeerIsTheClientWhateverItsHeadersClaim) {
  // No proxies configured: the headers are ignored.
  RequestSource source = From("", "198.51.100.7", "203.0.113.9", "https");
  EXPECT_EQ(source.address, "198.51.100.7");
  EXPECT_FALSE(source.https);
  // Proxies configured, but this peer is not one of them.
  source = From("127.0.0.1", "198.51.100.7", "127.0.0.1, 203.0.113.9", "https");
  EXPECT_EQ(source.address, "198.51.100.7");
  EXPECT_FALSE(source.https);
  // An IPv4-mapped peer is reported as the IPv4 address.
  EXPECT_EQ(From("", "::ffff:198.51.100.7", "").address, "198.51.100.7");
  EXPECT_EQ(From("", "2001:db8::7", "").address, "2001:db8::7");
}

TEST(ForwardedTest, ATrustedProxyNamesTheClient) {
  RequestSource source = From("127.0.0.1", "127.0.0.1", "203.0.113.9", "https");
  EXPECT_EQ(source.address, "203.0.113.9");
  EXPECT_TRUE(source.https);
  source = From("127.0.0.1", "::ffff:127.0.0.1", "2001:db8::9", "http");
  EXPECT_EQ(source.address, "2001:db8::9");
  EXPECT_FALSE(source.https);
  // Without X-Forwarded-For the proxy itself is the client.
  EXPECT_EQ(From("127.0.0.1", "127.0.0.1", "").address, "127.0.0.1");
  EXPECT_EQ(From("127.0.0.1", "127.0.0.1", " , ").address, "127.0.0.1");
  // Ports and brackets as some proxies write them.
  EXPECT_EQ(From("127.0.0.1", "127.0.0.1", "203.0.113.9:51234").address, "203.0.113.9");
  EXPECT_EQ(From("127.0.0.1", "127.0.0.1", "[2001:db8::9]:51234").address, "2001:db8::9");
  EXPECT_EQ(From("127.0.0.1", "127.0.0.1", "[2001:db8::9]").address, "2001:db8::9");
  EXPECT_EQ(From("127.0.0.1", "127.0.0.1", "::ffff:203.0.113.9").address, "203.0.113.9");
}

TEST(ForwardedTest, TheClientIsTheRightmostAddressThatIsNotATrustedProxy) {
  // A client that sends its own X-Forwarded-For through a proxy that appends to it cannot
  // choose its address: the proxies' own entries are on the right, and the first one that is
  // not a proxy is the address the nearest trusted hop saw.
  EXPECT_EQ(From("10.0.0.0/8", "10.0.0.1", "1.1.1.1, 203.0.113.9, 10.0.0.5").address,
            "203.0.113.9");
  EXPECT_EQ(From("10.0.0.0/8", "10.0.0.1", "203.0.113.9,10.0.0.6,10.0.0.5").address, "203.0.113.9");
  // Every hop a proxy: the leftmost is the client.
  EXPECT_EQ(From("10.0.0.0/8", "10.0.0.1", "10.0.0.7, 10.0.0.5").address, "10.0.0.7");
  // Not an address: nothing left of it was checked; the last hop passed over counts.
  EXPECT_EQ(From("10.0.0.0/8", "10.0.0.1", "203.0.113.9, unknown, 10.0.0.5").address, "10.0.0.5");
  EXPECT_EQ(From("10.0.0.0/8", "10.0.0.1", "203.0.113.9, garbage").address, "10.0.0.1");
  EXPECT_EQ(From("10.0.0.0/8", "10.0.0.1", "fe80::1%eth0").address, "10.0.0.1");
  // Empty entries are skipped.
  EXPECT_EQ(From("10.0.0.0/8", "10.0.0.1", "203.0.113.9,, 10.0.0.5,").address, "203.0.113.9");
}

TEST(ForwardedTest, HttpsIsWhatTheNearestProxySays) {
  EXPECT_TRUE(From("127.0.0.1", "127.0.0.1", "203.0.113.9", "https").https);
  EXPECT_TRUE(From("127.0.0.1", "127.0.0.1", "203.0.113.9", " HTTPS ").https);
  EXPECT_TRUE(From("127.0.0.1", "127.0.0.1", "203.0.113.9", "http, https").https);
  EXPECT_FALSE(From("127.0.0.1", "127.0.0.1", "203.0.113.9", "https, http").https);
  EXPECT_FALSE(From("127.0.0.1", "127.0.0.1", "203.0.113.9", "").https);
  EXPECT_FALSE(From("127.0.0.1", "127.0.0.1", "203.0.113.9", "httpsx").https);
}

TEST(ForwardedTest, EveryXForwardedForLineIsOneListAndTheLastProtoLineCounts) {
  net::ServerConfig config;
  config.trusted_proxies = Proxies("127.0.0.1, 10.0.0.0/8");
  net::HttpRequest request{boost::beast::http::verb::get, "/", 11};
  request.insert("X-Forwarded-For", "1.1.1.1, 203.0.113.9");
  request.insert("X-Forwarded-For", "10.0.0.5");
  request.insert("X-Forwarded-Proto", "http");
  request.insert("X-Forwarded-Proto", "https");
  RequestSource source = net::SourceOfRequest(config, ip::make_address("127.0.0.1"), request);
  EXPECT_EQ(source.address, "203.0.113.9");
  EXPECT_TRUE(source.https);
  source = net::SourceOfRequest(config, ip::make_address("127.0.0.2"), request);
  EXPECT_EQ(source.address, "127.0.0.2");
  EXPECT_FALSE(source.https);
}

// Against a real server. The test's client connects from 127.0.0.1.
constexpr char kForm[] = "/api/v1/public/platforms/kolenkit/proposals";

std::string Proposal(int n) {
  return json::serialize(json::object{{"name", "Fatima Yilmaz"},
                                      {"contact", "fatima@example.nl"},
                                      {"title", "Bankjes op het plein " + std::to_string(n)},
                                      {"description", "Er is nergens om te zitten."},
                                      {"website", ""}});
}

std::string WrongSignIn(int n) {
  return R"({"login":"nobody-)" + std::to_string(n) + R"(","password":"not-the-password"})";
}

// The test's client is the trusted proxy (127.0.0.1), as nginx on the same host is.
class TrustedProxyTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.trusted_proxies = "127.0.0.1";
    Start(options);
  }
  HttpReply SignInVia(const std::map<std::string, std::string>& headers) {
    return Http(port_, "POST", "/api/v1/session",
                R"({"login":"anna","password":")" + std::string(kDemoPassword) + R"("})", headers);
  }
};

TEST_F(TrustedProxyTest, TheCookieIsSecureWhenTheProxySaysTheClientCameOverHttps) {
  HttpReply over_tls =
      SignInVia({{"X-Forwarded-For", "203.0.113.9"}, {"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(over_tls.status, 200) << over_tls.body;
  const std::string cookie = over_tls.headers["set-cookie"];
  EXPECT_EQ(cookie.rfind("rotonde_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly; SameSite=Strict;"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  // Signing out clears it with the same attributes.
  const std::string token(over_tls.Json().at("token").as_string());
  HttpReply out = Http(port_, "DELETE", "/api/v1/session", {},
                       {{"Authorization", "Bearer " + token}, {"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_NE(out.headers["set-cookie"].find("Max-Age=0; Secure"), std::string::npos)
      << out.headers["set-cookie"];

  HttpReply plain = SignInVia({{"X-Forwarded-For", "203.0.113.9"}, {"X-Forwarded-Proto", "http"}});
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.headers["set-cookie"].find("Secure"), std::string::npos)
      << plain.headers["set-cookie"];
  HttpReply none = SignInVia({});
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.headers["set-cookie"].find("Secure"), std::string::npos);
}

TEST_F(TrustedProxyTest, LinksPointToHttpsWhenTheProxySaysSo) {
  const std::string anna = SignIn("anna");
  HttpReply key = Http(port_, "POST", "/api/v1/platforms/kolenkit/feed-key", {},
                       {{"Authorization", "Bearer " + anna}, {"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(key.status, 200) << key.body;
  EXPECT_NE(key.body.find("https://127.0.0.1:" + std::to_string(port_) + "/"), std::string::npos)
      << key.body;
}

TEST_F(TrustedProxyTest, SignInFailuresCountAgainstTheForwardedClient) {
  const size_t limit = auth::kAddressFailuresToLock;
  for (size_t n = 0; n < limit; ++n) {
    HttpReply failed = Http(port_, "POST", "/api/v1/session", WrongSignIn(static_cast<int>(n)),
                            {{"X-Forwarded-For", "203.0.113.9"}});
    ASSERT_EQ(failed.status, 401) << n << ": " << failed.body;
  }
  HttpReply limited = Http(port_, "POST", "/api/v1/session", WrongSignIn(1000),
                           {{"X-Forwarded-For", "203.0.113.9"}});
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Code(), "rate_limited");
  // Another client behind the same proxy is not limited; nor is the proxy's own address.
  EXPECT_EQ(Http(port_, "POST", "/api/v1/session", WrongSignIn(1001),
                 {{"X-Forwarded-For", "203.0.113.10"}})
                .status,
            401);
  EXPECT_EQ(Http(port_, "POST", "/api/v1/session", WrongSignIn(1002)).status, 401);
}

TEST_F(TrustedProxyTest, ProposalsCountAgainstTheForwardedClient) {
  const std::map<std::string, std::string> first = {{"X-Forwarded-For", "203.0.113.9"}};
  for (int n = 0; n < 5; ++n) {
    HttpReply sent = Http(port_, "POST", kForm, Proposal(n), first);
    ASSERT_EQ(sent.status, 201) << n << ": " << sent.body;
  }
  HttpReply limited = Http(port_, "POST", kForm, Proposal(5), first);
  EXPECT_EQ(limited.status, 429) << limited.body;
  // A client that adds its own X-Forwarded-For through the proxy cannot escape: the proxy
  // appends what it saw, and that is the entry that counts.
  limited = Http(port_, "POST", kForm, Proposal(6), {{"X-Forwarded-For", "10.9.8.7, 203.0.113.9"}});
  EXPECT_EQ(limited.status, 429) << limited.body;
  HttpReply other = Http(port_, "POST", kForm, Proposal(7), {{"X-Forwarded-For", "203.0.113.10"}});
  EXPECT_EQ(other.status, 201) << other.body;
}

// The test's client (127.0.0.1) is not the proxy the server trusts.
class UntrustedPeerTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.trusted_proxies = "192.0.2.1";
    Start(options);
  }
};

TEST_F(UntrustedPeerTest, ForwardedHeadersChangeNeitherTheCookieNorTheCountedAddress) {
  HttpReply signed_in =
      Http(port_, "POST", "/api/v1/session",
           R"({"login":"anna","password":")" + std::string(kDemoPassword) + R"("})",
           {{"X-Forwarded-For", "203.0.113.9"}, {"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_EQ(signed_in.headers["set-cookie"].find("Secure"), std::string::npos)
      << signed_in.headers["set-cookie"];

  // Each proposal claims another address; all count against 127.0.0.1.
  for (int n = 0; n < 5; ++n) {
    HttpReply sent = Http(port_, "POST", kForm, Proposal(n),
                          {{"X-Forwarded-For", "203.0.113." + std::to_string(n + 1)}});
    ASSERT_EQ(sent.status, 201) << n << ": " << sent.body;
  }
  HttpReply limited =
      Http(port_, "POST", kForm, Proposal(5), {{"X-Forwarded-For", "203.0.113.99"}});
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Code(), "rate_limited");
}

}  // namespace
}  // namespace rotonde::test_support
