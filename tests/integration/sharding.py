#!/usr/bin/env python3
"""The sharding recipe of docs/scale-out.md, run as documented.

The YAML block of the doc's "## Sharding" section is read from the doc itself
and started on two Cairns (shard 0 and shard 1: the doc's "0"s become "1"s),
with a 1 s scrape interval and 16 targets — small HTTP servers of the test —
listed in a file_sd file both read. Then:
- the shards' active targets are disjoint and together cover all 16, each
  target on the shard MD5-hashmod puts it (computed here as Prometheus does);
- each shard stores `up` == 1 and the exposed series only for its own targets,
  labelled with its `shard` external label in remote-read answers;
- a Prometheus 2.42 with both shards under remote_read counts each target's
  `up` exactly once.
"""
import hashlib
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib.harness import check, log  # noqa: E402

TARGETS = 16
DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "scale-out.md")


def doc_config():
    """The first yaml block after '## Sharding' in docs/scale-out.md."""
    with open(DOC) as f:
        text = f.read()
    section = text[text.index("## Sharding"):]
    m = re.search(r"```yaml\n(.*?)```", section, re.S)
    check(m is not None, "no yaml block in the Sharding section of %s" % DOC)
    return m.group(1)


def shard_config(doc, shard, targets_glob):
    cfg = doc.replace('"0"', '"%d"' % shard)
    check(cfg.count('"%d"' % shard) == 2, "the doc's block should name shard 0 twice (label and regex)")
    cfg = cfg.replace("scrape_interval: 15s", "scrape_interval: 1s")
    cfg = cfg.replace("'targets/*.json'", "'%s'" % targets_glob)
    check(targets_glob in cfg and "scrape_interval: 1s" in cfg, "doc block changed shape:\n" + cfg)
    return cfg


def hashmod(value, modulus):
    """Prometheus' hashmod: the MD5 digest's last 8 bytes, big-endian, modulo."""
    return int.from_bytes(hashlib.md5(value.encode()).digest()[8:], "big") % modulus


def shard_demo(port):
    return "# TYPE shard_demo gauge\nshard_demo{served_by=\"%d\"} %d\n" % (port, port)


def active_targets(cairn):
    data = harness.api_get(cairn.url, "/api/v1/targets", [("state", "active")])
    return {t["labels"]["instance"]: t for t in data["activeTargets"] if t["labels"].get("job") == "node"}


def query(url, expr):
    return harness.api_get(url, "/api/v1/query", [("query", expr), ("time", "%.3f" % time.time())])["result"]


def main(env):
    servers = []
    try:
        for _ in range(TARGETS):
            servers.append(harness.ExpositionServer(shard_demo))
        addresses = [s.addr for s in servers]
        targets_file = env.path("targets.json")
        with open(targets_file, "w") as f:
            json.dump([{"targets": addresses}], f)

        doc = doc_config()
        shards = []
        for shard in (0, 1):
            c = harness.Cairn(env, name="cairn-shard%d" % shard, config=shard_config(doc, shard, targets_file))
            c.start()
            shards.append(c)

        want = {a: hashmod(a, 2) for a in addresses}
        check(0 < sum(want.values()) < TARGETS, "all 16 targets hash to one shard; pick other ports")
        deadline = time.time() + 20
        while True:
            got = [active_targets(c) for c in shards]
            up = [{r["metric"]["instance"] for r in query(c.url, 'up{job="node"} == 1')} for c in shards]
            if all(set(g) == set(u) for g, u in zip(got, up)) and sum(len(u) for u in up) == TARGETS:
                break
            if time.time() > deadline:
                raise harness.Failure("targets %r, up %r after 20 s" % ([sorted(g) for g in got], up))
            time.sleep(0.5)
        check(not set(got[0]) & set(got[1]), "shards overlap: %r" % sorted(set(got[0]) & set(got[1])))
        check(set(got[0]) | set(got[1]) == set(addresses), "targets missing from both shards: %r" % sorted(
            set(addresses) - set(got[0]) - set(got[1])))
        for shard, g in enumerate(got):
            wrong = sorted(a for a in g if want[a] != shard)
            check(not wrong, "shard %d scrapes %r, which hashmod puts on the other shard" % (shard, wrong))
            served = {r["metric"]["served_by"] for r in query(shards[shard].url, "shard_demo")}
            check(served == {a.split(":")[1] for a in g}, "shard %d stored shard_demo of %r" % (shard, served))
        log("shares: %d + %d targets, disjoint, covering all %d, as MD5 hashmod assigns them" % (
            len(got[0]), len(got[1]), TARGETS))

        remote_read = "".join("  - url: %s/api/v1/read\n    read_recent: true\n" % c.url for c in shards)
        prom = harness.Prometheus(env, "global:\n  scrape_interval: 1h\nremote_read:\n" + remote_read,
                                  name="prometheus-global")
        prom.start()
        res = query(prom.url, 'count by (instance, shard) (up{job="node"})')
        seen = {}
        for r in res:
            check(r["value"][1] == "1", "target counted twice: %r" % r)
            seen[r["metric"]["instance"]] = int(r["metric"]["shard"])
        check(seen == want, "Prometheus reading both shards sees %r, want %r" % (seen, want))
        log("Prometheus 2.42 reading both shards through remote_read: each of %d targets once, "
            "with its shard label" % len(seen))
        prom.stop()
        for c in shards:
            c.stop()
    finally:
        for s in servers:
            s.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
