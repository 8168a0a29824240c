#!/usr/bin/env python3
"""The web UI (issue 12, docs/ui.md): HTTP checks in Python, then a browser test.

Starts cairn with a rule file and a scrape job of its own, remote-writes an hour
of SERIES series, and checks over HTTP: `/` redirects to `/graph`, the pages and
assets are served gzip'd with an ETag that answers 304; a second cairn under
`--web.external-url=.../cairn/` serves everything under the prefix (API too),
redirects `/` there and answers 404 outside it. Then web/test/ui_test.mjs drives
Debian's chromium through puppeteer-core over both: every page loads without
console errors, a query typed with autocompletion draws SERIES series, the URL
round-trips the view; then web/test/dashboards_test.mjs draws the seed's three Grafana
dashboards (deploy/grafana/dashboards/) from the seed's series remote-written here, every
panel with data. Screenshots go to <build dir>/test-artifacts/ui/ (or
--artifacts). Exit 77 when node, chromium, puppeteer-core or the UI (a build
without node) is missing.
"""
import gzip
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib import snappy_block  # noqa: E402
from lib.harness import check, log  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WEB = os.path.join(REPO, "web")
CHROMIUM = "/usr/bin/chromium"
METRIC = "cairn_ui_requests_total"
SERIES = 7

RULES = """groups:
  - name: ui
    interval: 1s
    rules:
      - record: job:cairn_ui_requests:rate1m
        expr: sum by (job) (rate(cairn_ui_requests_total[1m]))
      - alert: UiRequestsHigh
        expr: cairn_ui_requests_total > 0
        for: 1h
"""


def config(port):
    return """global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - rules/*.yml
scrape_configs:
  - job_name: cairn
    static_configs:
      - targets: ['127.0.0.1:%d']
""" % port


def feed(url):
    """An hour of SERIES counters at a 15 s step, ending now."""
    now = int(time.time() * 1000) // 15000 * 15000
    ts = [now - 3600 * 1000 + i * 15000 for i in range(241)]
    series = [(tuple(sorted({"__name__": METRIC, "job": "api", "instance": "host-%d:9100" % i, "code": "200"}.items())),
               [float(i * 1000 + k * (i + 1)) for k in range(len(ts))]) for i in range(SERIES)]
    body = prom_pb.encode_write_v1_grid(series, ts)
    r = harness.http_request("POST", url + "/api/v1/write", snappy_block.compress(body), harness.WRITE_HEADERS_V1)
    check(200 <= r.status < 300, "remote write: %r" % r)


def seed_series():
    """The series the seed's dashboards (deploy/grafana/dashboards/) query, with the
    exporters' and the services' metric names: [(labels, value_at(k))], k the step index."""
    out = []

    def add(name, labels, f):
        out.append((dict(labels, __name__=name), f))

    for j, job in enumerate(["api-gateway", "user-service"]):
        for i in range(2):
            inst = {"job": job, "instance": "%s-%d:3000" % (job, i)}
            for status, share in (("200", 20.0), ("404", 1.0), ("500", 0.2)):
                add("http_requests_total", dict(inst, status=status), lambda k, r=share * (j + 1): r * 15 * k)
            for route, scale in (("/api/users", 1.0), ("/api/orders", 2.0)):
                # Cumulative buckets: most requests under 250 ms, a tail to 2.5 s.
                for le, frac in (("0.05", 0.2), ("0.1", 0.45), ("0.25", 0.8), ("0.5", 0.93), ("1", 0.97), ("2.5", 0.995), ("+Inf", 1.0)):
                    add("http_request_duration_seconds_bucket", dict(inst, method="GET", route=route, le=le),
                        lambda k, r=10.0 * scale * frac: r * 15 * k)
            add("up", inst, lambda k: 1.0)
    add("nginx_http_requests_total", {"job": "nginx", "instance": "nginx:9113"}, lambda k: 30.0 * 15 * k)
    add("up", {"job": "nginx", "instance": "nginx:9113"}, lambda k: 1.0)

    pg = {"job": "postgres", "instance": "postgres:9187"}
    add("pg_up", pg, lambda k: 1.0)
    add("up", pg, lambda k: 1.0)
    add("pg_settings_max_connections", pg, lambda k: 100.0)
    for d, (dat, scale) in enumerate((("app", 3.0), ("postgres", 1.0))):
        db = dict(pg, datname=dat)
        add("pg_stat_database_numbackends", db, lambda k, s=scale: 10 * s + k % 7)
        add("pg_stat_database_blks_hit", db, lambda k, s=scale: 990.0 * s * 15 * k)
        add("pg_stat_database_blks_read", db, lambda k, s=scale: 10.0 * s * 15 * k)
        add("pg_stat_database_deadlocks", db, lambda k, d=d: float(k // (40 + d * 20)))
        add("pg_stat_database_xact_commit", db, lambda k, s=scale: 50.0 * s * 15 * k)
        add("pg_stat_database_xact_rollback", db, lambda k, s=scale: 0.5 * s * 15 * k)
        add("pg_database_size_bytes", db, lambda k, s=scale: 2.5e8 * s + 1e5 * k)
        for state, n in (("active", 3.0), ("idle", 12.0)):
            add("pg_stat_activity_count", dict(db, state=state), lambda k, n=n, s=scale: n * s)
        add("pg_stat_statements_calls", dict(db, user="app"), lambda k, s=scale: 40.0 * s * 15 * k)
        add("pg_stat_statements_total_time_seconds", dict(db, user="app"), lambda k, s=scale: 0.6 * s * 15 * k)

    for n in range(2):
        node = {"job": "node", "instance": "node-%d:9100" % n}
        add("up", node, lambda k: 1.0)
        add("node_uname_info", dict(node, nodename="node-%d" % n, sysname="Linux"), lambda k: 1.0)
        for cpu in ("0", "1"):
            for mode, frac in (("idle", 0.6 - 0.2 * n), ("user", 0.3 + 0.15 * n), ("system", 0.1 + 0.05 * n)):
                add("node_cpu_seconds_total", dict(node, cpu=cpu, mode=mode), lambda k, f=frac: f * 15 * k)
        add("node_memory_MemTotal_bytes", node, lambda k: 16.0 * 2 ** 30)
        add("node_memory_MemAvailable_bytes", node, lambda k, n=n: (6.0 - 2 * n) * 2 ** 30 + (k % 10) * 2 ** 20)
        for mp, size, free in (("/", 100.0, 0.4 - 0.3 * n), ("/data", 500.0, 0.7)):
            fs = dict(node, mountpoint=mp, fstype="ext4", device="/dev/sd%s" % ("a" if mp == "/" else "b"))
            add("node_filesystem_size_bytes", fs, lambda k, s=size: s * 2 ** 30)
            add("node_filesystem_avail_bytes", fs, lambda k, s=size, f=free: s * f * 2 ** 30)
    return out


def feed_seed(url):
    """An hour of the seed's series at a 15 s step, ending now."""
    now = int(time.time() * 1000) // 15000 * 15000
    ts = [now - 3600 * 1000 + i * 15000 for i in range(241)]
    series = [(tuple(sorted(labels.items())), [float(f(k)) for k in range(len(ts))]) for labels, f in seed_series()]
    body = prom_pb.encode_write_v1_grid(series, ts)
    r = harness.http_request("POST", url + "/api/v1/write", snappy_block.compress(body), harness.WRITE_HEADERS_V1)
    check(200 <= r.status < 300, "remote write of the seed series: %r" % r)
    return len(series)


def run_browser_test(node, script, args, name):
    t0 = time.time()
    proc = subprocess.run([node, os.path.join(WEB, "test", script)] + args,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    print(proc.stdout, end="")
    if proc.returncode == 77:
        raise harness.Skip("%s skipped" % name)
    check(proc.returncode == 0, "%s failed (exit %d) after %.1fs" % (name, proc.returncode, time.time() - t0))
    log("%s: %.1fs" % (name, time.time() - t0))


def http_checks(base, prefix=""):
    r = harness.http_request("GET", base + prefix + "/")
    check(r.status == 302 and r.headers.get("location") == prefix + "/graph",
          "GET %s/: %d Location %r" % (prefix, r.status, r.headers.get("location")))
    r = harness.http_request("GET", base + prefix + "/graph", headers={"Accept-Encoding": "gzip"})
    check(r.status == 200 and r.headers.get("content-encoding") == "gzip", "GET /graph: %r" % r)
    html = gzip.decompress(r.body).decode()
    if 'name="cairn-prefix"' not in html:
        raise harness.Skip("this cairn was built without the web UI (node/npm missing at build time)")
    check('content="%s"' % prefix in html and 'src="%s/assets/app.js"' % prefix in html,
          "index.html carries the prefix %r" % prefix)
    r = harness.http_request("GET", base + prefix + "/assets/app.js", headers={"Accept-Encoding": "gzip"})
    check(r.status == 200 and r.headers.get("content-encoding") == "gzip"
          and r.headers.get("content-type", "").startswith("text/javascript"), "app.js gzip'd: %r" % r)
    etag = r.headers.get("etag", "")
    check(etag.startswith('"'), "app.js ETag %r" % etag)
    plain = harness.http_request("GET", base + prefix + "/assets/app.js")
    check(plain.status == 200 and "content-encoding" not in plain.headers
          and plain.body == gzip.decompress(r.body), "app.js without gzip: the same bytes")
    r = harness.http_request("GET", base + prefix + "/assets/app.js", headers={"If-None-Match": etag})
    check(r.status == 304 and not r.body, "If-None-Match answers 304: %r" % r)
    r = harness.api_get(base + prefix, "/api/v1/query", {"query": "count(%s)" % METRIC})
    check(r["result"] and r["result"][0]["value"][1] == str(SERIES), "API under %r: %r" % (prefix, r))


class PrefixedCairn(harness.Cairn):
    """A cairn under --web.external-url=http://127.0.0.1:<port>/cairn/: its url (readiness
    included, as in Prometheus) is under the prefix; `root` is the bare host."""

    def __init__(self, env, port, config_text):
        self.root = "http://127.0.0.1:%d" % port
        super().__init__(env, name="cairn-prefixed", config=config_text,
                         extra_args=["--web.external-url=%s/cairn/" % self.root])

    @property
    def url(self):
        return "http://127.0.0.1:%d/cairn" % self.port


def main(env):
    node = shutil.which("node")
    if not node:
        raise harness.Skip("node not found")
    if not os.path.exists(CHROMIUM):
        raise harness.Skip("%s not found (scripts/install-deps.sh peers installs chromium)" % CHROMIUM)
    if not os.path.isdir(os.path.join(WEB, "node_modules", "puppeteer-core")):
        raise harness.Skip("web/node_modules has no puppeteer-core (the build's npm ci installs it)")
    build_dir = os.path.dirname(os.path.dirname(os.path.abspath(env.args.cairn)))
    artifacts = env.args.artifacts or os.path.join(build_dir, "test-artifacts", "ui")

    os.makedirs(env.path("rules"), exist_ok=True)
    with open(env.path("rules", "ui.yml"), "w") as f:
        f.write(RULES)
    port = harness.free_port()
    cairn = harness.Cairn(env, config=config(port))
    cairn.start(port=port)
    port2 = harness.free_port()
    prefixed = PrefixedCairn(env, port2, config(port2))
    prefixed.start(port=port2)
    feed(cairn.url)
    feed(prefixed.url)

    http_checks(cairn.url)
    http_checks(prefixed.root, "/cairn")
    r = harness.http_request("GET", prefixed.root + "/")
    check(r.status == 302 and r.headers.get("location") == "/cairn/", "prefixed GET /: %r" % r)
    r = harness.http_request("GET", prefixed.root + "/api/v1/query?query=1")
    check(r.status == 404, "prefixed: /api/v1/query outside the prefix answers %d, want 404" % r.status)
    log("http checks passed; browser test (screenshots in %s)" % artifacts)

    run_browser_test(node, "ui_test.mjs", ["--url", cairn.url, "--prefix-url", prefixed.url, "--artifacts", artifacts,
                                           "--metric", METRIC, "--series", str(SERIES), "--chromium", CHROMIUM], "browser test")
    # The Dashboards page: the seed's Grafana dashboards drawn from the seed's series (fed
    # only now, so the checks above see just their own series).
    log("seed series for the dashboards: %d on each cairn" % feed_seed(cairn.url))
    feed_seed(prefixed.url)
    run_browser_test(node, "dashboards_test.mjs", ["--url", cairn.url, "--prefix-url", prefixed.url,
                                                   "--artifacts", artifacts, "--chromium", CHROMIUM], "dashboards browser test")


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("artifacts", "where the screenshots go")])
