"""Minimal protobuf wire-format encoder/decoder (proto3 subset used by remote read/write).

Only what the tests need: varints (incl. zigzag and negative int64), fixed64,
length-delimited fields and packed repeated varints. Doubles are carried as raw
64-bit patterns (ints) so NaN payloads such as the stale marker survive exactly.
"""
import struct

WT_VARINT, WT_FIXED64, WT_LEN, WT_FIXED32 = 0, 1, 2, 5
_U64 = (1 << 64) - 1


class DecodeError(ValueError):
    pass


def enc_uvarint(n):
    n &= _U64  # negative int64 -> two's complement, 10 bytes
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def dec_uvarint(buf, pos):
    """Returns (value, new_pos); raises DecodeError on truncation or overlong input."""
    result = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise DecodeError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result & _U64, pos
        shift += 7
        if shift >= 70:
            raise DecodeError("varint too long")


def to_int64(u):
    return u - (1 << 64) if u & (1 << 63) else u


def zigzag_dec(u):
    return (u >> 1) ^ -(u & 1)


def zigzag_enc(n):
    return ((n << 1) ^ (n >> 63)) & _U64


def key(field, wire_type):
    return enc_uvarint((field << 3) | wire_type)


def f_varint(field, n):
    return key(field, WT_VARINT) + enc_uvarint(n)


def f_bytes(field, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return key(field, WT_LEN) + enc_uvarint(len(data)) + data


def f_fixed64_bits(field, bits):
    return key(field, WT_FIXED64) + struct.pack("<Q", bits & _U64)


def f_packed_varints(field, values):
    body = b"".join(enc_uvarint(v) for v in values)
    return f_bytes(field, body)


def parse(buf):
    """Parses one message into a list of (field, wire_type, value).

    value is an int for varints, the raw 64-bit int for fixed64, an int for
    fixed32 and bytes for length-delimited fields.
    """
    out = []
    pos = 0
    n = len(buf)
    while pos < n:
        tag, pos = dec_uvarint(buf, pos)
        field, wt = tag >> 3, tag & 7
        if field == 0:
            raise DecodeError("field number 0")
        if wt == WT_VARINT:
            v, pos = dec_uvarint(buf, pos)
        elif wt == WT_FIXED64:
            if pos + 8 > n:
                raise DecodeError("truncated fixed64")
            v = struct.unpack_from("<Q", buf, pos)[0]
            pos += 8
        elif wt == WT_LEN:
            ln, pos = dec_uvarint(buf, pos)
            if pos + ln > n:
                raise DecodeError("truncated length-delimited field")
            v = bytes(buf[pos:pos + ln])
            pos += ln
        elif wt == WT_FIXED32:
            if pos + 4 > n:
                raise DecodeError("truncated fixed32")
            v = struct.unpack_from("<I", buf, pos)[0]
            pos += 4
        else:
            raise DecodeError("unsupported wire type %d" % wt)
        out.append((field, wt, v))
    return out


def fields(buf):
    """Groups parse() output: {field: [values...]} in wire order."""
    d = {}
    for f, _, v in parse(buf):
        d.setdefault(f, []).append(v)
    return d


def repeated_varints(values_or_packed):
    """Decodes a repeated varint field that may be packed (bytes) or not (ints)."""
    out = []
    for v in values_or_packed:
        if isinstance(v, bytes):
            pos = 0
            while pos < len(v):
                x, pos = dec_uvarint(v, pos)
                out.append(x)
        else:
            out.append(v)
    return out


def float_bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def bits_float(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]
