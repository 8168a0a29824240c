// DATA_SOURCE_NAME as postgres_exporter takes it: a URI
// ("postgresql://user:pass@host:5432/db?sslmode=disable") or libpq's
// key=value form ("host=/run/postgresql port=5432 user=postgres"). libpq
// parses both for the connection; these helpers derive what the exporter
// shows of it.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace cairn::exporters::postgres {

// The `server` label upstream puts on its samples: "<host>:<port>", with
// "localhost" and "5432" where the DSN names none (a socket directory is a
// host: "/run/postgresql:5432"). InvalidArgument for a malformed DSN.
Result<std::string> ServerFingerprint(std::string_view dsn);

// The DSN with any password replaced, for logs and errors.
std::string RedactDsn(std::string_view dsn);

}  // namespace cairn::exporters::postgres
