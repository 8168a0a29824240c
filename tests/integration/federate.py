#!/usr/bin/env python3
"""/federate: Cairn against Prometheus 2.42, as a server and as a scraper.

About 300 series are remote-written, the same requests to Cairn and to a
Prometheus 2.42 with the remote-write receiver, both with the external labels
cluster="east", replica="r1". Some series carry their own `cluster` (a clash
with the external label), `instance` or no `job`; some end in a stale marker,
some have nothing newer than the 5 m lookback, some hold NaN, ±Inf, -0, tiny
and huge values, and label values with quotes, backslashes and newlines.

1. For several match[] sets, Cairn's /federate body equals Prometheus' own
   /federate body on the same data, family by family (the lines of a family
   compared sorted: upstream's unstable sort orders them arbitrarily), and
   every line carries the newest sample that was sent (value bits and
   timestamp).
2. A second Prometheus 2.42 scrapes Cairn's /federate twice, with
   honor_labels true and false. The series it stores equal Cairn's newest
   samples with the external labels added and the target labels applied as
   Prometheus applies them (honored or exported_*), values and timestamps
   exact; a series with a UTF-8 metric and label name arrives with both names
   underscore-escaped (unescaped, they would fail the whole scrape).
"""
import math
import os
import random
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

STALE_BITS = 0x7ff0000000000002
EXTERNAL = {"cluster": "east", "replica": "r1"}
CONFIG = """global:
  scrape_interval: 1h
  external_labels:
    cluster: east
    replica: r1
"""
MATCH_SETS = [
    ['{__name__=~"fed_.+"}'],
    ['fed_gauge{job="j1"}', 'fed_odd', 'fed_gauge{job="j1"}'],
    ['{cluster="own"}', '{instance=~".+"}'],
    ['fed_stale'],
    ['fed_revived', 'fed_old', 'fed_counter_total{job=~"j2|none"}'],
]
SCRAPE_MATCH = '{__name__=~"fed_.+"}'
# A UTF-8 metric and label name, sent to Cairn only: 2.42 federates it raw, Cairn underscore-escaped.
UTF8_SERIES = (("__name__", "utf8.fed"), ("a-b", "x"))
UTF8_ESCAPED = (("__name__", "utf8_fed"), ("a_b", "x"))


def make_data(now_ms, rng):
    """Returns [(labels tuple, [(t_ms, bits)])] and {labels: newest (t_ms, bits)} of what /federate must show."""
    special = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 1.0, -1.0, 1e-300, 1.5e21, 100000.0,
               123456789.0, 0.1, 2.0 ** 53 + 1]
    series = []

    def value(i):
        if i % 7 == 0:
            return special[(i // 7) % len(special)]
        return rng.choice([rng.uniform(-1e6, 1e6), float(rng.randint(0, 10 ** 6)), rng.random() * 1e-5])

    def add(labels, samples):
        series.append((tuple(sorted(labels.items())), samples))

    for i in range(120):
        t = now_ms - 10000 - i
        add({"__name__": "fed_gauge", "job": "j%d" % (i % 2 + 1), "idx": str(i)},
            [(t - 40000, pb.float_bits(value(i + 1))), (t, pb.float_bits(value(i)))])
    for i in range(100):
        labels = {"__name__": "fed_counter_total", "idx": str(i)}
        if i % 3:
            labels["job"] = "j2"
        add(labels, [(now_ms - 30000 - i, pb.float_bits(float(i))), (now_ms - 20000 - i, pb.float_bits(i + 0.5))])
    odd_values = ['a"b', 'back\\slash', 'new\nline', 'plain', 'ünï', '']
    for i in range(40):
        labels = {"__name__": "fed_odd", "idx": str(i), "note": odd_values[i % len(odd_values)] or "x"}
        if i % 4 == 0:
            labels["cluster"] = "own"  # clashes with the external label: kept
        if i % 4 == 1:
            labels["instance"] = "host:%d" % i
        if i % 4 == 2:
            labels["replica"] = "r9"
        add(labels, [(now_ms - 15000 - i, pb.float_bits(value(i)))])
    for i in range(30):  # newest sample is a stale marker: left out
        add({"__name__": "fed_stale", "job": "j1", "idx": str(i)},
            [(now_ms - 30000, pb.float_bits(i)), (now_ms - 12000 - i, STALE_BITS)])
    for i in range(10):  # a stale marker, then a sample again
        add({"__name__": "fed_revived", "job": "j1", "idx": str(i)},
            [(now_ms - 30000, STALE_BITS), (now_ms - 12000 - i, pb.float_bits(i * 2.5))])
    for i in range(10):  # older than the 5 m lookback delta
        add({"__name__": "fed_old", "job": "j1", "idx": str(i)}, [(now_ms - 400000 - i, pb.float_bits(i))])

    newest = {}
    for labels, samples in series:
        t, bits = samples[-1]
        if bits == STALE_BITS or t < now_ms - 300000:
            continue
        newest[labels] = (t, bits)
    return series, newest


def federate(url, match, headers=None):
    q = urllib.parse.urlencode([("match[]", m) for m in match])
    r = harness.http_request("GET", url + "/federate?" + q, headers=headers or {})
    check(r.status == 200, "%s/federate %s: %r" % (url, match, r))
    check(r.headers.get("content-type") == "text/plain; version=0.0.4; charset=utf-8",
          "content type %r" % r.headers.get("content-type"))
    return r.body.decode("utf-8")


def families(body):
    """[(family name, sorted sample lines)] in the body's order."""
    out = []
    for line in body.split("\n")[:-1] if body else []:
        if line.startswith("# TYPE "):
            name, kind = line[len("# TYPE "):].rsplit(" ", 1)
            check(kind == "untyped", "family type %r" % line)
            out.append((name, []))
        else:
            check(out and line.startswith(out[-1][0] + "{"), "sample line outside its family: %r" % line)
            out[-1][1].append(line)
    return [(name, sorted(lines)) for name, lines in out]


def parse_line(line):
    """'name{a="b",...} value ts' -> (name, [(label, value)] in order, value text, ts)."""
    brace = line.index("{")
    name, i, labels = line[:brace], brace + 1, []
    while line[i] != "}":
        eq = line.index("=", i)
        lname, i, val = line[i:eq], eq + 2, []
        while line[i] != '"':
            if line[i] == "\\":
                val.append({"n": "\n", "\\": "\\", '"': '"'}[line[i + 1]])
                i += 2
            else:
                val.append(line[i])
                i += 1
        labels.append((lname, "".join(val)))
        i += 1
        if line[i] == ",":
            i += 1
    value, ts = line[i + 2:].split(" ")
    return name, labels, value, int(ts)


def same_value(text, bits):
    want = pb.bits_float(bits)
    got = float(text)
    return (math.isnan(want) and math.isnan(got)) or got == want


def check_against_sent(body, newest, what):
    """Every line is the newest sample sent for its series: the series' own labels in name order, then the
    external labels (and an empty `instance`) it lacks, in name order. Returns the series seen."""
    seen = set()
    for name, lines in families(body):
        for line in lines:
            fam, labels, value, ts = parse_line(line)
            check(fam == name, "line %r in family %s" % (line, name))
            cut = next((c for c in range(len(labels), -1, -1)
                        if tuple(sorted(labels[:c] + [("__name__", name)])) in newest), None)
            check(cut is not None, "%s: %r is no series sent, or one to be left out" % (what, line))
            own = labels[:cut]
            check(own == sorted(own), "%s: labels out of order in %r" % (what, line))
            own_names = {k for k, _ in own}
            want_tail = [(n, EXTERNAL.get(n, "")) for n in sorted(list(EXTERNAL) + ["instance"])
                         if n not in own_names]
            check(labels[cut:] == want_tail, "%s: appended labels %r, want %r" % (what, labels[cut:], want_tail))
            key = tuple(sorted(own + [("__name__", name)]))
            t, bits = newest[key]
            check(ts == t and same_value(value, bits), "%s: %r but sent (%d, %r)" % (
                what, line, t, pb.bits_float(bits)))
            seen.add(key)
    return seen


def matches(labels, selector_match_set):
    return any(m(dict(labels)) for m in selector_match_set)


# Python twins of MATCH_SETS, to know which sent series each set must return.
PY_MATCH = [
    [lambda l: l["__name__"].startswith("fed_")],
    [lambda l: l["__name__"] == "fed_gauge" and l.get("job") == "j1", lambda l: l["__name__"] == "fed_odd"],
    [lambda l: l.get("cluster") == "own", lambda l: "instance" in l],
    [lambda l: l["__name__"] == "fed_stale"],
    [lambda l: l["__name__"] in ("fed_revived", "fed_old"),
     lambda l: l["__name__"] == "fed_counter_total" and l.get("job", "") in ("j2", "none")],
]


def scraped_series(prom_url):
    """{labels tuple: (t_ms, value text)}: the newest raw sample of every fed_ series Prometheus stored."""
    data = harness.api_get(prom_url, "/api/v1/query", [("query", '{__name__=~"fed_.+|utf8_fed"}[10m]'),
                                                       ("time", "%.3f" % time.time())])
    out = {}
    for s in data["result"]:
        t, v = s["values"][-1]
        out[tuple(sorted(s["metric"].items()))] = (int(round(float(t) * 1000)), v)
    return out


def expected_scraped(newest, target, honor):
    """What Prometheus stores from a /federate scrape of these series (its target labels job and instance)."""
    out = {}
    for key, sample in newest.items():
        labels = dict(key)
        for name, value in EXTERNAL.items():
            labels.setdefault(name, value)
        labels.setdefault("instance", "")  # what /federate adds
        for name, value in (("instance", target), ("job", "fed-honor" if honor else "fed-plain")):
            if honor:
                if name not in labels:
                    labels[name] = value
            else:
                if labels.get(name):
                    labels["exported_" + name] = labels[name]
                labels[name] = value
        out[tuple(sorted((k, v) for k, v in labels.items() if v != ""))] = sample
    return out


def main(env):
    rng = random.Random(11)
    cairn = harness.Cairn(env, config=CONFIG)
    cairn.start()
    reference = harness.Prometheus(env, CONFIG, name="prometheus-ref",
                                   extra_args=["--web.enable-remote-write-receiver"])
    reference.start()

    now_ms = int(time.time() * 1000)
    series, newest = make_data(now_ms, rng)
    for i in range(0, len(series), 50):
        for server in (cairn, reference):
            r = harness.remote_write(server.url, series[i:i + 50])
            check(200 <= r.status < 300, "remote write to %s: %r" % (server.url, r))
    log("%d series sent to both, %d to be federated" % (len(series), len(newest)))
    utf8_sample = (now_ms - 5000, pb.float_bits(7.0))
    r = harness.remote_write(cairn.url, [(UTF8_SERIES, [utf8_sample])])
    check(200 <= r.status < 300, "remote write of a UTF-8 name: %r" % r)

    # 1. Cairn's /federate next to Prometheus' own on the same data.
    for n, match in enumerate(MATCH_SETS):
        got = federate(cairn.url, match)
        want = federate(reference.url, match)
        got_f, want_f = families(got), families(want)
        check([f for f, _ in got_f] == [f for f, _ in want_f],
              "match %r: families %r, Prometheus %r" % (match, [f for f, _ in got_f], [f for f, _ in want_f]))
        for (name, g), (_, w) in zip(got_f, want_f):
            if g != w:
                diff = sorted(set(g) ^ set(w))[:6]
                raise harness.Failure("match %r, family %s: %d lines, Prometheus %d; differing: %r" % (
                    match, name, len(g), len(w), diff))
        seen = check_against_sent(got, newest, "match %r" % match)
        want_keys = {k for k in newest if matches(k, PY_MATCH[n])}
        check(seen == want_keys, "match %r: %d series federated, %d expected; missing %r, extra %r" % (
            match, len(seen), len(want_keys), sorted(want_keys - seen)[:3], sorted(seen - want_keys)[:3]))
        log("match %r: %d families, %d series, identical to Prometheus 2.42" % (
            match, len(got_f), sum(len(lines) for _, lines in got_f)))
    # gzip, as a scraper asks for it
    r = harness.http_request("GET", cairn.url + "/federate?match[]=fed_odd", headers={"Accept-Encoding": "gzip"})
    check(r.status == 200 and r.headers.get("content-encoding") == "gzip", "gzip answer: %r" % r)
    r = harness.http_request("GET", cairn.url + "/federate?" + urllib.parse.urlencode({"match[]": "fed{"}))
    want = harness.http_request("GET", reference.url + "/federate?" + urllib.parse.urlencode({"match[]": "fed{"}))
    check(r.status == 400 and r.body == want.body, "bad selector: %r, Prometheus %r" % (r, want))

    # 2. Prometheus 2.42 federates from Cairn, honoring labels and not.
    target = "127.0.0.1:%d" % cairn.port
    scrape_config = """global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
"""
    for job, honor in (("fed-honor", "true"), ("fed-plain", "false")):
        scrape_config += """  - job_name: %s
    honor_labels: %s
    metrics_path: /federate
    params:
      'match[]': ['%s', '{__name__="utf8.fed"}']
    static_configs:
      - targets: ['%s']
""" % (job, honor, SCRAPE_MATCH, target)
    scraper = harness.Prometheus(env, scrape_config, name="prometheus-scraper")
    scraper.start()
    scraped_newest = dict(newest)
    scraped_newest[UTF8_ESCAPED] = utf8_sample
    want = expected_scraped(scraped_newest, target, True)
    want.update(expected_scraped(scraped_newest, target, False))
    check(len(want) == 2 * len(scraped_newest), "expected series collide: %d" % len(want))
    deadline = time.time() + 30
    got = {}
    while time.time() < deadline:
        got = scraped_series(scraper.url)
        if len(got) >= len(want):
            break
        time.sleep(0.5)
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    check(not missing and not extra, "scraper stored %d series, want %d; missing %r; extra %r" % (
        len(got), len(want), missing[:3], extra[:3]))
    for key, (t, bits) in want.items():
        gt, gv = got[key]
        check(gt == t and same_value(gv, bits), "%r: scraped (%d, %s), sent (%d, %r)" % (
            key, gt, gv, t, pb.bits_float(bits)))
    log("Prometheus 2.42 federating from Cairn: %d series (honor_labels true and false), labels, values and "
        "timestamps exact" % len(got))

    metrics = harness.http_get(cairn.url + "/metrics").body.decode()
    check("prometheus_web_federation_errors_total 0\n" in metrics, "federation errors counted")
    check('prometheus_http_requests_total{code="200",handler="/federate"}' in metrics,
          "/federate requests not counted in prometheus_http_requests_total")
    scraper.stop()
    reference.stop()
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
