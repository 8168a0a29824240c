"""PostgreSQL 15 and Redis started for the database exporters' tests and bench.

    pg = db_peers.Postgres(env, password="s3cret")   # initdb, start, role `exporter`
    pg.psql("CREATE TABLE t (x int)")
    pg.dsn_uri(), pg.dsn_kv()                        # for DATA_SOURCE_NAME
    rd = db_peers.Redis(env, password="s3cret")
    rd.cli("SET", "k", "v")

PostgreSQL runs as the `postgres` account (it refuses root) from a data directory
and a socket directory in the test's temp dir; TCP on 127.0.0.1 asks for a
password (scram-sha-256), the socket trusts the `postgres` superuser. The
exporters log in over TCP as `exporter` (pg_monitor). pg_stat_statements is
preloaded and created, as deploy/postgres/queries.yaml needs.
"""
import os
import signal
import socket
import subprocess
import time

from .harness import Failure, Skip, check, free_port

PG_BIN = "/usr/lib/postgresql/15/bin"


def _run(argv, **kw):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    check(r.returncode == 0, "%s failed (%d): %s" % (" ".join(argv), r.returncode, r.stdout.decode(errors="replace")))
    return r.stdout.decode()


def _wait_port(port, proc, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        check(proc.alive(), "%s exited" % what)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise Failure("%s does not listen on %d" % (what, port))


class Postgres:
    USER = "exporter"

    def __init__(self, env, password="exporter-Pa55"):
        for name in ("initdb", "postgres", "psql"):
            path = os.path.join(PG_BIN, name)
            if not os.access(path, os.X_OK):
                raise Skip("%s not found" % path)
        self.env = env
        self.password = password
        os.chmod(env.tmp, 0o755)  # the postgres account must reach its directories
        self.data, self.sock = env.path("pg-data"), env.path("pg-sock")
        for d in (self.data, self.sock):
            os.makedirs(d)
            subprocess.run(["chown", "postgres:postgres", d], check=True)
        _run([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-U", "postgres", "--auth-local=trust",
              "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync", "--no-instructions"],
             user="postgres", group="postgres", cwd=self.data)
        self.port = free_port()
        self.proc = None
        self.start()
        self.psql("CREATE ROLE %s LOGIN PASSWORD '%s' IN ROLE pg_monitor" % (self.USER, password))
        self.psql("CREATE EXTENSION pg_stat_statements")

    def start(self):
        self.proc = self.env.spawn("postgres", [
            os.path.join(PG_BIN, "postgres"), "-D", self.data, "-p", str(self.port), "-k", self.sock,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
            "-c", "shared_preload_libraries=pg_stat_statements"], user="postgres", cwd=self.data)
        _wait_port(self.port, self.proc, "postgres")
        deadline = time.time() + 30
        while True:  # the port opens before the server accepts logins
            r = subprocess.run([os.path.join(PG_BIN, "psql"), "-h", self.sock, "-p", str(self.port), "-U",
                                "postgres", "-d", "postgres", "-Atc", "SELECT 1"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, user="postgres")
            if r.returncode == 0:
                return
            check(time.time() < deadline, "postgres does not accept logins: %s" % r.stdout.decode(errors="replace"))
            time.sleep(0.2)

    def stop(self):
        """Fast shutdown (SIGINT): SIGTERM's smart shutdown would wait for the exporters' sessions."""
        if self.proc.alive():
            os.kill(self.proc.pid, signal.SIGINT)
            try:
                self.proc.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill9()

    def psql(self, sql, db="postgres"):
        return _run([os.path.join(PG_BIN, "psql"), "-h", self.sock, "-p", str(self.port), "-U", "postgres",
                     "-d", db, "-v", "ON_ERROR_STOP=1", "-Atc", sql], user="postgres", group="postgres")

    def dsn_uri(self, password=None):
        return "postgresql://%s:%s@127.0.0.1:%d/postgres?sslmode=disable" % (
            self.USER, password or self.password, self.port)

    def dsn_kv(self, password=None):
        return "host=127.0.0.1 port=%d user=%s password=%s dbname=postgres sslmode=disable" % (
            self.port, self.USER, password or self.password)


class Redis:
    def __init__(self, env, password=None):
        self.env = env
        self.server = env.binary("redis-server")
        self.cli_bin = env.binary("redis-cli")
        self.password = password
        self.port = free_port()
        self.proc = None
        self.start()

    def start(self):
        argv = [self.server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", self.env.tmp]
        if self.password:
            argv += ["--requirepass", self.password]
        self.proc = self.env.spawn("redis", argv)
        _wait_port(self.port, self.proc, "redis-server")

    def stop(self):
        self.proc.stop(30)

    def cli(self, *args):
        argv = [self.cli_bin, "-p", str(self.port), "--no-auth-warning"]
        if self.password:
            argv += ["-a", self.password]
        return _run(argv + list(args))

    def addr(self):
        return "redis://127.0.0.1:%d" % self.port
