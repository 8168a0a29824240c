#!/usr/bin/env python3
"""cairn-postgres-exporter against Debian's prometheus-postgres-exporter (0.11) on one PostgreSQL 15.

Started here on 127.0.0.1: PostgreSQL 15 (lib/db_peers.py: password login over TCP for the role
`exporter`, pg_stat_statements preloaded), some activity on it, then both exporters with the same
URI DATA_SOURCE_NAME and deploy/postgres/queries.yaml.
Checked:
  - the differential (lib/exporter_diff.py): per family both export, type, label names and label
    values, and values where upstream's are stable between two scrapes; the families the seed's
    rules and dashboards read are present; promtool check metrics finds nothing new;
  - the key=value DSN form through --data-source-name (pg_up 1, the same `server` label);
  - bad password: pg_up 0 on both exporters, the scrape answers, the error is logged;
  - a slow source (a user query sleeping 10 s): with X-Prometheus-Scrape-Timeout-Seconds: 2 the
    scrape answers within the timeout with pg_up 0, and the exporter lives on;
  - the server stopped mid-run: pg_up 0 and the exporter alive; started again: pg_up 1.
Prints `exporter differential postgres: N families agree, M differ, K only upstream`.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import db_peers, exporter_diff, harness  # noqa: E402
from lib.harness import check, log  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUERIES = os.path.join(REPO, "deploy", "postgres", "queries.yaml")

# What deploy/rules/database.yml and the seed's Database dashboard read.
SEED_FAMILIES = [
    "pg_up", "pg_stat_database_numbackends", "pg_settings_max_connections", "pg_stat_database_blks_hit",
    "pg_stat_database_blks_read", "pg_stat_database_xact_commit", "pg_stat_database_xact_rollback",
    "pg_stat_database_deadlocks", "pg_stat_statements_calls", "pg_stat_statements_total_time_seconds",
    "pg_stat_activity_count", "pg_locks_count", "pg_database_size_bytes", "pg_replication_lag",
    "pg_postmaster_start_time_seconds", "pg_static", "pg_stat_bgwriter_buffers_alloc_total",
]

# Families whose values the exporters' own queries move between the three scrapes.
ALLOW = {
    "pg_stat_database_blks_hit": "each exporter's queries read blocks of database postgres",
    "pg_stat_database_tup_returned": "each exporter's queries return rows",
    "pg_stat_database_tup_fetched": "each exporter's queries fetch rows",
    "pg_stat_database_xact_commit": "each exporter's queries commit transactions",
    "pg_stat_database_session_time": "the exporters' sessions accumulate time",
    "pg_stat_database_active_time": "the exporters' sessions accumulate time",
    "pg_stat_database_numbackends": "the other exporter's connection comes and goes",
    "pg_stat_activity_count": "each exporter sees its own connection active and the other's idle",
    "pg_stat_activity_max_tx_duration": "the scraping transaction's own age",
    "pg_locks_count": "the locks of the scraping query itself",
    "pg_stat_statements_calls": "pg_stat_statements counts the exporters' own statements",
    "pg_stat_statements_rows": "pg_stat_statements counts the exporters' own statements",
    "pg_stat_statements_total_time_seconds": "pg_stat_statements counts the exporters' own statements",
    "pg_stat_statements_shared_blks_hit": "pg_stat_statements counts the exporters' own statements",
    "pg_stat_statements_shared_blks_read": "pg_stat_statements counts the exporters' own statements",
    "pg_stat_bgwriter_buffers_alloc_total": "buffers allocated by the scrapes themselves",
}


def wait_for(url, line, proc, timeout=30, headers=None):
    """Scrapes url until a line equal to `line` shows; returns the body."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        check(proc.alive(), "%s exited" % proc.name)
        try:
            r = harness.http_request("GET", url, headers=headers, timeout=10)
            if r.status == 200 and line in r.text().splitlines():
                return r.text()
            last = r
        except OSError as e:
            last = e
        time.sleep(0.3)
    raise harness.Failure("%s never showed %r: %r" % (url, line, last))


def start_exporter(env, name, binary, dsn, extra=(), via_flag=False):
    port = harness.free_port()
    exp_env = dict(os.environ)
    argv = [binary, "--web.listen-address=127.0.0.1:%d" % port] + list(extra)
    if via_flag:
        argv.append("--data-source-name=" + dsn)
        exp_env.pop("DATA_SOURCE_NAME", None)
    else:
        exp_env["DATA_SOURCE_NAME"] = dsn
    proc = env.spawn(name, argv, env=exp_env)
    return proc, "http://127.0.0.1:%d/metrics" % port


def series_value(text, prefix):
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line.rsplit(" ", 1)[1])
    return None


def main(env):
    mine_bin = env.args.exporter
    check(mine_bin and os.access(mine_bin, os.X_OK), "--exporter %r is not an executable" % mine_bin)
    upstream_bin = env.binary("prometheus-postgres-exporter")
    promtool = env.binary("promtool")
    pg = db_peers.Postgres(env)
    pg.psql("CREATE TABLE orders (id serial PRIMARY KEY, amount numeric); "
            "INSERT INTO orders (amount) SELECT g FROM generate_series(1, 2000) g; "
            "SELECT count(*), sum(amount) FROM orders;")
    pg.psql("CREATE DATABASE shop")
    server = "127.0.0.1:%d" % pg.port

    queries = ["--extend.query-path=" + QUERIES]
    up, up_url = start_exporter(env, "upstream", upstream_bin, pg.dsn_uri(), queries)
    mine, mine_url = start_exporter(env, "cairn-exporter", mine_bin, pg.dsn_uri(), queries)
    wait_for(up_url, "pg_up 1", up)
    wait_for(mine_url, "pg_up 1", mine)

    exporter_diff.run_differential("postgres", up_url, mine_url, required=SEED_FAMILIES, allow=ALLOW,
                                   promtool=promtool)
    body = harness.http_get(mine_url).text()
    check('pg_settings_max_connections{server="%s"} 100' % server in body.splitlines(),
          "max_connections with server label missing")

    # The key=value DSN form, through the flag.
    kv, kv_url = start_exporter(env, "cairn-exporter-kv", mine_bin, pg.dsn_kv(), via_flag=True)
    body = wait_for(kv_url, "pg_up 1", kv)
    check('pg_settings_max_connections{server="%s"} 100' % server in body.splitlines(),
          "key=value DSN: server label differs")

    # Bad password: both exporters answer with pg_up 0.
    for name, binary in (("upstream-badpw", upstream_bin), ("cairn-exporter-badpw", mine_bin)):
        proc, url = start_exporter(env, name, binary, pg.dsn_uri(password="wrong"))
        wait_for(url, "pg_up 0", proc)
        check(proc.alive(), "%s died on a bad password" % name)
        if binary == mine_bin:
            logged = proc.tail(200)
            check("password authentication failed" in logged, "bad password not logged: %s" % logged[-500:])

    # A slow source: a user query that sleeps past the scrape timeout.
    slow_yaml = env.path("slow.yaml")
    with open(slow_yaml, "w") as f:
        f.write('pg_slow:\n  query: "SELECT pg_sleep(10) AS x"\n  metrics:\n    - x:\n        usage: "GAUGE"\n'
                '        description: "sleeps"\n')
    slow, slow_url = start_exporter(env, "cairn-exporter-slow", mine_bin, pg.dsn_uri(),
                                    ["--extend.query-path=" + slow_yaml])
    harness.wait_http_ok(slow_url.replace("/metrics", "/"), slow)
    t0 = time.time()
    r = harness.http_request("GET", slow_url, headers={"X-Prometheus-Scrape-Timeout-Seconds": "2"}, timeout=15)
    took = time.time() - t0
    check(r.status == 200, "slow scrape: %r" % r)
    check(took < 2.5, "slow scrape took %.2fs with a 2s scrape timeout" % took)
    check("pg_up 0" in r.text().splitlines(), "slow scrape: pg_up is not 0")
    check(slow.alive(), "the exporter died on a slow source")
    log("slow source: answered in %.2fs with pg_up 0 (scrape timeout 2s)" % took)

    # The server stopped mid-run, then started again.
    pg.stop()
    for name, proc, url in (("upstream", up, up_url), ("cairn", mine, mine_url)):
        r = harness.http_get(url, timeout=30)
        check(r.status == 200 and "pg_up 0" in r.text().splitlines(), "%s with the server stopped: %r" % (name, r))
        check(proc.alive(), "%s died with the server stopped" % name)
    pg.start()
    wait_for(mine_url, "pg_up 1", mine)
    pg.stop()  # before the exporters, whose sessions a SIGTERM would wait for
    log("server stopped: pg_up 0 on both, exporters alive; started again: pg_up 1")


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("exporter", "path to cairn-postgres-exporter")])
