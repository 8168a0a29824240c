#!/usr/bin/env python3
"""Config reload keeps the state of what did not change (issue 8).

Targets served here, one port each, record when they are scraped. prometheus.yml:
  v1: job `steady` (target S, 1s) and job `changing` (targets B and C, 1s);
  v2, applied by SIGHUP: `changing` scrapes B and D every 2s (C removed, D new), `steady` unchanged;
  v3, by POST /-/reload: a file that does not parse, refused;
  v4, by POST /-/reload: v2 plus a job `late` (target L).
Checked:
  - S is scraped on its 1s cadence throughout, never twice in a tick, never skipped; its raw samples
    (remote read) are one per second with no stale marker; its scrape_series_added stays 0 after its
    first scrape (no new cache, no new series refs);
  - B goes to a 2s cadence; its series carry over (no stale marker, scrape_series_added 0); C's series
    end in a stale marker; D and L are scraped;
  - the bad file: 500 with `failed to reload config: ` and the error text promtool gives for the same
    file, prometheus_config_last_reload_successful 0, the v2 jobs still scraped as before; after v4 it is 1;
  - the scrape manager's self-metrics moved: pools created, one pool reload, the sample_limit and
    body_size_limit counters (jobs sample_limited and body_limited scrape target X over their limits),
    interval and sync length summaries, metadata cache size, discovery updates.
"""
import os
import signal
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness, prom_pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

STALE = 0x7FF0000000000002


class Target:
    """One exposition on its own port; remembers when it was scraped."""

    def __init__(self, name):
        self.name = name
        self.hits = []
        self.server = harness.ExpositionServer(self.exposition)
        self.addr = self.server.addr

    def exposition(self, _port):
        self.hits.append(time.time())
        return ("# TYPE work_total counter\nwork_total{target=\"%s\"} %d\nlevel %d\n"
                % (self.name, len(self.hits), len(self.hits) % 7))

    def hits_between(self, a, b):
        return [t for t in self.hits if a <= t < b]

    def stop(self):
        self.server.stop()


def config(jobs):
    out = "global:\n  scrape_interval: 1s\n  scrape_timeout: 800ms\nscrape_configs:\n"
    for name, interval, targets in jobs:
        out += "  - job_name: %s\n" % name
        if interval:
            out += "    scrape_interval: %s\n" % interval
        out += "    static_configs:\n      - targets: [%s]\n" % ", ".join('"%s"' % t.addr for t in targets)
    return out


def raw_samples(url, job, instance, name):
    now_ms = int(time.time() * 1000)
    got = harness.remote_read(url, [(now_ms - 600000, now_ms + 1000, [
        (prom_pb.EQ, "__name__", name), (prom_pb.EQ, "job", job), (prom_pb.EQ, "instance", instance)])])
    series = got[0]
    check(len(series) == 1, "%s{job=%s,instance=%s}: %d series" % (name, job, instance, len(series)))
    return series[0][1]


def self_metrics(url):
    """Cairn's /metrics as {'name{labels}': value}."""
    out = {}
    for line in harness.http_get(url + "/metrics").text().splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            out[key] = float(value)
    return out


def metric_value(url, name):
    m = self_metrics(url)
    check(name in m, "/metrics lacks %s" % name)
    return m[name]


def check_cadence(target, a, b, interval, what):
    """target was scraped once per `interval` seconds in [a, b): steady gaps, none missed, none doubled."""
    hits = target.hits_between(a, b)
    check(len(hits) >= 3, "%s: only %d scrapes of %s" % (what, len(hits), target.name))
    gaps = [y - x for x, y in zip(hits, hits[1:])]
    check(all(abs(g - interval) < 0.3 * interval for g in gaps),
          "%s: %s scraped at uneven gaps %s (want %.1fs)" % (what, target.name, ["%.2f" % g for g in gaps], interval))


def reload_post(url):
    return harness.http_request("POST", url + "/-/reload", timeout=30)


def main(env):
    promtool = env.binary("promtool")
    s, b, c, d, late, x = (Target(n) for n in ("S", "B", "C", "D", "L", "X"))
    # X's scrapes fail on a limit: they move the self-metrics' limit counters.
    limited = ("  - job_name: sample_limited\n    sample_limit: 1\n    static_configs: [{targets: [\"%s\"]}]\n"
               "  - job_name: body_limited\n    body_size_limit: 10B\n    static_configs: [{targets: [\"%s\"]}]\n"
               % (x.addr, x.addr))
    v1 = config([("steady", None, [s]), ("changing", None, [b, c])]) + limited
    v2 = config([("steady", None, [s]), ("changing", "2s", [b, d])]) + limited
    v3 = v2 + "  - job_name: broken\n    scrape_interval: soon\n"
    v4 = v2 + config([("late", None, [late])]).split("scrape_configs:\n", 1)[1]
    cairn = harness.Cairn(env, config=v1, extra_args=["--web.enable-lifecycle"])

    def write_config(text):
        with open(cairn.config_path, "w") as f:
            f.write(text)

    def wait_hits(targets, n, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if all(len(t.hits) >= n for t in targets):
                return
            time.sleep(0.1)
        raise harness.Failure("not scraped %d times within %ds: %r" % (
            n, timeout, {t.name: len(t.hits) for t in targets}))

    cairn.start()
    t0 = time.time()
    # Discovery hands targets over on its 5s update tick (Prometheus' updatert), at start and on reloads.
    wait_hits([s, b, c], 3)
    write_config(v2)
    t_sighup = time.time()
    os.kill(cairn.proc.pid, signal.SIGHUP)
    log("SIGHUP with v2")
    wait_hits([d], 2)

    write_config(v3)
    t_bad = time.time()
    r = reload_post(cairn.url)
    expected = subprocess.run([promtool, "check", "config", cairn.config_path], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT).stdout.decode()
    check(r.status == 500 and r.text().startswith("failed to reload config: "), "bad config reload: %r" % r)
    # promtool: `  FAILED: parsing YAML file <path>: <error>`; the error is what both must name.
    reason = expected.split("FAILED: ", 1)[-1].strip().split(": ", 2)[-1]
    check(reason and reason in r.text(), "reload error %r lacks promtool's %r" % (r.text(), reason))
    check(metric_value(cairn.url, "prometheus_config_last_reload_successful") == 0, "reload_successful not 0")
    time.sleep(2.5)
    t_good = time.time()
    write_config(v4)
    r = reload_post(cairn.url)
    check(r.status == 200, "good config reload: %r" % r)
    check(metric_value(cairn.url, "prometheus_config_last_reload_successful") == 1, "reload_successful not 1")
    wait_hits([late], 2)
    t_end = time.time()

    # steady: one cadence from start to end, across both reloads and the refused one.
    check_cadence(s, t0, t_end, 1.0, "steady across reloads")
    samples = raw_samples(cairn.url, "steady", s.addr, "work_total")
    check(all(bits != STALE for _, bits in samples), "steady has a stale marker: %r" % samples)
    gaps = [y[0] - x[0] for x, y in zip(samples, samples[1:])]
    check(all(900 <= g <= 1100 for g in gaps), "steady sample timestamps gap: %r" % gaps)
    check(len(samples) >= len(s.hits) - 1, "steady: %d samples for %d scrapes" % (len(samples), len(s.hits)))
    added = raw_samples(cairn.url, "steady", s.addr, "scrape_series_added")
    check([bits for _, bits in added[1:]] == [0] * (len(added) - 1),
          "steady scrape_series_added after its first scrape: %r" % added)

    # changing: B slows to 2s and keeps its series; C goes stale; D is scraped.
    check_cadence(b, t_sighup + 2.5, t_end, 2.0, "B after SIGHUP")
    samples_b = raw_samples(cairn.url, "changing", b.addr, "work_total")
    check(all(bits != STALE for _, bits in samples_b), "B has a stale marker: %r" % samples_b)
    added_b = raw_samples(cairn.url, "changing", b.addr, "scrape_series_added")
    check(all(bits == 0 for t, bits in added_b if t > t_sighup * 1000),
          "B's scrape_series_added after the reload at %d (cache lost): %r; work_total %r" % (
              t_sighup * 1000, added_b, samples_b))
    up_b = raw_samples(cairn.url, "changing", b.addr, "up")
    check(len(up_b) >= 5 and up_b[0][0] < t_sighup * 1000, "B's up: %r" % up_b)
    # C goes with D's arrival; its markers follow one interval and 10% after its next tick would have been.
    check(not c.hits_between(d.hits[0] + 0.5, t_end), "C scraped after its removal")
    deadline = time.time() + 6
    while True:
        samples_c = raw_samples(cairn.url, "changing", c.addr, "work_total")
        if samples_c and samples_c[-1][1] == STALE:
            break
        check(time.time() < deadline, "C's series do not end in a stale marker: %r" % samples_c[-3:])
        time.sleep(0.3)
    check(len(d.hits_between(t_bad, t_good)) >= 1, "D not scraped after SIGHUP and while the bad config was refused")
    data = harness.api_get(cairn.url, "/api/v1/targets", {"state": "active"})
    active = sorted((t["labels"]["job"], t["labels"]["instance"], t["scrapeInterval"]) for t in data["activeTargets"])
    want = sorted([("steady", s.addr, "1s"), ("changing", b.addr, "2s"), ("changing", d.addr, "2s"),
                   ("late", late.addr, "1s"), ("sample_limited", x.addr, "1s"), ("body_limited", x.addr, "1s")])
    check(active == want, "active targets %r, want %r" % (active, want))
    # The scrape manager's self-metrics moved as they should.
    m = self_metrics(cairn.url)
    for name, want in (("prometheus_target_scrape_pools_total", 5), ("prometheus_target_scrape_pools_failed_total", 0),
                       # one changed job (changing, at SIGHUP); the refused file and v4's new job reload none
                       ("prometheus_target_scrape_pool_reloads_total", 1),
                       ("prometheus_target_scrape_pool_reloads_failed_total", 0),
                       ('prometheus_target_metadata_cache_entries{scrape_job="steady"}', 1),
                       ('prometheus_target_metadata_cache_bytes{scrape_job="steady"}', len("counter")),
                       ('prometheus_sd_failed_configs{name="scrape"}', 0)):
        check(m.get(name) == want, "%s = %r, want %r (targets/metadata: %r)" % (
            name, m.get(name), want, harness.http_get(cairn.url + "/api/v1/targets/metadata?match_target="
                                                      + urllib.parse.quote('{job="steady"}')).text()))
    for name in ("prometheus_target_scrapes_exceeded_sample_limit_total",
                 "prometheus_target_scrapes_exceeded_body_size_limit_total",
                 'prometheus_target_sync_length_seconds_count{scrape_job="steady"}',
                 'prometheus_target_interval_length_seconds_count{interval="2s"}',
                 'prometheus_sd_received_updates_total{name="scrape"}'):
        check(m.get(name, 0) >= 1, "%s = %r, want >= 1" % (name, m.get(name)))
    check(m.get('prometheus_sd_updates_total{name="scrape"}', 0) >= 3, "sd updates: %r" % m)
    median = m.get('prometheus_target_interval_length_seconds{interval="1s",quantile="0.5"}')
    check(median is not None and 0.9 < median < 1.1, "1s interval median %r" % median)

    log("steady: %d scrapes at 1s, B: %d, C: %d, D: %d, L: %d" % (len(s.hits), len(b.hits), len(c.hits),
                                                                  len(d.hits), len(late.hits)))


if __name__ == "__main__":
    harness.run(main, __doc__)
