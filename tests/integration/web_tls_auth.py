#!/usr/bin/env python3
"""--web.config.file with real clients (issue 13, "Who may come in").

Certificates are made with the openssl CLI in the test's temp dir: a CA, a
server certificate for 127.0.0.1 signed by it, a client certificate signed by
it and a rogue self-signed client certificate. Passwords are bcrypt-hashed
with Python's crypt module (libxcrypt, cost 4 to keep 3,000 wrong tries fast).

One Cairn serves TLS + basic auth; its web config is rewritten while it runs:
  - curl: right password 200 (with the configured X-Frame-Options header),
    wrong password and no password 401 with `WWW-Authenticate: Basic`; plain
    HTTP to the TLS port gets no answer;
  - Debian's promtool 2.42 (`check web-config` agrees the file is valid;
    `query instant` over https with the CA in SSL_CERT_FILE and the user in
    the URL) and Debian's Prometheus 2.42 remote-writing its own scrapes over
    TLS with basic_auth: the samples arrive;
  - timing: 1,000 wrong tries each of unknown user, known user with a wrong
    password, and (for reference) nothing, over one keep-alive TLS connection,
    each try a fresh password so bcrypt runs every time; the medians are
    printed and must lie within a generous bound of each other;
  - a new user added to the file is accepted without a restart;
  - client_auth_type RequireAndVerifyClientCert (written into the same file):
    no certificate and the rogue certificate are refused at the handshake, the
    CA-signed one is served.
Then: a bad web config is refused at start with the reason, as promtool's
`check web-config` refuses it too.
"""
import base64
import http.client
import os
import ssl
import statistics
import subprocess
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib.harness import check, log  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt  # noqa: E402  (libxcrypt; no bcrypt module in Debian's python3 by default)

TRIES = 1000


def bcrypt(password):
    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 4))


def openssl(env, *args):
    p = subprocess.run(["openssl"] + list(args), cwd=env.tmp, capture_output=True, text=True)
    check(p.returncode == 0, "openssl %s: %s" % (" ".join(args), p.stderr))


def make_certificates(env):
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl(env, "req", "-x509", *ec, "-days", "2", "-subj", "/CN=Test CA", "-keyout", "ca.key", "-out", "ca.crt")
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1,DNS:localhost"), ("client", "extendedKeyUsage=clientAuth")):
        openssl(env, "req", *ec, "-subj", "/CN=" + name, "-keyout", name + ".key", "-out", name + ".csr")
        with open(env.path(name + ".ext"), "w") as f:
            f.write(ext + "\n")
        openssl(env, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt")
    openssl(env, "req", "-x509", *ec, "-days", "2", "-subj", "/CN=rogue", "-keyout", "rogue.key", "-out", "rogue.crt")


def write_web_config(path, users, client_auth=None):
    lines = ["tls_server_config:", "  cert_file: server.crt", "  key_file: server.key"]
    if client_auth:
        lines += ["  client_ca_file: ca.crt", "  client_auth_type: " + client_auth]
    lines += ["http_server_config:", "  headers:", "    X-Frame-Options: deny",
              "    Strict-Transport-Security: max-age=31536000", "basic_auth_users:"]
    lines += ["  %s: %s" % (u, h) for u, h in users.items()]
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def curl(env, url, *args):
    """(exit code, HTTP status or 0, headers text)."""
    p = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-D", "-", "-w", "%{http_code}", "--max-time", "10",
                        "--cacert", env.path("ca.crt")] + list(args) + [url],
                       capture_output=True, text=True)
    out = p.stdout
    status = int(out[-3:]) if len(out) >= 3 and out[-3:].isdigit() else 0
    return p.returncode, status, out[:-3].lower(), p.stderr


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def start_cairn(env, web_config, port):
    argv = [env.args.cairn, "--config.file=" + env.path("cairn.yml"), "--storage.tsdb.path=" + env.path("data"),
            "--web.listen-address=127.0.0.1:%d" % port, "--web.config.file=" + web_config]
    e = dict(os.environ)
    e.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    return env.spawn("cairn", argv, env=e)


def wait_ready(env, proc, url, user, password, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        check(proc.alive(), "cairn exited before it was ready: %s" % proc.tail(5))
        code, status, _, _ = curl(env, url + "/-/ready", "-u", "%s:%s" % (user, password))
        if status == 200:
            return
        time.sleep(0.2)
    raise harness.Failure("cairn not ready over TLS")


def timing(port, ca):
    ctx = ssl.create_default_context(cafile=ca)
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
    kinds = {"unknown user": lambda i: basic("nobody%d" % i, "pw%d" % i),
             "known user, wrong password": lambda i: basic("alice", "wrong%d" % i),
             "no credentials": lambda i: None}
    times = {k: [] for k in kinds}
    for i in range(TRIES):
        for kind, header in kinds.items():  # interleaved, so load drifts hit all alike
            h = header(i)
            t0 = time.perf_counter()
            conn.request("GET", "/-/healthy", headers={"Authorization": h} if h else {})
            r = conn.getresponse()
            r.read()
            times[kind].append(time.perf_counter() - t0)
            check(r.status == 401, "%s try %d: %d, want 401" % (kind, i, r.status))
    conn.close()
    return {k: statistics.median(v) * 1000 for k, v in times.items()}


def main(env):
    promtool = env.binary("promtool")
    prometheus = env.binary("prometheus")
    for tool in ("openssl", "curl"):
        env.binary(tool)
    make_certificates(env)
    with open(env.path("cairn.yml"), "w") as f:
        f.write(harness.CAIRN_CONFIG)
    users = {"alice": bcrypt("alice-secret"), "bob": bcrypt("bob-secret")}
    web = env.path("web.yml")
    write_web_config(web, users)
    p = subprocess.run([promtool, "check", "web-config", web], capture_output=True, text=True)
    check(p.returncode == 0, "promtool check web-config refuses our file: %s %s" % (p.stdout, p.stderr))

    port = harness.free_port()
    url = "https://127.0.0.1:%d" % port
    cairn = start_cairn(env, web, port)
    wait_ready(env, cairn, url, "alice", "alice-secret")

    code, status, headers, _ = curl(env, url + "/api/v1/query?query=1", "-u", "alice:alice-secret")
    check(status == 200, "right password: %d" % status)
    check("x-frame-options: deny" in headers and "strict-transport-security: max-age=31536000" in headers,
          "configured headers missing: %s" % headers)
    for what, extra in (("wrong password", ["-u", "alice:nope"]), ("unknown user", ["-u", "eve:alice-secret"]),
                        ("no password", [])):
        code, status, headers, _ = curl(env, url + "/api/v1/query?query=1", *extra)
        check(status == 401, "%s: %d, want 401" % (what, status))
        check("www-authenticate: basic" in headers, "%s: no WWW-Authenticate: Basic in %s" % (what, headers))
    code, status, _, _ = curl(env, "http://127.0.0.1:%d/-/healthy" % port)
    check(status != 200, "plain HTTP on the TLS port answered 200")
    log("curl: 200 with the password, 401 without or with a wrong one, headers set, plain HTTP refused")

    # promtool 2.42 has no --http.config.file: Go reads the CA from SSL_CERT_FILE
    # and sends the URL's user as basic auth.
    penv = dict(os.environ, SSL_CERT_FILE=env.path("ca.crt"))
    p = subprocess.run([promtool, "query", "instant", "https://alice:alice-secret@127.0.0.1:%d" % port, "41 + 1"],
                       capture_output=True, text=True, env=penv, timeout=30)
    check(p.returncode == 0 and p.stdout.strip().startswith("scalar: 42 @["), "promtool over TLS: %r %r" % (p.stdout, p.stderr))
    log("promtool query instant over TLS: %s" % p.stdout.strip())
    p = subprocess.run([promtool, "query", "instant", "https://alice:wrong@127.0.0.1:%d" % port, "1"],
                       capture_output=True, text=True, env=penv, timeout=30)
    check(p.returncode != 0 and "401" in p.stderr, "promtool with a wrong password: %r %r" % (p.stdout, p.stderr))

    prom = harness.Prometheus(env, """global:
  scrape_interval: 1s
scrape_configs:
  - job_name: self
    static_configs: [{targets: ['127.0.0.1:PROMPORT']}]
remote_write:
  - url: %s/api/v1/write
    tls_config: {ca_file: %s}
    basic_auth: {username: bob, password: bob-secret}
    queue_config: {batch_send_deadline: 1s}
""" % (url, env.path("ca.crt")))
    prom.binary = prometheus
    with open(prom.config_path) as f:
        text = f.read().replace("PROMPORT", str(prom.port))
    with open(prom.config_path, "w") as f:
        f.write(text)
    prom.start()

    timing_ms = timing(port, env.path("ca.crt"))
    for kind, ms in timing_ms.items():
        log("timing: median %.3f ms over %d tries: %s" % (ms, TRIES, kind))
    a, b = timing_ms["unknown user"], timing_ms["known user, wrong password"]
    # Generous: both run one bcrypt of the same cost; a missing dummy hash
    # (no bcrypt for unknown users) would make them differ by the whole bcrypt.
    check(abs(a - b) < 0.25 * max(a, b) + 0.2, "unknown user %.3f ms vs wrong password %.3f ms" % (a, b))

    deadline = time.time() + 40
    got = None
    while time.time() < deadline:
        r = subprocess.run(["curl", "-sS", "--cacert", env.path("ca.crt"), "-u", "alice:alice-secret",
                            url + "/api/v1/query?query=prometheus_build_info"], capture_output=True, text=True)
        if '"prometheus_build_info"' in r.stdout:
            got = r.stdout
            break
        time.sleep(1)
    check(got is not None, "Prometheus' remote write over TLS + basic auth never arrived")
    log("Prometheus 2.42 remote write over TLS with basic auth: samples arrived")
    prom.stop()

    # A user added while running is accepted at once.
    users["carol"] = bcrypt("carol-secret")
    write_web_config(web, users)
    code, status, _, _ = curl(env, url + "/-/healthy", "-u", "carol:carol-secret")
    check(status == 200, "new user after rewriting the file: %d" % status)

    # Client certificates, from the same file, on new connections.
    write_web_config(web, users, client_auth="RequireAndVerifyClientCert")
    auth = ["-u", "alice:alice-secret"]
    code, status, _, err = curl(env, url + "/-/healthy", *auth)
    check(status == 0 and code != 0, "no client certificate: status %d (curl %d)" % (status, code))
    code, status, _, err2 = curl(env, url + "/-/healthy", "--cert", env.path("rogue.crt"), "--key",
                                 env.path("rogue.key"), *auth)
    check(status == 0 and code != 0, "rogue client certificate: status %d (curl %d)" % (status, code))
    code, status, _, _ = curl(env, url + "/-/healthy", "--cert", env.path("client.crt"), "--key",
                              env.path("client.key"), *auth)
    check(status == 200, "CA-signed client certificate: %d" % status)
    log("client certificate: absent refused (%s), rogue refused (%s), signed one served" %
        (err.strip()[:60], err2.strip()[:60]))
    check(cairn.stop() == 0, "cairn exited non-zero")

    # A bad file is refused at start, as promtool refuses it.
    bad = env.path("bad.yml")
    with open(bad, "w") as f:
        f.write("tls_server_config:\n  cert_file: server.crt\n")
    p = subprocess.run([promtool, "check", "web-config", bad], capture_output=True, text=True)
    check(p.returncode != 0, "promtool accepts the bad file")
    argv = [env.args.cairn, "--config.file=" + env.path("cairn.yml"), "--storage.tsdb.path=" + env.path("data"),
            "--web.listen-address=127.0.0.1:%d" % harness.free_port(), "--web.config.file=" + bad]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    check(p.returncode == 1 and "missing one of key or key_file" in p.stderr and bad in p.stderr,
          "bad web config at start: code %d, %r" % (p.returncode, p.stderr[-300:]))
    check("Sanitizer" not in p.stderr, "cairn crashed refusing a bad web config: %s" % p.stderr[-2000:])
    log("bad web config refused at start: %s" % p.stderr.strip().splitlines()[0])


if __name__ == "__main__":
    harness.run(main, __doc__.splitlines()[0], extra_args=[])
