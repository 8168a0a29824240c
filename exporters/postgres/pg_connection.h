// PgConnection: one libpq connection used by the exporter, with every network
// wait bounded by a deadline (connect, send, wait for the result), so a slow
// or stopped server costs a scrape at most its timeout and never blocks the
// exporter. A query that misses its deadline closes the connection; the next
// scrape connects anew.
// Thread-safety: none; the collector serialises its scrapes.
#pragma once

#include <chrono>
#include <string>

#include "exporters/postgres/query_namespace.h"
#include "util/status.h"

typedef struct pg_conn PGconn;

namespace cairn::exporters::postgres {

using Deadline = std::chrono::steady_clock::time_point;

class PgConnection {
 public:
  explicit PgConnection(std::string dsn) : dsn_(std::move(dsn)) {}
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Connects unless connected and still healthy. Unavailable with libpq's
  // message when the server refuses (bad password, no such database) or
  // cannot be reached; Timeout when `deadline` passes first.
  Status Connect(Deadline deadline);
  bool connected() const { return conn_ != nullptr; }
  void Close();

  // Runs one statement. Execution with the server's message on an SQL error
  // (the connection stays); Timeout or Unavailable on a lost connection
  // (the connection is closed).
  Result<QueryResult> Query(const std::string& sql, Deadline deadline);

 private:
  // Waits until the socket is readable (or writable); false at the deadline.
  bool WaitSocket(bool for_write, Deadline deadline);

  std::string dsn_;
  PGconn* conn_ = nullptr;
};

}  // namespace cairn::exporters::postgres
