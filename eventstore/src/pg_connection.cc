#include "pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <optional>
#include <string_view>

namespace rotonde::eventstore {
namespace {

constexpr int kBinaryResults = 1;

// How a failure names its statement: up to its first parenthesis or line end.
std::string StatementName(std::string_view sql) {
  return std::string(sql.substr(0, sql.find_first_of("(\n")));
}

// SQLSTATE classes whose refusals pass: retry later (see the header).
bool Passes(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate.starts_with("40") || sqlstate.starts_with("57") ||
         sqlstate == "25006" || sqlstate == "55P03";
}

void AppendQuoted(std::string* out, std::string_view value) {
  out->push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

bool TimedOut(const Status& status) {
  return !status.ok() && status.error().Detail("timed_out") != nullptr;
}

std::string SqlState(const Status& status) {
  if (status.ok()) return "";
  const ErrorDetail* detail = status.error().Detail("sqlstate");
  if (detail == nullptr) return "";
  const auto* text = std::get_if<std::string>(&detail->value);
  return text == nullptr ? "" : *text;
}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

PgResult::~PgResult() {
  if (result_ != nullptr) PQclear(result_);
}

int PgResult::rows() const { return result_ == nullptr ? 0 : PQntuples(result_); }

bool PgResult::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

std::string_view PgResult::Bytes(int row, int column) const {
  return std::string_view(PQgetvalue(result_, row, column),
                          static_cast<size_t>(PQgetlength(result_, row, column)));
}

uint64_t PgResult::U64(int row, int column) const {
  const std::string_view bytes = Bytes(row, column);
  uint64_t value = 0;
  for (unsigned char c : bytes) value = (value << 8) | c;
  return value;
}

PgParams& PgParams::Text(std::string_view value) {
  values_.emplace_back(value);
  return *this;
}

PgParams& PgParams::Int(uint64_t value) {
  values_.push_back(std::to_string(value));
  return *this;
}

PgParams& PgParams::Bytes(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string literal = "\\x";  // bytea's hex form
  literal.reserve(2 + 2 * value.size());
  for (unsigned char c : value) {
    literal.push_back(kHex[c >> 4]);
    literal.push_back(kHex[c & 0xf]);
  }
  values_.push_back(std::move(literal));
  return *this;
}

PgParams& PgParams::TextArray(const std::vector<std::string_view>& values) {
  std::string literal = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal.push_back(',');
    AppendQuoted(&literal, values[i]);
  }
  literal.push_back('}');
  values_.push_back(std::move(literal));
  return *this;
}

PgParams& PgParams::IntArray(const std::vector<uint64_t>& values) {
  std::string literal = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal.push_back(',');
    literal += std::to_string(values[i]);
  }
  literal.push_back('}');
  values_.push_back(std::move(literal));
  return *this;
}

PgParams& PgParams::BytesArray(const std::vector<std::string_view>& values) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t size = 2;
  for (std::string_view value : values) size += 2 * value.size() + 6;
  std::string literal;
  literal.reserve(size);
  literal.push_back('{');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal.push_back(',');
    literal += "\"\\\\x";  // the element \x... (bytea's hex form), its backslash escaped
    for (unsigned char c : values[i]) {
      literal.push_back(kHex[c >> 4]);
      literal.push_back(kHex[c & 0xf]);
    }
    literal.push_back('"');
  }
  literal.push_back('}');
  values_.push_back(std::move(literal));
  return *this;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& conninfo) {
  // Defaults that `conninfo` may override (it comes last, and later settings win): a host
  // that does not answer is given up after 5 s (libpq then tries the next), and a peer gone
  // without a word (a machine lost, not a process killed) is noticed within about 10 s, by
  // TCP keepalives on an idle connection (the listener's) and by the kernel giving up on
  // unacknowledged data.
  static constexpr const char* kKeywords[] = {
      "connect_timeout",  "keepalives",       "keepalives_idle", "keepalives_interval",
      "keepalives_count", "tcp_user_timeout", "dbname",          nullptr};
  const char* values[] = {"5", "1", "5", "2", "3", "10000", conninfo.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(kKeywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status(codes::kUnavailable, "cannot connect to PostgreSQL");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    PQfinish(conn);
    return Status(codes::kUnavailable, "cannot connect to PostgreSQL: " + message);
  }
  // The server's notices (and a dropped connection's last words) are not this log's output:
  // what matters comes back as a Status.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::broken() const { return unusable_ || PQstatus(conn_) != CONNECTION_OK; }

Status PgConnection::Failure(std::string_view what, pg_result* result) const {
  const char* state = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state == nullptr ? "" : state;
  std::string message = result != nullptr && PQresultErrorMessage(result)[0] != '\0'
                            ? PQresultErrorMessage(result)
                            : PQerrorMessage(conn_);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  const bool lost = broken();
  std::string text = std::string(what) + " failed" + (lost ? " (the connection was lost)" : "") +
                     ": " + message + (sqlstate.empty() ? "" : " (SQLSTATE " + sqlstate + ")");
  Status failure(lost || Passes(sqlstate) ? codes::kUnavailable : codes::kIOError, std::move(text));
  if (!sqlstate.empty()) failure.WithDetail("sqlstate", sqlstate);
  return failure;
}

Result<PgResult> PgConnection::Exec(std::string_view sql, const PgParams& params) {
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const std::string& value : params.values()) values.push_back(value.c_str());
  const std::string statement(sql);
  pg_result* raw = PQexecParams(conn_, statement.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, kBinaryResults);
  const ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Status failure = Failure(StatementName(statement), raw);
    if (raw != nullptr) PQclear(raw);
    return failure;
  }
  return PgResult(raw);
}

bool PgConnection::Await(short events, std::chrono::steady_clock::time_point deadline) const {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd fd{PQsocket(conn_), events, 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready != 0) return true;  // ready, or an error that the next libpq call reports
  }
}

Result<PgResult> PgConnection::Exec(std::string_view sql, const PgParams& params,
                                    std::chrono::milliseconds timeout) {
  auto results = Pipeline({PgStatement{std::string(sql), params}}, timeout);
  if (!results.ok()) return results.status();
  return std::move(results->front());
}

Result<std::vector<PgResult>> PgConnection::Pipeline(const std::vector<PgStatement>& statements,
                                                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string what = "a pipeline";  // the statement waited for, for the messages
  // Whatever broke off a pipeline leaves the connection out of step: it is not used again.
  auto abandon = [&](pg_result* result) {
    Status failure = Failure(what, result);
    unusable_ = true;
    return failure;
  };
  auto timed_out = [&] {
    // Dropped, not cancelled: see the header.
    PQfinish(conn_);
    conn_ = nullptr;
    Status failure(codes::kUnavailable, what + " got no answer from PostgreSQL within " +
                                            std::to_string(timeout.count()) +
                                            " ms; the connection was dropped");
    failure.WithDetail("timed_out", int64_t{1});
    return failure;
  };
  if (PQenterPipelineMode(conn_) != 1) return abandon(nullptr);
  for (const PgStatement& statement : statements) {
    std::vector<const char*> values;
    for (const std::string& value : statement.params.values()) values.push_back(value.c_str());
    if (PQsendQueryParams(conn_, statement.sql.c_str(), static_cast<int>(values.size()), nullptr,
                          values.data(), nullptr, nullptr, kBinaryResults) != 1) {
      what = StatementName(statement.sql);
      return abandon(nullptr);
    }
  }
  if (PQpipelineSync(conn_) != 1) return abandon(nullptr);
  // Large statements leave the client's buffer in parts, as the server reads them.
  for (int flushed; (flushed = PQflush(conn_)) != 0;) {
    if (flushed < 0) return abandon(nullptr);
    if (!Await(POLLIN | POLLOUT, deadline)) return timed_out();
    if (PQconsumeInput(conn_) == 0) return abandon(nullptr);
  }
  // The next result (null between statements), waiting until `deadline` at most.
  enum class Wait { kReady, kTimedOut, kLost };
  auto next = [&](pg_result** out) {
    while (PQisBusy(conn_) != 0) {
      if (!Await(POLLIN, deadline)) return Wait::kTimedOut;
      if (PQconsumeInput(conn_) == 0) return Wait::kLost;
    }
    *out = PQgetResult(conn_);
    return Wait::kReady;
  };
  std::vector<PgResult> results;
  std::optional<Status> failure;
  for (const PgStatement& statement : statements) {
    what = StatementName(statement.sql);
    // Each statement's result comes followed by a null; the sync's own result ends it all.
    pg_result* raw = nullptr;
    for (bool first = true;; first = false) {
      pg_result* got = nullptr;
      const Wait wait = next(&got);
      if (wait == Wait::kTimedOut) return timed_out();
      if (wait == Wait::kLost || (first && got == nullptr)) return abandon(nullptr);
      if (got == nullptr) break;
      if (raw != nullptr) PQclear(raw);
      raw = got;
    }
    PgResult result(raw);
    const ExecStatusType status = PQresultStatus(raw);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !failure) {
      // PGRES_PIPELINE_ABORTED cannot come first: an earlier statement failed before it.
      failure = Failure(what, raw);
    }
    results.push_back(std::move(result));
  }
  what = "a pipeline's end";
  pg_result* sync = nullptr;
  const Wait wait = next(&sync);
  if (wait == Wait::kTimedOut) return timed_out();
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  if (sync != nullptr) PQclear(sync);
  if (wait == Wait::kLost || !synced || PQexitPipelineMode(conn_) != 1) {
    if (failure) {
      unusable_ = true;
      return *failure;
    }
    return abandon(nullptr);
  }
  if (failure) return *failure;
  return results;
}

Status PgConnection::Script(const std::string& sql) {
  pg_result* result = PQexec(conn_, sql.c_str());
  const ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  Status outcome = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK
                       ? Status::Ok()
                       : Failure("a script", result);
  if (result != nullptr) PQclear(result);
  return outcome;
}

PgPool::Lease::~Lease() {
  if (conn_ == nullptr || conn_->broken()) return;
  std::lock_guard lock(pool_->mu_);
  if (pool_->idle_.size() < pool_->max_idle_) pool_->idle_.push_back(std::move(conn_));
}

Status PgPool::Run(const std::function<Status(PgConnection&)>& work) {
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    auto lease = Acquire(&reused);
    if (!lease.ok()) return lease.status();
    Status s = work(**lease);
    if (s.ok() || attempt > 0 || !reused || !(*lease)->broken()) return s;
    Clear();  // idled as long as this one: likely lost too
  }
}

Result<PgPool::Lease> PgPool::Acquire(bool* reused) {
  if (reused != nullptr) *reused = false;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      if (reused != nullptr) *reused = true;
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  auto conn = PgConnection::Connect(conninfo_);
  if (!conn.ok()) return conn.status();
  return Lease(this, std::move(conn.value()));
}

void PgPool::Clear() {
  std::lock_guard lock(mu_);
  idle_.clear();
}

}  // namespace rotonde::eventstore
