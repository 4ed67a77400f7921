// `rotonde serve --data DIR [--listen ADDR:PORT] [--web DIR] [--demo] ...`: the server.
//
// DIR holds the event store itself, and beside its files two more databases: DIR/auth
// (accounts, sessions, invite links: never in the log, which auditors read whole) and
// DIR/checkpoints (the platforms' folded models, so a restart does not replay the log), and
// DIR/notifications (read marks, mail settings, the mail outbox); and
// DIR/signing-key (unless --signing-key names another file) with DIR/notes, every checkpoint
// of a platform's log the server signed with it. With --store postgresql://..., the event log
// is in PostgreSQL instead (eventstore's PgEventLog) and DIR holds the rest; several servers
// may share that log, each taking the commands of the platforms whose leases it holds.
#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "application.h"
#include "auth_store.h"
#include "checkpoints.h"
#include "cli.h"
#include "command_service.h"
#include "demo_data.h"
#include "feed_hub.h"
#include "forwarded.h"
#include "mailer.h"
#include "metrics.h"
#include "notification_store.h"
#include "person_keys.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/eventstore/pg_directory.h"
#include "rotonde/eventstore/pg_event_log.h"
#include "rotonde/projections/dates.h"
#include "sealed_events.h"
#include "secrets.h"
#include "server.h"
#include "signed_checkpoints.h"
#include "signing_key.h"

namespace rotonde::cli {

namespace {

constexpr char kUsage[] =
    "usage: rotonde serve --data DIR [--listen ADDR:PORT] [--web DIR] [flags]\n\n"
    "Serves the HTTP API and WebSocket push (docs/api.md) and the web client's files on one\n"
    "port. DIR holds the event store (created if missing) and, inside it, the auth and\n"
    "checkpoint databases; with --store postgresql://..., the event log is in PostgreSQL\n"
    "and DIR holds the rest. Every flag can also come from the environment: --data from\n"
    "ROTONDE_DATA, --listen from ROTONDE_LISTEN, and so on (upper case, '-' as '_').\n"
    "Prints \"listening on http://ADDR:PORT\" once it accepts connections. SIGTERM or SIGINT\n"
    "drains within 2 s: no new connections, /readyz 503, WebSockets closed with 1001,\n"
    "in-flight commands answered, connections still open after 1.5 s cut, checkpoints\n"
    "written, the store closed, exit 0. Behind a reverse proxy that terminates TLS, name it\n"
    "with --trusted-proxy (docs/operations.md, \"TLS behind a reverse proxy\").\n";

// The demo's members get accounts with this password, for trying the product out.
constexpr char kDemoPassword[] = "rotonde-demo";

// One JSON object per log line: {"time","level","msg"}.
class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto time =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    boost::json::object line;
    line["time_ms"] = time;
    line["level"] = std::string(spdlog::level::to_string_view(msg.level).data(),
                                spdlog::level::to_string_view(msg.level).size());
    line["msg"] = std::string(msg.payload.data(), msg.payload.size());
    const std::string text = boost::json::serialize(line) + "\n";
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

std::string Env(const char* name, std::string fallback = {}) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

// The demo's members as accounts (login = first name, lower case), once.
void EnsureDemoAccounts(auth::AuthStore& auth, app::CommandService& service) {
  std::vector<std::pair<std::string, std::string>> members;  // id, name
  (void)service.Read(demo::kDemoPlatform, [&](const projections::PlatformModel& model) {
    for (const auto& [id, member] : model.state().members()) {
      if (member.active) members.emplace_back(id, member.name);
    }
  });
  for (const auto& [id, name] : members) {
    std::string login = id.rfind("m-", 0) == 0 ? id.substr(2) : id;
    if (auth.GetAccount(id)) continue;
    auto created = auth.CreateAccount(login, kDemoPassword, name,
                                      static_cast<int64_t>(std::time(nullptr)), id);
    if (!created.ok()) spdlog::warn("demo account {}: {}", login, created.error().message);
  }
}

// Each WebSocket is a file descriptor: take all the hard limit allows.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// DIR/operator-token (mode 0600) and DIR/serve-url: how `rotonde admin` reaches this
// server while it holds the databases. Removed again on a clean stop.
bool WriteOperatorFiles(const std::string& dir, const std::string& token, const std::string& url) {
  const std::string token_path = dir + "/" + kOperatorTokenFile;
  std::filesystem::remove(token_path);
  {
    std::ofstream out(token_path);
    if (!out) return false;
    ::chmod(token_path.c_str(), S_IRUSR | S_IWUSR);
    out << token << '\n';
  }
  std::ofstream url_file(dir + "/" + kServeUrlFile);
  url_file << url << '\n';
  return static_cast<bool>(url_file);
}

// "ADDR:PORT" as an address and a port 0-65535; false for anything else.
bool SplitListen(const std::string& listen, std::string* address, uint16_t* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  int number = -1;
  try {
    size_t used = 0;
    number = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) return false;
  } catch (const std::exception&) {
    return false;
  }
  if (number < 0 || number > 65535) return false;
  *address = listen.substr(0, colon);
  *port = static_cast<uint16_t>(number);
  return true;
}

// The web client's files when --web is not given: ./web-client (a source checkout), else the
// copy installed beside the binary: PREFIX/share/rotonde/web-client for PREFIX/bin/rotonde
// (/usr/share/rotonde/web-client for the Debian package, wherever it is unpacked); else none.
std::string DefaultWebDir() {
  std::error_code ec;
  if (std::filesystem::exists("web-client", ec)) return "web-client";
  const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const std::filesystem::path installed =
      binary.parent_path().parent_path() / "share" / "rotonde" / "web-client";
  return std::filesystem::exists(installed / "index.html", ec) ? installed.string() : "";
}

// This host's name as a key's name: what gethostname says, "rotonde" if that cannot name one.
std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || !app::SigningKey::IsValidName(name)) {
    return "rotonde";
  }
  return name;
}

bool ValidServerId(const std::string& id) {
  if (id.empty() || id.size() > 100) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
           c == '-';
  });
}

// DIR/server-id: this server's name in the leases, the same across restarts so that a
// restarted server takes back its own platforms at once. Made on first start.
Result<std::string> KeptServerId(const std::string& dir) {
  const std::string path = dir + "/server-id";
  {
    std::ifstream in(path);
    std::string id;
    if (in && std::getline(in, id) && ValidServerId(id)) return id;
  }
  const std::string id = HostName() + "-" + HexOf(auth::NewTokenBytes()).substr(0, 8);
  std::ofstream out(path);
  out << id << '\n';
  if (!out) return Status(codes::kIOError, "cannot write " + path);
  return id;
}

// Whether this server takes `platform`'s commands: the directory places it in this server's
// cluster, no move freezes it, and this server holds its lease. If not, "unavailable",
// naming where it is served, and when to ask again: a move takes seconds; a live holder
// keeps it at least until it dies and its lease runs out; a free one is claimed at the next
// renewal.
Status ServedHere(const eventstore::PgDirectory& directory, const std::string& cluster,
                  const eventstore::PgEventLog& log, const std::string& platform,
                  std::chrono::milliseconds lease) {
  const int64_t lease_seconds = std::max<int64_t>(1, (lease.count() + 999) / 1000);
  const eventstore::DirectoryEntry placed = directory.Cached(platform);
  if (placed.cluster != cluster) {
    Status elsewhere("unavailable", "platform " + platform + " is served in cluster " +
                                        placed.cluster + ", not by this server");
    elsewhere.WithDetail("retryAfterSeconds", lease_seconds).WithDetail("cluster", placed.cluster);
    return elsewhere;
  }
  if (placed.frozen) {
    Status moving("unavailable",
                  "platform " + platform + " is being moved to another cluster; retry shortly");
    moving.WithDetail("retryAfterSeconds", 2);
    return moving;
  }
  const eventstore::PlatformLease held = log.LeaseOf(platform);
  if (held.served_here) return Status::Ok();
  const int64_t seconds = held.holder.empty() ? 1 : lease_seconds;
  Status refused("unavailable",
                 held.holder.empty()
                     ? "no server serves platform " + platform + " at the moment; retry shortly"
                     : "platform " + platform + " is served by another server (" + held.holder +
                           "); send its commands there, or retry later");
  refused.WithDetail("retryAfterSeconds", seconds);
  if (!held.holder.empty()) refused.WithDetail("holder", held.holder);
  return refused;
}

}  // namespace

int RunServe(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string dir = Env("ROTONDE_DATA");
  std::string listen = Env("ROTONDE_LISTEN", "127.0.0.1:8080");
  std::string metrics_listen = Env("ROTONDE_METRICS_LISTEN");
  std::string web = Env("ROTONDE_WEB", DefaultWebDir());
  std::string log_format = Env("ROTONDE_LOG_FORMAT", "text");
  std::string store_url = Env("ROTONDE_STORE");
  std::string public_url = Env("ROTONDE_PUBLIC_URL");
  std::vector<std::string> trusted_proxy_lists;
  if (auto proxies = Env("ROTONDE_TRUSTED_PROXY"); !proxies.empty()) {
    trusted_proxy_lists.push_back(proxies);
  }
  std::string server_id = Env("ROTONDE_SERVER_ID");
  std::string cluster = Env("ROTONDE_CLUSTER", std::string(eventstore::kHomeCluster));
  int64_t lease_ms = std::stoll(Env("ROTONDE_LEASE_MS", "45000"));
  std::string signing_key = Env("ROTONDE_SIGNING_KEY");
  std::string server_name = Env("ROTONDE_SERVER_NAME");
  std::vector<std::string> allow_origins;
  if (auto origin = Env("ROTONDE_ALLOW_ORIGIN"); !origin.empty()) allow_origins.push_back(origin);
  bool with_demo = Env("ROTONDE_DEMO") == "1";
  int io_threads = std::stoi(Env("ROTONDE_IO_THREADS", "2"));
  int workers = std::stoi(Env("ROTONDE_WORKERS", "8"));
  int push_interval_ms = std::stoi(Env("ROTONDE_PUSH_INTERVAL_MS", "25"));
  int max_push_interval_ms = std::stoi(Env("ROTONDE_MAX_PUSH_INTERVAL_MS", "250"));
  size_t queue_limit_kib = std::stoul(Env("ROTONDE_WS_QUEUE_LIMIT_KIB", "8192"));
  app::Limits limits;
  limits.public_form.per_address_per_hour =
      std::stoul(Env("ROTONDE_PROPOSALS_PER_ADDRESS_HOUR", "5"));
  limits.public_form.per_platform_per_hour =
      std::stoul(Env("ROTONDE_PROPOSALS_PER_PLATFORM_HOUR", "60"));
  limits.fixed_today = Env("ROTONDE_TODAY");
  mail::SmtpConfig smtp{Env("ROTONDE_SMTP_URL"), Env("ROTONDE_MAIL_FROM")};
  int64_t digest_every = std::stoll(Env("ROTONDE_MAIL_DIGEST_EVERY", "86400"));

  po::options_description flags("flags");
  flags.add_options()("data", po::value(&dir)->value_name("DIR"), "the data directory")(
      "store", po::value(&store_url)->value_name("URL"),
      "keep the event log in PostgreSQL, not in DIR: a libpq URL, postgresql://USER@HOST/DB "
      "(for a cluster, every host and target_session_attrs=read-write); its tables are made "
      "if missing (docs/architecture.md, \"The PostgreSQL backend\"). Default: the embedded "
      "store in DIR")(
      "server-id", po::value(&server_id)->value_name("ID"),
      "with --store: this server's name in the platforms' leases; each server on one database "
      "needs its own (default: kept in DIR/server-id, made of the host's name and a random "
      "part on first start)")(
      "cluster", po::value(&cluster)->value_name("NAME"),
      "with --store: serve the platforms placed in this cluster (`rotonde admin add-cluster`), "
      "its log in that cluster's database; --store still names the home cluster, which keeps "
      "the directory (default: home)")(
      "lease-ms", po::value(&lease_ms)->value_name("MS"),
      "with --store: a platform's lease lasts this long unless renewed; a server that dies "
      "hands its platforms to another this long after; keep it longer than a failover of the "
      "database, or every failover moves platforms between servers (default 45000)")(
      "listen", po::value(&listen)->value_name("ADDR:PORT"),
      "where to listen (default 127.0.0.1:8080; port 0: any free port)")(
      "metrics-listen", po::value(&metrics_listen)->value_name("ADDR:PORT"),
      "also serve /metrics (and /healthz, /readyz) here without a token, for Prometheus; on "
      "--listen, /metrics needs the operator's token (DATA/operator-token)")(
      "web", po::value(&web)->value_name("DIR"),
      "the web client's files (default: ./web-client if it exists, else the one installed "
      "with the binary, ../share/rotonde/web-client from its directory)")(
      "log-format", po::value(&log_format)->value_name("text|json"), "log lines (default text)")(
      "public-url", po::value(&public_url)->value_name("URL"),
      "base of invite and calendar links, e.g. https://buurt.example.nl (default: from Host)")(
      "signing-key", po::value(&signing_key)->value_name("FILE"),
      "the Ed25519 key that signs the platforms' checkpoints (default DATA/signing-key, made "
      "on first start with mode 0600)")(
      "server-name", po::value(&server_name)->value_name("NAME"),
      "the name of a new signing key, which begins every checkpoint's origin NAME/<platform> "
      "(default: this host's name); a key keeps the name it was made with")(
      "allow-origin", po::value(&allow_origins)->value_name("ORIGIN"),
      "another origin allowed to call the API (repeatable)")(
      "trusted-proxy", po::value(&trusted_proxy_lists)->value_name("ADDR[,ADDR...]"),
      "reverse proxies (addresses or ADDR/BITS networks; repeatable) whose X-Forwarded-For "
      "names the client the rate limits count and whose X-Forwarded-Proto: https makes the "
      "session cookie Secure; from anyone else those headers are ignored (default: none)")(
      // A switch's default is written back at notify: it is ROTONDE_DEMO's, or the
      // environment could not turn the demo on.
      "demo", po::bool_switch(&with_demo)->default_value(with_demo),
      "when the store is empty, write the demo neighbourhood \"kolenkit\", told as of today "
      "(its dates moved by whole weeks); give its members accounts (password rotonde-demo)")(
      "io-threads", po::value(&io_threads)->value_name("N"), "network threads (default 2)")(
      "workers", po::value(&workers)->value_name("N"), "worker threads (default 8)")(
      "push-interval-ms", po::value(&push_interval_ms)->value_name("MS"),
      "at most one push frame per subscriber per this many ms (default 25)")(
      "max-push-interval-ms", po::value(&max_push_interval_ms)->value_name("MS"),
      "under load the push interval stretches with the fan-out's cost, up to this (default 250)")(
      "ws-queue-limit-kib", po::value(&queue_limit_kib)->value_name("KIB"),
      "a live subscriber with more unsent than this is closed with 4000 (default 8192)")(
      "proposals-per-address-hour",
      po::value(&limits.public_form.per_address_per_hour)->value_name("N"),
      "the public proposal form takes at most N an hour from one address (default 5)")(
      "proposals-per-platform-hour",
      po::value(&limits.public_form.per_platform_per_hour)->value_name("N"),
      "and at most N an hour to one platform (default 60)")(
      "smtp-url", po::value(&smtp.url)->value_name("URL"),
      "send notifications by mail through this SMTP server: smtp://host:port (STARTTLS when "
      "offered), smtps://host:port, user and password in the URL if needed; without it, no "
      "mail is sent")(
      "mail-from", po::value(&smtp.from)->value_name("ADDR"),
      "the sender of notification mail, e.g. buurt@example.nl (needed with --smtp-url)")(
      "mail-digest-every", po::value(&digest_every)->value_name("SECONDS"),
      "send the digests this often instead of daily at 06:00 UTC (for tests and busy "
      "platforms)")(
      "today", po::value(&limits.fixed_today)->value_name("YYYY-MM-DD"),
      "the day the views take as today, and the demo is told as of (default: the date in "
      "Amsterdam); for a demo shown as of a day, and for tests");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kUsage, flags, &vm)) return *exit_code;
  if (dir.empty()) {
    PrintError("serve: give --data DIR (or ROTONDE_DATA)");
    return kExitUsage;
  }
  std::optional<int32_t> today = projections::AmsterdamDay(app::NowSeconds());
  if (!limits.fixed_today.empty()) {
    today = projections::ParseIsoDate(limits.fixed_today);
    if (!today) {
      PrintError("serve: --today must be a date that exists, YYYY-MM-DD");
      return kExitUsage;
    }
  }
  if (!smtp.url.empty() && smtp.from.empty()) {
    PrintError("serve: --smtp-url needs --mail-from, the sender's address");
    return kExitUsage;
  }
  if (lease_ms < 300) {
    PrintError("serve: --lease-ms is at least 300");
    return kExitUsage;
  }
  if (!server_id.empty() && !ValidServerId(server_id)) {
    PrintError("serve: --server-id is 1-100 letters, digits, '.', '_', ':' or '-'");
    return kExitUsage;
  }
  if (digest_every < 1) {
    PrintError("serve: --mail-digest-every is at least 1 second");
    return kExitUsage;
  }
  if (io_threads < 1 || workers < 1 || push_interval_ms < 0 ||
      max_push_interval_ms < push_interval_ms) {
    PrintError(
        "serve: threads at least 1, the push interval at least 0 and at most the longest push "
        "interval");
    return kExitUsage;
  }
  net::TrustedProxies trusted_proxies;
  {
    std::string joined;
    for (const auto& list : trusted_proxy_lists) joined += (joined.empty() ? "" : ",") + list;
    auto parsed = net::TrustedProxies::Parse(joined);
    if (!parsed.ok()) {
      PrintError("serve: --trusted-proxy: " + parsed.status().message());
      return kExitUsage;
    }
    trusted_proxies = std::move(parsed.value());
  }
  std::string address, metrics_address;
  uint16_t port = 0, metrics_port = 0;
  if (!SplitListen(listen, &address, &port)) {
    PrintError("serve: --listen must be ADDR:PORT, the port 0-65535");
    return kExitUsage;
  }
  if (!metrics_listen.empty() && !SplitListen(metrics_listen, &metrics_address, &metrics_port)) {
    PrintError("serve: --metrics-listen must be ADDR:PORT, the port 0-65535");
    return kExitUsage;
  }
  if (log_format == "json") {
    spdlog::set_formatter(std::make_unique<JsonFormatter>());
  } else if (log_format != "text") {
    PrintError("serve: --log-format is text or json");
    return kExitUsage;
  }

  RaiseOpenFileLimit();
  // The event log: embedded in DIR, or in PostgreSQL. Only the embedded one is backed up
  // with the rest of DIR (PostgreSQL has its own backups).
  std::unique_ptr<eventstore::EventLog> store;
  eventstore::EventStore* embedded = nullptr;
  eventstore::PgEventLog* pg_log = nullptr;
  std::unique_ptr<eventstore::PgDirectory> directory;
  if (store_url.empty()) {
    auto opened = OpenStore(dir, eventstore::Options{});
    if (!opened.ok()) return ReportOpenFailure(dir, opened.status());
    embedded = opened->get();
    store = std::move(opened.value());
  } else {
    if (!store_url.starts_with("postgresql://") && !store_url.starts_with("postgres://")) {
      PrintError("serve: --store is a PostgreSQL URL, postgresql://...");
      return kExitUsage;
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);  // for the databases beside the log
    if (server_id.empty()) {
      auto kept = KeptServerId(dir);
      if (!kept.ok()) {
        PrintError("serve: " + kept.status().message());
        return kExitUsage;
      }
      server_id = *kept;
    }
    // Not a URL in a message: it may hold a password.
    auto opened_directory = eventstore::PgDirectory::Open(store_url);
    if (!opened_directory.ok()) {
      PrintError("serve: cannot open the directory in the home cluster: " +
                 opened_directory.status().ToString());
      return kExitUsage;
    }
    directory = std::move(opened_directory.value());
    auto log_url = directory->ClusterUrl(cluster);
    if (!log_url.ok()) {
      PrintError("serve: --cluster: " + log_url.status().message());
      return kExitUsage;
    }
    if (Status s = directory->Refresh(); !s.ok()) {
      PrintError("serve: cannot read the directory: " + s.ToString());
      return kExitUsage;
    }
    eventstore::PgOptions options;
    options.holder = server_id;
    options.lease_time = std::chrono::milliseconds(lease_ms);
    auto opened = eventstore::PgEventLog::Open(*log_url, options);
    if (!opened.ok()) {
      PrintError("serve: cannot open the event log in PostgreSQL: " + opened.status().ToString());
      return kExitUsage;
    }
    pg_log = opened->get();
    store = std::move(opened.value());
    spdlog::info("serving as {} in cluster {}: a platform's lease lasts {} ms", server_id, cluster,
                 lease_ms);
  }
  auto auth = auth::AuthStore::Open(dir + "/auth");
  if (!auth.ok()) {
    PrintError("serve: cannot open " + dir + "/auth: " + auth.status().ToString());
    return kExitUsage;
  }
  auto checkpoints = app::CheckpointStore::Open(dir + "/checkpoints");
  if (!checkpoints.ok()) {
    PrintError("serve: cannot open " + dir + "/checkpoints: " + checkpoints.status().ToString());
    return kExitUsage;
  }
  auto notifications = mail::NotificationStore::Open(dir + "/notifications");
  if (!notifications.ok()) {
    PrintError("serve: cannot open " + dir +
               "/notifications: " + notifications.status().ToString());
    return kExitUsage;
  }
  auto keys = privacy::PersonKeys::Open(dir + "/keys");
  if (!keys.ok()) {
    PrintError("serve: cannot open " + dir + "/keys: " + keys.status().ToString());
    return kExitUsage;
  }
  const privacy::SealedEvents sealed(**keys);
  const bool named = !server_name.empty();
  if (!named) server_name = HostName();
  auto key = app::SigningKey::LoadOrCreate(
      signing_key.empty() ? dir + "/" + kSigningKeyFile : signing_key, server_name);
  if (!key.ok()) {
    PrintError("serve: " + key.status().ToString());
    return kExitUsage;
  }
  if (named && key->name() != server_name) {
    PrintError("serve: the signing key is named \"" + key->name() + "\", not \"" + server_name +
               "\": a key keeps its name (drop --server-name, or give a key of that name)");
    return kExitUsage;
  }
  auto notes = app::SignedCheckpoints::Open(dir + "/" + kNotesDir, std::move(key.value()), *store);
  if (!notes.ok()) {
    PrintError("serve: " + notes.status().ToString());
    return kExitUsage;
  }
  spdlog::info("checkpoints are signed by {}", (*notes)->key().VerifierKey());
  app::CommandService service(*store, checkpoints->get());
  service.SetPrivacy(&sealed);
  if (pg_log != nullptr) {
    service.SetGate([pg_log, lease_ms, &directory, &cluster](const std::string& platform) {
      return ServedHere(*directory, cluster, *pg_log, platform,
                        std::chrono::milliseconds(lease_ms));
    });
  }

  if (with_demo && store->Platforms().empty()) {
    demo::DemoSummary summary;
    if (Status s = demo::WriteDemo(service, &summary, {today}); !s.ok()) {
      PrintError("serve: cannot write the demo: " + s.ToString());
      return kExitDamage;
    }
    spdlog::info("wrote the demo platform \"{}\": {} events", summary.platform_id,
                 summary.events_written);
  }
  const auto loading = std::chrono::steady_clock::now();
  auto loaded = service.LoadAll();
  if (!loaded.ok()) {
    PrintError("serve: cannot load the platforms: " + loaded.status().ToString());
    return kExitDamage;
  }
  spdlog::info("loaded {} platforms ({} from checkpoints, {} events folded) in {:.2f}s",
               loaded->platforms, loaded->from_checkpoint, loaded->events_folded,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - loading).count());
  if (with_demo && service.Knows(demo::kDemoPlatform)) EnsureDemoAccounts(**auth, service);

  net::Metrics metrics;
  const bool sends_mail = !smtp.url.empty();
  app::Application application(*store, service, **auth, notes->get(), limits, notifications->get(),
                               sends_mail);
  if (Status s = application.erasure().Recover(); !s.ok()) {
    PrintError("serve: cannot finish the erasures begun before: " + s.ToString());
    return kExitDamage;
  }
  net::FeedHub::Options hub_options{std::chrono::milliseconds(push_interval_ms),
                                    std::chrono::milliseconds(max_push_interval_ms)};
  hub_options.opener = &sealed;
  net::FeedHub hub(*store, hub_options);
  hub.Start();

  net::ServerConfig config;
  config.address = address;
  config.port = port;
  config.metrics_address = metrics_address;
  config.metrics_port = metrics_port;
  config.web_dir = web;
  config.allowed_origins = allow_origins;
  config.public_url = public_url;
  config.trusted_proxies = trusted_proxies;
  config.io_threads = io_threads;
  config.worker_threads = workers;
  config.ws_queue_limit_bytes = queue_limit_kib * 1024;
  config.operator_token = HexOf(auth::NewTokenBytes());
  // `rotonde backup` next to this server: it backs up the databases it holds open.
  DataDirectory data;
  data.dir = dir;
  data.store = embedded;
  data.auth = &(*auth)->database();
  data.notes = &(*notes)->database();
  data.checkpoints = &(*checkpoints)->database();
  data.notifications = &(*notifications)->database();
  data.keys = &(*keys)->database();
  data.signing_key = signing_key.empty() ? dir + "/" + kSigningKeyFile : signing_key;
  config.backup = [data](const std::string& to) -> Result<std::string> {
    if (data.store == nullptr) {
      return Status(codes::kInvalidArgument,
                    "the event log is in PostgreSQL: back it up with PostgreSQL's own tools");
    }
    return TakeBackup(data, to);
  };
  net::Server server(config, application, hub, metrics);
  if (Status s = server.Bind(); !s.ok()) {
    PrintError("serve: " + s.message());
    return kExitUsage;
  }
  const std::string url = "http://" + address + ":" + std::to_string(server.port());
  if (!WriteOperatorFiles(dir, config.operator_token, url)) {
    spdlog::warn("cannot write {}/{}: `rotonde admin` will not reach this server", dir,
                 kOperatorTokenFile);
  }
  std::cout << "listening on " << url << std::endl;
  if (!metrics_address.empty()) {
    std::cout << "metrics on http://" << metrics_address << ":" << server.metrics_port()
              << "/metrics" << std::endl;
  }
  if (with_demo) {
    std::cout << "demo sign-in: anna / " << kDemoPassword
              << " (admin); also carla (coordinator), bram and dewi (members), olaf (auditor)"
              << std::endl;
  }
  std::optional<app::Mailer> mailer;
  if (sends_mail) {
    app::MailerOptions options;
    options.smtp = smtp;
    options.base_url = public_url.empty() ? url : public_url;
    options.digest_every = std::chrono::seconds(digest_every);
    mailer.emplace(*store, service, **notifications, application.inbox(), options);
    mailer->Start();
    spdlog::info("mail: notifications go through {} from {}", smtp.url, smtp.from);
  } else {
    spdlog::info("mail is off: give --smtp-url and --mail-from to send notifications by mail");
  }
  if (!trusted_proxies.empty()) {
    spdlog::info("behind a proxy: X-Forwarded-For and X-Forwarded-Proto are taken from {} only",
                 trusted_proxies.ToString());
  }
  server.SetReady();
  // Expired sessions and feed keys are deleted hourly.
  std::mutex housekeeping_mu;
  std::condition_variable_any housekeeping_wake;
  std::jthread housekeeping([&](std::stop_token stop) {
    std::unique_lock lock(housekeeping_mu);
    while (!housekeeping_wake.wait_for(lock, stop, std::chrono::hours(1), [] { return false; })) {
      if (stop.stop_requested()) break;
      application.accounts().Housekeep();
    }
  });
  // The directory read again every renewal or second, whichever is sooner: a platform moved
  // in or out, or frozen by a move.
  std::jthread directory_refresh;
  if (directory) {
    const auto every = std::min<std::chrono::milliseconds>(std::chrono::milliseconds(lease_ms / 3),
                                                           std::chrono::seconds(1));
    directory_refresh = std::jthread([&, every](std::stop_token stop) {
      std::mutex mu;
      std::condition_variable_any wake;
      std::unique_lock lock(mu);
      while (!wake.wait_for(lock, stop, every, [] { return false; })) {
        if (stop.stop_requested()) break;
        if (Status s = directory->Refresh(); !s.ok()) {
          spdlog::warn("cannot read the directory: {}", s.ToString());
        }
      }
    });
  }
  server.Run();
  if (directory_refresh.joinable()) {
    directory_refresh.request_stop();
    directory_refresh.join();
  }
  if (mailer) mailer->Stop();
  housekeeping.request_stop();
  housekeeping.join();
  std::filesystem::remove(dir + "/" + kOperatorTokenFile);
  std::filesystem::remove(dir + "/" + kServeUrlFile);

  hub.Stop();
  if (Status s = service.SaveCheckpoints(); !s.ok()) {
    spdlog::warn("could not write checkpoints: {}", s.ToString());
  }
  store->Close();
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace rotonde::cli
