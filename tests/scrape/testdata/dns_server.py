#!/usr/bin/env python3
"""A tiny authoritative DNS server over UDP for the dns_sd tests.

Usage: dns_server.py ZONE_JSON. Binds 127.0.0.1 on a free port, prints the
port on stdout, and answers each query from ZONE_JSON (re-read per query so a
test can change answers):
  {"name.example.": {"A": ["10.0.0.1"], "AAAA": ["::1"],
                     "SRV": [[prio, weight, port, "host.example."]],
                     "MX": [[pref, "mx.example."]], "NS": ["ns.example."],
                     "rcode": 2}}
Unknown names get NXDOMAIN; "rcode" forces that response code (2 = SERVFAIL).
"""
import json
import socket
import struct
import sys

TYPES = {1: "A", 28: "AAAA", 33: "SRV", 15: "MX", 2: "NS"}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def rdata(qtype, value):
    if qtype == "A":
        return socket.inet_pton(socket.AF_INET, value)
    if qtype == "AAAA":
        return socket.inet_pton(socket.AF_INET6, value)
    if qtype == "SRV":
        prio, weight, port, target = value
        return struct.pack("!HHH", prio, weight, port) + encode_name(target)
    if qtype == "MX":
        pref, host = value
        return struct.pack("!H", pref) + encode_name(host)
    if qtype == "NS":
        return encode_name(value)
    raise ValueError(qtype)


def parse_question(data):
    pos, labels = 12, []
    while data[pos] != 0:
        n = data[pos]
        labels.append(data[pos + 1:pos + 1 + n].decode())
        pos += n + 1
    qtype, _qclass = struct.unpack("!HH", data[pos + 1:pos + 5])
    return ".".join(labels).lower() + ".", qtype, data[12:pos + 5]


def answer(zone_path, data):
    qid, flags = struct.unpack("!HH", data[:4])
    name, qtype, question = parse_question(data)
    with open(zone_path) as f:
        zone = {k.lower(): v for k, v in json.load(f).items()}
    entry = zone.get(name)
    rcode, records = 0, []
    if entry is None:
        rcode = 3
    else:
        rcode = entry.get("rcode", 0)
        if rcode == 0:
            tname = TYPES.get(qtype)
            records = [rdata(tname, v) for v in entry.get(tname, [])]
    header = struct.pack("!HHHHHH", qid, 0x8400 | (flags & 0x0100) | 0x0080 | rcode, 1, len(records), 0, 0)
    body = b"".join(struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, len(r)) + r for r in records)
    return header + question + body


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    while True:
        data, addr = sock.recvfrom(4096)
        try:
            sock.sendto(answer(sys.argv[1], data), addr)
        except Exception as e:  # a test bug: say so, keep serving
            print("dns_server:", e, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
