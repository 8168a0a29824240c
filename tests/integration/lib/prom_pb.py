"""Remote write (1.0 and 2.0) and remote read messages, hand-encoded.

A series is (labels, samples): labels a list of (name, value) str pairs in the
order given (tests send bad orders on purpose), samples a list of
(t_ms, value_bits). Field numbers follow prompb (see COMPAT.md §3, §4).
"""
from . import protobuf as pb
from .crc32c import crc32c
from .xor_chunk import decode_xor

SAMPLES, STREAMED_XOR_CHUNKS = 0, 1
EQ, NEQ, RE, NRE = 0, 1, 2, 3
CHUNK_XOR = 1


def _label(name, value):
    return pb.f_bytes(1, name) + pb.f_bytes(2, value)


def _sample(t_ms, bits):
    return pb.f_fixed64_bits(1, bits) + pb.f_varint(2, t_ms)


def encode_write_v1(series):
    out = bytearray()
    for labels, samples in series:
        ts = b"".join(pb.f_bytes(1, _label(n, v)) for n, v in labels)
        ts += b"".join(pb.f_bytes(2, _sample(t, b)) for t, b in samples)
        out += pb.f_bytes(1, ts)
    return bytes(out)


def encode_write_v1_grid(series, timestamps):
    """encode_write_v1 for many samples at once: every series has one value
    (float) per timestamp of `timestamps`. The samples block is laid out once
    per request and each series' values are written into a copy of it with
    strided slice assignments, so bulk loads (millions of samples) stay cheap
    in Python."""
    import struct
    tails = [pb.f_varint(2, t) for t in timestamps]
    n = len(timestamps)
    width = 3 + 8 + len(tails[0]) if tails else 0
    if any(len(t) != len(tails[0]) for t in tails):  # mixed varint sizes: sample by sample
        return encode_write_v1([(labels, [(t, pb.float_bits(v)) for t, v in zip(timestamps, values)])
                                for labels, values in series])
    head = b"\x12" + bytes([width - 2]) + b"\x09"
    template = b"".join(head + b"\0" * 8 + t for t in tails)
    out = bytearray()
    for labels, values in series:
        block = bytearray(template)
        packed = struct.pack("<%dd" % n, *values)
        for k in range(8):
            block[3 + k::width] = packed[k::8]
        ts = b"".join(pb.f_bytes(1, _label(name, value)) for name, value in labels) + block
        out += pb.f_bytes(1, ts)
    return bytes(out)


def encode_write_v2(series):
    symbols = [""]
    index = {"": 0}

    def ref(s):
        if s not in index:
            index[s] = len(symbols)
            symbols.append(s)
        return index[s]

    body = bytearray()
    for labels, samples in series:
        refs = []
        for n, v in labels:
            refs += [ref(n), ref(v)]
        ts = pb.f_packed_varints(1, refs)
        ts += b"".join(pb.f_bytes(2, _sample(t, b)) for t, b in samples)
        body += pb.f_bytes(5, ts)
    head = b"".join(pb.f_bytes(4, s) for s in symbols)
    return head + bytes(body)


def encode_read_request(queries, accepted=(SAMPLES,)):
    """queries: [(start_ms, end_ms, [(type, name, value), ...])]."""
    out = bytearray()
    for start, end, matchers in queries:
        q = pb.f_varint(1, start) + pb.f_varint(2, end)
        for typ, name, value in matchers:
            q += pb.f_bytes(3, pb.f_varint(1, typ) + pb.f_bytes(2, name) + pb.f_bytes(3, value))
        out += pb.f_bytes(1, q)
    if accepted:
        out += pb.f_packed_varints(2, list(accepted))
    return bytes(out)


def _decode_labels(raw_list):
    labels = []
    for raw in raw_list:
        f = pb.fields(raw)
        labels.append((f.get(1, [b""])[-1].decode("utf-8", "surrogateescape"),
                       f.get(2, [b""])[-1].decode("utf-8", "surrogateescape")))
    return tuple(labels)


def decode_timeseries(raw):
    f = pb.fields(raw)
    samples = []
    for s in f.get(2, []):
        sf = pb.fields(s)
        bits = sf.get(1, [0])[-1]
        t = pb.to_int64(sf.get(2, [0])[-1])
        samples.append((t, bits))
    return _decode_labels(f.get(1, [])), samples


def decode_read_response(raw):
    """SAMPLES response (already snappy-decoded) -> [ [ (labels, samples) ] per query ]."""
    results = []
    for qr in pb.fields(raw).get(1, []):
        results.append([decode_timeseries(ts) for ts in pb.fields(qr).get(1, [])])
    return results


class FrameError(ValueError):
    pass


def iter_frames(body):
    """Splits a STREAMED_XOR_CHUNKS body into payloads, checking each CRC-32C."""
    pos = 0
    while pos < len(body):
        ln, pos = pb.dec_uvarint(body, pos)
        if pos + 4 + ln > len(body):
            raise FrameError("truncated frame at offset %d" % pos)
        want = int.from_bytes(body[pos:pos + 4], "big")
        payload = body[pos + 4:pos + 4 + ln]
        got = crc32c(payload)
        if got != want:
            raise FrameError("frame CRC-32C mismatch: header %08x, computed %08x" % (want, got))
        pos += 4 + ln
        yield payload


def decode_chunked_response(body):
    """Returns (frames, {query_index: [(labels, samples, chunk_meta)]}) with series joined
    across frames; chunk_meta is a list of (min_t, max_t, count) for checks."""
    out = {}
    frames = 0
    for payload in iter_frames(body):
        frames += 1
        f = pb.fields(payload)
        qi = pb.to_int64(f.get(2, [0])[-1])
        for cs in f.get(1, []):
            cf = pb.fields(cs)
            labels = _decode_labels(cf.get(1, []))
            samples, meta = [], []
            for ch in cf.get(2, []):
                chf = pb.fields(ch)
                typ = chf.get(3, [0])[-1]
                if typ != CHUNK_XOR:
                    raise FrameError("unexpected chunk encoding %d" % typ)
                mint = pb.to_int64(chf.get(1, [0])[-1])
                maxt = pb.to_int64(chf.get(2, [0])[-1])
                dec = decode_xor(chf.get(4, [b""])[-1])
                if dec and (dec[0][0] != mint or dec[-1][0] != maxt):
                    raise FrameError("chunk min/max time %d/%d disagree with its samples %d/%d"
                                     % (mint, maxt, dec[0][0], dec[-1][0]))
                meta.append((mint, maxt, len(dec)))
                samples += dec
            series = out.setdefault(qi, [])
            if series and series[-1][0] == labels:
                series[-1][1].extend(samples)
                series[-1][2].extend(meta)
            else:
                series.append((labels, samples, meta))
    return frames, out
