"""Kill ratio per module of the last `make mutation` run (read from mutants/*.meta), then the
survivors by name (`mutmut show NAME` prints one's diff). Run from the repository root."""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code


def main(root: Path = Path("mutants")) -> int:
    metas = sorted(root.rglob("*.py.meta"))
    if not metas:
        print("no mutation results: run `make mutation` first", file=sys.stderr)
        return 1
    survivors, below, unchecked = [], [], 0
    print("| module | mutants | killed | survived | other | kill ratio |\n|---|---:|---:|---:|---:|---:|")
    for meta in metas:
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        status = Counter(status_by_exit_code[code] for code in codes.values())
        module = str(meta.relative_to(root))[: -len(".meta")]
        killed, survived = status["killed"] + status["timeout"], status["survived"]
        other = len(codes) - killed - survived
        ratio = killed / len(codes) if codes else 1.0
        print(f"| {module} | {len(codes)} | {killed} | {survived} | {other} | {ratio:.1%} |")
        survivors += [name for name, code in codes.items()
                      if status_by_exit_code[code] not in ("killed", "timeout", "not checked")]
        unchecked += status["not checked"]
        if ratio < 0.9:
            below.append(module)
    print("\nnot killed:" if survivors else "\nevery mutant was killed")
    for name in survivors:
        print(f"  {name}")
    if unchecked:
        print(f"\n{unchecked} mutants not checked yet (an interrupted run): `make mutation` resumes")
    if below:
        print(f"\nbelow the 90% target: {', '.join(below)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
