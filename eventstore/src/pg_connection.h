// A thin layer over libpq for the PostgreSQL backend (pg_event_log.cc): connections that
// answer with Status, parameters and results in the forms it uses, and a pool of idle
// connections for readers.
//
// Results come in PostgreSQL's binary format: text columns as their bytes, bytea as its
// bytes, bigint as 8 big-endian bytes (select every number as bigint). Parameters go as text,
// arrays as array literals, so one statement can carry a whole group's rows (unnest).
//
// Errors: a lost connection, and refusals that pass (a deadlock, a serialization failure, a
// server shutting down or read-only after a failover) are kUnavailable; any other refusal is
// kIOError. Both name the SQLSTATE.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/base/status.h"

struct pg_conn;
struct pg_result;

namespace rotonde::eventstore {

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result) : result_(result) {}
  PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult();

  int rows() const;
  bool IsNull(int row, int column) const;
  std::string_view Bytes(int row, int column) const;
  uint64_t U64(int row, int column) const;  // a bigint column

 private:
  pg_result* result_ = nullptr;
};

// A statement's parameters, in order ($1, $2, ...).
class PgParams {
 public:
  PgParams& Text(std::string_view value);
  PgParams& Int(uint64_t value);
  PgParams& Bytes(std::string_view value);  // a bytea
  PgParams& TextArray(const std::vector<std::string_view>& values);
  PgParams& IntArray(const std::vector<uint64_t>& values);
  PgParams& BytesArray(const std::vector<std::string_view>& values);

  const std::vector<std::string>& values() const { return values_; }

 private:
  std::vector<std::string> values_;
};

// A statement and its parameters, for PgConnection::Pipeline.
struct PgStatement {
  std::string sql;
  PgParams params;
};

// Whether `status` is an Exec or a Pipeline that got no answer within its timeout.
bool TimedOut(const Status& status);

// The SQLSTATE of a failure PostgreSQL reported (e.g. "23505", a unique violation); "" for
// any other status.
std::string SqlState(const Status& status);

// One connection, used by one thread at a time.
class PgConnection {
 public:
  // Connects with a libpq connection string (URL or key=value).
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with `params`.
  Result<PgResult> Exec(std::string_view sql, const PgParams& params = {});
  // The same, waiting at most `timeout` for the answer: past it the connection is dropped
  // (broken() from then on) and kUnavailable returned, which TimedOut() tells. What the
  // statement did is then unknown, as for any lost connection; nothing is cancelled on the
  // server (a cancelled wait for a synchronous standby would leave a commit standing on the
  // primary alone).
  Result<PgResult> Exec(std::string_view sql, const PgParams& params,
                        std::chrono::milliseconds timeout);
  // Runs `statements` in order in one round trip (libpq's pipeline mode), waiting at most
  // `timeout` for all their answers (as Exec does): their results, in order, if every one
  // succeeded; else the first failure, and the statements after it were not run. Inside an
  // explicit transaction (BEGIN sent before), a failure leaves it aborted for the caller to
  // roll back.
  Result<std::vector<PgResult>> Pipeline(const std::vector<PgStatement>& statements,
                                         std::chrono::milliseconds timeout);
  // Runs statements without parameters (a script), discarding their results.
  Status Script(const std::string& sql);
  // True once the connection is lost (or a pipeline broke off): it is of no more use.
  bool broken() const;
  pg_conn* raw() { return conn_; }

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  Status Failure(std::string_view what, pg_result* result) const;
  // Waits until the socket is ready for `events` or `deadline` passes (false then).
  bool Await(short events, std::chrono::steady_clock::time_point deadline) const;
  pg_conn* conn_;
  bool unusable_ = false;
};

// Idle connections for readers: Acquire takes one (or connects), the lease gives it back.
class PgPool {
 public:
  PgPool(std::string conninfo, size_t max_idle)
      : conninfo_(std::move(conninfo)), max_idle_(max_idle) {}

  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease();
    PgConnection* operator->() { return conn_.get(); }
    PgConnection& operator*() { return *conn_; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  Result<Lease> Acquire() { return Acquire(nullptr); }
  // Runs `work` on a connection. Reads only: when an idle connection turns out lost (the
  // server restarted, a failover), the idle ones are dropped and `work` runs once more on a
  // new connection.
  Status Run(const std::function<Status(PgConnection&)>& work);
  // Closes the idle connections.
  void Clear();

 private:
  // *reused (if given) tells whether the connection had idled in the pool.
  Result<Lease> Acquire(bool* reused);

  const std::string conninfo_;
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
};

}  // namespace rotonde::eventstore
