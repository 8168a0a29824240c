#!/usr/bin/env python3
"""cairn-nginx-exporter against Debian's prometheus-nginx-exporter (0.11) on one
real nginx with stub_status (issue 15):

  1. the differential (lib/exporter_diff.py) and promtool check metrics;
  2. a slow source (an HTTP server sleeping past the scrape timeout): the scrape
     still answers inside X-Prometheus-Scrape-Timeout-Seconds, with nginx_up 0;
  3. push mode into a real cairn: the series arrive, read back through its query API;
  4. nginx stopped mid-run: nginx_up 0 from both exporters, Cairn's still alive.

Peers: nginx, prometheus-nginx-exporter, promtool (exit 77 when one is missing).
"""
import http.server
import os
import socketserver
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import exporter_diff, harness  # noqa: E402
from lib.harness import check, log  # noqa: E402

NGINX_CONF = """daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location /stub_status {{ stub_status; }}
  }}
}}
"""

# The families the seed's NGINX panels read (SEED.md: requests, connections).
REQUIRED = ["nginx_up", "nginx_http_requests_total", "nginx_connections_accepted", "nginx_connections_active",
            "nginx_connections_handled", "nginx_connections_reading", "nginx_connections_waiting",
            "nginx_connections_writing"]
# Counters that move with every scrape of stub_status (each exporter's own
# request counts): Cairn's value must lie between the two upstream scrapes.
STABLE = ["nginx_http_requests_total", "nginx_connections_accepted", "nginx_connections_handled"]
ALLOW = {
    # The connection gauges count the exporters' own connections to nginx: the
    # Go client keeps its connection open (idle = "waiting") between scrapes,
    # Cairn's closes it after each read, so while Cairn reads, upstream's idle
    # connection shows as one more active and waiting connection.
    "nginx_connections_active": "counts the exporters' own connections (upstream keeps one idle)",
    "nginx_connections_waiting": "counts the exporters' own connections (upstream keeps one idle)",
    "nginx_connections_writing": "counts the connection of whichever exporter is reading",
}


def metric_value(text, name):
    for fam in exporter_diff.parse_text(text).values():
        for s in fam.samples:
            if s.name == name:
                return s.value
    return None


class SlowHandler(http.server.BaseHTTPRequestHandler):
    delay = 4.0

    def do_GET(self):  # noqa: N802 (http.server's name)
        time.sleep(self.delay)
        body = b"Active connections: 1\nserver accepts handled requests\n 1 1 1\nReading: 0 Writing: 1 Waiting: 0\n"
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the exporter gave up first, as it should

    def log_message(self, *args):
        pass


def start_slow_source():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SlowHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_exporter(env, binary, name, argv):
    port = harness.free_port()
    env_vars = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    proc = env.spawn(name, [binary, "--web.listen-address=127.0.0.1:%d" % port] + argv, env=env_vars)
    url = "http://127.0.0.1:%d" % port
    harness.wait_http_ok(url + "/metrics", proc, timeout=30)
    return proc, url


def main(env):
    nginx_bin = env.binary("nginx")
    upstream_bin = env.binary("prometheus-nginx-exporter")
    promtool = env.binary("promtool")
    cairn_bin = env.args.exporter
    check(cairn_bin and os.access(cairn_bin, os.X_OK), "--exporter: cairn-nginx-exporter binary needed")

    nginx_port = harness.free_port()
    conf = env.path("nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(tmp=env.tmp, port=nginx_port))
    nginx = env.spawn("nginx", [nginx_bin, "-c", conf, "-p", env.tmp])
    stub = "http://127.0.0.1:%d/stub_status" % nginx_port
    harness.wait_http_ok(stub, nginx, timeout=20)

    # 0.11 exits when nginx is not up at its start; nginx is up by now.
    upstream, upstream_url = start_exporter(env, upstream_bin, "upstream-nginx-exporter",
                                            ["--nginx.scrape-uri=" + stub])
    # Single-dash flags as the seed's compose file passes them (Go's flag package style).
    ours, ours_url = start_exporter(env, cairn_bin, "cairn-nginx-exporter", ["-nginx.scrape-uri=" + stub])

    # 1. Differential and promtool.
    res = exporter_diff.run_differential("nginx", upstream_url + "/metrics", ours_url + "/metrics",
                                         required=REQUIRED, stable=STABLE, allow=ALLOW, promtool=promtool)
    check(len(res.agree) >= 6, "expected most nginx families to agree, got %s" % res.agree)
    check(not res.only_upstream, "families only upstream: %s" % res.only_upstream)

    # 2. A slow source: the scrape answers inside Prometheus' timeout, nginx_up 0.
    slow = start_slow_source()
    slow_uri = "http://127.0.0.1:%d/stub_status" % slow.server_address[1]
    slow_proc, slow_url = start_exporter(env, cairn_bin, "cairn-nginx-exporter-slow",
                                         ["--nginx.scrape-uri=" + slow_uri, "--nginx.timeout=10s"])
    t0 = time.time()
    r = harness.http_request("GET", slow_url + "/metrics", headers={"X-Prometheus-Scrape-Timeout-Seconds": "2"})
    took = time.time() - t0
    check(r.status == 200, "slow source scrape: %r" % r)
    check(took < 2, "scrape with a 2 s timeout took %.2fs" % took)
    check(metric_value(r.text(), "nginx_up") == 0, "slow source: nginx_up should be 0:\n%s" % r.text())
    log("slow source: answered in %.2fs with nginx_up 0 (timeout header 2 s, source sleeps %.0f s)"
        % (took, SlowHandler.delay))
    t0 = time.time()
    r = harness.http_request("GET", slow_url + "/metrics")  # no header: --nginx.timeout bounds it... at 10 s
    check(r.status == 200 and metric_value(r.text(), "nginx_up") == 1 and time.time() - t0 >= SlowHandler.delay - 0.5,
          "without a timeout header the 4 s source is waited for (--nginx.timeout=10s): %r" % r)
    slow_proc.stop()
    slow.shutdown()

    # 3. Push mode into a real cairn.
    cairn = harness.Cairn(env)
    cairn.start()
    pusher = env.spawn("cairn-nginx-exporter-push",
                       [cairn_bin, "--web.listen-address=127.0.0.1:%d" % harness.free_port(),
                        "--nginx.scrape-uri=" + stub, "--push.url=%s/api/v1/write" % cairn.url,
                        "--push.interval=1s", "--push.job=nginx-push", "--push.instance=web-1:9113"],
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    deadline = time.time() + 30
    result = []
    while time.time() < deadline and not result:
        check(pusher.alive(), "the pushing exporter exited")
        result = harness.api_get(cairn.url, "/api/v1/query",
                                 {"query": 'nginx_http_requests_total{job="nginx-push",instance="web-1:9113"}'})["result"]
        if not result:
            time.sleep(0.5)
    check(result, "pushed nginx_http_requests_total never arrived in cairn")
    check(float(result[0]["value"][1]) >= 1, "pushed value: %r" % result)
    names = harness.api_get(cairn.url, "/api/v1/label/__name__/values", {})
    for fam in REQUIRED:
        check(fam in names, "pushed family %s not in cairn (names: %s)" % (fam, names))
    log("push: %d series names in cairn, nginx_http_requests_total=%s" % (len(names), result[0]["value"][1]))
    pusher.stop()
    cairn.stop()

    # 4. nginx stopped mid-run: nginx_up 0, Cairn's exporter still answering.
    check(nginx.stop() is not None, "nginx did not stop")
    for name, url, proc in (("upstream", upstream_url, upstream), ("cairn", ours_url, ours)):
        r = harness.http_get(url + "/metrics")
        check(r.status == 200, "%s exporter with nginx down: %r" % (name, r))
        check(metric_value(r.text(), "nginx_up") == 0, "%s: nginx_up should be 0 with nginx down" % name)
        check(proc.alive(), "%s exporter died when nginx stopped" % name)
    r = harness.http_get(ours_url + "/metrics")
    check(ours.alive() and metric_value(r.text(), "nginx_up") == 0, "a second scrape with nginx down")
    check(ours.stop() == 0, "cairn-nginx-exporter exit code on SIGTERM")


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("exporter", "path to cairn-nginx-exporter")])
