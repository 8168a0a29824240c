#!/usr/bin/env python3
"""Self-test of the hand-written codecs in lib/ (no cairn needed).

The XOR chunk goldens were served by Prometheus 2.42's remote read
(STREAMED_XOR_CHUNKS) for the samples in GOLDEN_SAMPLES: they cover every
delta-of-delta bucket, -0.0, the stale marker, NaN, a denormal and a chunk cut.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import prom_pb  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib import snappy_block  # noqa: E402
from lib.crc32c import crc32c  # noqa: E402

GOLDEN_SAMPLES = [
    (1700000000000, 0x3FF0000000000000), (1700000015000, 0x3FF0000000000000),
    (1700000030000, 0x4004000000000000), (1700000045001, 0x8000000000000000),
    (1700000059000, 0x7FF0000000000002), (1700000060000, 0x7FF8000000000001),
    (1700000068191, 0x7E37E43C8800759C), (1700000138191, 0xC00A000000000000),
    (1700001138191, 0x40FE240C9FBE76C9), (1700001138192, 0x0),
    (1700001738192, 0x1), (1708591672784, 0xBFF0000000000000)]
GOLDEN_CHUNKS = [
    ("000b80a0abfef9623ff00000000000009875309bffd8001c076003782d83ffff0000000000003b9a73b348"
     "0000000000039c17cfcf3f90f22001d6773c5c707d7c7bc8791000eb3f8000000000071868600203d09032"
     "7ef9db27fffffffffffc2f70640fe240c9fbe76c9f00000000000927bf800000000000000040", GOLDEN_SAMPLES[:11]),
    ("0001a0b7ffffb963bff000000000000000", GOLDEN_SAMPLES[11:]),
]

failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def main():
    n = 0
    for hexdata, want in GOLDEN_CHUNKS:
        expect(prom_pb.decode_xor(bytes.fromhex(hexdata)) == want, "XOR golden %s..." % hexdata[:12])
        n += len(want)
    expect(crc32c(b"123456789") == 0xE3069283, "crc32c check value")
    expect(crc32c(b"") == 0, "crc32c of empty")
    for v in (0, 1, 127, 128, 300, 2 ** 63, 2 ** 64 - 1):
        expect(pb.dec_uvarint(pb.enc_uvarint(v), 0) == (v, len(pb.enc_uvarint(v))), "uvarint %d" % v)
    expect(pb.enc_uvarint(-1) == b"\xff" * 9 + b"\x01", "negative int64 varint")
    expect(pb.to_int64(pb.dec_uvarint(pb.enc_uvarint(-5), 0)[0]) == -5, "int64 round trip")
    for data in (b"", b"x", b"abc" * 5000, bytes(range(256)) * 300):
        expect(snappy_block._py_decompress(snappy_block.compress(data)) == data, "snappy (lib) -> py")
        expect(snappy_block.decompress(snappy_block._py_compress(data)) == data, "py snappy -> lib")
    # Write request: decode our own encoding back.
    series = [((("__name__", "m"), ("a", "b")), [(-1000, 0x7FF0000000000002), (5, 0x8000000000000000)])]
    raw = prom_pb.encode_write_v1(series)
    got = [prom_pb.decode_timeseries(ts) for ts in pb.fields(raw)[1]]
    expect(got == [(series[0][0], series[0][1])], "write v1 round trip: %r" % got)
    v2 = pb.fields(prom_pb.encode_write_v2(series))
    expect(v2[4][0] == b"" and pb.repeated_varints(pb.fields(v2[5][0])[1]) == [1, 2, 3, 4], "write v2 refs")
    # Frames: good frame parses, corrupted CRC is caught.
    payload = pb.f_bytes(1, pb.f_bytes(1, pb.f_bytes(1, "__name__") + pb.f_bytes(2, "m")) + pb.f_bytes(
        2, pb.f_varint(1, GOLDEN_SAMPLES[0][0]) + pb.f_varint(2, GOLDEN_SAMPLES[10][0]) + pb.f_varint(3, 1) +
        pb.f_bytes(4, bytes.fromhex(GOLDEN_CHUNKS[0][0])))) + pb.f_varint(2, 0)
    frame = pb.enc_uvarint(len(payload)) + crc32c(payload).to_bytes(4, "big") + payload
    frames, res = prom_pb.decode_chunked_response(frame + frame)
    expect(frames == 2 and len(res[0]) == 1 and res[0][0][1] == GOLDEN_SAMPLES[:11] * 2,
           "chunked response: series joined across frames")
    bad = bytearray(frame)
    bad[-1] ^= 1
    try:
        prom_pb.decode_chunked_response(bytes(bad))
        expect(False, "corrupted frame accepted")
    except prom_pb.FrameError:
        pass
    print("lib self-test: %d golden samples decoded, %d failures" % (n, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
