#!/usr/bin/env python3
"""Checks the seed's deploy/ files with Debian's promtool and amtool, and runs every rule unit-test
file under tests/rules/promtool/ with each given runner (promtool, and cairn-rules-test and
`cairnctl test rules` when passed): files directly in that folder must pass, files in failing/ must
fail, the runners must agree, and Cairn's runners must print what promtool prints (its failure
report included).

With --cairnctl, also the `check` corpus under tests/cairnctl/check/: `cairnctl check config|rules|
metrics` and `promtool check ...` must agree on every file's verdict (good/ pass, bad/ fail, and for
expositions lint/ has lint problems, exit 3 in both), and on the lint problems listed.

Exit 0 = all as expected, 1 = a check failed, 77 = promtool or amtool is not installed (skipped).
Usage: promtool_verdicts.py --repo <source dir> [--cairn-rules-test <binary>] [--cairnctl <binary>]
"""
import argparse
import difflib
import glob
import os
import shutil
import subprocess
import sys


def run(cmd, cwd):
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    return proc.returncode, proc.stdout


def check_deploy(repo, promtool, amtool):
    """The deploy/ files must be valid for Prometheus 2.42 and Alertmanager 0.25."""
    deploy = os.path.join(repo, "deploy")
    checks = [
        [promtool, "check", "rules"] + sorted(glob.glob(os.path.join(deploy, "rules", "*.yml"))),
        [promtool, "check", "config", os.path.join(deploy, "prometheus.yml")],
        [amtool, "check-config", os.path.join(deploy, "alertmanager.yml")],
    ]
    ok = True
    for cmd in checks:
        rc, out = run(cmd, deploy)
        print(f"{'ok  ' if rc == 0 else 'FAIL'} {' '.join(os.path.basename(c) for c in cmd)}")
        if rc != 0:
            print(out)
            ok = False
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True)
    ap.add_argument("--cairn-rules-test", default=None)
    ap.add_argument("--cairnctl", default=None)
    args = ap.parse_args()

    promtool = shutil.which("promtool")
    amtool = shutil.which("amtool")
    if not promtool or not amtool:
        print("promtool or amtool not installed: skipped")
        return 77

    args.repo = os.path.abspath(args.repo)
    ok = check_deploy(args.repo, promtool, amtool)

    runners = {"promtool": [promtool, "test", "rules"]}
    if args.cairn_rules_test:
        runners["cairn"] = [os.path.abspath(args.cairn_rules_test)]
    if args.cairnctl:
        runners["cairnctl"] = [os.path.abspath(args.cairnctl), "test", "rules"]

    root = os.path.join(args.repo, "tests", "rules", "promtool")
    cases = [(f, "pass") for f in sorted(glob.glob(os.path.join(root, "*_test.yml")))]
    cases += [(f, "fail") for f in sorted(glob.glob(os.path.join(root, "failing", "*_test.yml")))]
    if not cases:
        print(f"no *_test.yml files under {root}")
        return 1

    counts = {"as expected": 0, "wrong": 0}
    for path, expected in cases:
        verdicts = {}
        outputs = {}
        for name, cmd in runners.items():
            # Run from the file's folder, as promtool resolves rule_files relative to the test file.
            rc, out = run(cmd + [os.path.basename(path)], os.path.dirname(path))
            verdicts[name] = "pass" if rc == 0 else "fail"
            outputs[name] = out
        rel = os.path.relpath(path, root)
        good = all(v == expected for v in verdicts.values())
        for ours in ("cairn", "cairnctl"):
            if ours in outputs and outputs[ours] != outputs["promtool"]:
                print(f"FAIL {rel}: {ours}'s output differs from promtool's")
                print("\n".join(difflib.unified_diff(outputs["promtool"].splitlines(), outputs[ours].splitlines(),
                                                     "promtool", ours, lineterm="")))
                good = False
        counts["as expected" if good else "wrong"] += 1
        shown = " ".join(f"{n}={v}" for n, v in verdicts.items())
        print(f"{'ok  ' if good else 'FAIL'} {rel}: expected {expected}, {shown}")
        if not good:
            ok = False
            for name, out in outputs.items():
                print(f"--- {name} output:\n{out}")

    print(f"rule unit-test files: {counts['as expected']} as expected, {counts['wrong']} wrong; "
          f"runners: {', '.join(runners)}")
    if args.cairnctl:
        ok = check_corpus(args.repo, promtool, os.path.abspath(args.cairnctl)) and ok
    return 0 if ok else 1


def run_check(tool, kind, path):
    """One `<tool> check <kind>` on a corpus file: (exit code, stderr). Configs run from their folder
    (rule_files are relative to it); expositions are fed on stdin."""
    folder, name = os.path.dirname(path), os.path.basename(path)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    if kind == "metrics":
        with open(path, "rb") as f:
            p = subprocess.run([tool, "check", "metrics"], stdin=f, capture_output=True, timeout=60, env=env)
    else:
        p = subprocess.run([tool, "check", kind, name], cwd=folder, capture_output=True, timeout=60, env=env)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def check_corpus(repo, promtool, cairnctl):
    """tests/cairnctl/check/<kind>/<verdict>/: both tools must give each file its folder's verdict."""
    root = os.path.join(repo, "tests", "cairnctl", "check")
    want_rc = {"good": 0, "bad": 1, "lint": 3}
    ok = True
    counts = {"agree": 0, "differ": 0}
    for kind in ("config", "rules", "metrics"):
        for path in sorted(glob.glob(os.path.join(root, kind, "*", "*"))):
            verdict = os.path.basename(os.path.dirname(path))
            rel = os.path.relpath(path, root)
            prc, perr = run_check(promtool, kind, path)
            crc, cerr = run_check(cairnctl, kind, path)
            good = prc == want_rc[verdict] and crc == want_rc[verdict]
            # Lint problems are data: the same lines, in the same order.
            if good and verdict == "lint" and perr != cerr:
                good = False
            counts["agree" if good else "differ"] += 1
            print(f"{'ok  ' if good else 'FAIL'} check {kind} {rel}: want {want_rc[verdict]}, "
                  f"promtool {prc}, cairnctl {crc}")
            if not good:
                ok = False
                print(f"--- promtool stderr:\n{perr}--- cairnctl stderr:\n{cerr}")
    print(f"check corpus: {counts['agree']} files agree, {counts['differ']} differ")
    return ok


if __name__ == "__main__":
    sys.exit(main())
