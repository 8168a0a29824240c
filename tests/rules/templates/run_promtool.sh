#!/usr/bin/env bash
# Runs Debian's promtool over the template unit tests in this directory: the
# exp_annotations there are what Prometheus renders, and Cairn's crosscheck
# test asserts the same. Exit 77 (skipped) when promtool is not installed.
set -u
command -v promtool >/dev/null 2>&1 || { echo "promtool not installed"; exit 77; }
cd "$(dirname "$0")" || exit 2
exec promtool test rules templates_test.yml
