"""The notary's pages (/notaio/) and the officers' list of notaries (/gestione/notai/).

Personas: oscar the register officer, nora a notary, nadia another notary, eve an entity's representative,
charlie a citizen with no role.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pariter.core.models import Organisation
from pariter.filings import services
from pariter.filings.kinds import DocKind, Kind
from pariter.filings.models import Filing, Notary, NotaryRefusal
from tests.conftest import make_user
from tests.conftest import signed_in as signed_in_italian
from tests.filings.conftest import submitted_registration, upload

pytestmark = pytest.mark.django_db


def signed_in(user):  # type: ignore[no-untyped-def]
    """A signed-in client that reads the pages in English (one test reads them in Italian)."""
    client = signed_in_italian(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def as_oscar(oscar):  # type: ignore[no-untyped-def]
    return signed_in(oscar)


@pytest.fixture
def nora(oscar):  # type: ignore[no-untyped-def]
    make_user("nora@notariato.it", "Nora Notaia")
    return services.notary_enable(
        email="nora@notariato.it", full_name="Nora Notaia", district="Milano", seat="Milano", actor=oscar
    )


@pytest.fixture
def nadia(oscar):  # type: ignore[no-untyped-def]
    make_user("nadia@notariato.it", "Nadia Notaia")
    return services.notary_enable(
        email="nadia@notariato.it", full_name="Nadia Notaia", district="Milano", seat="Monza", actor=oscar
    )


def form(sections, **extra):  # type: ignore[no-untyped-def]
    data = {
        "token": "6f1c1b8e-7a59-4a8e-9d43-3b2d1c0e9f11",
        "name": "Fondazione Nuova Luce ETS",
        "tax_code": "97000020152",
        "municipality": "milano",
        "deed_received_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "section": sections["g"].pk,
        "pec": "luce@pec.it",
        "representative_name": "Luca Luce",
    }
    data.update(extra)
    return data


def test_a_notary_files_uploads_submits_and_follows_their_filing(nora, sections, milano):
    client = signed_in(nora.user)
    page = client.get(reverse("filings:notary_home"))
    assert page.status_code == 200 and "Nora Notaia" in page.content.decode()
    response = client.post(reverse("filings:notary_home"), form(sections))
    filing = Filing.objects.get()
    assert response.status_code == 302 and response.url == reverse("filings:portal_filing", args=[filing.pk])
    assert filing.notary == nora and filing.kind == Kind.NOTARIAL_REGISTRATION
    for kind in (DocKind.NOTARIAL_DEED, DocKind.STATUTE):
        client.post(reverse("filings:portal_upload", args=[filing.pk]), {"kind": kind, "file": upload()})
    response = client.post(reverse("filings:portal_submit", args=[filing.pk]))
    filing.refresh_from_db()
    assert filing.state == "submitted" and filing.term_rule == "T8"
    detail = client.get(reverse("filings:portal_filing", args=[filing.pk])).content.decode()
    assert filing.protocol in detail and reverse("filings:notary_home") in detail  # back to the notary's list
    assert filing.reference in client.get(reverse("filings:notary_home")).content.decode()


def test_a_late_deposit_warns_the_notary_and_shows_the_officer(nora, oscar, sections, milano):
    client = signed_in(nora.user)
    received = timezone.localdate() - timedelta(days=40)
    response = client.post(reverse("filings:notary_home"), form(sections, deed_received_on=received), follow=True)
    assert "days late" in response.content.decode()
    filing = Filing.objects.get()
    page = signed_in(oscar).get(reverse("filings:detail", args=[filing.pk]), headers={"accept-language": "en"})
    page = page.content.decode()
    assert "Nora Notaia" in page and "after the notary" in page


def test_bad_input_answers_400_with_the_reason_and_writes_nothing(nora, sections, milano):
    response = signed_in(nora.user).post(reverse("filings:notary_home"), form(sections, municipality="Atlantide"))
    assert response.status_code == 400 and "ISTAT" in response.content.decode()
    assert not Filing.objects.exists() and not Organisation.objects.filter(tax_code="97000020152").exists()


def test_a_notary_sees_only_their_own_filings(nora, nadia, eve, applicant, sections, milano):
    own = services.notary_filing_create(
        notary=nadia,
        name="Fondazione di Nadia",
        tax_code="97000020152",
        municipality=milano,
        deed_received_on=date(2026, 3, 2),
        actor=nadia.user,
    )
    entity_filing = submitted_registration(applicant, eve, sections)
    client = signed_in(nora.user)
    for filing in (own, entity_filing):
        assert client.get(reverse("filings:portal_filing", args=[filing.pk])).status_code == 404
        assert client.post(reverse("filings:portal_submit", args=[filing.pk])).status_code == 404
        document = (
            filing.documents.first()
            or services.document_add(filing=filing, kind=DocKind.STATUTE, upload=upload(), actor=nadia.user)[0]
        )
        url = reverse("filings:document", args=[filing.pk, getattr(document, "pk", 0)])
        assert client.get(url).status_code == 404
    assert "Fondazione di Nadia" not in client.get(reverse("filings:notary_home")).content.decode()
    # And the representative of an entity does not see a notary's filing for another organisation.
    assert signed_in(eve).get(reverse("filings:portal_filing", args=[own.pk])).status_code == 404


def test_an_ended_notary_loses_access_to_their_filings(nora, oscar, sections):
    client = signed_in(nora.user)
    client.post(reverse("filings:notary_home"), form(sections))
    filing = Filing.objects.get()
    services.notary_end(notary=nora, actor=oscar)
    assert signed_in(nora.user).get(reverse("filings:notary_home")).status_code == 403
    assert signed_in(nora.user).get(reverse("filings:portal_filing", args=[filing.pk])).status_code == 403


def test_outsiders_are_refused(as_charlie, as_eve, as_oscar, client):
    for c in (as_charlie, as_eve, as_oscar):
        assert c.get(reverse("filings:notary_home")).status_code == 403
        assert c.post(reverse("filings:notary_refusal")).status_code == 403
    assert client.get(reverse("filings:notary_home")).status_code == 302


def test_a_notary_records_a_refusal(nora, milano):
    client = signed_in(nora.user)
    today = timezone.localdate()
    response = client.post(
        reverse("filings:notary_refusal"),
        {
            "name": "Associazione Senza Requisiti",
            "tax_code": "97000030151",
            "municipality": "Milano",
            "deed_received_on": (today - timedelta(days=40)).isoformat(),
            "communicated_on": today.isoformat(),
            "reasons": "Patrimonio minimo non raggiunto.",
        },
        follow=True,
    )
    content = response.content.decode()
    assert response.status_code == 200 and "Refusal recorded" in content and "10 days after the 30" in content
    assert NotaryRefusal.objects.get().notary == nora
    bad = client.post(reverse("filings:notary_refusal"), {"name": "X"})
    assert bad.status_code == 400 and NotaryRefusal.objects.count() == 1


def test_the_pages_speak_italian(nora, sections):
    page = signed_in_italian(nora.user).get(reverse("filings:notary_home")).content.decode()
    assert "Registra un rifiuto" in page


# --- The officers' list of notaries ---------------------------------------------------------------------------


NOTARY_CF = "NTRNLT70A41F205Y"


def test_an_officer_enables_and_ends_a_notary(as_oscar, charlie):
    response = as_oscar.post(
        reverse("filings:notaries"),
        {
            "email": charlie.email,
            "full_name": "Charlie Notaio",
            "tax_code": NOTARY_CF.lower(),
            "district": "Milano",
            "seat": "Rho",
        },
    )
    assert response.status_code == 302
    notary = Notary.objects.get(user=charlie)
    assert notary.tax_code == NOTARY_CF and NOTARY_CF not in notary.tax_code_token  # encrypted at rest
    assert "Charlie Notaio" in as_oscar.get(reverse("filings:notaries")).content.decode()
    as_oscar.post(reverse("filings:notary_end", args=[notary.pk]))
    notary.refresh_from_db()
    assert notary.ended_on == timezone.localdate()


def test_enabling_an_unknown_account_answers_400(as_oscar):
    response = as_oscar.post(
        reverse("filings:notaries"),
        {"email": "ghost@example.org", "full_name": "G", "tax_code": NOTARY_CF, "district": "M", "seat": "M"},
    )
    assert response.status_code == 400 and "signs up first" in response.content.decode()
    assert not Notary.objects.exists()


@pytest.mark.parametrize(
    ("tax_code", "message"),
    [
        ("", "This field is required"),
        ("NTRNLT70A41F205X", "check character"),
        ("97000020152", "16 characters"),  # a body's codice fiscale, not a person's
    ],
)
def test_enabling_needs_the_notary_s_own_codice_fiscale(as_oscar, charlie, tax_code, message):
    as_oscar.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = as_oscar.post(
        reverse("filings:notaries"),
        {"email": charlie.email, "full_name": "C", "tax_code": tax_code, "district": "M", "seat": "M"},
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Notary.objects.exists()


def test_a_notary_enabled_without_codice_fiscale_is_flagged_and_the_officer_records_it(as_oscar, nora):
    as_oscar.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert nora.tax_code == ""
    page = as_oscar.get(reverse("filings:notaries")).content.decode()
    assert "their signatures are not recognised" in page
    url = reverse("filings:notary_tax_code", args=[nora.pk])
    refused = as_oscar.post(url, {"tax_code": "NTRNLT70A41F205X"}, follow=True).content.decode()
    assert "check character" in refused
    nora.refresh_from_db()
    assert nora.tax_code == ""
    recorded = as_oscar.post(url, {"tax_code": NOTARY_CF}, follow=True).content.decode()
    assert "Codice fiscale recorded for Nora" in recorded and "their signatures are not recognised" not in recorded
    nora.refresh_from_db()
    assert nora.tax_code == NOTARY_CF
    assert as_oscar.post(reverse("filings:notary_tax_code", args=[999]), {"tax_code": NOTARY_CF}).status_code == 404


def test_only_officers_manage_notaries(as_charlie, as_eve, nora):
    for c in (as_charlie, as_eve, signed_in(nora.user)):
        assert c.get(reverse("filings:notaries")).status_code == 403
        assert c.post(reverse("filings:notary_end", args=[nora.pk])).status_code == 403
        assert c.post(reverse("filings:notary_tax_code", args=[nora.pk]), {"tax_code": NOTARY_CF}).status_code == 403
    assert signed_in(make_user("x@example.org", "X")).post(reverse("filings:notary_end", args=[999])).status_code == 403


def test_the_list_of_notaries_runs_a_constant_number_of_queries(as_oscar, oscar, django_assert_max_num_queries):
    for n in range(5):
        user = make_user(f"n{n}@notariato.it", f"Notaio {n}")
        services.notary_enable(
            email=user.email, full_name=user.full_name, district="Milano", seat="Milano", actor=oscar
        )
    with django_assert_max_num_queries(12):
        assert as_oscar.get(reverse("filings:notaries")).status_code == 200


def test_recording_a_codice_fiscale_without_one_says_it_is_required(as_oscar, nora):
    as_oscar.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = as_oscar.post(reverse("filings:notary_tax_code", args=[nora.pk]), {}, follow=True).content.decode()
    assert "This field is required" in page
    nora.refresh_from_db()
    assert nora.tax_code == ""
