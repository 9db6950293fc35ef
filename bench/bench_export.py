"""Open-data export: time and peak memory of full exports of the national-size register (150,000 entities).

Each measurement runs in a fresh process (so the peak RSS is the export's, not an earlier one's): the export is
timed and written to /dev/null. A streamed writer keeps the peak flat as the register grows; the RSS includes
Django itself (see the baseline). BENCH_TRACEMALLOC=1 runs each export once more under tracemalloc for the peak
of Python allocations (slow). The XLSX export (written by the nightly task, minutes at this size) runs only with
BENCH_XLSX=1.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

from bench import dataset
from bench.harness import PYTHON, ROOT, production_env

CASES = [
    ("ministry", "csv"),
    ("rich", "csv"),
    ("rich", "json"),
    *([("rich", "xlsx")] if os.environ.get("BENCH_XLSX") == "1" else []),
]


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def measure(layout: str, fmt: str) -> dict[str, float]:
    """In the child process: one export to /dev/null, timed, then once more under tracemalloc."""
    import tracemalloc

    import django

    django.setup()
    from pariter.registry import exports
    from pariter.registry.selectors import public_entities

    entries = public_entities().count()
    baseline = _rss_mb()
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        rows = exports.write(layout, fmt, sink)
    seconds = time.perf_counter() - started
    peak_rss = _rss_mb()
    traced_peak = float("nan")
    if os.environ.get("BENCH_TRACEMALLOC") == "1":
        tracemalloc.start()
        with open(os.devnull, "wb") as sink:
            exports.write(layout, fmt, sink)
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "entries": entries,
        "rows": rows,
        "seconds": seconds,
        "baseline_mb": baseline,
        "peak_rss_mb": peak_rss,
        "traced_peak_mb": traced_peak / (1024 * 1024),
    }


def _run_child(url: str, layout: str, fmt: str) -> dict[str, float]:
    env = production_env({"DJANGO_SETTINGS_MODULE": "pariter.settings", "DATABASE_URL": url})
    completed = subprocess.run(
        [PYTHON, "-m", "bench.bench_export", layout, fmt], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run() -> str:
    rows = [
        "| engine | export | rows | seconds | rows/s | RSS before (MB) | peak RSS (MB) | peak Python heap (MB) |",
        "|--------|--------|-----:|--------:|-------:|----------------:|--------------:|----------------------:|",
    ]
    for engine, url in dataset.engines().items():
        dataset.prepare(url)
        for layout, fmt in CASES:
            r = _run_child(url, layout, fmt)
            rate = r["rows"] / r["seconds"] if r["seconds"] else 0.0
            heap = "–" if r["traced_peak_mb"] != r["traced_peak_mb"] else f"{r['traced_peak_mb']:.1f}"
            rows.append(
                f"| {engine} | {layout} {fmt} | {int(r['rows']):,} | {r['seconds']:.2f} | {rate:,.0f} "
                f"| {r['baseline_mb']:.1f} | {r['peak_rss_mb']:.1f} | {heap} |"
            )
    return "\n".join(rows)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(sys.argv[1], sys.argv[2])))
    else:
        print(run())
