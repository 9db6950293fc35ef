"""A small load harness: serve Pariter with gunicorn on loopback, hit URLs concurrently, report percentiles.

Everything stays on 127.0.0.1; every loop is bounded by a request count.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def production_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",
        FIELD_ENCRYPTION_KEYS="Zm9yLWJlbmNobWFya3Mtb25seS0zMi1ieXRlcy1rZXk=",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        API_RATE_LIMIT="1000000/min",
    )
    env.update(extra or {})
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(env: dict[str, str], workers: int = 2) -> Iterator[int]:
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    proc = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "pariter.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120  # two workers load Django, Wagtail and every area: slow on a busy machine
        while time.monotonic() < deadline:
            try:
                status, _ = fetch(port, "/health/")
                # 503 is an answer too: the benchmark databases run no task worker, so tasks may wait there.
                if status in (200, 503):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine can take longer than gunicorn's graceful stop
            proc.kill()
            proc.wait(timeout=10)


def _headers(cookie: str | None) -> dict[str, str]:
    return {"Accept-Language": "it", **({"Cookie": f"sessionid={cookie}"} if cookie else {})}


def fetch(port: int, path: str, cookie: str | None = None) -> tuple[int, int]:
    """GET `path` as an Italian visitor (signed in when given a session `cookie`): the status and the body's size."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=_headers(cookie))
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


WRK = shutil.which("wrk")
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "6"))
_WRK_SCRIPT = """
local paths = {%s}
local headers = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def _wrk(port: int, label: str, paths: list[str], *, concurrency: int, cookie: str | None) -> Result:
    headers = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in _headers(cookie).items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT % (", ".join(json.dumps(p) for p in paths), headers))
    try:
        out = subprocess.run(
            [
                WRK,
                "-t",
                "2",
                "-c",
                str(concurrency),
                "-d",
                f"{WRK_SECONDS}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    done, micros, p50, p95, errors = (int(x) for x in line.split()[1:])
    return Result(
        label=label, requests=done, p50_ms=p50 / 1000, p95_ms=p95 / 1000, rps=done / (micros / 1e6), errors=errors
    )


@dataclass
class Result:
    label: str
    requests: int
    p50_ms: float
    p95_ms: float
    rps: float
    errors: int

    def row(self) -> str:
        return (
            f"| {self.label:<46} | {self.requests:>6} | {self.p50_ms:>8.1f} | {self.p95_ms:>8.1f} "
            f"| {self.rps:>7.1f} | {self.errors:>6} |"
        )


HEADER = (
    f"| {'scenario':<46} | {'reqs':>6} | {'p50 ms':>8} | {'p95 ms':>8} | {'req/s':>7} | {'errors':>6} |\n"
    f"|{'-' * 48}|{'-' * 8}|{'-' * 10}|{'-' * 10}|{'-' * 9}|{'-' * 8}|"
)


# Requests sent before each timed row, from as many clients as the row uses and not timed: both gunicorn workers have
# then booted, loaded the URLs, templates and translations, filled their own caches and opened their database
# connection. Without it the first row after a server started timed that start: the cached training catalogue on
# SQLite once showed a p95 of 634 ms with a p50 of 3.7 ms, and the register's first row a p95 of 117.5 ms with a p50
# of 1.9 ms.
WARM_REQUESTS = int(os.environ.get("BENCH_WARM_REQUESTS", "200"))


def warm(
    port: int, paths: list[str], *, requests: int = WARM_REQUESTS, concurrency: int = 4, cookie: str | None = None
) -> None:
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(lambda i: fetch(port, paths[i % len(paths)], cookie), range(requests)))


def load(
    port: int,
    label: str,
    paths: list[str],
    *,
    requests: int = 400,
    concurrency: int = 4,
    warmup: int = WARM_REQUESTS,
    cookie: str | None = None,
) -> Result:
    """`requests` GETs over `paths` (round robin) from `concurrency` clients, after `warmup` untimed ones.

    With wrk installed (Debian's package) the load comes from wrk, in C, for WRK_SECONDS instead of a request
    count: a Python load generator on the same two cores takes CPU from the server it measures. BENCH_LOADGEN=python
    forces the Python threads. A session `cookie` makes the requests as a signed-in user.
    """
    warm(port, paths, requests=warmup, concurrency=concurrency, cookie=cookie)
    if WRK and os.environ.get("BENCH_LOADGEN", "wrk") == "wrk":
        return _wrk(port, label, paths, concurrency=concurrency, cookie=cookie)
    timings: list[float] = []
    errors = 0

    def one(i: int) -> tuple[float, int]:
        started = time.perf_counter()
        status, _ = fetch(port, paths[i % len(paths)], cookie)
        return (time.perf_counter() - started) * 1000, status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for ms, status in pool.map(one, range(requests)):
            timings.append(ms)
            errors += status != 200
    elapsed = time.perf_counter() - started
    timings.sort()
    return Result(
        label=label,
        requests=requests,
        p50_ms=statistics.median(timings),
        p95_ms=timings[int(len(timings) * 0.95) - 1],
        rps=requests / elapsed,
        errors=errors,
    )
