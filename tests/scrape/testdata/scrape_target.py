#!/usr/bin/env python3
"""A scrape target for tests/scrape/target_fetcher_test.cc.

Listens on 127.0.0.1 (a free port), prints "port <n>" once ready, and serves
HTTP/1.1 with keep-alive until killed. Paths:
  /metrics              a small text exposition
  /headers              the request headers, one "Name: value" per line
  /gzip                 a larger exposition, gzip-encoded if the client accepts gzip
  /gzip-two-members     two gzip members back to back (Go's reader is multistream)
  /gzip-corrupt         Content-Encoding: gzip over bytes that are not gzip
  /status/<code>        that status, with a short body
  /sleep/<ms>           answers after <ms> milliseconds
  /stall-body           sends headers and part of the body, then stalls
  /bytes/<n>            n bytes with Content-Length
  /chunked/<n>          n bytes in chunked transfer encoding
  /redirect/<n>         302 to /redirect/<n-1>; /redirect/0 answers 200
  /redirect-to?url=<u>  302 to <u>
  /auth?expect=<v>      200 if the Authorization header equals <v>, else 401
  /connections          how many TCP connections the server has accepted
"""
import gzip
import http.server
import sys
import threading
import time
import urllib.parse

_lock = threading.Lock()
_connections = 0
EXPOSITION = b"# TYPE up gauge\nup 1\n"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        global _connections
        with _lock:
            _connections += 1
        super().setup()

    def log_message(self, *args):
        pass

    def reply(self, code, body, headers=()):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        parts = url.path.strip("/").split("/")
        text = [("Content-Type", "text/plain; version=0.0.4")]
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if url.path == "/metrics":
            self.reply(200, EXPOSITION, text)
        elif url.path == "/headers":
            body = "".join(f"{k}: {v}\n" for k, v in self.headers.items()).encode()
            self.reply(200, body, text)
        elif url.path == "/gzip":
            body = b"".join(b"metric_%d %d\n" % (i, i) for i in range(5000))
            if accepts_gzip:
                self.reply(200, gzip.compress(body), text + [("Content-Encoding", "gzip")])
            else:
                self.reply(200, body, text)
        elif url.path == "/gzip-two-members":
            body = gzip.compress(b"a 1\n") + gzip.compress(b"b 2\n")
            self.reply(200, body, text + [("Content-Encoding", "gzip")])
        elif url.path == "/gzip-corrupt":
            self.reply(200, b"this is not gzip", text + [("Content-Encoding", "gzip")])
        elif parts[0] == "status":
            code = int(parts[1])
            no_body = code in (204, 304)
            self.reply(code, b"" if no_body else b"failing on purpose\n", text)
        elif parts[0] == "sleep":
            time.sleep(int(parts[1]) / 1000.0)
            self.reply(200, EXPOSITION, text)
        elif url.path == "/stall-body":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"up 1\n")
            self.wfile.flush()
            time.sleep(5)
            self.close_connection = True
        elif parts[0] == "bytes":
            self.reply(200, b"x" * int(parts[1]), text)
        elif parts[0] == "chunked":
            n = int(parts[1])
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            while n > 0:
                piece = min(n, 1000)
                self.wfile.write(b"%x\r\n%s\r\n" % (piece, b"x" * piece))
                n -= piece
            self.wfile.write(b"0\r\n\r\n")
        elif parts[0] == "redirect":
            n = int(parts[1])
            if n == 0:
                self.reply(200, b"redirected 1\n", text)
            else:
                self.reply(302, b"moved\n", [("Location", f"/redirect/{n - 1}")])
        elif url.path == "/redirect-to":
            self.reply(302, b"", [("Location", query["url"][0])])
        elif url.path == "/auth":
            if self.headers.get("Authorization") == query.get("expect", [""])[0]:
                self.reply(200, EXPOSITION, text)
            else:
                self.reply(401, b"Unauthorized\n", text)
        elif url.path == "/connections":
            with _lock:
                n = _connections
            self.reply(200, b"%d\n" % n, text)
        else:
            self.reply(404, b"not found\n", text)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
