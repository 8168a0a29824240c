// TargetFetcher over HTTPS against Debian's nginx: a CA, a server
// certificate for "cairn.test" only (so the client must set server_name to
// reach 127.0.0.1), and a client certificate nginx requires. Certificates are
// made with the openssl CLI in a temp dir; nginx runs in the foreground on a
// free port and is stopped by PID.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "scrape/http/target_fetcher.h"
#include "tests/scrape/child_process.h"

namespace cairn::scrape::http {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

bool Run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }

// A CA, a server certificate (DNS:cairn.test) and a client certificate.
bool MakeCertificates(const fs::path& d) {
  const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  std::ofstream(d / "server.ext") << "subjectAltName=DNS:cairn.test\nextendedKeyUsage=serverAuth\n";
  std::ofstream(d / "client.ext") << "extendedKeyUsage=clientAuth\n";
  auto p = [&](const char* f) { return (d / f).string(); };
  return Run("openssl req -x509" + key + " -days 2 -subj /CN=cairn-test-ca -keyout " + p("ca.key") + " -out " +
             p("ca.pem")) &&
         Run("openssl req" + key + " -subj /CN=cairn.test -keyout " + p("server.key") + " -out " + p("server.csr")) &&
         Run("openssl x509 -req -days 2 -in " + p("server.csr") + " -CA " + p("ca.pem") + " -CAkey " + p("ca.key") +
             " -CAcreateserial -extfile " + p("server.ext") + " -out " + p("server.pem")) &&
         Run("openssl req" + key + " -subj /CN=cairn-scraper -keyout " + p("client.key") + " -out " + p("client.csr")) &&
         Run("openssl x509 -req -days 2 -in " + p("client.csr") + " -CA " + p("ca.pem") + " -CAkey " + p("ca.key") +
             " -CAcreateserial -extfile " + p("client.ext") + " -out " + p("client.pem"));
}

constexpr const char* kNginx = "/usr/sbin/nginx";

class TargetFetcherTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kNginx)) return;  // each test skips, naming the missing peer
    dir_ = new fs::path(fs::temp_directory_path() / ("cairn_tls_" + std::to_string(::getpid())));
    fs::create_directories(*dir_ / "tmp");
    ASSERT_TRUE(MakeCertificates(*dir_)) << "openssl failed";
    port_ = testing::PickFreePort();
    const std::string d = dir_->string();
    std::ofstream(*dir_ / "nginx.conf") << "worker_processes 1;\n"
        "pid " << d << "/nginx.pid;\n"
        "error_log " << d << "/error.log;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "  access_log off;\n"
        "  client_body_temp_path " << d << "/tmp/body; proxy_temp_path " << d << "/tmp/proxy;\n"
        "  fastcgi_temp_path " << d << "/tmp/fcgi; uwsgi_temp_path " << d << "/tmp/uwsgi;\n"
        "  scgi_temp_path " << d << "/tmp/scgi;\n"
        "  server {\n"
        "    listen 127.0.0.1:" << port_ << " ssl;\n"
        "    ssl_certificate " << d << "/server.pem;\n"
        "    ssl_certificate_key " << d << "/server.key;\n"
        "    ssl_client_certificate " << d << "/ca.pem;\n"
        "    ssl_verify_client on;\n"
        "    ssl_protocols TLSv1.2;\n"
        "    keepalive_timeout 75s;\n"
        "    default_type text/plain;\n"
        "    location /metrics { return 200 \"conn $connection\\n\"; }\n"
        "    location /gzip { gzip on; gzip_types text/plain; gzip_min_length 1;\n"
        "      return 200 \"" << std::string(2000, 'z') << "\\n\"; }\n"
        "  }\n"
        "}\n";
    nginx_ = new testing::ChildProcess();
    ASSERT_TRUE(nginx_->Start({kNginx, "-p", d, "-c", d + "/nginx.conf", "-e", d + "/error.log", "-g", "daemon off;"}));
    ASSERT_TRUE(testing::WaitForPort(port_, 10s)) << "nginx did not listen; see " << d << "/error.log";
  }
  static void TearDownTestSuite() {
    delete nginx_;
    nginx_ = nullptr;
    if (dir_) fs::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    if (!fs::exists(kNginx)) GTEST_SKIP() << "nginx is not installed (scripts/install-deps.sh peers)";
  }

  std::string Url(const std::string& path) const { return "https://127.0.0.1:" + std::to_string(port_) + path; }
  std::string File(const char* name) const { return (*dir_ / name).string(); }

  Result<std::shared_ptr<const Client>> MakeClient(const std::string& tls_yaml) {
    HttpClientConfig cfg;
    CAIRN_RETURN_IF_ERROR(ParseHttpClientConfig(YAML::Load("tls_config: " + tls_yaml), "", &cfg));
    return Client::Create(cfg);
  }

  Result<FetchResult> Fetch(TargetFetcher& fetcher, const std::string& path) {
    std::optional<Result<FetchResult>> out;
    fetcher.AsyncFetch(FetchRequest{.url = Url(path), .timeout = 5s},
                       [&](Result<FetchResult> r) { out.emplace(std::move(r)); });
    ioc_.restart();
    ioc_.run();
    return std::move(*out);
  }

  // One fetch with a fresh client for `tls_yaml`.
  Result<FetchResult> FetchWith(const std::string& tls_yaml, const std::string& path = "/metrics") {
    auto client = MakeClient(tls_yaml);
    if (!client.ok()) return client.status();
    TargetFetcher fetcher(ioc_.get_executor(), *client);
    return Fetch(fetcher, path);
  }

  std::string MutualTls() const {
    return "{ca_file: " + File("ca.pem") + ", cert_file: " + File("client.pem") + ", key_file: " +
           File("client.key") + ", server_name: cairn.test}";
  }

  boost::asio::io_context ioc_;
  static fs::path* dir_;
  static testing::ChildProcess* nginx_;
  static uint16_t port_;
};

fs::path* TargetFetcherTlsTest::dir_ = nullptr;
testing::ChildProcess* TargetFetcherTlsTest::nginx_ = nullptr;
uint16_t TargetFetcherTlsTest::port_ = 0;

TEST_F(TargetFetcherTlsTest, MutualTlsWithServerNameAndKeepAlive) {
  auto client = MakeClient(MutualTls());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  TargetFetcher fetcher(ioc_.get_executor(), *client);
  auto first = Fetch(fetcher, "/metrics");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->body.rfind("conn ", 0), 0u) << first->body;
  EXPECT_EQ(first->content_type, "text/plain");
  // nginx's $connection is the connection's serial: the same one answers
  // every scrape, so there is one TLS handshake, not one per scrape.
  for (int i = 0; i < 3; ++i) {
    auto again = Fetch(fetcher, "/metrics");
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->body, first->body);
  }
  EXPECT_EQ(fetcher.connections_opened(), 1u);
}

TEST_F(TargetFetcherTlsTest, GzipOverTls) {
  auto r = FetchWith(MutualTls(), "/gzip");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, std::string(2000, 'z') + "\n");
}

TEST_F(TargetFetcherTlsTest, MissingClientCertificateIsRefusedByServer) {
  auto r = FetchWith("{ca_file: " + File("ca.pem") + ", server_name: cairn.test}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "server returned HTTP status 400 Bad Request");
}

TEST_F(TargetFetcherTlsTest, ServerNameMustMatchCertificate) {
  auto r = FetchWith("{ca_file: " + File("ca.pem") + ", cert_file: " + File("client.pem") + ", key_file: " +
                     File("client.key") + "}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "Get \"" + Url("/metrics") + "\": tls: failed to verify certificate: x509: cannot validate "
            "certificate for 127.0.0.1 because it doesn't contain any IP SANs");
  auto other = FetchWith("{ca_file: " + File("ca.pem") + ", cert_file: " + File("client.pem") + ", key_file: " +
                         File("client.key") + ", server_name: other.test}");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().message(),
            "Get \"" + Url("/metrics") + "\": tls: failed to verify certificate: x509: certificate is valid for "
            "cairn.test, not other.test");
}

TEST_F(TargetFetcherTlsTest, UnknownAuthorityIsRejected) {
  auto r = FetchWith("{cert_file: " + File("client.pem") + ", key_file: " + File("client.key") +
                     ", server_name: cairn.test}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "Get \"" + Url("/metrics") +
                                      "\": tls: failed to verify certificate: x509: certificate signed by unknown "
                                      "authority");
}

TEST_F(TargetFetcherTlsTest, InsecureSkipVerifyAcceptsAnyServer) {
  auto r = FetchWith("{insecure_skip_verify: true, cert_file: " + File("client.pem") + ", key_file: " +
                     File("client.key") + "}");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST_F(TargetFetcherTlsTest, MinVersionIsEnforced) {
  // The server speaks TLS 1.2 only (ssl_protocols above).
  const std::string base = "{ca_file: " + File("ca.pem") + ", cert_file: " + File("client.pem") + ", key_file: " +
                           File("client.key") + ", server_name: cairn.test, min_version: ";
  auto tls12 = FetchWith(base + "TLS12}");
  EXPECT_TRUE(tls12.ok()) << tls12.status().ToString();
  auto tls13 = FetchWith(base + "TLS13}");
  ASSERT_FALSE(tls13.ok());
  EXPECT_EQ(tls13.status().message(), "Get \"" + Url("/metrics") + "\": tls: tlsv1 alert protocol version");
}

TEST_F(TargetFetcherTlsTest, BadTlsMaterialFailsClientCreation) {
  auto not_pem = MakeClient("{ca_file: " + File("nginx.conf") + "}");
  ASSERT_FALSE(not_pem.ok());
  EXPECT_EQ(not_pem.status().message(), "unable to use specified CA cert file " + File("nginx.conf"));
  auto missing = MakeClient("{ca_file: " + File("nope.pem") + "}");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "unable to read CA cert: unable to read file " + File("nope.pem") +
                                            ": open " + File("nope.pem") + ": no such file or directory");
  auto mismatched = MakeClient("{cert_file: " + File("client.pem") + ", key_file: " + File("server.key") + "}");
  ASSERT_FALSE(mismatched.ok());
  EXPECT_EQ(mismatched.status().message().rfind("unable to use specified client cert (file " + File("client.pem") +
                                                    ") & key (file " + File("server.key") + "): ",
                                                0),
            0u)
      << mismatched.status().message();
  auto versions = MakeClient("{min_version: TLS13, max_version: TLS12}");
  ASSERT_FALSE(versions.ok());
  EXPECT_EQ(versions.status().message(),
            "tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified");
}

}  // namespace
}  // namespace cairn::scrape::http
