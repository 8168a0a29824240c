"""Differential between an upstream exporter and Cairn's on the same source.

    from lib import exporter_diff
    exporter_diff.run_differential(
        "nginx", upstream_url, cairn_url,
        required=["nginx_up", "nginx_http_requests_total"],   # what the seed's rules/dashboards read
        allow={"nginx_connections_active": "counts the other exporter's open connection"},
        promtool=env.binary("promtool"))

What it does (issue 15, "How it is shown"):
  1. scrapes upstream, Cairn, upstream again (text format 0.0.4) and parses each;
  2. per metric family both export: type, then the series set (sample names with
     their label sets, so label names and values); then values where they are
     stable: families the caller names in `stable` must have Cairn's value
     between the two upstream values (counters moving while the three scrapes
     happen still compare), and by default every counter and gauge whose value
     is identical in both upstream scrapes must be identical in Cairn's;
  3. prints families only on one side and
     `exporter differential <name>: N families agree, M differ, K only upstream`;
  4. fails on a difference in a family not in `allow` (family -> the reason,
     the caller's comment), on a `required` family missing from Cairn's output,
     and (with `promtool`) when `promtool check metrics` finds anything in
     Cairn's output that it does not find in upstream's, or Cairn's output has a
     parse error or a duplicate series.

Families about the exporter process rather than the source are compared for
type and label names only (SELF_FAMILY_PREFIXES, `*_build_info`): their values
describe two different programs.
"""
import collections
import math
import re
import subprocess

from .harness import Failure, http_get, log

# Families that describe the exporter itself: values (and build-info label
# values) necessarily differ between two different programs.
SELF_FAMILY_PREFIXES = ("process_", "promhttp_", "go_")
SELF_FAMILY_SUFFIXES = ("_build_info",)

Sample = collections.namedtuple("Sample", "name labels value")


class Family:
    def __init__(self, name, type_="untyped", help_=""):
        self.name = name
        self.type = type_
        self.help = help_
        self.samples = []  # [Sample]

    def series(self):
        """{(sample name, sorted label tuple): value}"""
        return {(s.name, s.labels): s.value for s in self.samples}

    def label_names(self):
        return sorted({k for s in self.samples for k, _ in s.labels})


class ParseError(Exception):
    pass


_SUFFIXES = {"summary": ("_sum", "_count"), "histogram": ("_bucket", "_sum", "_count")}
_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def _parse_value(text):
    if text in ("+Inf", "Inf"):
        return math.inf
    if text == "-Inf":
        return -math.inf
    if text == "NaN":
        return math.nan
    return float(text)


def _parse_labels(line, i, lineno):
    """Parses '{a="x",b="y"}' from line[i] == '{'; returns (labels tuple, index after '}')."""
    labels = []
    i += 1
    while True:
        while i < len(line) and line[i] in " \t":
            i += 1
        if i < len(line) and line[i] == "}":
            return tuple(sorted(labels)), i + 1
        m = _LABEL_NAME.match(line, i)
        if not m:
            raise ParseError("line %d: bad label name: %r" % (lineno, line))
        name = m.group(0)
        i = m.end()
        if line[i:i + 2] != '="':
            raise ParseError("line %d: expected =\" after label %s: %r" % (lineno, name, line))
        i += 2
        value = []
        while True:
            if i >= len(line):
                raise ParseError("line %d: unterminated label value: %r" % (lineno, line))
            c = line[i]
            if c == "\\" and i + 1 < len(line):
                value.append({"n": "\n", "\\": "\\", '"': '"'}.get(line[i + 1], "\\" + line[i + 1]))
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                value.append(c)
                i += 1
        if any(n == name for n, _ in labels):
            raise ParseError("line %d: label %s twice: %r" % (lineno, name, line))
        labels.append((name, "".join(value)))
        while i < len(line) and line[i] in " \t":
            i += 1
        if i < len(line) and line[i] == ",":
            i += 1


def parse_text(text):
    """Text format 0.0.4 -> {family name: Family}. Raises ParseError on malformed
    input and on a duplicate series (same sample name and labels twice)."""
    families = {}
    seen = set()
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                fam = families.setdefault(parts[2], Family(parts[2]))
                if parts[1] == "TYPE":
                    fam.type = parts[3].strip() if len(parts) > 3 else "untyped"
                else:
                    fam.help = parts[3] if len(parts) > 3 else ""
            continue
        m = _NAME.match(line)
        if not m:
            raise ParseError("line %d: bad metric name: %r" % (lineno, line))
        name = m.group(0)
        i = m.end()
        labels = ()
        if i < len(line) and line[i] == "{":
            labels, i = _parse_labels(line, i, lineno)
        rest = line[i:].split()
        if not rest or len(rest) > 2:
            raise ParseError("line %d: expected a value (and timestamp): %r" % (lineno, line))
        try:
            value = _parse_value(rest[0])
        except ValueError:
            raise ParseError("line %d: bad value %r" % (lineno, rest[0]))
        if (name, labels) in seen:
            raise ParseError("line %d: duplicate series %s%s" % (lineno, name, dict(labels)))
        seen.add((name, labels))
        family = name
        if name not in families:
            for fam in families.values():
                if any(name == fam.name + suf for suf in _SUFFIXES.get(fam.type, ())):
                    family = fam.name
                    break
        families.setdefault(family, Family(family)).samples.append(Sample(name, labels, value))
    return {k: v for k, v in families.items() if v.samples or v.type != "untyped"}


def scrape(url, timeout=30):
    r = http_get(url, timeout=timeout)
    if r.status != 200:
        raise Failure("scrape %s: HTTP %d %r" % (url, r.status, r.body[:200]))
    return r.text()


def promtool_findings(promtool, text):
    """`promtool check metrics` on text: (findings as a set of lines, raw output)."""
    p = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True, timeout=60)
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    findings = {l.strip() for l in out.splitlines() if l.strip()}
    return findings, out, p.returncode


def _is_self_family(name):
    return name.startswith(SELF_FAMILY_PREFIXES) or name.endswith(SELF_FAMILY_SUFFIXES)


def _same(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


def _between(v, a, b):
    lo, hi = min(a, b), max(a, b)
    return _same(v, a) or _same(v, b) or lo <= v <= hi


def compare_family(name, up1, cairn, up2, stable):
    """Differences (strings) between Cairn's family and upstream's; [] when they agree."""
    diffs = []
    if up1.type != cairn.type:
        diffs.append("type: upstream %s, cairn %s" % (up1.type, cairn.type))
    if _is_self_family(name):
        if up1.label_names() != cairn.label_names():
            diffs.append("label names: upstream %s, cairn %s" % (up1.label_names(), cairn.label_names()))
        return diffs
    s1, sc, s2 = up1.series(), cairn.series(), up2.series()
    if up1.label_names() != cairn.label_names():
        diffs.append("label names: upstream %s, cairn %s" % (up1.label_names(), cairn.label_names()))
    only_up = sorted(set(s1) - set(sc))
    only_cairn = sorted(set(sc) - set(s1))
    for key in only_up[:5]:
        diffs.append("series only upstream: %s%s" % (key[0], dict(key[1])))
    for key in only_cairn[:5]:
        diffs.append("series only cairn: %s%s" % (key[0], dict(key[1])))
    if len(only_up) + len(only_cairn) > 10:
        diffs.append("... %d series only upstream, %d only cairn in all" % (len(only_up), len(only_cairn)))
    for key in sorted(set(s1) & set(sc)):
        if key not in s2:
            continue
        if name in stable:
            if not _between(sc[key], s1[key], s2[key]):
                diffs.append("value %s%s: cairn %r, upstream %r then %r" % (key[0], dict(key[1]), sc[key], s1[key], s2[key]))
        elif up1.type in ("counter", "gauge") and _same(s1[key], s2[key]) and not _same(sc[key], s1[key]):
            diffs.append("value %s%s: cairn %r, upstream %r (stable)" % (key[0], dict(key[1]), sc[key], s1[key]))
    return diffs


class Result:
    def __init__(self):
        self.agree, self.differ, self.only_upstream, self.only_cairn = [], {}, [], []
        self.allowed = {}
        self.problems = []


def run_differential(name, upstream_url, cairn_url, required=(), stable=(), allow=None, promtool=None):
    """Runs the comparison described in the module docstring; raises Failure with
    every unexplained difference. Returns the Result for further checks."""
    allow = allow or {}
    texts = {}
    texts["up1"] = scrape(upstream_url)
    texts["cairn"] = scrape(cairn_url)
    texts["up2"] = scrape(upstream_url)
    parsed = {}
    for key, text in texts.items():
        try:
            parsed[key] = parse_text(text)
        except ParseError as e:
            raise Failure("%s output of %s does not parse: %s" % ("Cairn's" if key == "cairn" else "upstream's", name, e))
    up1, cairn, up2 = parsed["up1"], parsed["cairn"], parsed["up2"]
    res = Result()
    for fam in sorted(set(up1) | set(cairn)):
        if fam not in cairn:
            res.only_upstream.append(fam)
            continue
        if fam not in up1:
            res.only_cairn.append(fam)
            continue
        diffs = compare_family(fam, up1[fam], cairn[fam], up2.get(fam, up1[fam]), set(stable))
        if not diffs:
            res.agree.append(fam)
            continue
        res.differ[fam] = diffs
        if fam in allow:
            res.allowed[fam] = allow[fam]
        else:
            res.problems.extend("%s: %s" % (fam, d) for d in diffs)
    for fam in res.only_upstream:
        log("  only upstream: %s (%s)" % (fam, up1[fam].type))
    for fam in res.only_cairn:
        log("  only cairn:    %s (%s)" % (fam, cairn[fam].type))
    for fam, diffs in sorted(res.differ.items()):
        why = " (allowed: %s)" % allow[fam] if fam in allow else ""
        for d in diffs:
            log("  differs: %s: %s%s" % (fam, d, why))
    for fam in required:
        if fam not in cairn:
            res.problems.append("%s: required by the seed's rules/dashboards, missing from Cairn's output" % fam)
    print("exporter differential %s: %d families agree, %d differ, %d only upstream"
          % (name, len(res.agree), len(res.differ), len(res.only_upstream)), flush=True)
    if res.allowed:
        log("  (%d of the differences are on the allow-list)" % len(res.allowed))

    if promtool:
        up_findings, up_out, _ = promtool_findings(promtool, texts["up1"])
        c_findings, c_out, c_rc = promtool_findings(promtool, texts["cairn"])
        # A parse error or a duplicate is never acceptable, even where upstream has one.
        # (Searched after each line's first word, a metric name such as redis_total_error_replies.)
        lint_text = "\n".join(l.split(" ", 1)[-1] for l in c_out.splitlines())
        if re.search(r"error|duplicate", lint_text, re.I):
            res.problems.append("promtool check metrics on Cairn's output (exit %d): %s" % (c_rc, c_out.strip()))
        for f in sorted(c_findings - up_findings):
            res.problems.append("promtool finds in Cairn's output only: %s" % f)
        log("  promtool check metrics: upstream %d findings, cairn %d" % (len(up_findings), len(c_findings)))
    if res.problems:
        raise Failure("exporter differential %s:\n  %s" % (name, "\n  ".join(res.problems)))
    return res
