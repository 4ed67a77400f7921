// A throwaway PostgreSQL 15 server for tests of the PostgreSQL backend: initdb into a fresh
// temp dir, then `postgres` on a free loopback port (127.0.0.1 only) with fsync=on, started
// once per test process at first use and stopped (its dir removed) at exit. Run as root (as
// tests are in CI), it runs as the unprivileged `postgres` user, as PostgreSQL demands.
//
// A test that needs it and cannot have it fails, naming why: never a silent skip.
#pragma once

#include <string>

namespace rotonde::test_support {

class PgServer {
 public:
  // The process's server, started at the first call; null (with *error) if it cannot be.
  static PgServer* Get(std::string* error);

  // A libpq connection string to the database `name` (letters, digits, '_' and '-'),
  // created at the first call for that name; "" (with *error) on failure.
  std::string Database(const std::string& name, std::string* error);
  // The same database as a postgresql:// URL (as `rotonde serve --store` takes it).
  std::string Url(const std::string& name) const;
  // Ends every connection to the database `name` (pg_terminate_backend), as a restarted
  // server or a failover does; false (with *error) if it cannot.
  bool DropConnections(const std::string& name, std::string* error);

  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  class Impl;

 private:
  PgServer() = default;
  Impl* impl_ = nullptr;
};

}  // namespace rotonde::test_support
