#include "exporters/postgres/pg_connection.h"

#include <poll.h>

#include <libpq-fe.h>

#include "exporters/postgres/dsn.h"

namespace cairn::exporters::postgres {

namespace {

int MillisLeft(Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

std::string TrimmedError(PGconn* conn) {
  std::string m = conn ? PQerrorMessage(conn) : "out of memory";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

PgConnection::~PgConnection() { Close(); }

void PgConnection::Close() {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
}

bool PgConnection::WaitSocket(bool for_write, Deadline deadline) {
  pollfd p{PQsocket(conn_), static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
  while (true) {
    int left = MillisLeft(deadline);
    if (left == 0) return false;
    int r = poll(&p, 1, left);
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

Status PgConnection::Connect(Deadline deadline) {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return Status::OK();
  Close();
  // expand_dbname=1: the DSN may be a URI or key=value string; libpq parses both.
  const char* keys[] = {"dbname", nullptr};
  const char* values[] = {dsn_.c_str(), nullptr};
  conn_ = PQconnectStartParams(keys, values, 1);
  if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD) {
    Status s = Status::Unavailable("error opening connection to database (" + RedactDsn(dsn_) +
                                   "): " + TrimmedError(conn_));
    Close();
    return s;
  }
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  while (st != PGRES_POLLING_OK) {
    if (st == PGRES_POLLING_FAILED) {
      Status s = Status::Unavailable("error opening connection to database (" + RedactDsn(dsn_) +
                                     "): " + TrimmedError(conn_));
      Close();
      return s;
    }
    if (!WaitSocket(st == PGRES_POLLING_WRITING, deadline)) {
      Close();
      return Status::Timeout("connecting to database (" + RedactDsn(dsn_) + ") timed out");
    }
    st = PQconnectPoll(conn_);
  }
  PQsetnonblocking(conn_, 1);
  // Go's lib/pq starts every session with these (so pg_settings_extra_float_digits reads 2 there
  // too), and ISO dates are what ValueOf() parses whatever the server's DateStyle.
  Result<QueryResult> set = Query("SET extra_float_digits = 2; SET DateStyle = 'ISO, MDY'", deadline);
  if (!set.ok()) {
    Close();
    return set.status();
  }
  return Status::OK();
}

Result<QueryResult> PgConnection::Query(const std::string& sql, Deadline deadline) {
  if (conn_ == nullptr) return Status::Unavailable("not connected");
  if (PQsendQuery(conn_, sql.c_str()) == 0) {
    Status s = Status::Unavailable(TrimmedError(conn_));
    Close();
    return s;
  }
  while (true) {  // flush the query out
    int f = PQflush(conn_);
    if (f == 0) break;
    if (f < 0 || !WaitSocket(true, deadline)) {
      Close();
      return Status::Timeout("sending query timed out");
    }
  }
  QueryResult out;
  Status error;
  while (true) {
    while (PQisBusy(conn_)) {
      if (!WaitSocket(false, deadline)) {
        Close();
        return Status::Timeout("query timed out");
      }
      if (PQconsumeInput(conn_) == 0) {
        Status s = Status::Unavailable(TrimmedError(conn_));
        Close();
        return s;
      }
    }
    PGresult* res = PQgetResult(conn_);
    if (res == nullptr) break;
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK) {
      int nf = PQnfields(res), nt = PQntuples(res);
      out.columns.clear();
      out.types.clear();
      out.rows.clear();
      for (int f = 0; f < nf; ++f) {
        out.columns.emplace_back(PQfname(res, f));
        out.types.push_back(PgTypeOfOid(PQftype(res, f)));
      }
      out.rows.reserve(nt);
      for (int t = 0; t < nt; ++t) {
        std::vector<std::optional<std::string>> row(nf);
        for (int f = 0; f < nf; ++f) {
          if (!PQgetisnull(res, t, f)) row[f] = std::string(PQgetvalue(res, t, f), PQgetlength(res, t, f));
        }
        out.rows.push_back(std::move(row));
      }
    } else if (st != PGRES_COMMAND_OK && st != PGRES_EMPTY_QUERY) {
      std::string m = PQresultErrorMessage(res);
      while (!m.empty() && m.back() == '\n') m.pop_back();
      error = Status::Execution(m);
    }
    PQclear(res);
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    Status s = Status::Unavailable(error.ok() ? TrimmedError(conn_) : error.message());
    Close();
    return s;
  }
  if (!error.ok()) return error;
  return out;
}

}  // namespace cairn::exporters::postgres
