#include "pg_server.h"

#include <arpa/inet.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "child_process.h"

namespace rotonde::test_support {
namespace {

// Debian's PostgreSQL 15 (scripts/setup installs it); ROTONDE_PG_BIN names another.
std::string BinDir() {
  const char* dir = std::getenv("ROTONDE_PG_BIN");
  return dir != nullptr ? dir : "/usr/lib/postgresql/15/bin";
}

// A port free on 127.0.0.1 just now.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace

class PgServer::Impl {
 public:
  bool Start(std::string* error);
  ~Impl();
  // The connection string of the server, without a database.
  std::string Server() const;
  // Runs `sql` in the database postgres; a failure of SQLSTATE `tolerated_state` passes.
  bool Exec(const std::string& sql, std::string_view tolerated_state, std::string* error);

  std::string dir;  // the server's temp dir: data/ and its socket
  int port = 0;
  std::unique_ptr<ChildProcess> postgres;
  std::mutex mu;

 private:
  // Runs `binary` (from BinDir()) as the server's user; the child is started into *child.
  bool Run(ChildProcess* child, const std::string& binary, std::vector<std::string> args,
           std::string* error);
  bool as_postgres_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
};

bool PgServer::Impl::Run(ChildProcess* child, const std::string& binary,
                         std::vector<std::string> args, std::string* error) {
  const std::string path = BinDir() + "/" + binary;
  if (!as_postgres_) return child->Start(path, args, error);
  // setpriv execs the server itself (no process in between), so a signal reaches it.
  std::vector<std::string> wrapped = {"--reuid=" + std::to_string(uid_),
                                      "--regid=" + std::to_string(gid_), "--clear-groups", "--",
                                      path};
  wrapped.insert(wrapped.end(), args.begin(), args.end());
  return child->Start("/usr/bin/setpriv", wrapped, error);
}

bool PgServer::Impl::Start(std::string* error) {
  std::string pattern = (std::filesystem::temp_directory_path() / "rotonde-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    *error = "cannot create a temp dir for PostgreSQL";
    return false;
  }
  dir = pattern;
  if (::geteuid() == 0) {
    // PostgreSQL refuses to run as root.
    const passwd* user = ::getpwnam("postgres");
    if (user == nullptr) {
      *error =
          "running as root, and there is no `postgres` user to run PostgreSQL as "
          "(scripts/setup installs postgresql-15)";
      return false;
    }
    as_postgres_ = true;
    uid_ = user->pw_uid;
    gid_ = user->pw_gid;
    if (::chown(dir.c_str(), uid_, gid_) != 0) {
      *error = "cannot give " + dir + " to the postgres user";
      return false;
    }
  }
  ChildProcess initdb;
  if (!Run(&initdb, "initdb",
           {"-D", dir + "/data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
            "--no-sync"},
           error)) {
    *error = "cannot start initdb: " + *error;
    return false;
  }
  const auto ended = initdb.Wait(std::chrono::minutes(2));
  if (!ended || *ended != 0) {
    *error = "initdb failed (" + DescribeStatus(ended) + "): " + initdb.Stderr();
    return false;
  }
  // A port free a moment ago may be taken by the time postgres binds it (tests run in
  // parallel, each process with a server): then another.
  for (int attempt = 1;; ++attempt) {
    port = FreePort();
    if (port == 0) {
      *error = "no free port on 127.0.0.1";
      return false;
    }
    postgres = std::make_unique<ChildProcess>();
    if (!Run(postgres.get(), "postgres",
             {"-D", dir + "/data", "-h", "127.0.0.1", "-p", std::to_string(port), "-k", dir, "-c",
              "fsync=on", "-c", "max_connections=300"},
             error)) {
      *error = "cannot start postgres: " + *error;
      return false;
    }
    const std::string conninfo =
        "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=postgres";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    bool exited = false;
    while (PQping(conninfo.c_str()) != PQPING_OK && !exited) {
      exited = postgres->Wait(std::chrono::milliseconds(0)).has_value();
      if (!exited && std::chrono::steady_clock::now() > deadline) {
        *error = "postgres did not come up on 127.0.0.1:" + std::to_string(port) + ": " +
                 postgres->Stderr();
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!exited) return true;
    if (attempt == 3) {
      *error = "postgres exited on 127.0.0.1:" + std::to_string(port) + ": " + postgres->Stderr();
      return false;
    }
  }
}

PgServer::Impl::~Impl() {
  if (postgres != nullptr && postgres->pid() > 0) {
    // An immediate shutdown: the data dir goes with it, so no checkpoint is owed (a fast
    // shutdown's would fsync every database the tests made, for a minute).
    postgres->Signal(SIGQUIT);
    static_cast<void>(postgres->Wait(std::chrono::seconds(30)));
  }
  if (!dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

PgServer* PgServer::Get(std::string* error) {
  static std::mutex mu;
  static std::unique_ptr<PgServer> server;
  static std::string failure;
  std::lock_guard lock(mu);
  if (server == nullptr && failure.empty()) {
    auto started = std::unique_ptr<PgServer>(new PgServer());
    started->impl_ = new Impl();
    if (started->impl_->Start(&failure)) {
      server = std::move(started);
    } else if (failure.empty()) {
      failure = "PostgreSQL could not be started";
    }
  }
  if (server == nullptr) *error = "no PostgreSQL for the test: " + failure;
  return server.get();
}

PgServer::~PgServer() { delete impl_; }

std::string PgServer::Impl::Server() const {
  return "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres";
}

bool PgServer::Impl::Exec(const std::string& sql, std::string_view tolerated_state,
                          std::string* error) {
  std::lock_guard lock(mu);
  PGconn* conn = PQconnectdb((Server() + " dbname=postgres").c_str());
  PGresult* result = PQexec(conn, sql.c_str());
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK ||
                  PQresultStatus(result) == PGRES_TUPLES_OK ||
                  (state != nullptr && state == tolerated_state);
  if (!ok) *error = sql + ": " + PQerrorMessage(conn);
  PQclear(result);
  PQfinish(conn);
  return ok;
}

std::string PgServer::Database(const std::string& name, std::string* error) {
  // 42P04: it exists already.
  if (!impl_->Exec("CREATE DATABASE \"" + name + "\"", "42P04", error)) return "";
  return impl_->Server() + " dbname=" + name;
}

std::string PgServer::Url(const std::string& name) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(impl_->port) + "/" + name;
}

bool PgServer::DropConnections(const std::string& name, std::string* error) {
  return impl_->Exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'", "",
      error);
}

}  // namespace rotonde::test_support
