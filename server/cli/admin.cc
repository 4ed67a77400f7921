// `rotonde admin create-platform --data DIR --platform ID --name NAME --neighbourhood N`:
// makes a founding invite for a new neighbourhood and prints its one-time link. Whoever opens
// the link creates an account and founds the platform as its first admin.
// `rotonde admin public-key --data DIR [--signing-key FILE]`: prints the verifier key of the
// server's signing key, which auditors pin (docs/verification.md).
// `rotonde admin add-cluster`, `move-platform` and `unfreeze-platform`: placement.cc.
//
// With the server stopped it writes DIR/auth directly; while `rotonde serve` runs on DIR (and
// holds its databases) it asks that server, with the operator token the server left in DIR.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <iostream>

#include "api_json.h"
#include "application.h"
#include "auth_store.h"
#include "cli.h"
#include "command_service.h"
#include "rotonde/eventstore/event_store.h"
#include "signing_key.h"

namespace rotonde::cli {

namespace {

constexpr char kUsage[] =
    "usage: rotonde admin create-platform --data DIR --platform ID --name NAME\n"
    "                                     --neighbourhood N [--hours H] [--url BASE]\n"
    "       rotonde admin public-key --data DIR [--signing-key FILE]\n"
    "       rotonde admin add-cluster NAME URL --store HOME_URL\n"
    "       rotonde admin move-platform P --to CLUSTER --store HOME_URL\n"
    "       rotonde admin unfreeze-platform P --store HOME_URL\n\n"
    "add-cluster, move-platform and unfreeze-platform place platforms across PostgreSQL\n"
    "clusters: see each one's --help and docs/operations.md, \"Placing platforms\".\n\n"
    "public-key prints the verifier key of the key that signs the platforms' checkpoints\n"
    "(DIR/signing-key, or FILE as given to `rotonde serve --signing-key`), for auditors to\n"
    "pin: <name>+<key hash>+<base64 key>.\n\n"
    "Prints a one-time invite link that founds platform ID (e.g. \"spaarndammerbuurt\"):\n"
    "whoever opens it creates an account and becomes the platform's first admin. The link\n"
    "expires after H hours (default 168). Works next to a running `rotonde serve --data DIR`\n"
    "(through it) and without one (directly on DIR; then --url is the link's base, default\n"
    "http://127.0.0.1:8080).\n";

// "http://host:port" -> host, port.
bool SplitUrl(const std::string& url, std::string* host, std::string* port) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return false;
  const std::string rest = url.substr(kScheme.size());
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos) return false;
  *host = rest.substr(0, colon);
  *port = rest.substr(colon + 1);
  return true;
}

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// POSTs `body` to the running server's operator endpoint; prints the link or the error.
int ThroughServer(const std::string& dir, const boost::json::object& body) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  const std::string url = FirstLine(dir + "/" + kServeUrlFile);
  const std::string token = FirstLine(dir + "/" + kOperatorTokenFile);
  std::string host, port;
  if (token.empty() || !SplitUrl(url, &host, &port)) {
    PrintError("admin: the data directory is in use, but no running server left its address");
    return kExitUsage;
  }
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(resolver.resolve(host, port, ec), ec);
  http::request<http::string_body> request{http::verb::post, "/api/v1/admin/platforms", 11};
  request.set(http::field::host, host + ":" + port);
  request.set(http::field::authorization, "Bearer " + token);
  request.set(http::field::content_type, "application/json");
  request.body() = boost::json::serialize(body);
  request.prepare_payload();
  if (!ec) http::write(stream, request, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!ec) http::read(stream, buffer, response, ec);
  if (ec) {
    PrintError("admin: cannot reach the server at " + url + ": " + ec.message());
    return kExitUsage;
  }
  boost::system::error_code parse_error;
  const boost::json::value reply = boost::json::parse(response.body(), parse_error);
  if (parse_error || !reply.is_object()) {
    PrintError("admin: the server answered " + std::to_string(response.result_int()));
    return kExitUsage;
  }
  if (response.result() != http::status::ok) {
    PrintError("admin: " + std::string(reply.at("code").as_string()) + ": " +
               std::string(reply.at("message").as_string()));
    return kExitUsage;
  }
  std::cout << std::string(reply.at("link").as_string()) << "\n(expires "
            << std::string(reply.at("expiresAt").as_string()) << "; it works once)\n";
  return kExitOk;
}

int RunPublicKey(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string dir, key_file;
  po::options_description flags("flags");
  flags.add_options()("data", po::value(&dir)->value_name("DIR"), "the data directory")(
      "signing-key", po::value(&key_file)->value_name("FILE"),
      "the key file, when not DIR/signing-key");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kUsage, flags, &vm)) return *exit_code;
  if (dir.empty() == key_file.empty() && key_file.empty()) {
    PrintError("admin public-key: give --data DIR or --signing-key FILE");
    return kExitUsage;
  }
  auto key = app::SigningKey::Load(key_file.empty() ? dir + "/" + kSigningKeyFile : key_file);
  if (!key.ok()) {
    PrintError("admin public-key: " + key.status().message() +
               (key.status().code() == codes::kNotFound
                    ? " (`rotonde serve` makes it on its first start)"
                    : ""));
    return kExitUsage;
  }
  std::cout << key->VerifierKey() << '\n';
  return kExitOk;
}

}  // namespace

int RunAdmin(int argc, char** argv) {
  namespace po = boost::program_options;
  if (argc >= 2 && std::string_view(argv[1]) == "public-key")
    return RunPublicKey(argc - 1, argv + 1);
  if (argc >= 2 && std::string_view(argv[1]) == "add-cluster") {
    return RunAddCluster(argc - 1, argv + 1);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "move-platform") {
    return RunMovePlatform(argc - 1, argv + 1);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "unfreeze-platform") {
    return RunUnfreezePlatform(argc - 1, argv + 1);
  }
  if (argc < 2 || std::string_view(argv[1]) != "create-platform") {
    if (argc >= 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
      std::cout << kUsage << '\n' << kExitCodesHelp;
      return kExitOk;
    }
    PrintError(
        "admin: the tasks are create-platform, public-key, add-cluster, move-platform and "
        "unfreeze-platform");
    std::cerr << kUsage;
    return kExitUsage;
  }
  std::string dir, platform, name, neighbourhood, url = "http://127.0.0.1:8080";
  int64_t hours = 168;
  po::options_description flags("flags");
  flags.add_options()("data", po::value(&dir)->required()->value_name("DIR"), "the data directory")(
      "platform", po::value(&platform)->required()->value_name("ID"), "the new platform's id")(
      "name", po::value(&name)->required()->value_name("NAME"),
      "its name, e.g. \"Buurtplatform Spaarndammerbuurt\"")(
      "neighbourhood", po::value(&neighbourhood)->required()->value_name("N"),
      "the neighbourhood, e.g. Spaarndammerbuurt")("hours", po::value(&hours)->value_name("H"),
                                                   "the link expires after H hours (1-720)")(
      "url", po::value(&url)->value_name("BASE"), "the links' base when no server runs");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc - 1, argv + 1, kUsage, flags, &vm)) return *exit_code;

  boost::json::object body{{"platform", platform},
                           {"name", name},
                           {"neighbourhood", neighbourhood},
                           {"expiresInHours", hours}};
  auto store = OpenStore(dir, eventstore::Options{});
  if (!store.ok()) {
    // Held by a running server: go through it.
    if (store.status().code() == codes::kIOError &&
        store.status().message().find("lock") != std::string::npos) {
      return ThroughServer(dir, body);
    }
    return ReportOpenFailure(dir, store.status());
  }
  auto auth = auth::AuthStore::Open(dir + "/auth");
  if (!auth.ok()) {
    PrintError("admin: cannot open " + dir + "/auth: " + auth.status().ToString());
    return kExitUsage;
  }
  app::CommandService service(**store);
  if (auto loaded = service.LoadAll(); !loaded.ok()) {
    return ReportOpenFailure(dir, loaded.status());
  }
  app::Application application(**store, service, **auth, nullptr);
  auto created = application.invites().CreateFounding(
      app::PlatformRequest{platform, name, neighbourhood, hours});
  if (!created.ok()) {
    PrintError("admin: " + created.status().ToString());
    return kExitUsage;
  }
  std::cout << url << "/#/invite/" << created->token << "\n(expires "
            << net::IsoTime(created->expires_at) << "; it works once)\n";
  return kExitOk;
}

}  // namespace rotonde::cli
