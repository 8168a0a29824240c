"""Snappy block format (not framed): compress/decompress.

Uses Debian's python3-snappy when importable (also from /usr/lib/python3/dist-packages
when the interpreter on PATH is not Debian's). Falls back to a small pure-Python codec:
its compressor emits literals only, which is valid snappy that any decoder accepts.
"""
import sys

try:
    import snappy as _snappy
except ImportError:  # e.g. a pyenv python3 first on PATH
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import snappy as _snappy
    except ImportError:
        _snappy = None
    finally:
        sys.path.remove("/usr/lib/python3/dist-packages")


class SnappyError(ValueError):
    pass


def _uvarint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _py_compress(data):
    out = bytearray(_uvarint(len(data)))
    pos = 0
    while pos < len(data):
        chunk = data[pos:pos + 65536]
        n = len(chunk) - 1
        if n < 60:
            out.append(n << 2)
        elif n < 256:
            out += bytes([60 << 2, n])
        else:
            out += bytes([61 << 2, n & 0xFF, n >> 8])
        out += chunk
        pos += len(chunk)
    return bytes(out)


def _py_decompress(buf):
    length = 0
    shift = 0
    pos = 0
    while True:
        if pos >= len(buf) or shift > 32:
            raise SnappyError("bad length preamble")
        b = buf[pos]
        pos += 1
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    out = bytearray()
    while pos < len(buf):
        tag = buf[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:
            n = tag >> 2
            if n >= 60:
                extra = n - 59
                n = int.from_bytes(buf[pos:pos + extra], "little")
                pos += extra
            n += 1
            if pos + n > len(buf):
                raise SnappyError("truncated literal")
            out += buf[pos:pos + n]
            pos += n
            continue
        if kind == 1:
            n = ((tag >> 2) & 7) + 4
            off = ((tag >> 5) << 8) | buf[pos]
            pos += 1
        elif kind == 2:
            n = (tag >> 2) + 1
            off = int.from_bytes(buf[pos:pos + 2], "little")
            pos += 2
        else:
            n = (tag >> 2) + 1
            off = int.from_bytes(buf[pos:pos + 4], "little")
            pos += 4
        if off == 0 or off > len(out):
            raise SnappyError("bad copy offset")
        for _ in range(n):
            out.append(out[-off])
    if len(out) != length:
        raise SnappyError("length mismatch")
    return bytes(out)


def compress(data):
    if _snappy is not None:
        return _snappy.compress(data)
    return _py_compress(data)


def decompress(data):
    if _snappy is not None:
        try:
            return _snappy.uncompress(data)
        except Exception as e:  # python-snappy raises its own error types
            raise SnappyError(str(e)) from e
    return _py_decompress(data)
