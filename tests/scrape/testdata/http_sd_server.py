#!/usr/bin/env python3
"""An HTTP endpoint for the http_sd tests.

Usage: http_sd_server.py RESPONSE_JSON REQUEST_LOG. Binds 127.0.0.1 on a free
port and prints it. Each GET answers from RESPONSE_JSON (re-read per request):
  {"status": 200, "content_type": "application/json", "body": "[...]", "delay": 0}
("delay": seconds to wait before answering) and writes the request's path and headers to REQUEST_LOG as JSON.
"""
import http.server
import json
import os
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[2] + ".tmp", "w") as f:
            json.dump({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}, f)
        os.replace(sys.argv[2] + ".tmp", sys.argv[2])
        with open(sys.argv[1]) as f:
            spec = json.load(f)
        time.sleep(spec.get("delay", 0))
        body = spec.get("body", "").encode()
        self.send_response(spec.get("status", 200))
        if spec.get("content_type") is not None:
            self.send_header("Content-Type", spec["content_type"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
