// Each prober through RunProbe (as /probe runs it) against servers started
// here; values checked are the ones upstream would report for the same server.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "exporters/blackbox/config.h"
#include "exporters/blackbox/probe_handler.h"
#include "tests/exporters/blackbox/test_servers.h"

namespace cairn::blackbox {
namespace {

using testing_servers::DnsServer;
using testing_servers::HttpReply;
using testing_servers::HttpServer;
using testing_servers::Stream;
using testing_servers::TcpServer;
using testing_servers::TestCa;

// The value of `name`{labels} in a probe's families; nullopt if absent.
std::optional<double> Value(const ProbeResult& r, const std::string& name,
                            const std::map<std::string, std::string>& labels = {}) {
  for (const auto& f : r.families) {
    if (f.name != name) continue;
    for (const auto& m : f.metric) {
      std::map<std::string, std::string> got;
      for (const auto& l : m.label) got[l.name] = l.value;
      bool match = true;
      for (const auto& [k, v] : labels) match &= got.count(k) && got[k] == v;
      if (match) return m.gauge.value;
    }
  }
  return std::nullopt;
}

ProbeResult Probe(const std::string& yaml, const std::string& module, const std::string& target,
                  const std::string& timeout_header = "5") {
  auto config = ParseConfig(yaml);
  EXPECT_TRUE(config.ok()) << config.status().message();
  ProbeRequest req;
  req.module = module;
  req.target = target;
  req.scrape_timeout_header = timeout_header;
  req.debug = true;
  return RunProbe(config.value(), req, 0.5);
}

std::string Local(int port, const std::string& path = "") { return "127.0.0.1:" + std::to_string(port) + path; }

class HttpProber : public ::testing::Test {
 protected:
  HttpServer server_{{
      {"/ok", {200, {{"Content-Type", "text/plain"}, {"Last-Modified", "Mon, 07 Dec 2026 10:00:00 GMT"}}, "hello world\n"}},
      {"/r1", {302, {{"Location", "/ok"}}, ""}},
      {"/loop", {302, {{"Location", "/loop"}}, ""}},
      {"/missing", {404, {}, "no\n"}},
      {"/chunked", {200, {}, "chunked body", true}},
      {"/slow", {200, {}, "late", false, 3000}},
  }};
};

TEST_F(HttpProber, SuccessAndMetrics) {
  auto r = Probe("modules: {http_2xx: {prober: http, http: {preferred_ip_protocol: ip4}}}", "http_2xx",
                 "http://" + Local(server_.port(), "/ok"));
  EXPECT_TRUE(r.success) << r.debug_text;
  EXPECT_EQ(Value(r, "probe_success"), 1);
  EXPECT_EQ(Value(r, "probe_http_status_code"), 200);
  EXPECT_EQ(Value(r, "probe_http_content_length"), 12);
  EXPECT_EQ(Value(r, "probe_http_uncompressed_body_length"), 12);
  EXPECT_EQ(Value(r, "probe_http_version"), 1.1);
  EXPECT_EQ(Value(r, "probe_http_redirects"), 0);
  EXPECT_EQ(Value(r, "probe_http_ssl"), 0);
  EXPECT_EQ(Value(r, "probe_ip_protocol"), 4);
  EXPECT_EQ(Value(r, "probe_failed_due_to_regex"), 0);
  EXPECT_EQ(Value(r, "probe_http_last_modified_timestamp_seconds"), 1796637600);
  // 127.0.0.1's FNV-32a, as upstream's ipHash.
  EXPECT_EQ(Value(r, "probe_ip_addr_hash"), 3668918509.0);
  for (const char* phase : {"resolve", "connect", "tls", "processing", "transfer"})
    EXPECT_TRUE(Value(r, "probe_http_duration_seconds", {{"phase", phase}}).has_value()) << phase;
  EXPECT_GT(*Value(r, "probe_http_duration_seconds", {{"phase", "connect"}}), 0);
  EXPECT_FALSE(Value(r, "probe_ssl_earliest_cert_expiry").has_value());
  EXPECT_NE(r.debug_text.find("Logs for the probe:"), std::string::npos);
}

TEST_F(HttpProber, FollowsRedirectsOrNot) {
  auto r = Probe("modules: {m: {prober: http}}", "m", "http://" + Local(server_.port(), "/r1"));
  EXPECT_TRUE(r.success) << r.debug_text;
  EXPECT_EQ(Value(r, "probe_http_redirects"), 1);
  EXPECT_EQ(Value(r, "probe_http_status_code"), 200);
  r = Probe("modules: {m: {prober: http}}", "m", "http://" + Local(server_.port(), "/loop"));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(Value(r, "probe_http_redirects"), 11);  // upstream stops when len(via) > 10
  EXPECT_EQ(Value(r, "probe_http_status_code"), 302);

  r = Probe("modules: {m: {prober: http, http: {follow_redirects: false}}}", "m", "http://" + Local(server_.port(), "/r1"));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(Value(r, "probe_http_redirects"), 1);
  EXPECT_EQ(Value(r, "probe_http_status_code"), 302);
  r = Probe("modules: {m: {prober: http, http: {no_follow_redirects: true, valid_status_codes: [302]}}}", "m",
            "http://" + Local(server_.port(), "/r1"));
  EXPECT_TRUE(r.success);
}

TEST(HttpProberRedirect, ChainOfTwo) {
  // The second hop's absolute Location needs the port, known only after start:
  // a first server answers /ok, a second redirects to it twice.
  HttpServer target({{"/ok", {200, {}, "ok"}}});
  int port = target.port();
  HttpServer redirector({{"/a", {302, {{"Location", "/b"}}, ""}},
                         {"/b", {307, {{"Location", "http://127.0.0.1:" + std::to_string(port) + "/ok"}}, ""}}});
  auto r = Probe("modules: {m: {prober: http}}", "m", "http://" + Local(redirector.port(), "/a"));
  EXPECT_TRUE(r.success) << r.debug_text;
  EXPECT_EQ(Value(r, "probe_http_redirects"), 2);
  EXPECT_EQ(Value(r, "probe_http_status_code"), 200);
  EXPECT_EQ(Value(r, "probe_http_content_length"), 2);
}

TEST_F(HttpProber, StatusCodesAndRegexps) {
  auto r = Probe("modules: {m: {prober: http}}", "m", "http://" + Local(server_.port(), "/missing"));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(Value(r, "probe_http_status_code"), 404);
  EXPECT_EQ(Value(r, "probe_http_uncompressed_body_length"), 3);  // read even when the status failed
  r = Probe("modules: {m: {prober: http, http: {valid_status_codes: [404]}}}", "m", "http://" + Local(server_.port(), "/missing"));
  EXPECT_TRUE(r.success);

  r = Probe("modules: {m: {prober: http, http: {fail_if_body_matches_regexp: ['wor.d']}}}", "m",
            "http://" + Local(server_.port(), "/ok"));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(Value(r, "probe_failed_due_to_regex"), 1);
  r = Probe("modules: {m: {prober: http, http: {fail_if_body_not_matches_regexp: ['^hello']}}}", "m",
            "http://" + Local(server_.port(), "/ok"));
  EXPECT_TRUE(r.success);
  EXPECT_EQ(Value(r, "probe_failed_due_to_regex"), 0);
  r = Probe("modules: {m: {prober: http, http: {fail_if_header_not_matches: [{header: content-type, regexp: '^text/html'}]}}}",
            "m", "http://" + Local(server_.port(), "/ok"));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(Value(r, "probe_failed_due_to_regex"), 1);
  r = Probe("modules: {m: {prober: http, http: {fail_if_header_matches: [{header: X-Absent, regexp: '.', allow_missing: true}]}}}",
            "m", "http://" + Local(server_.port(), "/ok"));
  EXPECT_TRUE(r.success);
  r = Probe("modules: {m: {prober: http, http: {valid_http_versions: ['HTTP/2.0']}}}", "m",
            "http://" + Local(server_.port(), "/ok"));
  EXPECT_FALSE(r.success);
}

TEST_F(HttpProber, SendsMethodBodyHeadersAndAuth) {
  auto r = Probe(R"YAML(modules:
  m:
    prober: http
    http:
      method: POST
      body: '{"a":1}'
      headers: {X-Probe: yes-please, Host: vhost.test}
      basic_auth: {username: user, password: pass}
)YAML",
                 "m", "http://" + Local(server_.port(), "/ok"));
  EXPECT_TRUE(r.success) << r.debug_text;
  std::string sent = server_.last_request();
  EXPECT_EQ(sent.rfind("POST /ok HTTP/1.1\r\n", 0), 0u) << sent;
  EXPECT_NE(sent.find("Host: vhost.test\r\n"), std::string::npos) << sent;
  EXPECT_NE(sent.find("X-Probe: yes-please\r\n"), std::string::npos) << sent;
  EXPECT_NE(sent.find("Authorization: Basic dXNlcjpwYXNz\r\n"), std::string::npos) << sent;
  EXPECT_NE(sent.find("\r\n\r\n{\"a\":1}"), std::string::npos) << sent;
}

TEST_F(HttpProber, ChunkedBody) {
  auto r = Probe("modules: {m: {prober: http}}", "m", "http://" + Local(server_.port(), "/chunked"));
  EXPECT_TRUE(r.success);
  EXPECT_EQ(Value(r, "probe_http_content_length"), -1);
  EXPECT_EQ(Value(r, "probe_http_uncompressed_body_length"), 12);
}

TEST_F(HttpProber, TargetDownAndTimeout) {
  int closed_port;
  {
    HttpServer gone({});
    closed_port = gone.port();
  }
  auto r = Probe("modules: {m: {prober: http}}", "m", "http://" + Local(closed_port, "/"));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(Value(r, "probe_http_status_code"), 0);

  auto start = std::chrono::steady_clock::now();
  r = Probe("modules: {m: {prober: http, timeout: 700ms}}", "m", "http://" + Local(server_.port(), "/slow"));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(r.success);
  EXPECT_LT(took, 2.0);
  EXPECT_GE(*Value(r, "probe_duration_seconds"), 0.6);
}

class TlsProbers : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ca_.ok()) GTEST_SKIP() << "openssl CLI not available";
  }
  TestCa ca_;
};

TEST_F(TlsProbers, HttpsWithTestCa) {
  HttpServer server({{"/", {200, {}, "secure"}}}, ca_.server_ctx());
  std::string yaml = "modules:\n  m:\n    prober: http\n    http:\n      fail_if_not_ssl: true\n      tls_config: {ca_file: " +
                     ca_.ca_file() + "}\n";
  auto r = Probe(yaml, "m", "https://localhost:" + std::to_string(server.port()) + "/");
  ASSERT_TRUE(r.success) << r.debug_text;
  EXPECT_EQ(Value(r, "probe_http_ssl"), 1);
  EXPECT_EQ(Value(r, "probe_ssl_earliest_cert_expiry"), ca_.server_not_after());
  // The verified chain is the server certificate (10 days) and the CA (30): the earliest is the server's.
  EXPECT_EQ(Value(r, "probe_ssl_last_chain_expiry_timestamp_seconds"), ca_.server_not_after());
  EXPECT_TRUE(Value(r, "probe_tls_version_info", {{"version", "TLS 1.3"}}).has_value());
  EXPECT_TRUE(Value(r, "probe_ssl_last_chain_info", {{"subject", "CN=localhost,O=Cairn"},
                                                     {"issuer", "CN=Blackbox Test CA"},
                                                     {"subjectalternative", "localhost"}})
                  .has_value());
  EXPECT_GT(*Value(r, "probe_http_duration_seconds", {{"phase", "tls"}}), 0);

  // Without the CA the certificate is not trusted; with insecure_skip_verify it is
  // accepted, and (as Go has no verified chain then) the chain expiry is Go's zero time.
  r = Probe("modules: {m: {prober: http}}", "m", "https://localhost:" + std::to_string(server.port()) + "/");
  EXPECT_FALSE(r.success);
  r = Probe("modules: {m: {prober: http, http: {tls_config: {insecure_skip_verify: true}}}}", "m",
            "https://localhost:" + std::to_string(server.port()) + "/");
  EXPECT_TRUE(r.success) << r.debug_text;
  EXPECT_EQ(Value(r, "probe_ssl_last_chain_expiry_timestamp_seconds"), -62135596800.0);
  r = Probe("modules: {m: {prober: http, http: {fail_if_ssl: true, tls_config: {insecure_skip_verify: true}}}}", "m",
            "https://localhost:" + std::to_string(server.port()) + "/");
  EXPECT_FALSE(r.success);
}

TEST_F(TlsProbers, TcpTlsAndStartTls) {
  TcpServer tls_banner([](Stream& s) { s.Write("+OK ready\r\n"); }, ca_.server_ctx());
  std::string tls_cfg = "{ca_file: " + ca_.ca_file() + "}";
  auto r = Probe("modules: {m: {prober: tcp, tcp: {tls: true, tls_config: " + tls_cfg +
                     ", query_response: [{expect: '^\\+OK'}]}}}",
                 "m", "localhost:" + std::to_string(tls_banner.port()));
  EXPECT_TRUE(r.success) << r.debug_text;
  EXPECT_EQ(Value(r, "probe_ssl_earliest_cert_expiry"), ca_.server_not_after());

  SSL_CTX* ctx = ca_.server_ctx();
  TcpServer smtp([ctx](Stream& s) {
    s.Write("220 ready\r\n");
    std::string line;
    if (!s.ReadLine(&line) || line != "STARTTLS") return;
    s.Write("220 go ahead\r\n");
    if (!s.AcceptTls(ctx)) return;
    s.Write("250 secure\r\n");
  });
  r = Probe("modules:\n  m:\n    prober: tcp\n    tcp:\n      tls_config: " + tls_cfg +
                "\n      query_response:\n      - expect: '^220 ready'\n        send: STARTTLS\n"
                "      - expect: '^220 go'\n        starttls: true\n      - expect: '^250 secure'\n",
            "m", "localhost:" + std::to_string(smtp.port()));
  EXPECT_TRUE(r.success) << r.debug_text;
  EXPECT_TRUE(Value(r, "probe_tls_version_info").has_value());
}

TEST(TcpProber, BannerQueryResponse) {
  TcpServer server([](Stream& s) {
    s.Write("SSH-2.0-test server\r\n");
    std::string line;
    if (s.ReadLine(&line)) s.Write("ECHO " + line + "\n");
  });
  auto r = Probe(R"YAML(modules:
  m:
    prober: tcp
    tcp:
      query_response:
      - expect: "^SSH-2.0-(\\w+)"
        send: "HELLO ${1}"
      - expect: "^ECHO HELLO test$"
)YAML",
                 "m", Local(server.port()));
  EXPECT_TRUE(r.success) << r.debug_text;
  EXPECT_EQ(Value(r, "probe_failed_due_to_regex"), 0);
  EXPECT_EQ(Value(r, "probe_ip_protocol"), 4);

  // A banner that never matches before the server closes: failed due to regex.
  // (Had the server kept the connection open, the read would time out first and,
  // as upstream, that is a read error with probe_failed_due_to_regex left 0.)
  TcpServer closes_after_banner([](Stream& s) { s.Write("SSH-2.0-test server\r\n"); });
  r = Probe("modules: {m: {prober: tcp, tcp: {query_response: [{expect: '^220 '}]}}}", "m", Local(closes_after_banner.port()));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(Value(r, "probe_failed_due_to_regex"), 1);

  r = Probe("modules: {m: {prober: tcp}}", "m", "127.0.0.1");  // no port
  EXPECT_FALSE(r.success);
}

TEST(DnsProber, UdpQueryAndValidators) {
  DnsServer server;
  std::string target = Local(server.port());
  auto r = Probe("modules: {m: {prober: dns, dns: {query_name: example.test, query_type: A}}}", "m", target);
  EXPECT_TRUE(r.success) << r.debug_text;
  EXPECT_EQ(Value(r, "probe_dns_answer_rrs"), 3);
  EXPECT_EQ(Value(r, "probe_dns_authority_rrs"), 1);
  EXPECT_EQ(Value(r, "probe_dns_additional_rrs"), 1);
  EXPECT_EQ(Value(r, "probe_dns_query_succeeded"), 1);
  EXPECT_FALSE(Value(r, "probe_dns_serial").has_value());
  for (const char* phase : {"resolve", "connect", "request"})
    EXPECT_TRUE(Value(r, "probe_dns_duration_seconds", {{"phase", phase}}).has_value()) << phase;

  r = Probe("modules: {m: {prober: dns, dns: {query_name: example.test, query_type: SOA}}}", "m", target);
  EXPECT_EQ(Value(r, "probe_dns_serial"), 2026120701);

  r = Probe("modules: {m: {prober: dns, dns: {query_name: example.test, validate_answer_rrs: "
            "{fail_if_not_matches_regexp: ['\\tA\\t']}}}}",
            "m", target);
  EXPECT_FALSE(r.success);  // the TXT and SOA answers do not match
  r = Probe("modules: {m: {prober: dns, dns: {query_name: example.test, validate_answer_rrs: "
            "{fail_if_none_matches_regexp: ['IN\\tA\\t127\\.0\\.0\\.1']}, validate_additional_rrs: "
            "{fail_if_matches_regexp: ['IN\\tA\\t']}}}}",
            "m", target);
  EXPECT_TRUE(r.success) << r.debug_text;
  // fail_if_all_match_regexp fails when not every RR matches (upstream's semantics).
  r = Probe("modules: {m: {prober: dns, dns: {query_name: example.test, validate_authority_rrs: "
            "{fail_if_all_match_regexp: ['ns1']}}}}",
            "m", target);
  EXPECT_TRUE(r.success) << r.debug_text;
  r = Probe("modules: {m: {prober: dns, dns: {query_name: example.test, validate_answer_rrs: "
            "{fail_if_all_match_regexp: ['IN\tA\t']}}}}",
            "m", target);
  EXPECT_FALSE(r.success);
}

TEST(DnsProber, RcodesAndUnreachable) {
  DnsServer nx({3});
  auto r = Probe("modules: {m: {prober: dns, dns: {query_name: example.test}}}", "m", Local(nx.port()));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(Value(r, "probe_dns_query_succeeded"), 1);
  r = Probe("modules: {m: {prober: dns, dns: {query_name: example.test, valid_rcodes: [NXDOMAIN]}}}", "m", Local(nx.port()));
  EXPECT_TRUE(r.success);

  int silent_port;
  { DnsServer gone; silent_port = gone.port(); }
  r = Probe("modules: {m: {prober: dns, timeout: 300ms, dns: {query_name: example.test}}}", "m", Local(silent_port));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(Value(r, "probe_dns_query_succeeded"), 0);
}

TEST(IcmpProber, LoopbackOrClearError) {
  auto r = Probe("modules: {m: {prober: icmp, timeout: 2s, icmp: {preferred_ip_protocol: ip4}}}", "m", "127.0.0.1");
  if (r.success) {
    EXPECT_EQ(Value(r, "probe_icmp_reply_hop_limit"), 64);
    EXPECT_GT(*Value(r, "probe_icmp_duration_seconds", {{"phase", "rtt"}}), 0);
  } else {
    // Neither an ICMP datagram socket nor a raw one is permitted here.
    EXPECT_NE(r.debug_text.find("Error listening to socket"), std::string::npos) << r.debug_text;
  }
}

TEST(ProbeHandler, RequestErrorsAsUpstream) {
  auto config = ParseConfig("modules: {http_2xx: {prober: http}, odd: {prober: smtp}}").value();
  ProbeRequest req;
  req.module = "nope";
  req.target = "x";
  auto r = RunProbe(config, req, 0.5);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.error, "Unknown module \"nope\"");
  EXPECT_TRUE(r.unknown_module);
  req.module = "";
  req.target = "";
  EXPECT_EQ(RunProbe(config, req, 0.5).error, "Target parameter is missing");
  req.module = "odd";
  req.target = "x";
  EXPECT_EQ(RunProbe(config, req, 0.5).error, "Unknown prober \"smtp\"");
  req.module = "http_2xx";
  req.scrape_timeout_header = "abc";
  EXPECT_EQ(RunProbe(config, req, 0.5).http_status, 500);
}

TEST(ProbeHandler, TimeoutAsUpstream) {
  Module m;
  EXPECT_DOUBLE_EQ(ProbeTimeoutSeconds(m, "", 0.5).value(), 119.5);
  EXPECT_DOUBLE_EQ(ProbeTimeoutSeconds(m, "10", 0.5).value(), 9.5);
  m.timeout_ns = 3'000'000'000;
  EXPECT_DOUBLE_EQ(ProbeTimeoutSeconds(m, "10", 0.5).value(), 3);
  EXPECT_DOUBLE_EQ(ProbeTimeoutSeconds(m, "2", 0.5).value(), 1.5);
  EXPECT_DOUBLE_EQ(ProbeTimeoutSeconds(m, "0.2", 0.5).value(), 3);  // negative: the module's
}

}  // namespace
}  // namespace cairn::blackbox
