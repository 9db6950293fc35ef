"""axe-core on the filings' pages: the officers' workbench and the entities' portal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from pariter.core.models import Organisation
from pariter.filings import services
from pariter.filings.kinds import Action, DocKind, Kind
from tests.browser.conftest import assert_accessible, sign_in_browser
from tests.conftest import signed_in
from tests.filings.conftest import make_pdf, make_signed, upload
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
    # A signed document, so the pages show its signer, its check and what the check leaves out.
    services.document_add(
        filing=migration, kind=DocKind.STATUTE, upload=upload("statuto.pdf.p7m", make_signed()), actor=eve
    )
    migration = services.filing_submit(filing=migration, actor=eve, today=date.today())
    services.filing_act(filing=migration, action=Action.TAKE_CHARGE, actor=oscar, version=migration.version)
    migration.refresh_from_db()
    services.filing_act(
        filing=migration,
        action=Action.REQUEST_INTEGRATION,
        actor=oscar,
        version=migration.version,
        note="Statuto firmato",
        days=5,  # the entity's reply is due within 7 days: the portal's badge
    )
    # A deposit of changes made a month after its 30 days: the portal's "days late" badge (CTS art. 48 c.3).
    late = services.filing_create(
        organisation=airc,
        kind=Kind.DEED_UPDATE,
        actor=eve,
        changed_on=date.today() - timedelta(days=60),
        representative_name="Eve",
    )
    services.document_add(filing=late, kind=DocKind.CHANGED_DEED, upload=upload(), actor=eve)
    services.filing_submit(filing=late, actor=eve, today=date.today())
    # Two registrations in the queue: one whose 60 days end within a week, one past them.
    for name, tax_code, age in (
        ("Associazione In Scadenza", "97000050159", 56),
        ("Associazione Scaduta", "97000060158", 80),
    ):
        applicant = Organisation.objects.create(
            name=name, kind="third_sector", tax_code=tax_code, municipality=airc.municipality, pec="x@pec.it"
        )
        registration = services.filing_create(
            organisation=applicant,
            kind=Kind.REGISTRATION,
            actor=eve,
            section=Section.objects.get(letter="b"),
            representative_name="Anna",
        )
        for doc in (DocKind.DEED_OF_INCORPORATION, DocKind.STATUTE):
            services.document_add(filing=registration, kind=doc, upload=upload(), actor=eve)
        services.size_declaration_save(filing=registration, closed_years=0)  # newly constituted: no antimafia check
        services.filing_submit(filing=registration, actor=eve, today=date.today() - timedelta(days=age))
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
    page.goto(reverse("filings:queue"))
    # Both deadline badges are on the page axe checks: "overdue" and "within 7 days".
    assert page.locator("tbody .badge.bg-danger").count() >= 1 and page.locator("tbody .badge.bg-warning").count() >= 1
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
    page.goto(reverse("filings:portal"))
    # Both badges are on the page axe checks: a reply due within 7 days, a deposit made days late.
    assert page.locator("tbody .badge.bg-danger").count() == 1 and page.locator("tbody .badge.bg-warning").count() == 1
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


@pytest.fixture
def notary_world(settings, tmp_path, oscar, milano):  # type: ignore[no-untyped-def]
    """Nora, a notary with a draft, a late submitted filing and a recorded refusal; a registered legal person of
    DPR 361/2000 whose notice to the Prefettura is due."""
    settings.MEDIA_ROOT = tmp_path
    ensure_reference_data()
    from pariter.registry.models import Section
    from tests.conftest import make_user

    make_user("nora@notariato.it", "Nora Notaia")
    nora = services.notary_enable(
        email="nora@notariato.it", full_name="Nora Notaia", district="Milano", seat="Milano", actor=oscar
    )
    today = date.today()
    draft = services.notary_filing_create(
        notary=nora,
        name="Fondazione Nuova Luce ETS",
        tax_code="97000020152",
        municipality=milano,
        deed_received_on=today - timedelta(days=30),
        actor=nora.user,
        section=Section.objects.get(letter="g"),
        pec="luce@pec.it",
        representative_name="Luca Luce",
        prior_legal_personality=True,
    )
    services.notary_refusal_record(
        notary=nora,
        name="Associazione Senza Requisiti",
        tax_code="97000030151",
        municipality=milano,
        deed_received_on=today - timedelta(days=10),
        communicated_on=today,
        reasons="Patrimonio minimo non raggiunto.",
    )
    for kind in (DocKind.NOTARIAL_DEED, DocKind.STATUTE):
        services.document_add(filing=draft, kind=kind, upload=upload(), actor=nora.user)
    submitted = services.filing_submit(filing=draft, actor=nora.user)
    submitted = services.filing_act(filing=submitted, action=Action.TAKE_CHARGE, actor=oscar, version=submitted.version)
    decided = services.filing_act(filing=submitted, action=Action.ACCEPT, actor=oscar, version=submitted.version)
    other = services.notary_filing_create(
        notary=nora,
        name="Associazione Bozza",
        tax_code="97000040150",
        municipality=milano,
        deed_received_on=today,
        actor=nora.user,
    )
    return {"nora": nora, "decided": decided, "draft": other}


def test_the_notary_pages(page, live_server, notary_world):
    sign_in_browser(page, signed_in(notary_world["nora"].user), live_server.url)
    page.goto(reverse("filings:notary_home"))
    assert page.locator("tbody .badge.bg-danger").count() == 1  # the deed deposited past the notary's 20 days
    for url in [
        reverse("filings:notary_home"),
        reverse("filings:portal_filing", args=[notary_world["draft"].pk]),
        reverse("filings:portal_filing", args=[notary_world["decided"].pk]),
    ]:
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page, url)
    page.goto(reverse("filings:notary_home"))
    page.get_by_role("button", name="Crea la bozza").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 4
    assert_accessible(page, "notary: a filing with errors")
    page.goto(reverse("filings:notary_home"))
    page.get_by_role("button", name="Registra il rifiuto").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 4
    assert_accessible(page, "notary: a refusal with errors")


def test_the_officers_notary_pages(page, live_server, oscar, notary_world):
    sign_in_browser(page, signed_in(oscar), live_server.url)
    for url in [reverse("filings:notaries"), reverse("filings:detail", args=[notary_world["decided"].pk])]:
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page, url)
    page.goto(reverse("filings:notaries"))
    page.get_by_role("button", name="Abilita", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 4
    assert_accessible(page, "notaries: enabling with errors")


def test_the_control_and_antimafia_screens(page, live_server, oscar, eve, filings, milano):
    from decimal import Decimal

    from pariter.core import services as core_services
    from pariter.core.models import Organisation
    from pariter.core.roles import Role
    from pariter.registry.models import Section

    control = services.control_open(
        entity=filings["entity"], actor=oscar, scope="b", method="visit", summary="Segnalazione"
    )
    applicant = Organisation.objects.create(
        name="Associazione Grande APS", kind="third_sector", tax_code="97000010153", municipality=milano, pec="g@pec.it"
    )
    core_services.membership_add(user=eve, organisation=applicant, role=Role.ENTITY_REPRESENTATIVE)
    draft = services.filing_create(
        organisation=applicant,
        kind=Kind.REGISTRATION,
        actor=eve,
        section=Section.objects.get(letter="b"),
        representative_name="Anna",
    )
    registration = services.filing_create(
        organisation=Organisation.objects.create(
            name="Fondazione Ampia ETS",
            kind="third_sector",
            tax_code="97000020152",
            municipality=milano,
            pec="f@pec.it",
        ),
        kind=Kind.REGISTRATION,
        actor=eve,
        section=Section.objects.get(letter="g"),
        representative_name="Bruno",
    )
    for kind in (DocKind.DEED_OF_INCORPORATION, DocKind.STATUTE):
        services.document_add(filing=registration, kind=kind, upload=upload(), actor=eve)
    last = date.today().year - 1
    figures = {"assets_last": Decimal("2000000"), "revenue_last": Decimal("4000000"), "employees_last": Decimal(30)}
    services.size_declaration_save(
        filing=registration,
        closed_years=2,
        last_year=last,
        assets_previous=Decimal("2000000"),
        revenue_previous=Decimal("4000000"),
        employees_previous=Decimal(30),
        **figures,
    )
    registration = services.filing_submit(filing=registration, actor=eve)
    services.filing_act(filing=registration, action=Action.TAKE_CHARGE, actor=oscar, version=registration.version)
    sign_in_browser(page, signed_in(oscar), live_server.url)
    for url in [
        reverse("filings:control_start"),
        reverse("filings:detail", args=[control.pk]),
        reverse("filings:detail", args=[registration.pk]),
        reverse("filings:queue") + "?kind=control&control_scope=b",
        reverse("filings:missing_accounts") + "?fonte=t22",
    ]:
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page, url)
    page.goto(reverse("filings:control_start"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 2
    assert_accessible(page, "open a control with errors")
    sign_in_browser(page, signed_in(eve), live_server.url)
    page.goto(reverse("filings:portal_filing", args=[draft.pk]))
    assert_accessible(page, "portal: size declaration")
