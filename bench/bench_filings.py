"""Register filings: officers' queue (10,000 open among 500,000), silence job, decisions and their PDFs."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from bench.dataset import postgres_available
from bench.harness import HEADER, PYTHON, ROOT, load, production_env, server

TOTAL = int(os.environ.get("BENCH_FILINGS", "500000"))
OPEN = int(os.environ.get("BENCH_OPEN", "10000"))
DUE = int(os.environ.get("BENCH_DUE", "1500"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
DECISIONS = int(os.environ.get("BENCH_DECISIONS", "200"))
SQLITE_PATH = ROOT / "var" / "bench" / f"filings-{TOTAL}.sqlite3"
PG_URL = os.environ.get("BENCH_FILINGS_PG_URL", f"postgres://postgres@127.0.0.1:5432/pariter_bench_filings_{TOTAL}")

SESSION = """
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from importlib import import_module
from pariter.core import services
from pariter.core.models import Organisation, User
from pariter.core.roles import Role
office = Organisation.objects.filter(is_home_office=True).first()
user = User.objects.filter(email="bench-officer@example.org").first()
if user is None:
    user = User.objects.create_user("bench-officer@example.org", "x" * 20, full_name="Bench Officer")
    services.membership_add(user=user, organisation=office, role=Role.REGISTER_OFFICER)
    TOTP.activate(user, generate_totp_secret())
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.save()
print("SESSION", store.session_key, user.pk)
"""

DEEP_CURSOR = """
from urllib.parse import quote
from pariter.filings import selectors
page = selectors.queue(selectors.QueueFilters())
for _ in range(149):
    page = selectors.queue(selectors.QueueFilters(), cursor=page.next_cursor)
print("CURSOR", quote(page.next_cursor))
"""

SILENCE = """
import time
from django.utils import timezone
from pariter.filings.tasks import expire_terms
started = time.monotonic(); first = expire_terms.call(); t1 = time.monotonic() - started
started = time.monotonic(); second = expire_terms.call(); t2 = time.monotonic() - started
print("SILENCE", round(t1, 2), round(t2, 2), sum(first.values()), sum(second.values()), first.get("error", 0))
"""

DECIDE = """
import time, os
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pariter.core.models import User
from pariter.filings import services
from pariter.filings.kinds import Action, Kind, State
from pariter.filings.models import Filing, FilingDocument
n = int(os.environ["BENCH_DECISIONS"])
officer = User.objects.get(email="bench-officer@example.org")
# A refusal of a deed update is a formal act with no register write: the decision and its PDF, nothing else.
todo = list(Filing.objects.filter(state=State.IN_REVIEW, kind=Kind.DEED_UPDATE)[: n + 1])
# One decision first, its queries counted (the task's enqueue after the commit included); the timing is the rest.
with CaptureQueriesContext(connection) as queries:
    f = todo.pop()
    services.filing_act(filing=f, action=Action.REFUSE, actor=officer, version=f.version, note="Atto non conforme")
started = time.monotonic()
for f in todo:
    services.filing_act(filing=f, action=Action.REFUSE, actor=officer, version=f.version, note="Atto non conforme")
decided = time.monotonic() - started
acts = FilingDocument.objects.filter(action="refuse", rendered_at__isnull=True).values_list("pk", flat=True)
acts = list(acts[:n])
from pariter.filings.tasks import render_and_send_act
started = time.monotonic()
for pk in acts:
    render_and_send_act.call(document_id=pk)
rendered = time.monotonic() - started
print("DECIDE", len(todo), round(decided, 2), len(acts), round(rendered, 2), len(queries.captured_queries))
"""


def _shell(url: str, code: str, *, production: bool = False, **extra: str) -> str:
    """Run `code` in `manage.py shell`; `production` with the server's settings (DEBUG off), for what is timed.

    DEBUG on records every query in memory and, with the console mail backend, prints every PEC with its PDF:
    the jobs and decisions are timed as production runs them, with mail kept in memory instead of sent.
    """
    if production:
        env = production_env(
            {"DATABASE_URL": url, "MAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", **extra}
        )
    else:
        env = dict(os.environ, DATABASE_URL=url, DEBUG="1", **extra)
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v", "0", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return result.stdout


def _manage(url: str, *args: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, DEBUG="1")
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def _prepare(url: str) -> str:
    if url.startswith("sqlite"):
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    else:
        name = url.rsplit("/", 1)[-1]
        subprocess.run(
            ["psql", url.rsplit("/", 1)[0] + "/postgres", "-qc", f"CREATE DATABASE {name}"], capture_output=True
        )
    _manage(url, "migrate", "-v", "0")
    _manage(url, "load_reference_data")
    _manage(url, "seed_directory")
    code = (Path(__file__).parent / "filings_dataset.py").read_text()
    out = _shell(url, code, BENCH_FILINGS=str(TOTAL), BENCH_OPEN=str(OPEN), BENCH_DUE=str(DUE))
    return next(line for line in out.splitlines() if line.startswith("READY"))


def run() -> str:
    engines = {"sqlite": f"sqlite:///{SQLITE_PATH}"}
    if postgres_available():
        engines["postgresql"] = PG_URL
    wanted = os.environ.get("BENCH_ENGINES")
    if wanted:
        engines = {k: v for k, v in engines.items() if k in wanted.split(",")}
    out = []
    for engine, url in engines.items():
        started = time.monotonic()
        ready = _prepare(url).split()
        spent = time.monotonic() - started
        out.append(f"\n### {engine}: {int(ready[1]):,} filings, {int(ready[2]):,} open (dataset in {spent:.0f} s)\n")
        # The session is signed with the server's SECRET_KEY (its TOTP secret is never read by these pages).
        keys = {"SECRET_KEY": production_env()["SECRET_KEY"]}
        made = _shell(url, SESSION, **keys)
        session = next(line for line in made.splitlines() if line.startswith("SESSION")).split()[1]
        rows = [HEADER]
        env = production_env({"DATABASE_URL": url, "SESSION_COOKIE_SECURE": "0"})
        with server(env) as port:
            rows.append(
                load(
                    port,
                    "queue, first page (50 most urgent)",
                    ["/gestione/pratiche/"],
                    requests=REQUESTS,
                    cookie=session,
                ).row()
            )
            rows.append(
                load(
                    port,
                    "queue, filtered by type",
                    ["/gestione/pratiche/?kind=migration"],
                    requests=REQUESTS,
                    cookie=session,
                ).row()
            )
            rows.append(
                load(
                    port, "queue, unassigned", ["/gestione/pratiche/?assignee=none"], requests=REQUESTS, cookie=session
                ).row()
            )
            deep = _shell(url, DEEP_CURSOR, **keys).split("CURSOR", 1)[1].strip()
            rows.append(
                load(
                    port,
                    "queue, page 150 (keyset cursor)",
                    [f"/gestione/pratiche/?cursor={deep}"],
                    requests=REQUESTS,
                    cookie=session,
                ).row()
            )
        out.append("\n".join(rows))
        silence = _shell(url, SILENCE, production=True).split("SILENCE", 1)[1].split()
        out.append(
            f"\nSilence job over {int(ready[1]):,} filings: {silence[0]} s for {silence[2]} terms run out "
            f"(errors {silence[4]}; second run, nothing to do: {silence[1]} s, {silence[3]} changes)."
        )
        decide = _shell(url, DECIDE, production=True, BENCH_DECISIONS=str(DECISIONS)).split("DECIDE", 1)[1].split()
        n, spent, acts, rendered = int(decide[0]), float(decide[1]), int(decide[2]), float(decide[3])
        out.append(
            f"Decisions (service, act numbered, task queued; {decide[4]} queries each): {n} in {spent:.1f} s = "
            f"{n / spent:.0f}/s. PDF acts rendered and sent by the task, one worker: {acts} in {rendered:.1f} s = "
            f"{acts / rendered:.1f}/s."
        )
        # Each engine's figures as soon as they are known: the whole run takes a while.
        print("\n".join(out), flush=True)
        out = []
    return "\n".join(out)
