#!/usr/bin/env python3
"""Cairn scrapes real exporters and a protected target, as it would in the seed's stack.

Started here, all on 127.0.0.1 with free ports and in the test's temp dir:
  - PostgreSQL 15 (initdb as the `postgres` account, unix socket in the temp dir) and
    Debian's prometheus-postgres-exporter against it (DATA_SOURCE_NAME);
  - redis-server and prometheus-redis-exporter against it;
  - nginx serving a static exposition file over HTTPS (a CA and a server certificate made
    with openssl now, for the name cairn-target.test and 127.0.0.1) behind basic auth (an
    htpasswd file written with `openssl passwd -apr1`).
One prometheus.yml, read by Cairn and by Prometheus 2.42 alike, has the jobs
  postgres, redis, static_tls (ca_file, server_name, basic_auth): healthy;
  static_wrong_password: 401 from nginx; static_bad_ca: a CA that did not sign nginx' certificate.

Checked on Cairn: up=1 and pg_up/redis_up/the static file's series with the right job and
instance; /api/v1/targets health and lastError, the failing jobs with up=0 and
Prometheus' error texts. Checked against Prometheus: the label sets of every series of the
healthy jobs, `up` of every target, and each target's health and lastError.
Prints `scrape exporters: N series agree, M differ`.
"""
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib.harness import check, log  # noqa: E402

PG_BIN = "/usr/lib/postgresql/15/bin"
TLS_NAME = "cairn-target.test"
USER, PASSWORD = "scraper", "s3cret-Pa55"
INTERVAL_S = 1

STATIC_EXPOSITION = """# HELP static_build_info Build of the statically served target.
# TYPE static_build_info gauge
static_build_info{version="1.4.2",revision="abc123"} 1
# HELP static_requests_total Requests served.
# TYPE static_requests_total counter
static_requests_total{code="200",method="get"} 1027
static_requests_total{code="500",method="post"} 3
# HELP static_latency_seconds Request latency.
# TYPE static_latency_seconds histogram
static_latency_seconds_bucket{le="0.05"} 10
static_latency_seconds_bucket{le="0.5"} 25
static_latency_seconds_bucket{le="+Inf"} 27
static_latency_seconds_sum 4.75
static_latency_seconds_count 27
"""
STATIC_SERIES = 8


def run_cmd(argv, **kw):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    check(r.returncode == 0, "%s failed (%d): %s" % (" ".join(argv), r.returncode, r.stdout.decode(errors="replace")))
    return r.stdout.decode()


def make_pki(env):
    """A CA, a server certificate it signs, and an unrelated CA; returns their paths."""
    openssl = env.binary("openssl")
    d = env.path("pki")
    os.makedirs(d)
    p = lambda name: os.path.join(d, name)  # noqa: E731
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "other-ca"):
        run_cmd([openssl, "req", "-x509"] + ec + ["-keyout", p(ca + ".key"), "-out", p(ca + ".pem"),
                                                  "-days", "2", "-subj", "/CN=cairn test " + ca])
    run_cmd([openssl, "req"] + ec + ["-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=" + TLS_NAME])
    with open(p("server.ext"), "w") as f:
        f.write("subjectAltName=DNS:%s,IP:127.0.0.1\n" % TLS_NAME)
    run_cmd([openssl, "x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
             "-CAcreateserial", "-out", p("server.pem"), "-days", "2", "-extfile", p("server.ext")])
    hashed = run_cmd([openssl, "passwd", "-apr1", PASSWORD]).strip()
    with open(p("htpasswd"), "w") as f:
        f.write("%s:%s\n" % (USER, hashed))
    return {"ca": p("ca.pem"), "other_ca": p("other-ca.pem"), "cert": p("server.pem"), "key": p("server.key"),
            "htpasswd": p("htpasswd")}


def start_nginx(env, pki):
    nginx = env.binary("nginx")
    root = env.path("nginx")
    os.makedirs(os.path.join(root, "tmp"))
    with open(os.path.join(root, "metrics.prom"), "w") as f:
        f.write(STATIC_EXPOSITION)
    port = harness.free_port()
    conf = os.path.join(root, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""daemon off;
master_process off;
pid %(root)s/nginx.pid;
error_log stderr warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %(root)s/tmp/body;
  proxy_temp_path %(root)s/tmp/proxy;
  fastcgi_temp_path %(root)s/tmp/fastcgi;
  uwsgi_temp_path %(root)s/tmp/uwsgi;
  scgi_temp_path %(root)s/tmp/scgi;
  server {
    listen 127.0.0.1:%(port)d ssl;
    ssl_certificate %(cert)s;
    ssl_certificate_key %(key)s;
    location = /metrics {
      auth_basic "metrics";
      auth_basic_user_file %(htpasswd)s;
      types { }
      default_type "text/plain; version=0.0.4; charset=utf-8";
      alias %(root)s/metrics.prom;
    }
  }
}
""" % dict(pki, root=root, port=port))
    proc = env.spawn("nginx", [nginx, "-p", root, "-e", "stderr", "-c", conf])
    deadline = time.time() + 15
    while time.time() < deadline:
        check(proc.alive(), "nginx exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return port
        except OSError:
            time.sleep(0.1)
    raise harness.Failure("nginx does not listen on %d" % port)


def start_postgres(env):
    """PostgreSQL 15 as the postgres account, and the exporter; returns the exporter's port."""
    for name in ("initdb", "postgres"):
        if not os.access(os.path.join(PG_BIN, name), os.X_OK):
            raise harness.Skip("%s/%s not found" % (PG_BIN, name))
    exporter = env.binary("prometheus-postgres-exporter")
    os.chmod(env.tmp, 0o755)  # the postgres account must reach its directories
    data, sock = env.path("pg-data"), env.path("pg-sock")
    for d in (data, sock):
        os.makedirs(d)
        subprocess.run(["chown", "postgres:postgres", d], check=True)
    run_cmd([os.path.join(PG_BIN, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
             "--no-sync", "--no-instructions"], user="postgres", group="postgres", cwd=data)
    pg_port = harness.free_port()
    pg = env.spawn("postgres", [os.path.join(PG_BIN, "postgres"), "-D", data, "-p", str(pg_port), "-k", sock,
                                "-c", "listen_addresses=", "-c", "fsync=off"], user="postgres", cwd=data)
    port = harness.free_port()
    exp_env = dict(os.environ)
    exp_env["DATA_SOURCE_NAME"] = "host=%s port=%d user=postgres dbname=postgres sslmode=disable" % (sock, pg_port)
    env.spawn("postgres-exporter", [exporter, "--web.listen-address=127.0.0.1:%d" % port], env=exp_env)
    wait_for_line("http://127.0.0.1:%d/metrics" % port, "pg_up 1", pg)
    return port


def start_redis(env):
    server, exporter = env.binary("redis-server"), env.binary("prometheus-redis-exporter")
    redis_port, port = harness.free_port(), harness.free_port()
    rd = env.spawn("redis", [server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", env.tmp])
    env.spawn("redis-exporter", [exporter, "-redis.addr", "redis://127.0.0.1:%d" % redis_port,
                                 "-web.listen-address", "127.0.0.1:%d" % port])
    wait_for_line("http://127.0.0.1:%d/metrics" % port, "redis_up 1", rd)
    return port


def wait_for_line(url, line, proc, timeout=30):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        check(proc.alive(), "%s exited" % proc.name)
        try:
            r = harness.http_get(url, timeout=5)
            if r.status == 200 and ("\n" + line + "\n") in ("\n" + r.text()):
                return
            last = r
        except OSError as e:
            last = e
        time.sleep(0.3)
    raise harness.Failure("%s never showed %r: %r" % (url, line, last))


def config(pki, pg_port, redis_port, nginx_port):
    tls_job = """  - job_name: %(name)s
    scheme: https
    tls_config:
      ca_file: %(ca)s
      server_name: """ + TLS_NAME + """
    basic_auth:
      username: """ + USER + """
      password: %(password)s
    static_configs:
      - targets: ["127.0.0.1:%(port)d"]
"""
    out = """global:
  scrape_interval: %(i)ds
  scrape_timeout: 900ms
scrape_configs:
  - job_name: postgres
    static_configs:
      - targets: ["127.0.0.1:%(pg)d"]
  - job_name: redis
    static_configs:
      - targets: ["127.0.0.1:%(redis)d"]
        labels: {role: cache}
""" % {"i": INTERVAL_S, "pg": pg_port, "redis": redis_port}
    for name, ca, password in (("static_tls", pki["ca"], PASSWORD), ("static_wrong_password", pki["ca"], "wrong"),
                               ("static_bad_ca", pki["other_ca"], PASSWORD)):
        out += tls_job % {"name": name, "ca": ca, "password": password, "port": nginx_port}
    return out


def series(url, q):
    r = harness.api_get(url, "/api/v1/query", {"query": q})
    return {json.dumps(harness.normalised_labels(s["metric"]), sort_keys=True): float(s["value"][1])
            for s in r["result"]}


def targets_by_job(url):
    data = harness.api_get(url, "/api/v1/targets", {"state": "active"})
    return {t["labels"]["job"]: t for t in data["activeTargets"]}


def wait_all_scraped(url, jobs, timeout=30):
    """Until every job's target reported a scrape (health no longer unknown), twice over."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ts = targets_by_job(url)
        if set(ts) == set(jobs) and all(t["health"] != "unknown" for t in ts.values()):
            time.sleep(2 * INTERVAL_S)
            return
        time.sleep(0.3)
    raise harness.Failure("%s: not every target scraped: %r" % (url, targets_by_job(url)))


def main(env):
    pki = make_pki(env)
    nginx_port = start_nginx(env, pki)
    pg_port = start_postgres(env)
    redis_port = start_redis(env)
    log("postgres exporter on %d, redis exporter on %d, nginx on %d" % (pg_port, redis_port, nginx_port))

    cfg = config(pki, pg_port, redis_port, nginx_port)
    cairn = harness.Cairn(env, config=cfg)
    prom = harness.Prometheus(env, cfg)
    cairn.start()
    prom.start()
    jobs = ("postgres", "redis", "static_tls", "static_wrong_password", "static_bad_ca")
    wait_all_scraped(cairn.url, jobs)
    wait_all_scraped(prom.url, jobs)

    # Cairn on its own: the targets, their up and their series.
    inst = lambda port: "127.0.0.1:%d" % port  # noqa: E731
    tc = targets_by_job(cairn.url)
    for job, port in (("postgres", pg_port), ("redis", redis_port), ("static_tls", nginx_port)):
        t = tc[job]
        check(t["health"] == "up" and t["lastError"] == "", "%s target: %r" % (job, t))
        check(t["labels"]["instance"] == inst(port), "%s target labels: %r" % (job, t["labels"]))
        up = series(cairn.url, 'up{job="%s"}' % job)
        check(list(up.values()) == [1.0], "up of %s: %r" % (job, up))
    check(tc["redis"]["labels"].get("role") == "cache", "redis target labels: %r" % tc["redis"]["labels"])
    for q, want in (('pg_up{job="postgres",instance="%s"}' % inst(pg_port), 1.0),
                    ('redis_up{job="redis",instance="%s",role="cache"}' % inst(redis_port), 1.0),
                    ('static_requests_total{job="static_tls",instance="%s",code="200",method="get"}'
                     % inst(nginx_port), 1027.0)):
        got = series(cairn.url, q)
        check(list(got.values()) == [want], "%s: %r" % (q, got))
    static = series(cairn.url, '{job="static_tls",__name__=~"static_.*"}')
    check(len(static) == STATIC_SERIES, "static target: %d series, want %d: %r" % (len(static), STATIC_SERIES,
                                                                                   sorted(static)))
    url = "https://127.0.0.1:%d/metrics" % nginx_port
    wrong = tc["static_wrong_password"]
    check(wrong["health"] == "down" and wrong["lastError"] == "server returned HTTP status 401 Unauthorized",
          "wrong password target: %r" % wrong)
    bad_ca = tc["static_bad_ca"]
    check(bad_ca["health"] == "down" and bad_ca["lastError"].startswith('Get "%s": ' % url)
          and "x509: certificate signed by unknown authority" in bad_ca["lastError"], "bad CA target: %r" % bad_ca)
    for job in ("static_wrong_password", "static_bad_ca"):
        up = series(cairn.url, 'up{job="%s"}' % job)
        check(list(up.values()) == [0.0], "up of %s: %r" % (job, up))
        check(not series(cairn.url, '{job="%s",__name__=~"static_.*"}' % job), "%s has scraped series" % job)

    # Against Prometheus 2.42: the same series label sets, up values and target states.
    agree = differ = 0
    problems = []
    for q in ('{job="postgres"}', '{job="redis"}', '{job="static_tls"}', "up"):
        c, p = series(cairn.url, q), series(prom.url, q)
        for k in sorted(set(c) | set(p)):
            if k in c and k in p:
                agree += 1
            else:
                differ += 1
                problems.append("%s: %s only in %s" % (q, k, "cairn" if k in c else "prometheus"))
    check(series(cairn.url, "up") == series(prom.url, "up"), "up values differ")
    tp = targets_by_job(prom.url)
    for job in jobs:
        c, p = tc[job], tp[job]
        check(c["labels"] == p["labels"] and c["discoveredLabels"] == p["discoveredLabels"],
              "%s: target labels differ: %r vs %r" % (job, c, p))
        check(c["health"] == p["health"], "%s: health %s vs %s" % (job, c["health"], p["health"]))
        # 2.42 is built with Go 1.19, whose TLS errors lack the "tls: failed to verify certificate: "
        # that Go 1.20+ (and so Prometheus 3.x, and Cairn) puts before x509's text.
        c_err = c["lastError"].replace("tls: failed to verify certificate: ", "")
        check(c_err == p["lastError"], "%s: lastError %r vs %r" % (job, c["lastError"], p["lastError"]))
    for p in problems:
        log("differ: " + p)
    print("scrape exporters: %d series agree, %d differ" % (agree, differ), flush=True)
    check(differ == 0, "%d series differ" % differ)


if __name__ == "__main__":
    harness.run(main, __doc__)
