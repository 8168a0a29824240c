#!/usr/bin/env python3
"""vmagent (Debian's 1.79) scrapes a static exposition and remote-writes to Cairn.

The exposition is served by this script (http.server). vmagent's remote write
goes through a small recording proxy in front of Cairn, so the test sees every
Content-Encoding vmagent used and the status Cairn gave it. Newer vmagents try
zstd first and fall back to snappy on 415/400; if this vmagent sends zstd it
must get 415 and then succeed with snappy. The test also sends a vmagent-style
zstd request itself (415 expected). Asserts the scraped series arrive in Cairn
with the exposed values and that Cairn never answered vmagent with an error.
"""
import http.server
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

SHARDS = 8
MIN_SAMPLES = 3  # scrapes that must arrive per series
EXPOSITION = "".join(
    ["# HELP cairn_vm_items Items per shard.\n# TYPE cairn_vm_items gauge\n"] +
    ['cairn_vm_items{shard="%d"} %d.25\n' % (i, 100 + i) for i in range(SHARDS)] +
    ["# TYPE cairn_vm_bytes_total counter\n", 'cairn_vm_bytes_total{dir="in"} 12345\n',
     'cairn_vm_bytes_total{dir="out"} 6.5e+09\n'])
EXPECTED = {(("__name__", "cairn_vm_items"), ("shard", str(i))): (100 + i) + 0.25 for i in range(SHARDS)}
EXPECTED[(("__name__", "cairn_vm_bytes_total"), ("dir", "in"))] = 12345.0
EXPECTED[(("__name__", "cairn_vm_bytes_total"), ("dir", "out"))] = 6.5e9


def make_proxy(target, record):
    class Proxy(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            fwd = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "content-length", "connection")}
            try:
                r = harness.http_request("POST", target + self.path, body, fwd)
                status, data = r.status, r.body
            except OSError as e:
                status, data = 502, str(e).encode()
            record.append((self.headers.get("Content-Encoding", ""), status, len(body)))
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass
    return Proxy


def serve(handler):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def main(env):
    vmagent = env.binary("vmagent")
    cairn = harness.Cairn(env)
    cairn.start()

    # vmagent's zstd probe as newer versions send it: must be 415, never 5xx.
    payload = prom_pb.encode_write_v1([((("__name__", "cairn_vm_probe"),), [(int(time.time() * 1000), 0)])])
    hdr = dict(harness.WRITE_HEADERS_V1, **{"Content-Encoding": "zstd",
                                             "X-VictoriaMetrics-Remote-Write-Version": "1"})
    r = harness.http_request("POST", cairn.url + "/api/v1/write", b"\x28\xb5\x2f\xfd" + payload, hdr)
    check(r.status == 415, "zstd remote write: %r, want 415" % r)

    record = []
    expo = harness.ExpositionServer(lambda _port: EXPOSITION)
    proxy = serve(make_proxy(cairn.url, record))
    try:
        cfg = env.path("vmagent-scrape.yml")
        with open(cfg, "w") as f:
            f.write("""global:
  scrape_interval: 1s
scrape_configs:
  - job_name: vm_src
    static_configs:
      - targets: ['127.0.0.1:%d']
""" % expo.port)
        vm_port = harness.free_port()
        proc = env.spawn("vmagent", [
            vmagent, "-promscrape.config=" + cfg,
            "-remoteWrite.url=http://127.0.0.1:%d/api/v1/write" % proxy.server_address[1],
            "-remoteWrite.tmpDataPath=" + env.path("vmagent-data"),
            "-remoteWrite.flushInterval=200ms",
            "-httpListenAddr=127.0.0.1:%d" % vm_port, "-loggerLevel=INFO"])
        harness.wait_http_ok("http://127.0.0.1:%d/health" % vm_port, proc, 30, "healthy")

        deadline = time.time() + 40
        query = [(int(time.time() * 1000) - 600000, int(time.time() * 1000) + 600000,
                  [(prom_pb.EQ, "job", "vm_src")])]
        found = {}
        while time.time() < deadline:
            got = harness.remote_read(cairn.url, query).get(0, [])
            found = {}
            for labels, samples in got:
                d = dict(labels)
                check(d.get("instance") == "127.0.0.1:%d" % expo.port,
                      "instance label %r" % d.get("instance"))
                k = tuple((n, v) for n, v in labels if n not in ("job", "instance"))
                found[k] = samples
            if all(len(found.get(k, [])) >= MIN_SAMPLES for k in EXPECTED) and (("__name__", "up"),) in found:
                break
            time.sleep(0.5)
        missing = [k for k in EXPECTED if len(found.get(k, [])) < MIN_SAMPLES]
        check(not missing, "series never arrived in cairn (%d scrapes): %s (have %s)" % (MIN_SAMPLES, missing, sorted(found)))
        for k, v in EXPECTED.items():
            vals = {pb.bits_float(b) for _, b in found[k]}
            check(vals == {v}, "%s: values %s, want %s" % (k, vals, v))
        up = {pb.bits_float(b) for _, b in found[(("__name__", "up"),)]}
        check(up == {1.0}, "up values %s" % up)
        check(proc.stop() == 0, "vmagent did not stop cleanly")
    finally:
        expo.stop()
        proxy.shutdown()

    encs = {}
    for enc, status, _ in record:
        encs.setdefault((enc, status), 0)
        encs[(enc, status)] += 1
    log("vmagent requests through the proxy (encoding, status) -> count: %s" % encs)
    check(record, "vmagent sent nothing")
    for enc, status, _ in record:
        if enc == "zstd":
            check(status == 415, "zstd request answered %d, want 415" % status)
        else:
            check(enc == "snappy", "unexpected Content-Encoding %r" % enc)
            check(200 <= status < 300, "snappy request answered %d" % status)
    zstd_idx = [i for i, (e, _, _) in enumerate(record) if e == "zstd"]
    if zstd_idx:
        check(any(e == "snappy" for e, _, _ in record[zstd_idx[0]:]), "no snappy fallback after zstd")
    n = sum(len(s) for s in found.values())
    print("vmagent: %d requests (%d zstd), %d series / %d samples arrived in cairn"
          % (len(record), len(zstd_idx), len(found), n))
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("vmagent", "path to the vmagent binary")])
