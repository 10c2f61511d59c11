#!/bin/sh
# Speed benchmarks (logs, JSON and indexes under .bench/, gitignored).
# Usage from the repository root: sh bench/run_speed.sh [N ...]   (default: 100000 1000000)
set -e
PY=${PY:-.venv/bin/python}
mkdir -p .bench
for n in ${*:-100000 1000000}; do
  $PY -m matching bench --scale "$n" --n-queries 1000 --workers 2 --workdir .bench > ".bench/speed-$n.out" 2> ".bench/speed-$n.err"
done
