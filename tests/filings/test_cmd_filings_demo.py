"""The demo command: filings in many states through the real services, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pariter.filings.models import Filing
from tests.registry.factories import register

pytestmark = pytest.mark.django_db


def test_it_creates_filings_in_many_states_once(oscar, eve, airc_entity, milano, settings):
    settings.DEBUG = True
    for n in range(12):
        register(f"Associazione Demo {n}", milano, sections="a", is_synthetic=True)
    out = StringIO()
    call_command("filings_demo", "--count", "12", stdout=out)
    assert "demo filings created" in out.getvalue()
    assert Filing.objects.values("state").distinct().count() >= 4
    assert Filing.objects.filter(kind="registration").exists()
    assert Filing.objects.filter(organisation=airc_entity.organisation, state="integration").exists()
    call_command("filings_demo", stdout=out)
    assert "nothing to add" in out.getvalue()


def test_it_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("filings_demo")
