"""A node_exporter-like history with the shape of the ingest bench's data set.

bench/ingest (node_series_catalog.cc, sample_generator.cc) generates what
`bench/run.sh` loads: per instance 68 series (node_cpu_seconds_total for 4
CPUs x 8 modes, node_memory_*, node_load*, node_network_* for eth0/lo,
node_filesystem_* for two mounts, one HTTP latency histogram), labels
instance="node-NNNNN:9100", job="node", scraped every 15 s at a per-instance
offset with a few ms of jitter; counters at 2 decimals or integers, gauges
as bounded random walks (cents, or 4 KiB pages), constants, and cumulative
histogram buckets up to le="+Inf". Its small set (SMALL=1) is 2000 series x
1 h (480 000 samples).

This is the same catalog and value kinds in Python, for tests that cannot
run the C++ driver (it is not built in sanitizer builds). The random numbers
differ from the driver's, so the values are not bit-identical to it; the
series, label sets, timestamps' pattern and value shapes are the same.
"""
import math
import random
import struct

GIB = 1024.0 ** 3
INTERVAL_MS = 15_000
JITTER_MS = 5
MODES = [("idle", 0.0), ("iowait", 0.02), ("irq", 0.004), ("nice", 0.003), ("softirq", 0.01),
         ("steal", 0.002), ("system", 0.06), ("user", 0.15)]
MEM = [("node_memory_MemFree_bytes", 0.05, 0.4), ("node_memory_MemAvailable_bytes", 0.2, 0.7),
       ("node_memory_Buffers_bytes", 0.01, 0.03), ("node_memory_Cached_bytes", 0.1, 0.4),
       ("node_memory_SwapFree_bytes", 0.05, 0.12), ("node_memory_Active_bytes", 0.2, 0.5),
       ("node_memory_Inactive_bytes", 0.1, 0.3)]
BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, math.inf]


def _bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def _pages(v):
    return round(v / 4096.0) * 4096.0


def _instance_series(instance, rnd):
    """[(labels, kind, params)] of one instance, labels sorted."""
    out = []

    def add(metric, extra, kind, **p):
        labels = sorted(extra + [("__name__", metric), ("instance", "node-%05d:9100" % instance),
                                 ("job", "node")])
        out.append((labels, kind, p))

    uptime = 86400.0 * (1 + rnd.random() * 99)
    busy = 0.5 + rnd.random()
    non_idle = sum(share * busy for _, share in MODES)
    for cpu in range(4):
        for mode, share in MODES:
            rate = share * busy * (0.7 + 0.6 * rnd.random()) if share > 0 else max(0.05, 1 - non_idle)
            add("node_cpu_seconds_total", [("cpu", str(cpu)), ("mode", mode)], "counter_cents",
                start=round(uptime * rate * 100) / 100, rate=rate)
    total = rnd.choice([8, 16, 32, 64]) * GIB
    add("node_memory_MemTotal_bytes", [], "constant", start=total)
    for name, lo, hi in MEM:
        add(name, [], "gauge_pages", start=_pages(lo * total + (hi - lo) * total * rnd.random()),
            low=lo * total, high=hi * total, step=total * 0.0005)
    load = 4 * busy * 0.3
    for name, step in (("node_load1", 0.08), ("node_load15", 0.01), ("node_load5", 0.03)):
        add(name, [], "gauge_cents", start=round(load, 2), low=0, high=8.0, step=step)
    eth = 1e5 * (1 + 99 * rnd.random())
    for dev, per_s in (("eth0", eth), ("lo", eth * 0.02)):
        for direction in ("receive", "transmit"):
            rate = per_s * (1.0 if direction == "receive" else 0.4 + 0.4 * rnd.random())
            add("node_network_%s_bytes_total" % direction, [("device", dev)], "counter_int",
                start=math.floor(uptime * rate), rate=rate)
            add("node_network_%s_packets_total" % direction, [("device", dev)], "counter_int",
                start=math.floor(uptime * rate / 700), rate=rate / 700)
    for device, mountpoint, size in (("/dev/sda1", "/", (50 + 450 * rnd.random()) * GIB),
                                     ("/dev/sda2", "/boot", GIB)):
        fs = [("device", device), ("fstype", "ext4"), ("mountpoint", mountpoint)]
        size = math.floor(size / 4096) * 4096
        used = 0.2 + 0.6 * rnd.random()
        add("node_filesystem_size_bytes", fs, "constant", start=size)
        add("node_filesystem_avail_bytes", fs, "gauge_pages", start=_pages(size * (0.95 - used)),
            low=size * 0.05, high=size * 0.9, step=size * 0.00002)
        add("node_filesystem_free_bytes", fs, "gauge_pages", start=_pages(size * (1 - used)),
            low=size * 0.1, high=size * 0.95, step=size * 0.00002)
    handler = [("handler", "/metrics")]
    for le in BOUNDS:
        add("http_request_duration_seconds_bucket", handler + [("le", "+Inf" if le == math.inf else "%g" % le)],
            "bucket", le=le)
    add("http_request_duration_seconds_sum", handler, "sum")
    add("http_request_duration_seconds_count", handler, "count")
    return out


def generate(series_count, rounds, start_ms, seed=1):
    """[(labels, [(t_ms, value_bits)])] of `series_count` series, `rounds` scrapes each."""
    specs = []
    instance = 0
    while len(specs) < series_count:
        for labels, kind, p in _instance_series(instance, random.Random(seed * 1_000_003 + instance)):
            specs.append((instance, labels, kind, p))
        instance += 1
    specs = specs[:series_count]
    offsets = {i: random.Random(seed ^ (i * 7919)).randrange(INTERVAL_MS) for i in range(instance)}
    # The histogram's observations per instance and round, shared by its series.
    observed = {}

    def observe(inst, rnd_no):
        if (inst, rnd_no) not in observed:
            r = random.Random((seed, inst, rnd_no).__hash__())
            observed[(inst, rnd_no)] = [0.02 * math.exp(0.9 * r.gauss(0, 1)) for _ in range(1 + r.randrange(6))]
        return observed[(inst, rnd_no)]

    out = []
    for idx, (inst, labels, kind, p) in enumerate(specs):
        rnd = random.Random(seed * 7_000_001 + idx)
        jitter = random.Random(seed * 13 + inst)
        v = p.get("start", 0.0)
        samples = []
        for k in range(rounds):
            if k > 0:
                if kind == "counter_cents":
                    v = round(v + max(0.0, p["rate"] * 15 * (1 + 0.3 * rnd.gauss(0, 1))), 2)
                elif kind == "counter_int":
                    v += math.floor(max(0.0, p["rate"] * 15 * (1 + 0.5 * rnd.gauss(0, 1))))
                elif kind == "gauge_cents":
                    v = min(max(round(v + p["step"] * rnd.gauss(0, 1), 2), p["low"]), p["high"])
                elif kind == "gauge_pages":
                    v = min(max(_pages(v + p["step"] * rnd.gauss(0, 1)), _pages(p["low"])), _pages(p["high"]))
            if kind in ("bucket", "sum", "count"):
                obs = observe(inst, k)
                if kind == "bucket":
                    v += sum(1 for d in obs if d <= p["le"])
                elif kind == "count":
                    v += len(obs)
                else:
                    v = round(v + sum(obs), 4)
            t = start_ms + k * INTERVAL_MS + offsets[inst] + jitter.randint(-JITTER_MS, JITTER_MS)
            samples.append((t, _bits(float(v))))
        out.append((labels, samples))
    return out
