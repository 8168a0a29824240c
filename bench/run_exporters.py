#!/usr/bin/env python3
"""Exporter bench: each of Cairn's exporters beside the upstream one, same source.

    bench/run_exporters.py build/release                 # every pair, 200 scrapes each
    bench/run_exporters.py build/release --scrapes 50 --pairs nginx

Per pair (PAIRS below: the source to set up and both command lines), one exporter
after the other on a free 127.0.0.1 port: start it, wait for /metrics, 5 warm-up
scrapes, then --scrapes sequential scrapes of /metrics (text format, no gzip, as
Prometheus 2.42 asks without OpenMetrics); measured:
  - CPU per scrape: utime+stime of the exporter (/proc/<pid>/stat) over the scrapes / N;
  - RSS: VmRSS after the scrapes, VmHWM (peak) from /proc/<pid>/status;
  - bytes of one scrape, families in it.
Prints one line per exporter and Cairn/upstream ratios (issue 15's targets: RSS <= 1/5,
CPU per scrape <= 1/2). Build with `make release` (-O2, jemalloc) for figures.

To add a pair: a `setup(tmp)` that starts the source and returns (context, stop),
and `upstream(ctx, port)` / `cairn(ctx, port, build)` returning argv lists.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from procstat import cpu_seconds, free_port, hwm_bytes, rss_bytes  # noqa: E402


def get(url, timeout=30, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read()


def wait_ok(url, proc, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("%s exited with %s" % (url, proc.returncode))
        try:
            get(url, timeout=5)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("%s not ready after %ds" % (url, timeout))


# ---- sources ----------------------------------------------------------------

NGINX_CONF = """daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  server {{ listen 127.0.0.1:{port}; location /stub_status {{ stub_status; }} }}
}}
"""


def setup_nginx(tmp):
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(tmp=tmp, port=port))
    proc = subprocess.Popen(["nginx", "-c", conf, "-p", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    uri = "http://127.0.0.1:%d/stub_status" % port
    wait_ok(uri, proc)

    def stop():
        proc.terminate()
        proc.wait(10)
    return {"uri": uri}, stop


PG_BIN = "/usr/lib/postgresql/15/bin"


def setup_postgres(tmp):
    """PostgreSQL 15 as the postgres account (it refuses root), socket-only, trust."""
    os.chmod(tmp, 0o755)
    data, sock = os.path.join(tmp, "pg-data"), os.path.join(tmp, "pg-sock")
    for d in (data, sock):
        os.makedirs(d)
        subprocess.run(["chown", "postgres:postgres", d], check=True)
    subprocess.run([os.path.join(PG_BIN, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--no-sync", "--no-instructions"], check=True, stdout=subprocess.DEVNULL, user="postgres",
                   group="postgres", cwd=data)
    port = free_port()
    proc = subprocess.Popen([os.path.join(PG_BIN, "postgres"), "-D", data, "-p", str(port), "-k", sock,
                             "-c", "listen_addresses=", "-c", "fsync=off"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, user="postgres", group="postgres", cwd=data)
    deadline = time.time() + 30
    while subprocess.run([os.path.join(PG_BIN, "psql"), "-h", sock, "-p", str(port), "-U", "postgres", "-Atc",
                          "SELECT 1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         user="postgres").returncode != 0:
        if time.time() > deadline or proc.poll() is not None:
            raise RuntimeError("postgres did not start")
        time.sleep(0.2)
    os.environ["DATA_SOURCE_NAME"] = "host=%s port=%d user=postgres dbname=postgres sslmode=disable" % (sock, port)

    def stop():
        proc.send_signal(2)  # SIGINT: fast shutdown, no waiting for sessions
        proc.wait(30)
        os.environ.pop("DATA_SOURCE_NAME", None)
    return {}, stop


def setup_redis(tmp):
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", tmp], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)
    for i in range(100):  # some keys and commands, so the keyspace and commandstats have content
        subprocess.run(["redis-cli", "-p", str(port), "SET", "key:%d" % i, "v"], stdout=subprocess.DEVNULL)

    def stop():
        proc.terminate()
        proc.wait(10)
    return {"addr": "redis://127.0.0.1:%d" % port}, stop


BLACKBOX_CONFIG = """modules:
  http_2xx:
    prober: http
    http: {preferred_ip_protocol: ip4}
"""


def setup_blackbox(tmp):
    """A static HTTP target (python's http.server) and a blackbox.yml probing it."""
    port = free_port()
    root = os.path.join(tmp, "www")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write("ok\n" * 100)
    proc = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", root, str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    target = "http://127.0.0.1:%d/" % port
    wait_ok(target, proc)
    config = os.path.join(tmp, "blackbox.yml")
    with open(config, "w") as f:
        f.write(BLACKBOX_CONFIG)

    def stop():
        proc.terminate()
        proc.wait(10)
    return {"config": config, "target": target}, stop


def setup_nothing(tmp):
    """The node exporters read this machine's /proc and /sys: nothing to start."""
    return {}, lambda: None


# What cairn-node-exporter implements; upstream is limited to the same collectors.
NODE_COLLECTORS = ["cpu", "diskstats", "filesystem", "loadavg", "meminfo", "netdev", "pressure", "stat", "time",
                   "uname", "vmstat"]


# name -> how to run the pair. An entry's optional "path" (a function of the
# context) is what is scraped instead of /metrics.
PAIRS = {
    "nginx": {
        "setup": setup_nginx,
        "upstream": lambda ctx, port: ["prometheus-nginx-exporter", "--web.listen-address=127.0.0.1:%d" % port,
                                       "--nginx.scrape-uri=" + ctx["uri"]],
        "cairn": lambda ctx, port, build: [os.path.join(build, "exporters/nginx/cairn-nginx-exporter"),
                                           "--web.listen-address=127.0.0.1:%d" % port,
                                           "--nginx.scrape-uri=" + ctx["uri"]],
    },
    "postgres": {  # DATA_SOURCE_NAME is set by setup_postgres, for both
        "setup": setup_postgres,
        "upstream": lambda ctx, port: ["prometheus-postgres-exporter", "--web.listen-address=127.0.0.1:%d" % port],
        "cairn": lambda ctx, port, build: [os.path.join(build, "exporters/postgres/cairn-postgres-exporter"),
                                           "--web.listen-address=127.0.0.1:%d" % port],
    },
    "redis": {
        "setup": setup_redis,
        "upstream": lambda ctx, port: ["prometheus-redis-exporter", "-web.listen-address=127.0.0.1:%d" % port,
                                       "-redis.addr=" + ctx["addr"]],
        "cairn": lambda ctx, port, build: [os.path.join(build, "exporters/redis/cairn-redis-exporter"),
                                           "--web.listen-address=127.0.0.1:%d" % port,
                                           "--redis.addr=" + ctx["addr"]],
    },
    # One scrape = one /probe of an HTTP target (module http_2xx), as Prometheus's blackbox job does.
    "blackbox": {
        "setup": setup_blackbox,
        "path": lambda ctx: "/probe?module=http_2xx&target=" + urllib.parse.quote(ctx["target"], safe=""),
        "upstream": lambda ctx, port: ["prometheus-blackbox-exporter", "--web.listen-address=127.0.0.1:%d" % port,
                                       "--config.file=" + ctx["config"]],
        "cairn": lambda ctx, port, build: [os.path.join(build, "exporters/blackbox/cairn-blackbox-exporter"),
                                           "--web.listen-address=127.0.0.1:%d" % port,
                                           "--config.file=" + ctx["config"]],
    },
    "node": {
        "setup": setup_nothing,
        "upstream": lambda ctx, port: ["prometheus-node-exporter", "--web.listen-address=127.0.0.1:%d" % port,
                                       "--collector.disable-defaults"] + ["--collector." + c for c in NODE_COLLECTORS],
        "cairn": lambda ctx, port, build: [os.path.join(build, "exporters/node/cairn-node-exporter"),
                                           "--web.listen-address=127.0.0.1:%d" % port],
    },
}


def measure(argv, scrapes, log_path, path="/metrics"):
    port = free_port()
    argv = [a.replace("{port}", str(port)) for a in argv]
    with open(log_path, "ab") as logf:
        proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        url = "http://127.0.0.1:%d%s" % (port, path)
        wait_ok(url, proc)
        headers = {"Accept": "text/plain;version=0.0.4;q=1,*/*;q=0.1", "X-Prometheus-Scrape-Timeout-Seconds": "10"}
        for _ in range(5):
            get(url, headers=headers)
        cpu0 = cpu_seconds(proc.pid)
        t0 = time.time()
        body = b""
        for _ in range(scrapes):
            body = get(url, headers=headers)
        wall = time.time() - t0
        cpu = cpu_seconds(proc.pid) - cpu0
        families = sum(1 for line in body.split(b"\n") if line.startswith(b"# TYPE "))
        return {"cpu_ms": cpu * 1000 / scrapes, "rss_kb": rss_bytes(proc.pid) // 1024,
                "hwm_kb": hwm_bytes(proc.pid) // 1024, "bytes": len(body), "families": families,
                "wall_ms": wall * 1000 / scrapes}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", help="build dir with exporters/<name>/cairn-<name>-exporter (make release)")
    ap.add_argument("--scrapes", type=int, default=200)
    ap.add_argument("--pairs", default=",".join(PAIRS), help="comma-separated: " + ", ".join(PAIRS))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="cairn-exporter-bench-")
    rows = []
    try:
        for name in args.pairs.split(","):
            pair = PAIRS[name]
            ctx, stop = pair["setup"](tmp)
            try:
                up_argv = pair["upstream"](ctx, 0)
                if not shutil.which(up_argv[0]):
                    print("%s: %s not installed, skipped" % (name, up_argv[0]))
                    continue
                port_placeholder = "{port}"
                path = pair["path"](ctx) if "path" in pair else "/metrics"
                up = measure([a.replace("127.0.0.1:0", "127.0.0.1:" + port_placeholder) for a in up_argv],
                             args.scrapes, os.path.join(tmp, name + "-upstream.log"), path)
                cairn_argv = pair["cairn"](ctx, 0, args.build)
                if not os.access(cairn_argv[0], os.X_OK):
                    print("%s: %s not built, skipped" % (name, cairn_argv[0]))
                    continue
                ours = measure([a.replace("127.0.0.1:0", "127.0.0.1:" + port_placeholder) for a in cairn_argv],
                               args.scrapes, os.path.join(tmp, name + "-cairn.log"), path)
                rows.append((name, up, ours))
            finally:
                stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("%-10s %-9s %12s %10s %10s %9s %9s %10s" % ("exporter", "side", "cpu ms/scr", "RSS MiB", "peak MiB",
                                                     "bytes", "families", "wall ms"))
    for name, up, ours in rows:
        for side, m in (("upstream", up), ("cairn", ours)):
            print("%-10s %-9s %12.3f %10.1f %10.1f %9d %9d %10.2f" % (name, side, m["cpu_ms"], m["rss_kb"] / 1024,
                                                                     m["hwm_kb"] / 1024, m["bytes"], m["families"],
                                                                     m["wall_ms"]))
        cpu_ratio = ours["cpu_ms"] / up["cpu_ms"] if up["cpu_ms"] > 0 else float("nan")
        print("%-10s ratio cairn/upstream: CPU per scrape %.2f (target <= 0.50), RSS %.2f (target <= 0.20), "
              "over %d scrapes" % (name, cpu_ratio, ours["rss_kb"] / up["rss_kb"], args.scrapes))


if __name__ == "__main__":
    sys.exit(main())
