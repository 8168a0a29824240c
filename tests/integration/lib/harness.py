"""Shared harness for Cairn's integration tests.

Starts real binaries on 127.0.0.1 with free ports and temp dirs, waits for
readiness, stops them by PID (SIGTERM, then SIGKILL), always cleans up, and
dumps the process logs when a test fails. Each test script calls run(main).

Exit codes: 0 pass, 1 fail, 77 skipped (a peer binary is missing; ctest maps it
to "skipped" through SKIP_RETURN_CODE).
"""
import argparse
import http.client
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

from . import prom_pb
from . import snappy_block

SKIP = 77


class Failure(Exception):
    """A test assertion failed."""


class Skip(Exception):
    """The test cannot run here (missing peer binary)."""


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> value
        self.body = body

    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return "HTTP %d %r" % (self.status, self.body[:300])


class ExpositionServer:
    """A scrape target on 127.0.0.1: every GET answers text(port) in the text
    format 0.0.4. `port` and `addr` say where it listens; stop() ends it."""

    def __init__(self, text):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = text(self.server.server_address[1]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.addr = "127.0.0.1:%d" % self.port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def http_request(method, url, body=None, headers=None, timeout=30):
    """One request on a fresh connection; never raises for HTTP status codes."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        path = u.path or "/"
        if u.query:
            path += "?" + u.query
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    finally:
        conn.close()


def http_post_streaming(url, body, headers, timeout=60, chunk=1 << 20):
    """POSTs body in chunks over a raw socket and returns the Response, even when the
    server answers (e.g. 413) and closes before the whole body was sent.
    Returns None if no HTTP response could be read at all."""
    u = urllib.parse.urlsplit(url)
    head = "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Length: %d\r\nConnection: close\r\n" % (
        u.path, u.hostname, u.port, len(body))
    head += "".join("%s: %s\r\n" % kv for kv in headers.items()) + "\r\n"
    sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
    try:
        try:
            sock.sendall(head.encode())
            for i in range(0, len(body), chunk):
                sock.sendall(body[i:i + chunk])
        except OSError:
            pass  # the server may stop reading once it has decided; read its answer
        resp = http.client.HTTPResponse(sock)
        try:
            resp.begin()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            return None
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        sock.close()


def http_get(url, timeout=30):
    return http_request("GET", url, timeout=timeout)


class Process:
    """A child process with its output in a log file; stopped by PID only."""

    def __init__(self, name, argv, log_path, env=None, cwd=None, user=None):
        """`user`: run as that account (e.g. PostgreSQL refuses to run as root)."""
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.logf = open(log_path, "ab")
        self.logf.write(("=== start: %s\n" % " ".join(argv)).encode())
        self.logf.flush()
        self.proc = subprocess.Popen(argv, stdout=self.logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                     user=user, group=user)
        self.pid = self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=30):
        """SIGTERM, wait up to timeout, then SIGKILL. Returns the exit code."""
        if self.alive():
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log("%s (pid %d) ignored SIGTERM for %ds, killing" % (self.name, self.pid, timeout))
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait()
        self.logf.flush()
        return self.proc.returncode

    def kill9(self):
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
        self.proc.wait()
        return self.proc.returncode

    def tail(self, lines=60):
        self.logf.flush()
        try:
            with open(self.log_path, "rb") as f:
                data = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(data[-lines:])


def thread_states(pid):
    """"name:state(wchan)" of each thread of `pid`, from /proc: R running,
    S sleeping (futex_wait_queue = a lock or condition), D in the kernel (I/O)."""
    out = []
    try:
        for tid in sorted(os.listdir("/proc/%d/task" % pid), key=int):
            base = "/proc/%d/task/%s/" % (pid, tid)
            try:
                with open(base + "stat") as f:
                    stat = f.read()
                with open(base + "wchan") as f:
                    wchan = f.read().strip() or "-"
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            state = stat[stat.rindex(")") + 2]
            out.append("%s:%s(%s)" % (name, state, wchan))
    except OSError as e:
        return "unreadable: %s" % e
    return " ".join(out)


def wait_http_ok(url, proc=None, timeout=60, what="ready"):
    """Polls url until it answers 200; fails early if proc exits."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        if proc is not None and not proc.alive():
            raise Failure("%s exited (code %s) before it was %s" % (proc.name, proc.proc.returncode, what))
        try:
            r = http_get(url, timeout=5)
            if r.status == 200:
                return
            last = r
        except OSError as e:
            last = e
        time.sleep(0.2)
    raise Failure("%s not %s after %ds: %r" % (url, what, timeout, last))


class Env:
    """Per-test temp dir, process registry and peer binary paths."""

    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="cairn-integ-")
        self.procs = []

    def path(self, *parts):
        p = os.path.join(self.tmp, *parts)
        return p

    def binary(self, name):
        path = getattr(self.args, name, None) or shutil.which(name)
        if not path or not os.access(path, os.X_OK):
            raise Skip("%s binary not found" % name)
        return path

    def spawn(self, name, argv, **kw):
        p = Process(name, argv, self.path(name + ".log"), **kw)
        self.procs.append(p)
        return p

    def start_node_exporter(self, collectors=("cpu", "meminfo", "loadavg")):
        """Debian's prometheus-node-exporter (or --node-exporter) on a free port with only
        `collectors`, ready: (its host:port, its Process). Raises Skip when it is not installed."""
        node_bin = getattr(self.args, "node_exporter", None) or self.binary("prometheus-node-exporter")
        port = free_port()
        proc = self.spawn("node-exporter", [node_bin, "--web.listen-address=127.0.0.1:%d" % port,
                                            "--collector.disable-defaults"] +
                          ["--collector." + c for c in collectors])
        wait_http_ok("http://127.0.0.1:%d/metrics" % port, proc, timeout=30, what="node exporter ready")
        return "127.0.0.1:%d" % port, proc

    def cleanup(self, failed):
        for p in reversed(self.procs):
            if p.alive():
                p.kill9() if failed else p.stop(10)
        if failed:
            for p in {p.log_path: p for p in self.procs}.values():
                print("----- last lines of %s log (%s) -----" % (p.name, p.log_path))
                print(p.tail())
        if failed and self.args.keep:
            print("keeping temp dir", self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


CAIRN_CONFIG = """global:
  scrape_interval: 15s
  evaluation_interval: 15s
"""


class Cairn:
    """A cairn server on free ports with its own data dir (kept across restarts)."""

    def __init__(self, env, name="cairn", config=CAIRN_CONFIG, extra_args=(), agent=False):
        """agent=True runs it in agent mode (--agent; the data dir is then
        --storage.agent.path)."""
        self.env = env
        self.agent = agent
        self.name = name
        self.binary = env.args.cairn
        self.data_dir = env.path(name + "-data")
        os.makedirs(self.data_dir, exist_ok=True)
        self.config_path = env.path(name + ".yml")
        with open(self.config_path, "w") as f:
            f.write(config)
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, timeout=90, port=None):
        """Starts on `port`, or on a new free port."""
        self.port = port or free_port()
        storage = ["--agent", "--storage.agent.path=" + self.data_dir] if self.agent else [
            "--storage.tsdb.path=" + self.data_dir]
        argv = [self.binary, "--config.file=" + self.config_path] + storage + [
            "--web.listen-address=127.0.0.1:%d" % self.port] + self.extra_args
        env = dict(os.environ)
        # ASan builds: leak reports on shutdown would only blur the test's own output.
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
        self.proc = self.env.spawn(self.name, argv, env=env)
        t0 = time.time()
        wait_http_ok(self.url + "/-/ready", self.proc, timeout)
        return time.time() - t0

    def stop(self):
        code = self.proc.stop()
        check(code == 0, "%s exited with code %s on SIGTERM" % (self.name, code))

    def kill9(self):
        self.proc.kill9()

    def healthy(self, deadline=30):
        """/-/healthy answers 200 within `deadline` s while the process lives.
        An answer slower than 5 s is logged with what each server thread was
        doing: on a loaded 2-core CI machine a stall is more often starvation
        than a hang, and the thread states tell the two apart."""
        t0 = time.time()
        while self.proc.alive():
            try:
                r = http_get(self.url + "/-/healthy", timeout=5)
                if time.time() - t0 > 5:
                    log("%s: /-/healthy took %.1fs" % (self.name, time.time() - t0))
                return r.status == 200
            except OSError as e:
                log("%s: /-/healthy after %.1fs: %s; threads: %s" % (
                    self.name, time.time() - t0, e, thread_states(self.proc.pid)))
                if time.time() - t0 > deadline:
                    return False
                time.sleep(0.2)
        return False


class Prometheus:
    """Debian's prometheus on a free port with its own temp storage."""

    def __init__(self, env, config, name="prometheus", extra_args=(), agent=False):
        """agent=True runs 2.42's agent mode (--enable-feature=agent)."""
        self.env = env
        self.agent = agent
        self.name = name
        self.binary = env.binary("prometheus")
        self.data_dir = env.path(name + "-data")
        self.config_path = env.path(name + ".yml")
        with open(self.config_path, "w") as f:
            f.write(config)
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.proc = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, timeout=60):
        storage = ["--enable-feature=agent", "--storage.agent.path=" + self.data_dir] if self.agent else [
            "--storage.tsdb.path=" + self.data_dir]
        argv = [self.binary, "--config.file=" + self.config_path] + storage + [
            "--web.listen-address=127.0.0.1:%d" % self.port] + self.extra_args
        self.proc = self.env.spawn(self.name, argv)
        wait_http_ok(self.url + "/-/ready", self.proc, timeout)

    def stop(self):
        return self.proc.stop()


def api_get(base_url, path, params, timeout=30):
    """GET an API v1 endpoint; returns the 'data' of a success envelope or fails."""
    import json
    q = urllib.parse.urlencode(params)
    r = http_get(base_url + path + ("?" + q if q else ""), timeout=timeout)
    check(r.status == 200, "GET %s %s: %r" % (path, params, r))
    env = json.loads(r.body)
    check(env.get("status") == "success", "GET %s: %r" % (path, env))
    return env["data"]


def normalised_labels(metric):
    """A label set with `le` and `quantile` in Prometheus 3.x's float form ("1" becomes "1.0"), as Cairn
    writes them; 2.42 keeps the text as exposed. Compare scraped series of the two in this form."""
    out = dict(metric)
    for name in ("le", "quantile"):
        if name in out:
            try:
                f = float(out[name])
                out[name] = "+Inf" if f == float("inf") else ("-Inf" if f == float("-inf") else repr(f))
            except ValueError:
                pass
    return out


# ---- remote write / read clients -------------------------------------------

WRITE_HEADERS_V1 = {
    "Content-Encoding": "snappy",
    "Content-Type": "application/x-protobuf",
    "X-Prometheus-Remote-Write-Version": "0.1.0",
    "User-Agent": "cairn-integration-test",
}
WRITE_HEADERS_V2 = {
    "Content-Encoding": "snappy",
    "Content-Type": "application/x-protobuf;proto=io.prometheus.write.v2.Request",
    "X-Prometheus-Remote-Write-Version": "2.0.0",
    "User-Agent": "cairn-integration-test",
}


def remote_write(base_url, series, version=1, timeout=30):
    if version == 1:
        body, headers = prom_pb.encode_write_v1(series), WRITE_HEADERS_V1
    else:
        body, headers = prom_pb.encode_write_v2(series), WRITE_HEADERS_V2
    return http_request("POST", base_url + "/api/v1/write", snappy_block.compress(body),
                        headers, timeout=timeout)


def remote_read(base_url, queries, response_type=prom_pb.SAMPLES, timeout=60):
    """Returns {query_index: [(labels, samples)]}; samples sorted as served.

    Fails the test on a non-200, a wrong content type, or a malformed body.
    """
    req = prom_pb.encode_read_request(queries, accepted=(response_type,))
    headers = {"Content-Encoding": "snappy", "Accept-Encoding": "snappy",
               "Content-Type": "application/x-protobuf",
               "X-Prometheus-Remote-Read-Version": "0.1.0"}
    r = http_request("POST", base_url + "/api/v1/read", snappy_block.compress(req), headers,
                     timeout=timeout)
    check(r.status == 200, "remote read: %r" % r)
    ctype = r.headers.get("content-type", "")
    if response_type == prom_pb.SAMPLES:
        check(ctype.startswith("application/x-protobuf"), "SAMPLES content type %r" % ctype)
        check(r.headers.get("content-encoding", "") == "snappy",
              "SAMPLES content encoding %r" % r.headers.get("content-encoding"))
        res = prom_pb.decode_read_response(snappy_block.decompress(r.body))
        check(len(res) == len(queries), "remote read: %d results for %d queries" % (len(res), len(queries)))
        return {i: res[i] for i in range(len(res))}
    check(ctype.replace(" ", "").startswith(
        "application/x-streamed-protobuf;proto=prometheus.ChunkedReadResponse"),
        "STREAMED_XOR_CHUNKS content type %r" % ctype)
    _, res = prom_pb.decode_chunked_response(r.body)
    return {qi: [(labels, samples) for labels, samples, _ in series] for qi, series in res.items()}


def run(main, description, extra_args=()):
    """Parses the common flags, runs main(env), handles cleanup and exit codes."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--cairn", required=True, help="path to the cairn binary")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir on failure")
    for name, helptext in extra_args:
        ap.add_argument("--" + name, help=helptext)
    args = ap.parse_args()
    if not os.access(args.cairn, os.X_OK):
        log("FAIL: cairn binary %s not found or not executable (build the cairn target)" % args.cairn)
        sys.exit(1)
    env = Env(args)
    failed = True
    code = 1
    t0 = time.time()
    try:
        main(env)
        failed = False
        code = 0
        log("PASS (%.1fs)" % (time.time() - t0))
    except Skip as e:
        failed = False
        code = SKIP
        log("SKIP: %s" % e)
    except Failure as e:
        log("FAIL: %s" % e)
    except Exception:
        traceback.print_exc()
        log("FAIL: unexpected exception")
    finally:
        try:
            env.cleanup(failed)
        except Exception:
            traceback.print_exc()
            code = code or 1
    sys.exit(code)
