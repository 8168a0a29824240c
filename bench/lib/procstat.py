"""Helpers the bench drivers share: free ports, the Prometheus HTTP API, and a
process's CPU time and RSS read from /proc (the figures every bench compares).

Import from a driver in bench/ with:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
    import procstat
"""
import json
import os
import socket
import subprocess
import time
import urllib.parse
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=60):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def query(base, q, t=None):
    """An instant query's result list; raises on an error answer."""
    params = {"query": q}
    if t is not None:
        params["time"] = "%.3f" % t
    body = json.loads(get(base + "/api/v1/query?" + urllib.parse.urlencode(params), timeout=120))
    if body.get("status") != "success":
        raise RuntimeError("query %s: %r" % (q, body))
    return body["data"]["result"]


def scalar(base, q, t=None):
    r = query(base, q, t)
    return float(r[0]["value"][1]) if r else 0.0


def cpu_seconds(pid):
    """User + system CPU seconds of a process (fields 14 and 15 of /proc/<pid>/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


def rss_bytes(pid):
    return _status_kb(pid, "VmRSS")


def hwm_bytes(pid):
    """Peak RSS."""
    return _status_kb(pid, "VmHWM")


def metric_sum(base, name):
    """The sum of every series of `name` on the server's /metrics."""
    total = 0.0
    for line in get(base + "/metrics").splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += float(line.rsplit(" ", 1)[1])
    return total


def stop(proc, timeout=60):
    """SIGTERM, then SIGKILL if the process has not exited within `timeout` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_ready(base, proc, timeout=180, path="/-/ready"):
    """Polls base+path until it answers; raises if proc exits first."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            get(base + path, timeout=5)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("%s not ready" % base)
