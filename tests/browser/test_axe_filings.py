"""axe-core on the filings' pages: the officers' workbench and the entities' portal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from pariter.filings import services
from pariter.filings.kinds import Action, DocKind, Kind
from tests.browser.conftest import assert_accessible, sign_in_browser
from tests.conftest import signed_in
from tests.filings.conftest import make_pdf, upload
from tests.registry.factories import ensure_reference_data, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def filings(settings, tmp_path, airc, eve, oscar, alice):
    settings.MEDIA_ROOT = tmp_path
    ensure_reference_data()
    from pariter.registry.models import Section

    airc.pec = "airc@pec.it"
    airc.save(update_fields=["pec"])
    entity = register(airc.name, airc.municipality, sections="g", tax_code=airc.tax_code, pec="airc@pec.it")
    register("Associazione Senza Bilancio APS", airc.municipality, registered_on=date(2020, 1, 1))
    migration = services.filing_create(
        organisation=airc,
        kind=Kind.MIGRATION,
        actor=eve,
        section=Section.objects.get(letter="b"),
        representative_name="Eve",
    )
    services.document_add(filing=migration, kind=DocKind.STATUTE, upload=upload(data=make_pdf(pdfa=False)), actor=eve)
    migration = services.filing_submit(filing=migration, actor=eve, today=date.today())
    services.filing_act(filing=migration, action=Action.TAKE_CHARGE, actor=oscar, version=migration.version)
    migration.refresh_from_db()
    services.filing_act(
        filing=migration,
        action=Action.REQUEST_INTEGRATION,
        actor=oscar,
        version=migration.version,
        note="Statuto firmato",
    )
    accounts = services.filing_create(
        organisation=airc,
        kind=Kind.ANNUAL_ACCOUNTS,
        actor=eve,
        financial_year=2025,
        accounts_model="D",
        income=Decimal("5000"),
    )
    services.cash_statement_save(
        filing=accounts,
        opening_balance=Decimal("100"),
        receipts=Decimal("5000"),
        payments=Decimal("4000"),
        closing_balance=Decimal("1000"),
    )
    return {"entity": entity, "migration": migration, "accounts": accounts}


def test_the_workbench_pages(page, live_server, oscar, filings):
    sign_in_browser(page, signed_in(oscar), live_server.url)
    for url in [
        reverse("filings:queue"),
        reverse("filings:queue") + "?kind=migration",
        reverse("filings:detail", args=[filings["migration"].pk]),
        reverse("filings:start"),
        reverse("filings:missing_accounts"),
        reverse("filings:dashboard"),
    ]:
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page, url)
    page.goto(reverse("filings:start"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 2
    assert_accessible(page, "start a procedure with errors")


def test_the_bulk_reports(page, live_server, oscar, filings):
    sign_in_browser(page, signed_in(oscar), live_server.url)
    page.goto(reverse("filings:queue"))
    page.locator("input[name=filings]").first.check()
    page.get_by_role("button", name="Prendi in carico le selezionate").click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1 and page.locator("tbody tr").count() == 1
    assert_accessible(page, "bulk take charge: the report")
    page.goto(reverse("filings:missing_accounts"))
    page.locator("input[name=entities]").first.check()
    page.get_by_role("button", name="Invia una diffida agli enti selezionati").click()
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == 1
    assert_accessible(page, "bulk warnings: the report")


def test_the_portal_pages(page, live_server, eve, filings):
    sign_in_browser(page, signed_in(eve), live_server.url)
    for url in [
        reverse("filings:portal"),
        reverse("filings:portal_filing", args=[filings["migration"].pk]),
        reverse("filings:portal_filing", args=[filings["accounts"].pk]),
    ]:
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page, url)
    page.goto(reverse("filings:portal_filing", args=[filings["accounts"].pk]))
    page.get_by_role("button", name="Controlla e invia").click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger li").count() == 4  # two documents, the figures, the legal representative
    assert_accessible(page, "portal: submission with problems")
