"""Ministry import: `registry_import` of a 150,000-row "Enti iscritti" XLSX into an empty register, then again.

The file is synthetic, in the Ministry's exact layout (bilingual headers, dd/mm/yyyy and narrative dates, the "-"
section of reti associative), built once and kept under var/bench/. Each engine gets a fresh database with the
reference data loaded; the command then runs twice, as the office would run it on two consecutive days: the first
run creates every entity, the second finds nothing to change. Times are wall-clock for the whole command; the
peak RSS is that of the importing process (the workbook is read by a second process of its own).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

from bench import dataset
from bench.harness import PYTHON, ROOT, production_env

SIZE = int(os.environ.get("BENCH_IMPORT_ROWS", "150000"))
WORKBOOK = ROOT / "var" / "bench" / f"ministry-{SIZE}.xlsx"
SQLITE_PATH = ROOT / "var" / "bench" / "import.sqlite3"
PG_URL = os.environ.get("BENCH_IMPORT_PG_URL", "postgres://postgres@127.0.0.1:5432/pariter_bench_import")

MAKE_WORKBOOK = """
import os
from pariter.core.models import Municipality
from pariter.registry.ministry import synthetic_rows, write_ministry_xlsx
places = list(
    Municipality.objects.filter(valid_to__isnull=True).order_by("istat_code").values_list("name", "province_code")
)
rows = synthetic_rows(int(os.environ["BENCH_ROWS"]), municipalities=places)
print(write_ministry_xlsx(os.environ["BENCH_OUT"], rows))
"""


def _env(url: str) -> dict[str, str]:
    return production_env({"DATABASE_URL": url})


def _fresh_database(engine: str) -> str:
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        url = PG_URL
        name = url.rsplit("/", 1)[-1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    for command in (["migrate", "-v", "0"], ["load_reference_data"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=_env(url), check=True, capture_output=True)
    return url


def _workbook(url: str) -> Path:
    if not WORKBOOK.exists():
        partial = WORKBOOK.with_suffix(".partial.xlsx")
        env = dict(_env(url), DEBUG="1", BENCH_ROWS=str(SIZE), BENCH_OUT=str(partial))
        subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", MAKE_WORKBOOK], cwd=ROOT, env=env, check=True, capture_output=True
        )
        partial.rename(WORKBOOK)
    return WORKBOOK


def _timed_import(url: str, workbook: Path) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of the importing process, its summary line)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [PYTHON, "manage.py", "registry_import", str(workbook)],
        cwd=ROOT,
        env=_env(url),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"registry_import failed ({process.returncode}):\n{output[-2000:]}")
    summary = next((line for line in output.splitlines() if " rows read in " in line), output.strip()[:200])
    return seconds, usage.ru_maxrss / 1024, summary


def run() -> str:
    rows = [
        "| engine | run | seconds | peak RSS (MB) | created | updated | unchanged | rejected |",
        "|--------|-----|--------:|--------------:|--------:|--------:|----------:|---------:|",
    ]
    numbers = re.compile(r"([\d,]+) (created|updated|unchanged|rejected)")
    for engine in dataset.engines():
        url = _fresh_database(engine)
        workbook = _workbook(url)
        for run_name in ("first (empty register)", "second (same file)"):
            seconds, rss, summary = _timed_import(url, workbook)
            found = {kind: count for count, kind in numbers.findall(summary)}
            rows.append(
                f"| {engine} | {run_name} | {seconds:.1f} | {rss:.0f} | {found.get('created', '?')} "
                f"| {found.get('updated', '?')} | {found.get('unchanged', '?')} | {found.get('rejected', '?')} |"
            )
    return f"{SIZE:,}-row workbook: {WORKBOOK.relative_to(ROOT)}\n\n" + "\n".join(rows)


if __name__ == "__main__":
    print(run())
