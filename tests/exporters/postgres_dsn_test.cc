#include "exporters/postgres/dsn.h"

#include <gtest/gtest.h>

namespace cairn::exporters::postgres {
namespace {

std::string Fp(std::string_view dsn) {
  Result<std::string> r = ServerFingerprint(dsn);
  return r.ok() ? *r : "error: " + r.status().message();
}

TEST(DsnTest, FingerprintOfUri) {
  EXPECT_EQ(Fp("postgresql://user:pw@db.example:6543/app?sslmode=disable"), "db.example:6543");
  EXPECT_EQ(Fp("postgres://user@db.example/app"), "db.example:5432");
  EXPECT_EQ(Fp("postgresql:///app?host=/run/postgresql&port=5433"), "/run/postgresql:5433");
  EXPECT_EQ(Fp("postgresql://[::1]:5432/app"), "::1:5432");
  EXPECT_EQ(Fp("postgresql://%2Ftmp%2Fsock:5432/app"), "/tmp/sock:5432");
}

TEST(DsnTest, FingerprintOfKeyValue) {
  EXPECT_EQ(Fp("host=/tmp/sock port=55432 user=postgres dbname=postgres sslmode=disable"), "/tmp/sock:55432");
  EXPECT_EQ(Fp("user=postgres dbname=postgres"), "localhost:5432");
  EXPECT_EQ(Fp("host = 10.0.0.1 password='a b'"), "10.0.0.1:5432");
  EXPECT_EQ(Fp("host=db password='unterminated").substr(0, 6), "error:");
  EXPECT_EQ(Fp("host").substr(0, 6), "error:");
}

TEST(DsnTest, RedactsPasswords) {
  EXPECT_EQ(RedactDsn("postgresql://user:s3cret@db:5432/app"), "postgresql://user:PASSWORD_REMOVED@db:5432/app");
  EXPECT_EQ(RedactDsn("postgresql://user@db:5432/app"), "postgresql://user@db:5432/app");
  EXPECT_EQ(RedactDsn("host=db password=s3cret user=u"), "host=db password=PASSWORD_REMOVED user=u");
  EXPECT_EQ(RedactDsn("host=db password='a b' user=u"), "host=db password=PASSWORD_REMOVED user=u");
}

}  // namespace
}  // namespace cairn::exporters::postgres
