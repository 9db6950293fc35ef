"""T22: the ODV and APS registered by transmigration still without their 2021 accounts, singled out on the list of
missing accounts with that source, and warned in one click like the others (nota MLPS 5941/2022, 17146/2022)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from pariter.core.models import AuditEntry
from pariter.filings import deadlines, selectors, services
from pariter.filings.kinds import Kind, State
from pariter.filings.models import Filing
from pariter.registry.models import RegistrationRoute
from tests.registry.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def transmigrated(milano):  # type: ignore[no-untyped-def]
    late = register(
        "Croce Trasmigrata ODV",
        milano,
        sections="a",
        registered_on=date(2022, 11, 7),
        route=RegistrationRoute.TRANSMIGRATION,
    )
    done = register(
        "Circolo Trasmigrato APS", milano, registered_on=date(2022, 5, 2), route=RegistrationRoute.TRANSMIGRATION
    )
    Filing.objects.create(
        organisation=done.organisation,
        entity=done,
        kind=Kind.ANNUAL_ACCOUNTS,
        financial_year=2021,
        state=State.ACCEPTED,
    )
    ordinary = register("Associazione Nuova APS", milano, registered_on=date(2022, 3, 1))
    return {"late": late, "done": done, "ordinary": ordinary}


def test_the_t22_term_is_90_days_from_the_registration():
    # 7 November 2022 + 90 days = 5 February 2023, a Sunday: Monday 6 February.
    assert deadlines.transmigrated_accounts_due(date(2022, 11, 7)) == date(2023, 2, 6)


def test_only_transmigrated_entities_missing_the_2021_accounts_are_listed(transmigrated):
    names = [e.name for e in selectors.missing_accounts(year=2025, transmigrated=True).items]
    assert names == ["Croce Trasmigrata ODV"]


def test_the_page_shows_the_source_and_the_due_date(as_oscar, transmigrated):
    as_oscar.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = as_oscar.get(reverse("filings:missing_accounts") + "?fonte=t22")
    assert response.status_code == 200
    assert "nota MLPS 5941/2022" in response.text and "17146/2022" in response.text
    assert "Croce Trasmigrata ODV" in response.text and "Associazione Nuova APS" not in response.text
    assert "06/02/2023" in response.text or "2/6/23" in response.text or "02/06/2023" in response.text


def test_one_click_warns_with_the_t22_reasons(as_oscar, oscar, transmigrated):
    late = transmigrated["late"]
    response = as_oscar.post(reverse("filings:warn", args=[late.pk]), {"fonte": "t22"})
    assert response.status_code == 302 and response.url.endswith("?fonte=t22")
    warning = Filing.objects.get(kind=Kind.WARNING)
    assert warning.entity == late and "5941/2022" in warning.summary and "07/11/2022" in warning.summary
    assert AuditEntry.objects.filter(action="filings.bulk.warn_transmigrated_accounts").exists()
    assert not selectors.missing_accounts(year=2025, transmigrated=True).items


def test_an_entity_not_transmigrated_is_refused_with_the_reason(oscar, transmigrated):
    outcomes = services.entities_warn_missing_accounts(
        entity_ids=[transmigrated["ordinary"].pk], actor=oscar, year=2025, days=90, transmigrated=True
    )
    assert outcomes[0].result == services.REFUSED and "transmigration" in outcomes[0].message
    assert not Filing.objects.filter(kind=Kind.WARNING).exists()


def test_the_list_runs_a_fixed_number_of_queries(as_oscar, milano, transmigrated, django_assert_max_num_queries):
    for n in range(5):
        register(
            f"Trasmigrata {n} ODV", milano, registered_on=date(2022, 11, 7), route=RegistrationRoute.TRANSMIGRATION
        )
    with django_assert_max_num_queries(12):
        as_oscar.get(reverse("filings:missing_accounts") + "?fonte=t22")
