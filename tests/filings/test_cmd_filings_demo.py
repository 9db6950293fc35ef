"""The demo command: filings in many states through the real services, once."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pariter.filings.models import Filing, FilingDocument, Notary
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
    # The demo notary, enabled by the office, with a notarial registration submitted and one in draft.
    notary = Notary.objects.get(user__email="notaio@pariter.test")
    assert notary.is_active_on(date.today()) and notary.user.check_password("pariter-demo-2026")
    assert sorted(notary.filings.values_list("state", flat=True)) == ["draft", "submitted"]
    assert "notaio@pariter.test" in out.getvalue()
    # Signed documents show every outcome: the representative signed, the notary signed (recognised by the codice
    # fiscale the office recorded), and someone else signed.
    signatures = set(FilingDocument.objects.exclude(signature="").values_list("signature", flat=True))
    assert signatures == {"representative", "notary", "other_signer"}
    call_command("filings_demo", stdout=out)
    assert "nothing to add" in out.getvalue()


def test_it_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("filings_demo")


def test_entities_whose_entry_changed_lately_are_left_out(oscar, eve, milano, settings):
    """A demo procedure may start up to 170 days back, and an entry's change cannot take effect before its last
    one: an entity changed yesterday would make the demo fail, so it gets no demo filing."""
    from datetime import timedelta

    from pariter.registry import services as registry_services

    settings.DEBUG = True
    for n in range(12):
        register(f"Associazione Demo {n}", milano, sections="a", is_synthetic=True)
    recent = register("Associazione Cambiata Ieri", milano, sections="a", is_synthetic=True)
    registry_services.entity_update(
        entity=recent, pec="nuova@pec.example.it", effective_on=date.today() - timedelta(days=1)
    )
    call_command("filings_demo", "--count", "13", stdout=StringIO())
    assert Filing.objects.exclude(entity=None).exists()
    assert not Filing.objects.filter(entity=recent).exists()
