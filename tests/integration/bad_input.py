#!/usr/bin/env python3
"""Bad input on /api/v1/write and /api/v1/read: 4xx (never 5xx), server stays up.

Cases: garbage body, truncated snappy, valid snappy of truncated protobuf, bad
labels (empty name, duplicate name, unsorted, invalid UTF-8), zstd
Content-Encoding (415), unknown proto= (415), a body over 32 MiB (413), a body
that decodes to over 32 MiB, GET on /api/v1/write (405), bad remote-write 2.0
symbol tables, garbage remote-read requests. After every case /-/healthy must
answer 200; at the end the data written before is read back intact, and a
request mixing valid and invalid series must have stored the valid ones.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib import snappy_block  # noqa: E402
from lib.harness import check, log  # noqa: E402

METRIC = "cairn_bad_input_test"


def zstd_raw_frame(data):
    """A valid zstd frame holding data in one raw block (data < 256 bytes)."""
    assert len(data) < 256
    hdr = (1 | (0 << 1) | (len(data) << 3)).to_bytes(3, "little")  # last block, raw
    return b"\x28\xb5\x2f\xfd" + b"\x20" + bytes([len(data)]) + hdr + data


def series(kind, n_samples=3, base=None, extra=()):
    labels = (("__name__", METRIC), ("case", kind)) + tuple(extra)
    return (labels, [(base + i * 1000, pb.float_bits(float(i) + 0.5)) for i in range(n_samples)])


def read_case(url, kind, base):
    got = harness.remote_read(url, [(base - 10 ** 6, base + 10 ** 7,
                                      [(prom_pb.EQ, "__name__", METRIC), (prom_pb.EQ, "case", kind)])])
    return got.get(0, [])


class Cases:
    def __init__(self, cairn):
        self.cairn = cairn
        self.results = []

    def expect(self, name, resp, allowed):
        """resp: Response or None (connection dropped without an answer)."""
        status = resp.status if resp is not None else None
        self.results.append((name, status))
        log("%-44s -> %s %s" % (name, status, (resp.text()[:80].strip() if resp is not None else "")))
        check(status is not None, "%s: no HTTP response" % name)
        check(status < 500, "%s: server error %r" % (name, resp))
        check(status in allowed, "%s: status %d, want one of %s (%r)" % (name, status, allowed, resp))
        check(self.cairn.healthy(), "%s: server not healthy afterwards" % name)

    def post_write(self, body, headers=None):
        return harness.http_request("POST", self.cairn.url + "/api/v1/write", body,
                                    headers or harness.WRITE_HEADERS_V1)


def main(env):
    cairn = harness.Cairn(env)
    cairn.start()
    url = cairn.url
    base = (int(time.time()) - 1200) * 1000
    c = Cases(cairn)

    # Data accepted before the bad input; must be intact at the end.
    good = [series("before_v1", 50, base)]
    r = harness.remote_write(url, good)
    check(200 <= r.status < 300, "baseline v1 write: %r" % r)
    good_v2 = [series("before_v2", 20, base)]
    r = harness.remote_write(url, good_v2, version=2)
    check(200 <= r.status < 300, "baseline v2 write: %r" % r)
    written = r.headers.get("x-prometheus-remote-write-samples-written")
    check(written == "20", "v2 write: X-Prometheus-Remote-Write-Samples-Written = %r, want '20'" % written)

    valid_pb = prom_pb.encode_write_v1([series("never", 5, base)])
    # --- transport / encoding errors
    c.expect("garbage body", c.post_write(b"this is not a snappy block \xff\xfe" * 10), (400,))
    c.expect("truncated snappy", c.post_write(snappy_block.compress(valid_pb)[:-7]), (400,))
    c.expect("snappy of truncated protobuf", c.post_write(snappy_block.compress(valid_pb[:-3])), (400,))
    c.expect("snappy of garbage protobuf",
             c.post_write(snappy_block.compress(b"\x0a\xff\xff\xff\xff\x0f" + b"x" * 40)), (400,))
    zstd_headers = dict(harness.WRITE_HEADERS_V1, **{"Content-Encoding": "zstd",
                                                      "X-VictoriaMetrics-Remote-Write-Version": "1"})
    c.expect("zstd Content-Encoding", c.post_write(zstd_raw_frame(valid_pb), zstd_headers), (415,))
    c.expect("unknown proto=", c.post_write(snappy_block.compress(valid_pb), dict(
        harness.WRITE_HEADERS_V1, **{"Content-Type": "application/x-protobuf;proto=foo.bar.Request"})), (415,))
    c.expect("GET /api/v1/write", harness.http_get(url + "/api/v1/write"), (405,))
    big = b"\x00" * (33 << 20)
    c.expect("body over 32 MiB", harness.http_post_streaming(url + "/api/v1/write", big,
                                                             harness.WRITE_HEADERS_V1), (413,))
    bomb = snappy_block.compress(b"\x0a" + b"\x00" * (33 << 20))
    c.expect("snappy decoding to over 32 MiB (%d B sent)" % len(bomb), c.post_write(bomb), (400, 413))

    # --- remote write 2.0 symbol table errors
    v2_headers = harness.WRITE_HEADERS_V2
    bad_sym0 = pb.f_bytes(4, "x") + pb.f_bytes(4, "__name__") + pb.f_bytes(5, pb.f_packed_varints(1, [1, 0]))
    r = c.post_write(snappy_block.compress(bad_sym0), v2_headers)
    c.expect("v2 symbols[0] not empty", r, (400,))
    check("x-prometheus-remote-write-samples-written" in r.headers,
          "v2 4xx without X-Prometheus-Remote-Write-Samples-Written header")
    bad_ref = (pb.f_bytes(4, "") + pb.f_bytes(4, "__name__") + pb.f_bytes(4, METRIC) +
               pb.f_bytes(5, pb.f_packed_varints(1, [1, 99]) +
                          pb.f_bytes(2, pb.f_fixed64_bits(1, 0) + pb.f_varint(2, base))))
    c.expect("v2 label ref out of range", c.post_write(snappy_block.compress(bad_ref), v2_headers), (400,))
    odd_refs = (pb.f_bytes(4, "") + pb.f_bytes(4, "__name__") + pb.f_bytes(4, METRIC) +
                pb.f_bytes(5, pb.f_packed_varints(1, [1, 2, 1]) +
                           pb.f_bytes(2, pb.f_fixed64_bits(1, 0) + pb.f_varint(2, base))))
    c.expect("v2 odd number of label refs", c.post_write(snappy_block.compress(odd_refs), v2_headers), (400,))

    # --- bad labels: rejected (400) or skipped (2xx), but never stored as given.
    ok_or_400 = (200, 204, 400)
    bad_label_sets = {
        "empty_name": (("__name__", METRIC), ("", "x"), ("case", "empty_name")),
        "dup_name": (("__name__", METRIC), ("case", "dup_name"), ("case", "dup_name")),
        "bad_utf8": (("__name__", METRIC), ("case", "bad_utf8"), ("v", b"\xff\xfeok")),
    }
    for kind, labels in bad_label_sets.items():
        body = prom_pb.encode_write_v1([(labels, [(base, pb.float_bits(1.0))])])
        c.expect("label " + kind, c.post_write(snappy_block.compress(body)), ok_or_400)
    unsorted = (("case", "unsorted"), ("__name__", METRIC), ("a", "1"))
    c.expect("labels unsorted", c.post_write(snappy_block.compress(
        prom_pb.encode_write_v1([(unsorted, [(base, pb.float_bits(1.0))])]))), ok_or_400)

    # --- a request mixing valid and invalid series stores the valid ones
    mixed = [series("mixed_ok_a", 5, base),
             ((("__name__", METRIC), ("case", "mixed_bad"), ("case", "mixed_bad")), [(base, pb.float_bits(2.0))]),
             ((("", "x"), ("__name__", METRIC), ("case", "mixed_bad2")), [(base, pb.float_bits(2.0))]),
             series("mixed_ok_b", 5, base)]
    c.expect("mixed valid + invalid series", c.post_write(snappy_block.compress(
        prom_pb.encode_write_v1(mixed))), ok_or_400)

    # --- remote read garbage
    read_headers = {"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
                    "X-Prometheus-Remote-Read-Version": "0.1.0"}
    c.expect("read: garbage body", harness.http_request(
        "POST", url + "/api/v1/read", b"garbage!" * 8, read_headers), (400,))
    c.expect("read: truncated protobuf", harness.http_request(
        "POST", url + "/api/v1/read", snappy_block.compress(prom_pb.encode_read_request(
            [(0, base, [(prom_pb.EQ, "__name__", METRIC)])])[:-4]), read_headers), (400,))
    c.expect("read: bad matcher regex", harness.http_request(
        "POST", url + "/api/v1/read", snappy_block.compress(prom_pb.encode_read_request(
            [(0, base, [(prom_pb.RE, "__name__", "(unclosed")])])), read_headers), (400,))

    # --- what got stored
    for kind in ("empty_name", "dup_name", "bad_utf8", "mixed_bad", "mixed_bad2", "never"):
        got = read_case(url, kind, base)
        check(not got, "invalid series case=%s was stored: %s" % (kind, got))
    for labels, _ in read_case(url, "unsorted", base):
        check(list(labels) == sorted(labels), "unsorted labels stored unsorted: %s" % (labels,))
    stored = 0
    for want in good + good_v2 + [mixed[0], mixed[3]]:
        kind = dict(want[0])["case"]
        got = read_case(url, kind, base)
        check(len(got) == 1, "case=%s: %d series read back, want 1" % (kind, len(got)))
        check(got[0] == want, "case=%s: read back %s, want %s" % (kind, got[0], want))
        stored += len(want[1])
    statuses = {}
    for _, s in c.results:
        statuses[s] = statuses.get(s, 0) + 1
    print("bad requests %d, statuses %s; valid samples intact %d" % (len(c.results), statuses, stored))
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
