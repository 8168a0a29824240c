#!/usr/bin/env python3
"""Counts the samples a Prometheus-compatible server holds for job="node".

usage: count_samples.py BASE_URL END_S WINDOW_S

Asks /api/v1/label/__name__/values for the metric names, then, per name and per
last digit of the instance number,
sum(count_over_time({__name__="<name>",job="node",instance=~".*<d>:9100"}[<WINDOW_S>s]))
at END_S. One name at a time because count_over_time drops the name (a single query
over all names would collide); split by instance so that no query holds more than
a tenth of a metric's samples (servers limit samples per query). Prints the total,
or "-" when the server cannot answer.
"""
import json
import sys
import urllib.parse
import urllib.request


def get(base, path, params):
    url = f"{base}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=600) as resp:
        body = json.load(resp)
    if body.get("status") != "success":
        raise RuntimeError(body)
    return body["data"]


def main():
    base, end_s, window_s = sys.argv[1], sys.argv[2], int(float(sys.argv[3]))
    try:
        names = get(base, "/api/v1/label/__name__/values", {})
        total = 0
        for name in names:
            for digit in range(10):
                selector = f'{{__name__="{name}",job="node",instance=~".*{digit}:9100"}}'
                query = f"sum(count_over_time({selector}[{window_s}s]))"
                result = get(base, "/api/v1/query", {"query": query, "time": end_s})["result"]
                if result:
                    total += int(float(result[0]["value"][1]))
        print(total)
    except Exception as e:  # any failure just means "could not count"
        print(f"count_samples: {e}", file=sys.stderr)
        print("-")


if __name__ == "__main__":
    main()
