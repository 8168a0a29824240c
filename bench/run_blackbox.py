#!/usr/bin/env python3
"""CPU per probe and RSS: cairn-blackbox-exporter next to Debian's
prometheus-blackbox-exporter on the same blackbox.yml and targets.

    python3 bench/run_blackbox.py --exporter build/release/exporters/blackbox/cairn-blackbox-exporter [--probes 300]

Each exporter probes a local HTTP server (module http_2xx), a TCP listener
(tcp_connect) and a UDP DNS responder (dns_a), `--probes` times each, one at
a time. Printed per exporter: CPU seconds (user+system from /proc/<pid>/stat)
per probe and RSS after the run, then the ratios cairn/upstream (the issue's
targets: CPU at most 0.5, RSS at most 0.2). Meant for the bench entry of
bench/run_exporters.py; runs on its own until that exists.
"""
import argparse
import http.server
import os
import shutil
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

CONFIG = """modules:
  http_2xx:
    prober: http
    http: {preferred_ip_protocol: ip4}
  tcp_connect:
    prober: tcp
    tcp: {preferred_ip_protocol: ip4}
  dns_a:
    prober: dns
    dns: {query_name: example.test, query_type: A, preferred_ip_protocol: ip4}
"""


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        body = b"ok\n" * 100
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def start_targets():
    http_srv = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=http_srv.serve_forever, daemon=True).start()
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(128)

    def accept():
        while True:
            c, _ = tcp.accept()
            c.close()
    threading.Thread(target=accept, daemon=True).start()
    dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dns.bind(("127.0.0.1", 0))

    def answer():
        while True:
            q, peer = dns.recvfrom(2048)
            end = 12
            while q[end] != 0:
                end += 1 + q[end]
            reply = q[:2] + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0) + q[12:end + 5]
            reply += b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 300, 4) + bytes([127, 0, 0, 1])
            dns.sendto(reply, peer)
    threading.Thread(target=answer, daemon=True).start()
    return http_srv.server_address[1], tcp.getsockname()[1], dns.getsockname()[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def measure(name, argv, port, targets, probes):
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = "http://127.0.0.1:%d" % port
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/healthy", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        for module, target in targets:  # warm-up
            urllib.request.urlopen("%s/probe?module=%s&target=%s" % (base, module, target), timeout=10).read()
        cpu0 = cpu_seconds(proc.pid)
        for _ in range(probes):
            for module, target in targets:
                body = urllib.request.urlopen("%s/probe?module=%s&target=%s" % (base, module, target), timeout=10).read()
                if b"probe_success 1" not in body:
                    raise SystemExit("%s: probe %s %s failed:\n%s" % (name, module, target, body.decode()))
        cpu = (cpu_seconds(proc.pid) - cpu0) / (probes * len(targets))
        rss = rss_bytes(proc.pid)
        print("%-10s CPU %.6f s/probe  RSS %.1f MiB" % (name, cpu, rss / 2**20), flush=True)
        return cpu, rss
    finally:
        proc.terminate()
        proc.wait(10)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exporter", required=True)
    ap.add_argument("--upstream", default=shutil.which("prometheus-blackbox-exporter"))
    ap.add_argument("--probes", type=int, default=300)
    args = ap.parse_args()
    http_port, tcp_port, dns_port = start_targets()
    targets = [("http_2xx", "http://127.0.0.1:%d/" % http_port), ("tcp_connect", "127.0.0.1:%d" % tcp_port),
               ("dns_a", "127.0.0.1:%d" % dns_port)]
    tmp = tempfile.mkdtemp()
    try:
        cfg = os.path.join(tmp, "blackbox.yml")
        with open(cfg, "w") as f:
            f.write(CONFIG)
        p1, p2 = free_port(), free_port()
        up = measure("upstream", [args.upstream, "--config.file=" + cfg, "--web.listen-address=127.0.0.1:%d" % p1],
                     p1, targets, args.probes)
        ours = measure("cairn", [args.exporter, "--config.file=" + cfg, "--web.listen-address=127.0.0.1:%d" % p2],
                       p2, targets, args.probes)
        print("blackbox: CPU per probe ratio %.2f (target <= 0.5), RSS ratio %.2f (target <= 0.2)"
              % (ours[0] / up[0], ours[1] / up[1]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
