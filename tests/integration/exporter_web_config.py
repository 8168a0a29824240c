#!/usr/bin/env python3
"""--web.config.file on Cairn's exporters, beside Debian's prometheus-node-exporter 1.5.0.

cairn-node-exporter and the upstream node exporter (exporter-toolkit) get the
same web config (TLS with a CA-signed certificate made here, basic auth, an
X-Frame-Options header). For each, curl must see: the right password 200 with
node_ metrics and the header, a wrong or no password 401 with
`WWW-Authenticate: Basic`, plain HTTP refused. A user added to the file is
accepted without a restart; a bad file stops both at start.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib.harness import check, log  # noqa: E402
import web_tls_auth as w  # noqa: E402


def start(env, name, binary, web):
    port = harness.free_port()
    proc = env.spawn(name, [binary, "--web.listen-address=127.0.0.1:%d" % port, "--web.config.file=" + web],
                     env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    url = "https://127.0.0.1:%d" % port
    deadline = time.time() + 30
    while time.time() < deadline:
        check(proc.alive(), "%s exited: %s" % (name, proc.tail(5)))
        if w.curl(env, url + "/metrics", "-u", "alice:alice-secret")[1] == 200:
            return proc, url
        time.sleep(0.2)
    raise harness.Failure("%s not serving over TLS" % name)


def main(env):
    upstream = env.binary("prometheus-node-exporter")
    ours = env.args.exporter
    check(ours and os.access(ours, os.X_OK), "--exporter: cairn-node-exporter binary needed")
    w.make_certificates(env)
    users = {"alice": w.bcrypt("alice-secret")}
    web = env.path("web.yml")
    w.write_web_config(web, users)
    servers = [start(env, "upstream", upstream, web), start(env, "cairn-node-exporter", ours, web)]
    for (proc, url), name in zip(servers, ("upstream", "cairn")):
        p = subprocess.run(["curl", "-sS", "--cacert", env.path("ca.crt"), "-u", "alice:alice-secret", url + "/metrics"],
                           capture_output=True, text=True)
        check("node_" in p.stdout, "%s: no node_ metrics over TLS" % name)
        code, status, headers, _ = w.curl(env, url + "/metrics", "-u", "alice:alice-secret")
        check(status == 200 and "x-frame-options: deny" in headers, "%s: %d %s" % (name, status, headers))
        for what, extra in (("wrong password", ["-u", "alice:nope"]), ("no password", [])):
            code, status, headers, _ = w.curl(env, url + "/metrics", *extra)
            check(status == 401 and "www-authenticate: basic" in headers, "%s, %s: %d %s" % (name, what, status, headers))
        code, status, _, _ = w.curl(env, url.replace("https:", "http:") + "/metrics")
        check(status != 200, "%s: plain HTTP answered 200" % name)
    users["bob"] = w.bcrypt("bob-secret")
    w.write_web_config(web, users)
    for (proc, url), name in zip(servers, ("upstream", "cairn")):
        status = w.curl(env, url + "/metrics", "-u", "bob:bob-secret")[1]
        check(status == 200, "%s: user added to the file: %d" % (name, status))
    log("upstream and cairn-node-exporter agree: 200 with the password, 401 without, TLS only, reload of users")

    bad = env.path("bad.yml")
    with open(bad, "w") as f:
        f.write("tls_server_config:\n  cert_file: server.crt\n")
    for binary, name in ((upstream, "upstream"), (ours, "cairn")):
        p = subprocess.run([binary, "--web.listen-address=127.0.0.1:%d" % harness.free_port(), "--web.config.file=" + bad],
                           capture_output=True, text=True, timeout=30, env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
        # Upstream 1.5.0 (an older toolkit) says "missing key_file", ours "missing one of key or key_file".
        check(p.returncode != 0 and "missing" in p.stderr and "key_file" in p.stderr,
              "%s with a bad web config: code %d, %r" % (name, p.returncode, p.stderr[-400:]))
        log("%s refuses the bad file: %s" % (name, [ln for ln in p.stderr.splitlines() if "key_file" in ln][0][:200]))


if __name__ == "__main__":
    harness.run(main, __doc__.splitlines()[0], extra_args=[("exporter", "path to cairn-node-exporter")])
