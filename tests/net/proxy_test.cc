// `rotonde serve` behind Debian's nginx, as docs/operations.md ("TLS behind a reverse proxy")
// sets it up: nginx runs the example site the package ships (packaging/nginx-rotonde.conf,
// read from the repository, only its ports and certificate paths changed) on 127.0.0.1 with
// a certificate made by openssl for the test, and proxies to a real `rotonde serve
// --trusted-proxy 127.0.0.1`. Over HTTPS: the web client and a sign-in (its cookie Secure), a
// WebSocket upgrade that receives the platform's events, and the public form's limit per
// client address: clients reaching nginx from 127.0.0.2 and 127.0.0.3 (all of 127/8 is
// loopback) are counted apart, and a client reaching rotonde directly counts by its own
// address whatever X-Forwarded-For it sends.
//
// nginx and openssl are part of the build's environment (scripts/setup installs them): when
// they are missing the tests fail, they do not skip.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "clients.h"
#include "demo_data_dir.h"
#include "server_fixture.h"
#include "temp_dir.h"

#ifndef ROTONDE_BINARY
#error "ROTONDE_BINARY must name the rotonde executable (see tests/net/CMakeLists.txt)"
#endif
#ifndef ROTONDE_NGINX_SITE
#error "ROTONDE_NGINX_SITE must name packaging/nginx-rotonde.conf"
#endif

namespace rotonde::test_support {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kNginx[] = "/usr/sbin/nginx";
constexpr char kOpenssl[] = "/usr/bin/openssl";
constexpr char kForm[] = "/api/v1/public/platforms/kolenkit/proposals";
constexpr seconds kWait{10};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A port free on 127.0.0.1 now (the kernel's pick; nothing else on this loopback takes it in
// the moment before the server binds it).
uint16_t FreePort() {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

bool Accepts(uint16_t port) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  return !ec;
}

// `from`: the local address the client connects from (any of 127/8).
tcp::socket ConnectFrom(asio::io_context& ioc, const std::string& from, uint16_t port,
                        boost::system::error_code& ec) {
  tcp::socket socket(ioc);
  socket.open(tcp::v4(), ec);
  if (!ec) socket.bind(tcp::endpoint(asio::ip::make_address(from), 0), ec);
  if (!ec) socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  return socket;
}

struct Request {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::map<std::string, std::string> headers;
};

template <typename Stream>
HttpReply Exchange(Stream& stream, uint16_t port, const Request& wanted) {
  HttpReply reply;
  http::request<http::string_body> request{http::string_to_verb(wanted.method), wanted.target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : wanted.headers) request.set(name, value);
  if (wanted.method == "POST") {
    request.set(http::field::content_type, "application/json");
    request.body() = wanted.body;
  }
  if (wanted.headers.count("Connection") == 0) request.keep_alive(false);
  request.prepare_payload();
  boost::system::error_code ec;
  http::write(stream, request, ec);
  if (ec) {
    reply.body = "write: " + ec.message();
    return reply;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 << 20);
  http::read(stream, buffer, parser, ec);
  if (ec) {
    reply.body = "read: " + ec.message();
    return reply;
  }
  const auto& response = parser.get();
  reply.status = response.result_int();
  reply.body = response.body();
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  return reply;
}

// The certificate nginx serves, and a client context that trusts it alone (verifying the
// chain and that it names 127.0.0.1, as a browser would).
struct Certificate {
  std::string cert, key;
};

std::unique_ptr<ssl::context> TrustOnly(const Certificate& certificate) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  context->load_verify_file(certificate.cert);
  context->set_verify_mode(ssl::verify_peer);
  return context;
}

// One HTTPS request on a new connection from `from` to nginx.
HttpReply Https(const Certificate& certificate, const std::string& from, uint16_t port,
                const Request& request) {
  asio::io_context ioc;
  auto context = TrustOnly(certificate);
  boost::system::error_code ec;
  tcp::socket socket = ConnectFrom(ioc, from, port, ec);
  HttpReply reply;
  if (ec) {
    reply.body = "connect: " + ec.message();
    return reply;
  }
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *context);
  beast::get_lowest_layer(stream).expires_after(kWait);
  stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) {
    reply.body = "TLS handshake: " + ec.message();
    return reply;
  }
  reply = Exchange(stream, port, request);
  stream.shutdown(ec);  // nginx may close without its close_notify: not the test's concern
  return reply;
}

// One plain HTTP request on a new connection from `from`.
HttpReply Plain(const std::string& from, uint16_t port, const Request& request) {
  asio::io_context ioc;
  boost::system::error_code ec;
  tcp::socket socket = ConnectFrom(ioc, from, port, ec);
  HttpReply reply;
  if (ec) {
    reply.body = "connect: " + ec.message();
    return reply;
  }
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(kWait);
  return Exchange(stream, port, request);
}

std::string Proposal(const std::string& title) {
  return json::serialize(json::object{{"name", "Fatima Yilmaz"},
                                      {"contact", "fatima@example.nl"},
                                      {"title", title},
                                      {"description", "Er is nergens om te zitten."},
                                      {"website", ""}});
}

std::string SignInBody(const std::string& login) {
  return R"({"login":")" + login + R"(","password":")" + std::string(kDemoPassword) + R"("})";
}

// Replaces the one occurrence of `from` in `text`; fails the test if there is not exactly
// one (the example changed: the test follows it, or it no longer shows what the docs say).
void ReplaceOnce(std::string& text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << "the nginx example has no \"" << from << "\"";
  ASSERT_EQ(text.find(from, at + 1), std::string::npos)
      << "the nginx example has \"" << from << "\" more than once";
  text.replace(at, from.size(), to);
}

class ProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::access(kNginx, X_OK), 0)
        << kNginx << " is missing: scripts/setup installs Debian's nginx";
    ASSERT_EQ(::access(kOpenssl, X_OK), 0)
        << kOpenssl << " is missing: scripts/setup installs Debian's openssl";
    ASSERT_NO_FATAL_FAILURE(MakeCertificate());
    const std::string data = dir_.Sub("data");
    ASSERT_NO_FATAL_FAILURE(PrepareDemoDataDir(data));
    std::string error;
    rotonde_port_ =
        rotonde_.StartServe(ROTONDE_BINARY, data,
                            {"--trusted-proxy", "127.0.0.1", "--proposals-per-address-hour", "2",
                             "--web", ROTONDE_WEB_CLIENT},
                            &error);
    ASSERT_NE(rotonde_port_, 0) << error;
    ASSERT_NO_FATAL_FAILURE(StartNginx());
  }

  void TearDown() override {
    if (nginx_.pid() > 0) {
      nginx_.Signal(SIGTERM);
      const auto status = nginx_.Wait(kWait);
      EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
          << "nginx: " << DescribeStatus(status) << "\n"
          << nginx_.Stderr();
    }
    StopRotonde();
  }

  // SIGTERM; rotonde drains and exits 0. Its output is complete afterwards.
  void StopRotonde() {
    if (rotonde_.pid() <= 0) return;
    rotonde_.Signal(SIGTERM);
    const auto status = rotonde_.Wait(seconds(30));
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "rotonde: " << DescribeStatus(status) << "\n"
        << rotonde_.Stderr();
  }

  void MakeCertificate() {
    certificate_ = {dir_.Sub("cert.pem"), dir_.Sub("key.pem")};
    ChildProcess openssl;
    std::string error;
    ASSERT_TRUE(openssl.Start(
        kOpenssl,
        {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", certificate_.key, "-out", certificate_.cert},
        &error))
        << error;
    const auto status = openssl.Wait(seconds(30));
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "openssl req: " << DescribeStatus(status) << "\n"
        << openssl.Stderr();
  }

  // nginx in the foreground, as one process (so killing it leaves no worker behind), every
  // path it writes inside the test's directory.
  void StartNginx() {
    std::string site = ReadFile(ROTONDE_NGINX_SITE);
    ASSERT_FALSE(site.empty()) << ROTONDE_NGINX_SITE;
    https_port_ = FreePort();
    do {
      http_port_ = FreePort();
    } while (http_port_ == https_port_);
    ASSERT_NO_FATAL_FAILURE(
        ReplaceOnce(site, "listen 443 ssl http2;",
                    "listen 127.0.0.1:" + std::to_string(https_port_) + " ssl http2;"));
    ASSERT_NO_FATAL_FAILURE(ReplaceOnce(site, "listen [::]:443 ssl http2;", ""));
    ASSERT_NO_FATAL_FAILURE(
        ReplaceOnce(site, "listen 80;", "listen 127.0.0.1:" + std::to_string(http_port_) + ";"));
    ASSERT_NO_FATAL_FAILURE(ReplaceOnce(site, "listen [::]:80;", ""));
    ASSERT_NO_FATAL_FAILURE(ReplaceOnce(
        site, "/etc/letsencrypt/live/buurt.example.nl/fullchain.pem", certificate_.cert));
    ASSERT_NO_FATAL_FAILURE(
        ReplaceOnce(site, "/etc/letsencrypt/live/buurt.example.nl/privkey.pem", certificate_.key));
    ASSERT_NO_FATAL_FAILURE(
        ReplaceOnce(site, "proxy_pass http://127.0.0.1:8080;",
                    "proxy_pass http://127.0.0.1:" + std::to_string(rotonde_port_) + ";"));
    std::ofstream(dir_.Sub("rotonde-site.conf")) << site;
    const std::string& d = dir_.path();
    std::ofstream(dir_.Sub("nginx.conf")) << "master_process off;\n"
                                          << "pid " << d << "/nginx.pid;\n"
                                          << "error_log stderr notice;\n"
                                          << "events { worker_connections 64; }\n"
                                          << "http {\n"
                                          << "  access_log " << d << "/access.log;\n"
                                          << "  client_body_temp_path " << d << "/client_body;\n"
                                          << "  proxy_temp_path " << d << "/proxy;\n"
                                          << "  fastcgi_temp_path " << d << "/fastcgi;\n"
                                          << "  uwsgi_temp_path " << d << "/uwsgi;\n"
                                          << "  scgi_temp_path " << d << "/scgi;\n"
                                          << "  include " << d << "/rotonde-site.conf;\n"
                                          << "}\n";
    std::string error;
    ASSERT_TRUE(nginx_.Start(
        kNginx, {"-p", d, "-e", "stderr", "-c", dir_.Sub("nginx.conf"), "-g", "daemon off;"},
        &error))
        << error;
    const auto deadline = ChildProcess::Clock::now() + kWait;
    while (!Accepts(https_port_)) {
      ASSERT_FALSE(nginx_.Wait(milliseconds(0)).has_value())
          << "nginx ended: " << nginx_.Stderr() << "\nthe site:\n"
          << site;
      ASSERT_LT(ChildProcess::Clock::now(), deadline)
          << "nginx does not listen: " << nginx_.Stderr();
      std::this_thread::sleep_for(milliseconds(20));
    }
  }

  HttpReply ViaNginx(const std::string& from, const Request& request) {
    return Https(certificate_, from, https_port_, request);
  }

  TempDir dir_;
  Certificate certificate_;
  ChildProcess rotonde_;
  ChildProcess nginx_;
  uint16_t rotonde_port_ = 0;
  uint16_t https_port_ = 0;
  uint16_t http_port_ = 0;
};

TEST_F(ProxyTest, OverHttpsTheWebClientLoadsAndTheSessionCookieIsSecure) {
  HttpReply page = ViaNginx("127.0.0.2", {});
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<html"), std::string::npos);
  EXPECT_EQ(page.headers["strict-transport-security"], "max-age=63072000");
  // Plain HTTP only redirects to HTTPS.
  HttpReply plain = Plain("127.0.0.2", http_port_, {});
  EXPECT_EQ(plain.status, 301) << plain.body;
  EXPECT_EQ(plain.headers["location"].rfind("https://", 0), 0u) << plain.headers["location"];

  // The browser's sign-in, with the Origin it sends from the page.
  const std::string origin = "https://127.0.0.1:" + std::to_string(https_port_);
  HttpReply signed_in =
      ViaNginx("127.0.0.2", {"POST", "/api/v1/session", SignInBody("anna"), {{"Origin", origin}}});
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const std::string cookie = signed_in.headers["set-cookie"];
  EXPECT_NE(cookie.find("; HttpOnly; SameSite=Strict;"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  const std::string session = cookie.substr(0, cookie.find(';'));  // rotonde_session=<token>
  HttpReply board = ViaNginx(
      "127.0.0.2", {"GET", "/api/v1/platforms/kolenkit/views/board", {}, {{"Cookie", session}}});
  ASSERT_EQ(board.status, 200) << board.body;
  // A change with the page's own origin passes rotonde's Origin check behind the proxy.
  HttpReply out = ViaNginx(
      "127.0.0.2", {"DELETE", "/api/v1/session", {}, {{"Cookie", session}, {"Origin", origin}}});
  EXPECT_EQ(out.status, 200) << out.body;

  // Straight to rotonde over plain HTTP the cookie is not Secure, whatever the client claims:
  // 127.0.0.2 is not the trusted proxy.
  HttpReply direct =
      Plain("127.0.0.2", rotonde_port_,
            {"POST", "/api/v1/session", SignInBody("anna"), {{"X-Forwarded-Proto", "https"}}});
  ASSERT_EQ(direct.status, 200) << direct.body;
  EXPECT_EQ(direct.headers["set-cookie"].find("Secure"), std::string::npos)
      << direct.headers["set-cookie"];
}

TEST_F(ProxyTest, AWebSocketUpgradesThroughNginxAndReceivesThePlatformsEvents) {
  const std::string origin = "https://127.0.0.1:" + std::to_string(https_port_);
  HttpReply signed_in = ViaNginx("127.0.0.3", {"POST", "/api/v1/session", SignInBody("bram"), {}});
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const std::string token(signed_in.Json().at("token").as_string());
  const std::string cookie = signed_in.headers["set-cookie"];
  const std::string session = cookie.substr(0, cookie.find(';'));

  asio::io_context ioc;
  auto context = TrustOnly(certificate_);
  boost::system::error_code ec;
  tcp::socket socket = ConnectFrom(ioc, "127.0.0.3", https_port_, ec);
  ASSERT_FALSE(ec) << ec.message();
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(
      beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *context));
  beast::get_lowest_layer(ws).expires_after(kWait);
  ws.next_layer().set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  ws.next_layer().handshake(ssl::stream_base::client, ec);
  ASSERT_FALSE(ec) << "TLS: " << ec.message();
  // As a browser opens it from the page: the session cookie and the page's Origin.
  ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& request) {
    request.set(http::field::origin, origin);
    request.set(http::field::cookie, session);
  }));
  websocket::response_type upgrade;
  ws.handshake(upgrade, "127.0.0.1:" + std::to_string(https_port_), "/api/v1/ws", ec);
  ASSERT_FALSE(ec) << "upgrade: " << ec.message() << " (" << upgrade.result_int() << ")";
  EXPECT_EQ(upgrade.result_int(), 101);

  auto read = [&]() -> std::optional<json::object> {
    beast::flat_buffer buffer;
    beast::get_lowest_layer(ws).expires_after(kWait);
    boost::system::error_code read_ec;
    ws.read(buffer, read_ec);
    if (read_ec) return std::nullopt;
    json::value message = json::parse(beast::buffers_to_string(buffer.data()), read_ec);
    if (read_ec || !message.is_object()) return std::nullopt;
    return message.as_object();
  };
  auto read_until = [&](const std::string& type) -> std::optional<json::object> {
    for (;;) {
      auto message = read();
      if (!message || message->at("type") == type.c_str()) return message;
    }
  };
  ws.write(asio::buffer(json::serialize(json::object{
               {"type", "subscribe"}, {"id", "s1"}, {"platform", "kolenkit"}, {"from", 0}})),
           ec);
  ASSERT_FALSE(ec) << ec.message();
  auto subscribed = read_until("subscribed");
  ASSERT_TRUE(subscribed) << "no subscribed";
  ASSERT_TRUE(read_until("caught_up")) << "no caught_up";

  // A command over HTTPS; its event arrives over the WebSocket through nginx.
  const std::string command = json::serialize(
      json::object{{"commandId", "via-nginx-1"},
                   {"submitProposal", json::object{{"title", "Moestuin achter de school"},
                                                   {"description", "Samen groenten kweken."},
                                                   {"submitterName", "Bram"}}}});
  HttpReply done = ViaNginx("127.0.0.3", {"POST",
                                          "/api/v1/platforms/kolenkit/commands",
                                          command,
                                          {{"Authorization", "Bearer " + token}}});
  ASSERT_EQ(done.status, 200) << done.body;
  bool seen = false;
  while (!seen) {
    auto message = read_until("events");
    ASSERT_TRUE(message) << "no events frame with the command's event";
    for (const auto& event : message->at("events").as_array()) {
      seen |= event.at("correlationId") == "via-nginx-1";
    }
  }
  ws.close(websocket::close_code::normal, ec);

  // An upgrade from another site's page is refused behind the proxy too.
  HttpReply foreign = ViaNginx("127.0.0.3", {"GET",
                                             "/api/v1/ws",
                                             {},
                                             {{"Upgrade", "websocket"},
                                              {"Connection", "Upgrade"},
                                              {"Sec-WebSocket-Version", "13"},
                                              {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                                              {"Origin", "https://evil.example"},
                                              {"Cookie", session}}});
  EXPECT_EQ(foreign.status, 403) << foreign.body;
}

TEST_F(ProxyTest, ClientsAreLimitedByTheirOwnAddressesNeverByOnesTheyClaim) {
  // Two proposals an hour from one address (--proposals-per-address-hour 2).
  for (int n = 0; n < 2; ++n) {
    HttpReply sent = ViaNginx(
        "127.0.0.2", {"POST", kForm, Proposal("Via nginx uit .2 nummer " + std::to_string(n)), {}});
    ASSERT_EQ(sent.status, 201) << n << ": " << sent.body;
  }
  HttpReply limited =
      ViaNginx("127.0.0.2", {"POST", kForm, Proposal("Via nginx uit .2 te veel"), {}});
  EXPECT_EQ(limited.status, 429) << limited.body;
  // Claiming another address through nginx changes nothing: nginx sets the header anew.
  limited = ViaNginx(
      "127.0.0.2",
      {"POST", kForm, Proposal("Via nginx uit .2 vermomd"), {{"X-Forwarded-For", "127.0.0.9"}}});
  EXPECT_EQ(limited.status, 429) << limited.body;
  // Another client behind the same nginx has its own count.
  HttpReply other = ViaNginx("127.0.0.3", {"POST", kForm, Proposal("Via nginx uit .3"), {}});
  EXPECT_EQ(other.status, 201) << other.body;

  // Straight to rotonde from 127.0.0.4, each time claiming another address: rotonde counts
  // 127.0.0.4, which is no trusted proxy.
  for (int n = 0; n < 2; ++n) {
    HttpReply sent = Plain("127.0.0.4", rotonde_port_,
                           {"POST",
                            kForm,
                            Proposal("Direct nummer " + std::to_string(n)),
                            {{"X-Forwarded-For", "10.0.0." + std::to_string(n + 1)}}});
    ASSERT_EQ(sent.status, 201) << n << ": " << sent.body;
  }
  limited = Plain("127.0.0.4", rotonde_port_,
                  {"POST", kForm, Proposal("Direct te veel"), {{"X-Forwarded-For", "10.0.0.3"}}});
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Code(), "rate_limited");

  // rotonde's log names each request's client as it counted it.
  StopRotonde();
  const std::string log = rotonde_.Stdout() + rotonde_.Stderr();
  EXPECT_NE(log.find("201 "), std::string::npos) << log;
  for (const std::string client : {"127.0.0.2", "127.0.0.3", "127.0.0.4"}) {
    EXPECT_NE(log.find("ms " + client + "\n"), std::string::npos) << client << " in\n" << log;
  }
  EXPECT_EQ(log.find("ms 127.0.0.9\n"), std::string::npos) << log;
  EXPECT_EQ(log.find("ms 10.0.0."), std::string::npos) << log;
}

}  // namespace
}  // namespace rotonde::test_support
