"""The daily command runs (or queues) every job, and running it twice changes nothing more."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from pariter.filings.models import Filing
from tests.filings.conftest import submitted_registration

pytestmark = pytest.mark.django_db


def test_it_runs_every_job_and_twice_is_harmless(applicant, eve, oscar, sections):
    from datetime import date

    submitted_registration(applicant, eve, sections, on=date(2025, 1, 2))  # long past its term
    out = StringIO()
    call_command("filings_daily", "--now", stdout=out)
    assert "expire_terms" in out.getvalue() and "deadlines_digest" in out.getvalue()
    assert Filing.objects.get().state == "accepted_silence"
    call_command("filings_daily", stdout=out)  # queued: the test backend runs them at once
    assert Filing.objects.get().state == "accepted_silence"
