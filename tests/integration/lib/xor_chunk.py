"""Decoder for Prometheus XOR (Gorilla) chunks as served by remote read.

Layout: 2-byte big-endian sample count, then a bit stream: first sample =
zigzag varint timestamp + 64 raw value bits; second = uvarint timestamp delta +
XOR'd value; later samples = delta-of-delta in buckets '0' | '10'+14 | '110'+17 |
'1110'+20 | '1111'+64 bits, then XOR'd value. Values are returned as 64-bit
patterns so stale markers compare exactly.
"""


class ChunkError(ValueError):
    pass


class _Bits:
    def __init__(self, data):
        self.data = data
        self.pos = 0  # bit position

    def bit(self):
        byte = self.pos >> 3
        if byte >= len(self.data):
            raise ChunkError("chunk bitstream truncated")
        v = (self.data[byte] >> (7 - (self.pos & 7))) & 1
        self.pos += 1
        return v

    def bits(self, n):
        v = 0
        for _ in range(n):
            v = (v << 1) | self.bit()
        return v

    def uvarint(self):
        result = 0
        shift = 0
        while True:
            b = self.bits(8)
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise ChunkError("varint overflow in chunk")


def _signed(v, n):
    # Prometheus' reader: values above 2^(n-1) wrap negative.
    return v - (1 << n) if v > (1 << (n - 1)) else v


def decode_xor(data):
    """Returns [(t_ms, value_bits)] for one XOR chunk."""
    if len(data) < 2:
        raise ChunkError("chunk shorter than its header")
    count = int.from_bytes(data[:2], "big")
    r = _Bits(data[2:])
    out = []
    t = v = 0
    delta = 0
    leading = trailing = 0
    for i in range(count):
        if i == 0:
            u = r.uvarint()
            t = (u >> 1) ^ -(u & 1)
            v = r.bits(64)
        else:
            if i == 1:
                delta = r.uvarint()
                if delta >= 1 << 63:
                    delta -= 1 << 64
            else:
                prefix = 0
                for _ in range(4):
                    prefix <<= 1
                    b = r.bit()
                    prefix |= b
                    if not b:
                        break
                if prefix == 0:
                    dod = 0
                elif prefix == 0b10:
                    dod = _signed(r.bits(14), 14)
                elif prefix == 0b110:
                    dod = _signed(r.bits(17), 17)
                elif prefix == 0b1110:
                    dod = _signed(r.bits(20), 20)
                else:
                    dod = r.bits(64)
                    if dod >= 1 << 63:
                        dod -= 1 << 64
                delta += dod
            t += delta
            if r.bit():
                if r.bit():
                    leading = r.bits(5)
                    sig = r.bits(6)
                    if sig == 0:
                        sig = 64
                    trailing = 64 - leading - sig
                else:
                    sig = 64 - leading - trailing
                if sig <= 0 or trailing < 0:
                    raise ChunkError("bad XOR width")
                v ^= r.bits(sig) << trailing
        out.append((t, v))
    return out
