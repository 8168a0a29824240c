#!/usr/bin/env python3
"""Prints bench/run.sh's side-by-side table from its results.tsv.

usage: report.py RESULTS_TSV SERIES

Each row of the TSV is one server's raw measurements; this turns them into the
per-unit figures described in bench/README.md and, when Cairn ran, Cairn's ratio
to each other server (ratio = cairn / other, for every figure).
"""
import csv
import sys


def per(a, b):
    return a / b if b else float("nan")


def figures(row, series):
    samples = float(row["acked"] or 0)
    f = {}
    f["samples/s"] = float(row["samples_per_s"] or 0)
    f["CPU s per 1M samples"] = per(float(row["cpu_s"] or 0), samples / 1e6)
    f["  same, incl. flush + settle"] = per(float(row["cpu_settled_s"] or 0), samples / 1e6)
    f["RSS bytes per series (end)"] = per(float(row["rss_final"] or 0), series)
    f["RSS above idle per series (end)"] = per(
        float(row["rss_final"] or 0) - float(row["rss_idle"] or 0), series)
    f["RSS bytes per series (peak)"] = per(float(row["rss_peak"] or 0), series)
    f["disk bytes/sample (flushed)"] = per(float(row["disk_flushed"] or 0), samples)
    f["disk bytes/sample (closed)"] = per(float(row["disk_closed"] or 0), samples)
    f["restart after kill -9 (s)"] = float(row["restart_s"] or "nan")
    f["bytes written per sample (push)"] = per(float(row.get("write_bytes") or "nan"), samples)
    f["  same, incl. flush + settle "] = per(float(row.get("write_bytes_settled") or "nan"), samples)
    return f


def written_by_source(row):
    """Cairn's own byte counters ("wal=N checkpoint=N ..."), as {source: bytes}."""
    out = {}
    for item in (row.get("written_by_source") or "").split():
        source, _, value = item.partition("=")
        try:
            out[source] = float(value)
        except ValueError:
            pass
    return out


def fmt(v):
    if v != v:  # NaN
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def main():
    path, series = sys.argv[1], float(sys.argv[2])
    with open(path) as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    if not rows:
        print("no server ran")
        return 1
    names = [r["server"] for r in rows]
    figs = {r["server"]: figures(r, series) for r in rows}
    others = [n for n in names if n != "cairn"] if "cairn" in names else []
    header = ["figure"] + names + [f"cairn/{n}" for n in others]
    lines = [header]
    for key in figs[names[0]]:
        line = [key] + [fmt(figs[n][key]) for n in names]
        for n in others:
            line.append(fmt(per(figs["cairn"][key], figs[n][key])))
        lines.append(line)
    for label, col in (("samples acked/sent", None), ("series seen after restart", "series_after_restart"),
                       ("samples counted after restart", "samples_after_restart")):
        line = [label]
        for r in rows:
            line.append(f'{r["acked"]}/{r["samples"]}' if col is None else r[col])
        lines.append(line + [""] * len(others))
    line = ["driver CPU s"] + [r["driver_cpu_s"] for r in rows] + [""] * len(others)
    lines.append(line)
    widths = [max(len(l[i]) for l in lines) for i in range(len(header))]
    for i, l in enumerate(lines):
        print("  ".join(c.rjust(w) if j else c.ljust(w) for j, (c, w) in enumerate(zip(l, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for r in rows:
        counted = r.get("samples_after_restart", "-")
        if counted not in ("", "-") and int(counted) != int(r["acked"] or 0):
            print(f'WARNING: {r["server"]}: {counted} of {r["acked"]} acknowledged samples were '
                  "there after the kill -9 restart; its disk and restart figures do not cover "
                  "the data it lost")
        elif counted == "-":
            print(f'note: {r["server"]}: could not count samples after the restart (query failed)')
    for r in rows:
        sources = written_by_source(r)
        acked = float(r["acked"] or 0)
        if sources and acked:
            parts = ", ".join(f"{k} {per(v, acked):.2f}" for k, v in sources.items())
            print(f'{r["server"]} bytes written per sample by cause (its own counters, at settle): {parts}')
    print(f"(series = {int(series)}; ratios are cairn / other: above 1 is better for samples/s,"
          " below 1 better for the rest)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
