"""Training: catalogue and edition pages over 5,000 past editions, the registration rush, check-in, certificates.

gunicorn (2 workers) on loopback for the pages and the rush; the check-in scan goes through the view in-process
(Django test client, with its middleware and audit write); the certificate batch runs the background task itself.
Each engine of `BENCH_ENGINES` gets its own database, built once: var/bench/training.sqlite3 for SQLite, and
`BENCH_TRAINING_PG_URL` (default pariter_bench_training) for PostgreSQL when a server answers on 127.0.0.1:5432.

`python -m bench.bench_training pages` measures only the public pages inside one process (no HTTP, no
concurrency): the queries and p50/p95 of the catalogue, its archive and past edition pages, per engine.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from bench.dataset import postgres_available
from bench.harness import HEADER, PYTHON, ROOT, load, production_env, server

SQLITE_URL = f"sqlite:///{ROOT / 'var' / 'bench' / 'training.sqlite3'}"
PG_URL = os.environ.get("BENCH_TRAINING_PG_URL", "postgres://postgres@127.0.0.1:5432/pariter_bench_training")


def engines() -> dict[str, str]:
    chosen = {"sqlite": SQLITE_URL}
    if postgres_available():
        chosen["postgresql"] = PG_URL
    wanted = os.environ.get("BENCH_ENGINES")
    if wanted:
        chosen = {k: v for k, v in chosen.items() if k in wanted.split(",")}
    return chosen


def _create_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], capture_output=True)


def _env(url: str) -> dict[str, str]:
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    return production_env(
        {
            "DATABASE_URL": url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
            "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "MAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            # The harness's key is not valid base64 for Fernet; training encrypts answers and TOTP secrets.
            "FIELD_ENCRYPTION_KEYS": "Zm9yLWJlbmNobWFya3Mtb25seS0zMi1ieXRlcy1rZXk=",
        }
    )


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def _work(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run(
        [PYTHON, "-m", "bench.training_work", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"training_work {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rush(port: int, edition: int, people: int = 200, concurrency: int = 50) -> tuple[int, list[int]]:
    """`people` POSTs of the enrollment form at once; returns (errors, statuses)."""
    path = f"/formazione/edizioni/{edition}/iscrizione/"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    html = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)  # type: ignore[union-attr]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    conn.close()

    def one(i: int) -> int:
        from urllib.parse import urlencode

        body = urlencode(
            {
                "csrfmiddlewaretoken": token,
                "full_name": f"Persona {i:03d}",
                "email": f"rush{i:03d}@example.org",
                "gender": "X",
                "consent": "on",
            }
        )
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
                "Referer": f"http://127.0.0.1:{port}{path}",
            },
        )
        status = c.getresponse().status
        c.close()
        return status

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        statuses = list(pool.map(one, range(people)))
    return sum(s != 302 for s in statuses), statuses


def _prepare(url: str) -> dict[str, str]:
    env = _env(url)
    if url.startswith("postgres"):
        _create_pg_database(url)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "load_reference_data")
    _manage(env, "seed_directory")
    _work(env, "build")
    # Fresh planner statistics after the bulk load, as autovacuum would give a long-running database.
    if url.startswith("postgres"):
        subprocess.run(["psql", url, "-qc", "ANALYZE"], capture_output=True)
    return env


def run() -> str:
    out = []
    for engine, url in engines().items():
        out.append(f"\n### {engine}\n")
        out.append(_run_engine(_prepare(url)))
        print("\n".join(out), flush=True)
        out = []
    return "\n".join(out)


def pages() -> str:
    """In-process figures of the public pages, per engine."""
    lines = [
        "| engine | page | queries | bytes | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |",
        "|--------|------|---------|-------|--------|--------|------------|------------|",
    ]
    for engine, url in engines().items():
        env = _prepare(url)
        _manage(env, "collectstatic", "--noinput", "-v", "0")
        for page, r in _work(env, "pages").items():
            lines.append(
                f"| {engine} | {page} | {r['queries']} | {r['bytes']} | {r['p50_ms']} | {r['p95_ms']} "
                f"| {r['cpu_p50_ms']} | {r['cpu_p95_ms']} |"
            )
    return "\n".join(lines)


def _wanted(label: str) -> bool:
    """BENCH_TRAINING_ROWS (comma-separated parts of labels: "catalogue (5", "rush", "check-in") runs only those."""
    wanted = [w.strip() for w in os.environ.get("BENCH_TRAINING_ROWS", "").split(",") if w.strip()]
    return not wanted or any(w in label for w in wanted)


def _row(port: int, label: str, paths: list[str], requests: int) -> str | None:
    """One timed row, after the same warm-up as every other (`harness.load`)."""
    if not _wanted(label):
        return None
    return load(port, label, paths, requests=requests).row()


def _run_engine(env: dict[str, str]) -> str:
    opening = _work(env, "opening")
    rows: list[str | None] = [HEADER]
    lines = []
    past = [f"/formazione/edizioni/{pk}/" for pk in opening["past"]]
    cached = [
        ("training catalogue (5,000 past editions)", ["/formazione/"], 400),
        ("catalogue archive, first page", ["/formazione/archivio/"], 400),
        ("past edition pages (50 different)", past, 400),
        ("calendar of the month", ["/formazione/calendario/"], 200),
        ("combined iCalendar feed", ["/formazione/calendario.ics"], 200),
    ]
    if any(_wanted(label) for label, _paths, _n in cached) or _wanted("Registration rush"):
        with server(env) as port:
            rows.extend(_row(port, label, paths, n) for label, paths, n in cached)
            if _wanted("Registration rush"):
                errors, _statuses = _rush(port, opening["edition"])
                outcome = _work(env, "count", str(opening["edition"]))
                lines.append(
                    f"Registration rush: 200 simultaneous POSTs for 50 places (50 threads): {errors} errors; "
                    f"{outcome['confirmed']} confirmed, {outcome['waitlisted']} waitlisted; first 50 confirmed: "
                    f"{outcome['first_50_confirmed']}; waiting list in arrival order: "
                    f"{outcome['waitlist_in_arrival_order']}."
                )
    # The same public pages with the anonymous page cache off: every request runs the queries and the templates.
    uncached = [
        ("training catalogue (uncached)", ["/formazione/"], 200),
        ("catalogue archive, first page (uncached)", ["/formazione/archivio/"], 200),
        ("past edition pages (50 different, uncached)", past, 200),
    ]
    if any(_wanted(label) for label, _paths, _n in uncached):
        with server({**env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}) as port:
            rows.extend(_row(port, label, paths, n) for label, paths, n in uncached)
    if _wanted("Check-in scan"):
        checkin = _work(env, "checkin")
        lines.append(
            f"Check-in scan through the view: {checkin['scans']} scans, {checkin['queries']} queries each, "
            f"p50 {checkin['p50_ms']} ms, p95 {checkin['p95_ms']} ms ({checkin['recorded']} recorded)."
        )
    if _wanted("Certificate batch"):
        batch = _work(env, "batch")
        lines.append(
            f"Certificate batch: {batch['certificates']} certificates in {batch['seconds']} s, "
            f"ZIP {batch['zip_mb']} MB ({batch['status']})."
        )
    return "\n".join([*(row for row in rows if row), "", *lines, f"Load average at the end: {os.getloadavg()[0]:.2f}."])


if __name__ == "__main__" and sys.argv[1:] == ["pages"]:
    print(pages())
