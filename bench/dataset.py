"""The benchmark datasets: a register of national size (150,000 entities with history) per engine, built once."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

from bench.harness import PYTHON, ROOT

SIZE = int(os.environ.get("BENCH_ENTITIES", "150000"))
SQLITE_PATH = ROOT / "var" / "bench" / f"register-{SIZE}.sqlite3"
PG_URL = os.environ.get("BENCH_PG_URL", f"postgres://postgres@127.0.0.1:5432/pariter_bench_{SIZE}")


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def engines() -> dict[str, str]:
    """DATABASE_URL per engine to benchmark: SQLite always, PostgreSQL when a server answers."""
    chosen = {"sqlite": f"sqlite:///{SQLITE_PATH}"}
    if postgres_available():
        chosen["postgresql"] = PG_URL
    wanted = os.environ.get("BENCH_ENGINES")
    if wanted:
        chosen = {k: v for k, v in chosen.items() if k in wanted.split(",")}
    return chosen


def _manage(url: str, *args: str) -> str:
    env = dict(os.environ, DATABASE_URL=url, DEBUG="1")
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def _entity_count(url: str) -> int:
    out = _manage(url, "shell", "-c", "from pariter.registry.models import Entity; print(Entity.objects.count())")
    return int(out.strip().splitlines()[-1])


def _create_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], capture_output=True)


def prepare(url: str) -> float:
    """Migrate, load reference data and generate SIZE entities unless already there; return seconds spent."""
    import time

    started = time.monotonic()
    if url.startswith("sqlite"):
        Path(SQLITE_PATH).parent.mkdir(parents=True, exist_ok=True)
    else:
        _create_pg_database(url)
    _manage(url, "migrate", "-v", "0")
    try:
        present = _entity_count(url)
    except RuntimeError:
        present = 0
    if present < SIZE:
        _manage(url, "load_reference_data")
        _manage(url, "registry_demo", "--entities", str(SIZE - present), "--seed", "2026")
    return time.monotonic() - started
