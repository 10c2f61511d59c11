#!/usr/bin/env bash
# One sitting of the load benchmark (docs/benchmarks.md, "Load benchmark"): demo data, 100,000 and
# 1,000,000 listings, each at USERS_LIST (default "40 20": saturating, then below saturation).
# The synthetic databases and their match indexes are seeded once and kept for the second round,
# then dropped. Figures land in bench/out/<label>-<time>/summary.md.
#   nice -n 5 bash bench/load/sitting.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
USERS_LIST=${USERS_LIST:-"40 20"}
DURATION=${DURATION:-120}
PG=${BENCH_PG:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
declare -A DB
first=1
for users in $USERS_LIST; do
  $PY bench/load/run.py --label "demo-u$users" --users "$users" --duration "$DURATION"
  for size in 100k 1m; do
    per_side=$([ "$size" = 100k ] && echo 50000 || echo 500000)
    if [ -n "$first" ] || [ -z "${DB[$size]:-}" ]; then
      log=$(mktemp)
      $PY bench/load/run.py --label "$size-u$users" --synthetic "$per_side" --users "$users" \
        --duration "$DURATION" --keep | tee "$log"
      DB[$size]=$(sed -n 's/^database kept: //p' "$log")
      out=$(sed -n 's/^figures in //p' "$log")
      cp -r "$out/index" "bench/out/index-${DB[$size]}"  # --database reuses it
    else
      $PY bench/load/run.py --label "$size-u$users" --database "${DB[$size]}" --users "$users" --duration "$DURATION"
    fi
  done
  first=
done
for size in "${!DB[@]}"; do
  $PY - "$PG" "${DB[$size]}" <<'PY'
import sys, sqlalchemy as sa
engine = sa.create_engine(sys.argv[1], isolation_level="AUTOCOMMIT")
with engine.connect() as conn:
    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)'))
PY
  rm -rf "bench/out/index-${DB[$size]}"
done
