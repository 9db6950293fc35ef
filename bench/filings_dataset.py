"""Build the filings benchmark dataset inside `manage.py shell` (run by bench_filings.py): bulk rows, no services.

TOTAL filings over ORGS organisations, OPEN of them open with legal deadlines spread over ±60 days; among the open
ones DUE have a term that ran out yesterday with a silence rule (registrations, opinions on devolution, registrations
after a notary's refusal), for the silence job to act on.
"""

import os
import random
import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from stdnum import luhn

from pariter.core.models import Municipality, Organisation
from pariter.filings.kinds import Kind, State
from pariter.filings.models import NO_TERM, Filing
from pariter.registry.models import Section

TOTAL = int(os.environ["BENCH_FILINGS"])
OPEN = int(os.environ["BENCH_OPEN"])
DUE = int(os.environ["BENCH_DUE"])
ORGS = 20_000
BATCH = 5_000

started = time.monotonic()
rng = random.Random(2026)
today = timezone.localdate()
municipalities = list(Municipality.objects.filter(is_metropolitan=True).values_list("pk", flat=True))
section = Section.objects.get(letter="b")
if Organisation.objects.filter(name__startswith="Bench org").count() < ORGS:
    orgs = []
    for n in range(ORGS):
        base = f"{8_100_000 + n:07d}015"
        orgs.append(
            Organisation(
                name=f"Bench org {n:05d} APS",
                kind="third_sector",
                tax_code=base + luhn.calc_check_digit(base),
                municipality_id=rng.choice(municipalities),
                pec=f"org{n}@pec.example.it",
            )
        )
    Organisation.objects.bulk_create(orgs, batch_size=BATCH)
org_ids = list(Organisation.objects.filter(name__startswith="Bench org").values_list("pk", flat=True))
closed_kinds = [Kind.ANNUAL_ACCOUNTS, Kind.DEED_UPDATE, Kind.REGISTRATION, Kind.MIGRATION]
# Kinds that need no register entry to decide: migrations and cancellations always carry their entity in real data.
open_kinds = [Kind.ANNUAL_ACCOUNTS, Kind.DEED_UPDATE, Kind.WARNING, Kind.REVIEW, Kind.NOTARIAL_REGISTRATION]
silence_kinds = [Kind.REGISTRATION, Kind.DEVOLUTION, Kind.AFTER_NOTARY_REFUSAL]
present = Filing.objects.count()
made = 0
with transaction.atomic():
    while present + made < TOTAL:
        rows = []
        for _ in range(min(BATCH, TOTAL - present - made)):
            i = present + made + len(rows)
            submitted = today - timedelta(days=rng.randint(0, 2000))
            if i < DUE:
                # Silence applies the day after the term: one per organisation, so registrations do not collide.
                kind = silence_kinds[i % 3]
                f = Filing(
                    kind=kind,
                    state=State.IN_REVIEW,
                    organisation_id=org_ids[i % len(org_ids)],
                    section=section if kind != Kind.DEVOLUTION else None,
                    submitted_on=today - timedelta(days=61),
                    protocol=f"CMM/B/{i}",
                    term_rule="T1",
                    term_started_on=today - timedelta(days=61),
                    term_ends_on=today - timedelta(days=1),
                    due_on=today - timedelta(days=1),
                    pec="bench@pec.example.it",
                    representative_name="Bench",
                )
            elif i < OPEN:
                due = today + timedelta(days=rng.randint(-5, 60))
                f = Filing(
                    kind=rng.choice(open_kinds),
                    state=State.IN_REVIEW,
                    organisation_id=rng.choice(org_ids),
                    submitted_on=submitted,
                    protocol=f"CMM/B/{i}",
                    due_on=due,
                    term_rule="T1",
                    term_started_on=due - timedelta(days=60),
                    term_ends_on=due,
                )
            else:
                f = Filing(
                    kind=rng.choice(closed_kinds),
                    state=State.ACCEPTED,
                    organisation_id=rng.choice(org_ids),
                    submitted_on=submitted,
                    protocol=f"CMM/B/{i}",
                    decided_on=submitted + timedelta(days=rng.randint(5, 60)),
                )
            f.is_open = f.state in (State.IN_REVIEW,)
            f.queue_key = ((f.due_on or NO_TERM) if f.is_open else NO_TERM).toordinal()
            rows.append(f)
        Filing.objects.bulk_create(rows, batch_size=BATCH)
        made += len(rows)
# The planner's statistics, as autovacuum would keep them in production: a server with autovacuum off (as on the
# benchmark machine of stop 11) otherwise plans the queue on an empty table's guesses. Without it the unassigned
# queue was estimated at 108 open filings instead of 7,854 and sorted them all (25 ms against a walk of its index).
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE filings_filing, filings_filingevent, core_organisation")
print(f"READY {Filing.objects.count()} {Filing.objects.filter(is_open=True).count()} {time.monotonic() - started:.1f}")
