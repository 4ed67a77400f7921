// rotonde-load: measures `rotonde serve`'s WebSocket push and idle connections on loopback,
// against the floors of the server issue. Figures, never assertions: the exit code says only
// whether the scenarios could run (see kUsage).
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "scenarios.h"
#include "server_process.h"
#include "soak.h"

namespace rotonde::load {
namespace {

constexpr char kUsage[] =
    "usage: rotonde-load --rotonde PATH [--subscribers N] [--rate N] [--seconds N] [--idle N]\n"
    "                    [--idle-seconds N] [--client-threads N] [--keep DIR]\n"
    "                    [--latency-log FILE] [--light-rate N] [--quick]\n"
    "       rotonde-load --soak (--rotonde PATH | --port N --data DIR --pid PID)\n"
    "                    [--duration D] [--clients N] [--platforms N] [--sample-seconds N]\n"
    "                    [--command-rate R] [--read-rate R] [--reconnect-rate R]\n"
    "                    [--client-threads N] [--keep DIR]\n"
    "\n"
    "Measures Rotonde's WebSocket push on loopback against the server's floors: figures, never\n"
    "assertions. For each scenario it starts a fresh `PATH serve --data DIR --listen\n"
    "127.0.0.1:0 --demo` (the same DIR each time; the demo is written once), signs in as the\n"
    "demo member bram (POST /api/v1/session, password rotonde-demo), runs the scenario, and\n"
    "stops the server with SIGTERM. At the end it prints one table and deletes DIR.\n"
    "\n"
    "Scenarios (platform kolenkit):\n"
    "  push  N subscriber connections subscribe from the head and wait for caught_up; then 8\n"
    "        other connections send M SubmitProposal commands per second, evenly paced, for S\n"
    "        seconds. A command's latency runs from its write to its event's arrival at the last\n"
    "        subscriber. Reports latency p50/p99/max, commands/s delivered to every subscriber,\n"
    "        replies and errors, disconnects, and the server's RSS (VmRSS).\n"
    "        Floor: 1,000 subscribers at 1,000 commands/s with p99 <= 50 ms.\n"
    "  idle  N connections subscribe, then stay silent; reports the server's RSS before and\n"
    "        after, per connection, and how many were refused or dropped.\n"
    "        Floor: 10,000 idle connections in <= 300 MB of server RSS.\n"
    "\n"
    "  soak  (--soak, instead of push and idle) C clients over P platforms for a duration:\n"
    "        P platforms are founded (the operator's endpoint, then each founding invite\n"
    "        accepted by a new account); each client is a WebSocket subscribed to its\n"
    "        platform, checking that every event follows the one before (position, prevHash).\n"
    "        At the given rates over all clients: commands on the WebSocket (proposals,\n"
    "        discussions of them, initiatives with a date and a place), HTTP reads (views,\n"
    "        the event feed) and reconnects (dropped without a close frame, resumed after a\n"
    "        pause with from and fromHash). Every --sample-seconds a row: time, the server's\n"
    "        RSS (VmRSS of its /proc/PID/status), commands acknowledged, errors, events of\n"
    "        this run seen by the clients, reconnects, reads, and the store's memtables and\n"
    "        recent events (its bounded caches, from /metrics). At the end it checks: no\n"
    "        error (error answers, failed reads, lost connections, events out of order), no\n"
    "        lost event (every command answered, every client at its platform's head, every\n"
    "        acknowledged command's events in the log where its result put them), and RSS\n"
    "        flat: the mean of the last quarter within 10 % of the second quarter's (the\n"
    "        first is the warm-up), judged on runs of 10 minutes or more.\n"
    "\n"
    "Flags:\n"
    "  --rotonde PATH       the rotonde binary, e.g. build/release/rotonde (required, except\n"
    "                       for a soak of a running server)\n"
    "  --subscribers N      push subscribers (default 1000; 0 skips push)\n"
    "  --rate N             commands per second (default 1000)\n"
    "  --seconds N          how long commands are sent (default 20)\n"
    "  --idle N             idle connections (default 10000; 0 skips idle)\n"
    "  --idle-seconds N     how long they stay silent (default 5; the server pings every 30 s,\n"
    "                       so over 30 also shows the pings answered)\n"
    "  --client-threads N   threads carrying the subscribers and idle connections, 1 or 2\n"
    "                       (default 2; the client shares the machine with the server); the\n"
    "                       command connections have one more of their own\n"
    "  --keep DIR           put the data directory (DIR/data) and the server logs in DIR, and\n"
    "                       keep them\n"
    "  --latency-log FILE   write each push command's latencies to FILE, a line each: ms\n"
    "                       since the first write, to the last subscriber, to the reply\n"
    "                       (-1: none); shows when in a run the slow ones came\n"
    "  --light-rate N       before the push, the same push at N commands per second on a\n"
    "                       server of its own: the light load the push is compared with\n"
    "                       (its replies' p99 against the push's); both print their\n"
    "                       replies and lag second by second\n"
    "  --quick              100 subscribers, 100 commands/s, 5 s, 500 idle, 2 s silent (flags\n"
    "                       given as well win); the CTest smoke test load.quick\n"
    "  --soak               run the soak (above)\n"
    "  --duration D         the soak's length: seconds, or a number with s, m or h\n"
    "                       (default 1h)\n"
    "  --clients N          soak clients (default 1000)\n"
    "  --platforms N        soak platforms (default 100)\n"
    "  --sample-seconds N   seconds between samples (default 60, at most a twentieth of the\n"
    "                       duration)\n"
    "  --command-rate R     commands per second over all clients (default 5)\n"
    "  --read-rate R        HTTP reads per second (default 10)\n"
    "  --reconnect-rate R   reconnects per second (default 1)\n"
    "  --port N, --data DIR, --pid PID\n"
    "                       soak a server already running on 127.0.0.1:N, whose data\n"
    "                       directory DIR holds its operator-token and whose process PID is\n"
    "                       sampled, instead of starting one\n"
    "  -h, --help           this text\n"
    "\n"
    "It raises its RLIMIT_NOFILE soft limit to the hard limit first (the server inherits it):\n"
    "each connection takes a descriptor on both sides. Every wait is bounded; the default run\n"
    "takes about a minute.\n"
    "\n"
    "Exit codes: 0 the scenarios ran, whatever the figures; 1 a scenario could not run at all\n"
    "(the server did not start, sign-in failed, no command reached a subscriber, no idle\n"
    "connection opened); 2 usage. The soak is a check: 0 when it passed, 1 when it did not.\n";

constexpr char kPlatform[] = "kolenkit";
constexpr char kLogin[] = "bram";
constexpr char kPassword[] = "rotonde-demo";
constexpr std::chrono::seconds kServerStartTimeout{120};
constexpr std::chrono::seconds kServerStopGrace{30};

struct Flags {
  std::string rotonde;
  bool soak = false;
  int duration_seconds = 3600;
  int clients = 1000, platforms = 100;
  std::optional<int> sample_seconds;
  double command_rate = 5, read_rate = 10, reconnect_rate = 1;
  std::optional<int> port, pid;
  std::string data;
  std::optional<int> subscribers, rate, seconds, idle, idle_seconds, light_rate;
  int client_threads = 2;
  std::string keep;
  std::string latency_log;
  bool quick = false;
};

std::string Printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string Printf(const char* format, ...) {
  char text[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof(text), format, args);
  va_end(args);
  return text;
}

std::string MiB(uint64_t bytes) {
  return Printf("%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

void Progress(const std::string& line) { std::cerr << "rotonde-load: " << line << std::endl; }

bool ParseInt(std::string_view text, int low, int high, int* out) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    return false;
  }
  *out = value;
  return true;
}

// "90", "90s", "15m", "1h".
bool ParseDuration(std::string_view text, int* seconds) {
  int scale = 1;
  if (!text.empty() && (text.back() == 's' || text.back() == 'm' || text.back() == 'h')) {
    scale = text.back() == 'h' ? 3600 : text.back() == 'm' ? 60 : 1;
    text.remove_suffix(1);
  }
  int value = 0;
  if (!ParseInt(text, 1, 7 * 24 * 3600, &value) || value > 7 * 24 * 3600 / scale) return false;
  *seconds = value * scale;
  return true;
}

bool ParseRate(std::string_view text, double* rate) {
  char* end = nullptr;
  const std::string copy(text);
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || !(value >= 0) || value > 100'000) {
    return false;
  }
  *rate = value;
  return true;
}

// nullopt: parsed; otherwise the exit code to stop with.
std::optional<int> ParseFlags(int argc, char** argv, Flags* flags) {
  auto usage_error = [](const std::string& why) {
    std::cerr << "rotonde-load: " << why << "\n\n" << kUsage;
    return std::optional<int>(2);
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "-h" || flag == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (flag == "--quick") {
      flags->quick = true;
      continue;
    }
    if (flag == "--soak") {
      flags->soak = true;
      continue;
    }
    if (i + 1 >= argc) return usage_error(std::string(flag) + " needs a value");
    const std::string_view value = argv[++i];
    auto number = [&](int low, int high, std::optional<int>* into) -> bool {
      int parsed = 0;
      if (!ParseInt(value, low, high, &parsed)) return false;
      *into = parsed;
      return true;
    };
    bool ok = true;
    if (flag == "--rotonde") {
      flags->rotonde = value;
    } else if (flag == "--keep") {
      flags->keep = value;
    } else if (flag == "--latency-log") {
      flags->latency_log = value;
    } else if (flag == "--subscribers") {
      ok = number(0, 100'000, &flags->subscribers);
    } else if (flag == "--rate") {
      ok = number(1, 100'000, &flags->rate);
    } else if (flag == "--light-rate") {
      ok = number(1, 100'000, &flags->light_rate);
    } else if (flag == "--seconds") {
      ok = number(1, 3600, &flags->seconds);
    } else if (flag == "--idle") {
      ok = number(0, 1'000'000, &flags->idle);
    } else if (flag == "--idle-seconds") {
      ok = number(0, 3600, &flags->idle_seconds);
    } else if (flag == "--client-threads") {
      ok = ParseInt(value, 1, 2, &flags->client_threads);
    } else if (flag == "--duration") {
      ok = ParseDuration(value, &flags->duration_seconds);
    } else if (flag == "--clients") {
      ok = ParseInt(value, 1, 100'000, &flags->clients);
    } else if (flag == "--platforms") {
      ok = ParseInt(value, 1, 10'000, &flags->platforms);
    } else if (flag == "--sample-seconds") {
      ok = number(1, 3600, &flags->sample_seconds);
    } else if (flag == "--command-rate") {
      ok = ParseRate(value, &flags->command_rate);
    } else if (flag == "--read-rate") {
      ok = ParseRate(value, &flags->read_rate);
    } else if (flag == "--reconnect-rate") {
      ok = ParseRate(value, &flags->reconnect_rate);
    } else if (flag == "--port") {
      ok = number(1, 65535, &flags->port);
    } else if (flag == "--pid") {
      ok = number(1, 1 << 30, &flags->pid);
    } else if (flag == "--data") {
      flags->data = value;
    } else {
      return usage_error("unknown flag " + std::string(flag));
    }
    if (!ok) return usage_error("bad value for " + std::string(flag) + ": " + std::string(value));
  }
  const bool attach = flags->port || flags->pid || !flags->data.empty();
  if (attach && !(flags->soak && flags->port && flags->pid && !flags->data.empty())) {
    return usage_error("--port, --data and --pid go together, with --soak");
  }
  if (flags->rotonde.empty() && !attach) return usage_error("give --rotonde PATH");
  return std::nullopt;
}

// Every connection is a descriptor on each side, and the server, started after this,
// inherits the limit.
rlim_t RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

// A short id that keeps this run's commandIds apart from earlier runs in a kept directory.
std::string RunId() {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return Printf("%llx", static_cast<unsigned long long>(micros) ^
                            (static_cast<unsigned long long>(getpid()) << 40));
}

// This process's CPU time so far (user + system), in seconds.
double ClientCpuSeconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The machine's 1-minute load average: the client and the server share its cores with
// whatever else runs, and a figure means little without it.
double LoadAverage() {
  double load = 0;
  if (getloadavg(&load, 1) != 1) return 0;
  return load;
}

// CPU used by the server and by this client during a scenario.
class CpuMeter {
 public:
  explicit CpuMeter(const ServerProcess& server)
      : server_(server),
        server_start_(server.CpuSeconds()),
        client_start_(ClientCpuSeconds()),
        load_(LoadAverage()),
        start_(std::chrono::steady_clock::now()) {}
  std::string Describe() const {
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return Printf(
        "server %.1f s, client %.1f s in %.1f s of %u cores; load average %.1f at the "
        "start",
        server_.CpuSeconds() - server_start_, ClientCpuSeconds() - client_start_, wall,
        std::thread::hardware_concurrency(), load_);
  }

 private:
  const ServerProcess& server_;
  const double server_start_;
  const double client_start_;
  const double load_;
  const std::chrono::steady_clock::time_point start_;
};

// One row of the table.
struct Row {
  std::string scenario, what, measured, floor;
};

class Run {
 public:
  Run(const Flags& flags, std::string root) : flags_(flags), root_(std::move(root)) {}

  // Each returns false if the scenario could not run at all.
  // `scenario` names its rows and server log ("push", "light-push"). Its seconds join the
  // table printed after the rows; `report`, if given, gets the whole report.
  bool Push(const std::string& scenario, int subscribers, int rate, int seconds,
            PushReport* report = nullptr);
  bool Idle(int connections, int hold_seconds);
  // A push at `light_rate`, then one at `rate`, each on a fresh server; compares replies.
  bool PushAgainstLight(int subscribers, int light_rate, int rate, int seconds);
  // False if the soak could not run or did not pass.
  bool Soak();

  void Print(std::ostream& out) const {
    out << "\n| scenario | what | measured | floor |\n| --- | --- | --- | --- |\n";
    for (const Row& row : rows_) {
      out << "| " << row.scenario << " | " << row.what << " | " << row.measured << " | "
          << row.floor << " |\n";
    }
    if (!seconds_.empty()) {
      out << "\nSecond by second (by when a command was written; ms):\n\n| push | second | sent "
             "| reply p50 | reply p99 | to last subscriber p50 | p99 |\n| --- | --- | --- | --- "
             "| --- | --- | --- |\n";
      for (const std::string& line : seconds_) out << line << "\n";
    }
    for (const std::string& note : notes_) out << "\n- " << note;
    if (!notes_.empty()) out << "\n";
    out << std::flush;
  }

 private:
  // Starts a server and signs in; nullptr (with a row saying why) if either fails.
  std::unique_ptr<ServerProcess> StartServer(const std::string& scenario, SignedIn* session);
  void StopServer(const std::string& scenario, ServerProcess& server);
  void AddRow(std::string scenario, std::string what, std::string measured,
              std::string floor = "") {
    rows_.push_back({std::move(scenario), std::move(what), std::move(measured), std::move(floor)});
  }

  const Flags& flags_;
  const std::string root_;
  const std::string run_id_ = RunId();
  std::vector<Row> rows_;
  std::vector<std::string> notes_;
  std::vector<std::string> seconds_;  // rows of the second-by-second table
};

std::unique_ptr<ServerProcess> Run::StartServer(const std::string& scenario, SignedIn* session) {
  Progress(scenario + ": starting " + flags_.rotonde + " serve");
  const std::string log = root_ + "/server-" + scenario + ".log";
  auto started = ServerProcess::Start(flags_.rotonde, root_ + "/data", log, kServerStartTimeout);
  if (!started.ok()) {
    AddRow(scenario, "server", "did not start: " + started.status().message());
    return nullptr;
  }
  std::unique_ptr<ServerProcess> server = std::move(started.value());
  auto signed_in = SignIn(server->port(), kLogin, kPassword, kPlatform, std::chrono::seconds(30));
  if (!signed_in.ok()) {
    AddRow(scenario, "sign-in", signed_in.status().message());
    StopServer(scenario, *server);
    return nullptr;
  }
  *session = std::move(signed_in.value());
  Progress(scenario + ": server pid " + std::to_string(server->pid()) + " on port " +
           std::to_string(server->port()) + ", signed in as " + kLogin + ", head " +
           std::to_string(session->position));
  return server;
}

void Run::StopServer(const std::string& scenario, ServerProcess& server) {
  const bool was_running = server.Running();
  const std::string ended = server.Stop(kServerStopGrace);
  if (!was_running) {
    notes_.push_back(scenario + ": the server had ended during the scenario (" + ended + "); see " +
                     root_ + "/server-" + scenario + ".log (--keep keeps it)");
  } else if (ended != "exit 0") {
    notes_.push_back(scenario + ": the server's shutdown: " + ended);
  }
}

bool Run::Push(const std::string& s, int subscribers, int rate, int seconds, PushReport* report) {
  SignedIn session;
  std::unique_ptr<ServerProcess> server = StartServer(s, &session);
  if (!server) return false;
  PushOptions options;
  options.endpoint = Endpoint{server->port(), session.token};
  options.platform = kPlatform;
  options.from = session.position;
  options.subscribers = subscribers;
  options.rate = rate;
  options.seconds = seconds;
  options.client_threads = flags_.client_threads;
  options.run_id = run_id_;
  options.latency_log = flags_.latency_log;
  options.server_rss = [&server] { return server->RssBytes(); };
  Progress(Printf("%s: %d subscribers, then %d commands/s for %d s", s.c_str(), subscribers, rate,
                  seconds));
  const CpuMeter cpu(*server);
  const PushReport r = RunPush(options);
  const std::string cpu_used = cpu.Describe();
  StopServer(s, *server);

  AddRow(s, "subscribers caught up",
         Printf("%d of %d in %.2f s", r.subscribers_opened, r.subscribers_wanted, r.open_seconds),
         "1,000");
  AddRow(s, "commands sent",
         Printf("%llu of %llu over %.2f s on %d of %d connections (latest write %.1f ms behind "
                "its schedule)",
                static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(r.planned),
                r.send_seconds, r.commanders_opened, r.commanders_wanted, r.pacing_lag_max_ms));
  AddRow(s, "replies",
         Printf("%llu results, %llu errors; write to reply p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                static_cast<unsigned long long>(r.results),
                static_cast<unsigned long long>(r.errors), r.reply.p50, r.reply.p99, r.reply.max));
  AddRow(
      s, "throughput: delivered to every subscriber",
      Printf("%llu commands, %.1f commands/s (%llu reached only some, %llu none)",
             static_cast<unsigned long long>(r.complete), r.delivered_per_second,
             static_cast<unsigned long long>(r.partial), static_cast<unsigned long long>(r.unseen)),
      "1,000/s");
  AddRow(
      s, "latency: command to last subscriber",
      Printf("p50 %.1f ms, p99 %.1f ms, max %.1f ms", r.latency.p50, r.latency.p99, r.latency.max),
      "p99 <= 50 ms");
  AddRow(s, "disconnects",
         Printf("%d subscribers, %d command connections; %llu duplicate frames, %llu error "
                "messages to subscribers",
                r.subscribers_dropped, r.commanders_dropped,
                static_cast<unsigned long long>(r.duplicate_frames),
                static_cast<unsigned long long>(r.subscriber_errors)));
  AddRow(s, "server RSS", MiB(r.rss_start) + " at start, " + MiB(r.rss_end) + " at the end");
  AddRow(s, "CPU", cpu_used);
  if (!r.first_refusal.empty())
    notes_.push_back(s + ": first refused subscriber: " + r.first_refusal);
  if (!r.first_drop.empty()) notes_.push_back(s + ": first lost subscriber: " + r.first_drop);
  if (!r.commander_problem.empty()) {
    notes_.push_back(s + ": command connection: " + r.commander_problem);
  }
  if (!r.first_error.empty()) notes_.push_back(s + ": first error reply: " + r.first_error);
  for (const PushSecond& second : r.over_time) {
    seconds_.push_back(Printf("| %s at %d/s | %d | %llu | %.1f | %.1f | %.1f | %.1f |", s.c_str(),
                              rate, second.second, static_cast<unsigned long long>(second.sent),
                              second.reply.p50, second.reply.p99, second.latency.p50,
                              second.latency.p99));
  }
  if (report) *report = r;
  return r.complete > 0;
}

bool Run::PushAgainstLight(int subscribers, int light_rate, int rate, int seconds) {
  PushReport light, heavy;
  bool ran = Push("light-push", subscribers, light_rate, seconds, &light);
  ran = Push("push", subscribers, rate, seconds, &heavy) && ran;
  if (light.reply.count > 0 && heavy.reply.count > 0) {
    AddRow("push", "replies' p99 against the light load",
           Printf("%.1f ms at %d/s against %.1f ms at %d/s: %.2fx", heavy.reply.p99, rate,
                  light.reply.p99, light_rate, heavy.reply.p99 / std::max(light.reply.p99, 0.001)),
           "<= 2x");
  }
  return ran;
}

bool Run::Idle(int connections, int hold_seconds) {
  SignedIn session;
  std::unique_ptr<ServerProcess> server = StartServer("idle", &session);
  if (!server) return false;
  IdleOptions options;
  options.endpoint = Endpoint{server->port(), session.token};
  options.platform = kPlatform;
  options.from = session.position;
  options.connections = connections;
  options.hold = std::chrono::seconds(hold_seconds);
  options.client_threads = flags_.client_threads;
  options.server_rss = [&server] { return server->RssBytes(); };
  Progress(Printf("idle: %d connections, silent for %d s", connections, hold_seconds));
  const CpuMeter cpu(*server);
  const IdleReport r = RunIdle(options);
  const std::string cpu_used = cpu.Describe();
  StopServer("idle", *server);

  const std::string s = "idle";
  AddRow(s, "connections open",
         Printf("%d of %d in %.2f s; %d refused, %d dropped during %.1f s of silence", r.opened,
                r.wanted, r.open_seconds, r.refused, r.dropped, r.hold_seconds),
         "10,000");
  const double per_connection =
      r.opened > 0 ? (static_cast<double>(r.rss_after) - static_cast<double>(r.rss_before)) /
                         r.opened / 1024.0
                   : 0;
  AddRow(s, "server RSS",
         MiB(r.rss_before) + " before, " + MiB(r.rss_after) +
             " after: " + Printf("%.1f KiB per connection", per_connection),
         "<= 300 MB");
  AddRow(s, "CPU", cpu_used);
  if (!r.first_refusal.empty()) notes_.push_back("idle: first refusal: " + r.first_refusal);
  if (!r.first_drop.empty()) notes_.push_back("idle: first drop: " + r.first_drop);
  return r.opened > 0;
}

// The operator token `rotonde serve` wrote into DIR/operator-token; "" if unreadable.
std::string OperatorToken(const std::string& data_dir) {
  std::ifstream in(data_dir + "/operator-token");
  std::string token;
  std::getline(in, token);
  return token;
}

uint64_t RssOf(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  }
  return 0;
}

bool Run::Soak() {
  SoakOptions options;
  std::unique_ptr<ServerProcess> server;
  int pid = flags_.pid.value_or(0);
  if (flags_.port) {
    options.port = static_cast<uint16_t>(*flags_.port);
    options.operator_token = OperatorToken(flags_.data);
  } else {
    SignedIn session;
    server = StartServer("soak", &session);
    if (!server) return false;
    options.port = server->port();
    options.operator_token = OperatorToken(root_ + "/data");
    pid = server->pid();
  }
  if (options.operator_token.empty()) {
    AddRow("soak", "operator token", "cannot read operator-token in the data directory");
    return false;
  }
  options.clients = flags_.clients;
  options.platforms = std::min(flags_.platforms, flags_.clients);
  options.duration = std::chrono::seconds(flags_.duration_seconds);
  options.sample_every = std::chrono::seconds(
      flags_.sample_seconds.value_or(std::clamp(flags_.duration_seconds / 20, 1, 60)));
  options.commands_per_second = flags_.command_rate;
  options.reads_per_second = flags_.read_rate;
  options.reconnects_per_second = flags_.reconnect_rate;
  options.client_threads = flags_.client_threads;
  options.run_id = run_id_;
  options.server_rss = [pid] { return RssOf(pid); };
  options.progress = Progress;
  options.table = &std::cout;
  Progress(
      Printf("soak: server pid %d on port %u; %d clients over %d platforms for %d s; "
             "%.1f commands/s, %.1f reads/s, %.2f reconnects/s",
             pid, options.port, options.clients, options.platforms, flags_.duration_seconds,
             options.commands_per_second, options.reads_per_second, options.reconnects_per_second));
  std::unique_ptr<CpuMeter> cpu;
  if (server) cpu = std::make_unique<CpuMeter>(*server);
  const SoakReport r = RunSoak(options);
  const std::string cpu_used = cpu ? cpu->Describe() : "";
  const bool server_died = server && !server->Running();
  if (server) StopServer("soak", *server);

  const std::string s = "soak";
  AddRow(s, "set-up",
         r.set_up ? Printf("%d platforms founded, %d clients caught up", options.platforms,
                           options.clients)
                  : "failed (see the notes)");
  AddRow(s, "commands",
         Printf("%llu sent, %llu acknowledged, %llu unanswered",
                static_cast<unsigned long long>(r.commands_sent),
                static_cast<unsigned long long>(r.commands_ok),
                static_cast<unsigned long long>(r.unanswered)),
         "every one answered");
  AddRow(s, "errors",
         Printf("%llu (of which %llu events out of order)",
                static_cast<unsigned long long>(r.errors), static_cast<unsigned long long>(r.gaps)),
         "0");
  AddRow(s, "lost events",
         Printf("%llu acknowledged commands not in the log where acknowledged; %llu clients "
                "short of their platform's head; %llu events of this run seen by the clients",
                static_cast<unsigned long long>(r.lost),
                static_cast<unsigned long long>(r.not_at_head),
                static_cast<unsigned long long>(r.events_seen)),
         "0 and 0");
  AddRow(s, "reads and reconnects",
         Printf("%llu reads answered 200, %llu reconnects resumed",
                static_cast<unsigned long long>(r.reads_ok),
                static_cast<unsigned long long>(r.reconnects)));
  AddRow(s, "RSS flat",
         r.rss_judged ? Printf("second quarter %.1f MiB, last quarter %.1f MiB (%+.1f %%): %s",
                               r.rss_q2_mib, r.rss_q4_mib,
                               r.rss_q2_mib > 0 ? 100.0 * (r.rss_q4_mib / r.rss_q2_mib - 1) : 0.0,
                               r.rss_flat ? "flat" : "NOT flat")
                      : std::string("not sampled in both quarters"),
         "within 10 %");
  if (!cpu_used.empty()) AddRow(s, "CPU", cpu_used);
  for (const std::string& problem : r.problems) notes_.push_back("soak: " + problem);
  const bool judge_rss = flags_.duration_seconds >= 600;
  if (!judge_rss) notes_.push_back("soak: under 10 minutes, RSS is shown but not judged");
  const bool passed = r.set_up && !server_died && r.errors == 0 && r.unanswered == 0 &&
                      r.lost == 0 && r.not_at_head == 0 && (!judge_rss || r.rss_flat);
  AddRow(s, "verdict", passed ? "passed" : "FAILED");
  return passed;
}

int Main(int argc, char** argv) {
  Flags flags;
  if (auto exit_code = ParseFlags(argc, argv, &flags)) return *exit_code;
  const int subscribers = flags.subscribers.value_or(flags.quick ? 100 : 1000);
  const int rate = flags.rate.value_or(flags.quick ? 100 : 1000);
  const int seconds = flags.seconds.value_or(flags.quick ? 5 : 20);
  const int idle = flags.idle.value_or(flags.quick ? 500 : 10000);
  const int idle_seconds = flags.idle_seconds.value_or(flags.quick ? 2 : 5);

  const rlim_t files = RaiseFileLimit();
  const int needed = flags.soak ? flags.clients + 256 : std::max(subscribers + 8, idle) + 64;
  if (files != RLIM_INFINITY && static_cast<rlim_t>(needed) > files) {
    Progress(
        Printf("warning: RLIMIT_NOFILE is %llu; about %d are needed, so some connections "
               "will be refused",
               static_cast<unsigned long long>(files), needed));
  }

  std::error_code ec;
  std::string root;
  if (!flags.keep.empty()) {
    root = std::filesystem::absolute(flags.keep, ec).string();
    std::filesystem::create_directories(root, ec);
    if (ec) {
      std::cerr << "rotonde-load: cannot create " << flags.keep << ": " << ec.message() << "\n";
      return 2;
    }
  } else {
    std::string pattern =
        (std::filesystem::temp_directory_path(ec) / "rotonde-load-XXXXXX").string();
    if (ec || mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "rotonde-load: cannot create a temporary directory\n";
      return 1;
    }
    root = pattern;
  }

  Run run(flags, root);
  bool ran = true;
  if (flags.soak) {
    ran = run.Soak();
  } else {
    if (subscribers > 0 && flags.light_rate) {
      ran = run.PushAgainstLight(subscribers, *flags.light_rate, rate, seconds) && ran;
    } else if (subscribers > 0) {
      ran = run.Push("push", subscribers, rate, seconds) && ran;
    }
    if (idle > 0) ran = run.Idle(idle, idle_seconds) && ran;
  }

  std::cout << "rotonde-load: "
            << (flags.port ? "port " + std::to_string(*flags.port) : flags.rotonde)
            << " on 127.0.0.1, client " << flags.client_threads
            << " thread(s) + 1 for commands, RLIMIT_NOFILE " << files << "\n";
  run.Print(std::cout);
  if (flags.keep.empty()) {
    std::filesystem::remove_all(root, ec);
  } else {
    std::cout << "kept " << root << " (data/, server-*.log)\n";
  }
  if (!ran) {
    std::cerr << (flags.soak ? "rotonde-load: the soak did not pass (see the table)\n"
                             : "rotonde-load: a scenario could not run (see the table)\n");
  }
  return ran ? 0 : 1;
}

}  // namespace
}  // namespace rotonde::load

int main(int argc, char** argv) { return rotonde::load::Main(argc, argv); }
