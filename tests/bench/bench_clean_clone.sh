#!/usr/bin/env bash
# Seconds from a fresh clone to a passing `make test`, then `make test` alone in that clone.
# Package caches (pip, uv, npm) on this machine are kept: a first-ever run also downloads.
set -euo pipefail
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
git clone -q "$repo" "$work/clone"
cd "$work/clone"
make test > "$work/first.log" 2>&1 || { tail -40 "$work/first.log"; exit 1; }
first=$(( $(date +%s) - start ))
start=$(date +%s)
make test > "$work/second.log" 2>&1 || { tail -40 "$work/second.log"; exit 1; }
second=$(( $(date +%s) - start ))
echo "fresh clone to a passing make test: ${first} s (every \"N passed\" line: $(grep -Eo '[0-9]+ passed' "$work/first.log" | paste -sd, -))"
echo "make test alone, installed clone:   ${second} s"
