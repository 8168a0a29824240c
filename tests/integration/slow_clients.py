#!/usr/bin/env python3
"""Slowloris: 2,000 connections trickling request headers (a byte-sized header
line a second, reconnecting when cut off) against Cairn with its default
connection limits (--web.max-connections=512, --web.read-header-timeout=10s),
while a healthy client keeps querying, once with a new connection per query
and once over one keep-alive connection. The healthy client's p50/p99 are
printed; p99 must stay under 1 s. Cairn's open descriptors stay near the cap.
"""
import asyncio
import os
import resource
import socket
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

SLOW_CONNECTIONS = 2000
QUERY = "GET /api/v1/query?query=slow_test_metric HTTP/1.1\r\nHost: cairn\r\n%s\r\n"


class Flood:
    """The slow connections, on an asyncio loop in a thread."""

    def __init__(self, port, count):
        self.port = port
        self.count = count
        self.connected = 0  # connections made, reconnections included
        self.cut_off = 0    # connections the server closed
        self.stop = False
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._main())

    async def _main(self):
        await asyncio.gather(*(self._one(i) for i in range(self.count)))

    async def _one(self, i):
        await asyncio.sleep(i * 0.001)  # do not flood the SYN queue in one instant
        while not self.stop:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", self.port), timeout=10)
            except (OSError, asyncio.TimeoutError):
                await asyncio.sleep(0.2)
                continue
            self.connected += 1
            try:
                writer.write(b"GET /api/v1/query?query=up HTTP/1.1\r\n")
                await writer.drain()
                n = 0
                while not self.stop:
                    # A header line a second, never the blank line; the server
                    # closing shows as EOF on the read.
                    try:
                        data = await asyncio.wait_for(reader.read(1024), timeout=1.0)
                        if not data:
                            break
                    except asyncio.TimeoutError:
                        pass
                    writer.write(b"X-Slow-%d: x\r\n" % n)
                    n += 1
                    await writer.drain()
            except OSError:
                pass
            self.cut_off += 0 if self.stop else 1
            writer.close()

    def finish(self):
        self.stop = True
        self.thread.join(timeout=15)


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p / 100.0))]


def query_once(conn, keep_alive):
    """Sends the query on `conn` and reads the whole answer."""
    conn.sendall((QUERY % ("" if keep_alive else "Connection: close\r\n")).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the answer")
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 200"), "healthy query answered %r" % head[:60])
    length = int([l.split(b":")[1] for l in head.split(b"\r\n")
                  if l.lower().startswith(b"content-length")][0])
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed in the body")
        body += chunk


def healthy_queries(port, seconds, keep_alive):
    """Latencies (s) of queries for `seconds`; a failure counts as 10 s.

    Over keep-alive, a request on a reused connection that the server closed
    meanwhile (idle connections are what Cairn evicts at the cap) is sent
    again on a new connection, as HTTP clients do for idempotent requests;
    the latency includes the retry."""
    lat = []
    conn = None
    end = time.time() + seconds
    retries = 0
    while time.time() < end:
        t0 = time.time()
        try:
            reused = conn is not None
            if conn is None:
                conn = socket.create_connection(("127.0.0.1", port), timeout=10)
            try:
                query_once(conn, keep_alive)
            except ConnectionError:
                if not reused:
                    raise
                retries += 1
                conn.close()
                conn = socket.create_connection(("127.0.0.1", port), timeout=10)
                query_once(conn, keep_alive)
            lat.append(time.time() - t0)
            if not keep_alive:
                conn.close()
                conn = None
        except OSError as e:
            log("healthy query failed: %s" % e)
            lat.append(10.0)
            if conn is not None:
                conn.close()
            conn = None
        time.sleep(0.05)
    if conn is not None:
        conn.close()
    if keep_alive:
        log("keep-alive client: %d requests sent again on a new connection" % retries)
    return lat


def main(env):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 20000)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    check(want >= SLOW_CONNECTIONS + 200, "RLIMIT_NOFILE hard limit %d too low" % hard)

    cairn = harness.Cairn(env)
    cairn.start()
    now = int(time.time() * 1000)
    r = harness.remote_write(cairn.url, [((("__name__", "slow_test_metric"), ("i", str(i))),
                                          [(now, pb.float_bits(float(i)))]) for i in range(50)])
    check(r.status in (200, 204), "remote write: %r" % r)
    baseline = healthy_queries(cairn.port, 2, keep_alive=False)
    log("baseline: p50 %.1f ms, p99 %.1f ms over %d queries" % (
        statistics.median(baseline) * 1e3, percentile(baseline, 99) * 1e3, len(baseline)))

    flood = Flood(cairn.port, SLOW_CONNECTIONS)
    flood.start()
    time.sleep(5)  # the flood fills the cap
    fds = open_fds(cairn.proc.proc.pid)
    log("flood: %d connections made so far, cairn holds %d descriptors" % (flood.connected, fds))
    check(flood.connected >= 600, "the flood did not get going (%d connections)" % flood.connected)
    check(fds < 512 + 150, "cairn holds %d descriptors, more than the cap allows" % fds)

    results = {}
    for keep_alive in (False, True):
        lat = healthy_queries(cairn.port, 8, keep_alive)
        name = "keep-alive" if keep_alive else "new connection each"
        p50, p99 = statistics.median(lat), percentile(lat, 99)
        log("healthy client (%s): %d queries, p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (
            name, len(lat), p50 * 1e3, p99 * 1e3, max(lat) * 1e3))
        results[name] = p99
    fds = open_fds(cairn.proc.proc.pid)
    log("flood: %d connections made, %d cut off by cairn; cairn holds %d descriptors" % (
        flood.connected, flood.cut_off, fds))
    flood.finish()
    check(fds < 512 + 150, "cairn holds %d descriptors, more than the cap allows" % fds)
    for name, p99 in results.items():
        check(p99 < 1.0, "healthy client (%s): p99 %.3f s, not under 1 s" % (name, p99))
    check(cairn.healthy(), "cairn unhealthy after the flood")
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
