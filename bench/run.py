"""`make bench`: run every bench/bench_*.py and print their tables.

Each module has `run() -> str` (a Markdown table). Select some with
`make bench BENCH_ARGS="directory"`.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main(selected: list[str]) -> None:
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if any(s in m for s in selected)]
    database = os.environ.get("DATABASE_URL", "sqlite (var/pariter.sqlite3)")
    when = time.strftime("%Y-%m-%d %H:%M")
    print(f"Pariter benchmarks · {when} · {os.cpu_count()} cores · database: {database.split('@')[-1]}")
    for name in modules:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n## {module.__doc__.strip().splitlines()[0] if module.__doc__ else name}\n")
        print(module.run())


if __name__ == "__main__":
    main(sys.argv[1:])
