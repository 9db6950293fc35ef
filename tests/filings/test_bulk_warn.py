"""Bulk warnings for missing accounts: one per entity still missing them, a report per entity, audited, idempotent."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from pariter.core.models import AuditEntry
from pariter.filings import selectors, services
from pariter.filings.kinds import Kind, State
from pariter.filings.models import Filing
from pariter.registry import services as registry_services
from pariter.registry.models import EntityStatus
from tests.registry.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def year() -> int:
    return selectors.accounts_year_overdue(timezone.localdate())


@pytest.fixture
def entities(airc_entity, milano, year):  # type: ignore[no-untyped-def]
    filed = register("Associazione In Regola APS", milano, registered_on=date(2020, 1, 1))
    Filing.objects.create(
        organisation=filed.organisation,
        entity=filed,
        kind=Kind.ANNUAL_ACCOUNTS,
        financial_year=year,
        state=State.SUBMITTED,
    )
    cancelled = register("Associazione Chiusa APS", milano, registered_on=date(2020, 1, 1))
    registry_services.entity_cancel(entity=cancelled, cause="a", effective_on=date(2026, 1, 10))
    second = register("Associazione Ritardataria APS", milano, registered_on=date(2020, 1, 1), pec="r@pec.it")
    return {"missing": airc_entity, "second": second, "filed": filed, "cancelled": cancelled}


def by_pk(outcomes):  # type: ignore[no-untyped-def]
    return {o.pk: o for o in outcomes}


def test_it_warns_each_entity_still_missing_its_accounts_and_says_why_not_the_others(entities, oscar, year):
    ids = [e.pk for e in entities.values()] + [999999]
    outcomes = by_pk(services.entities_warn_missing_accounts(entity_ids=ids, actor=oscar, year=year, days=90))
    assert outcomes[entities["missing"].pk].result == services.DONE
    assert outcomes[entities["second"].pk].result == services.DONE
    assert outcomes[entities["filed"].pk].result == services.REFUSED
    assert "filed meanwhile" in outcomes[entities["filed"].pk].message
    assert outcomes[entities["cancelled"].pk].result == services.REFUSED
    assert outcomes[999999].result == services.REFUSED
    warnings = Filing.objects.filter(kind=Kind.WARNING)
    assert sorted(w.entity_id for w in warnings) == sorted([entities["missing"].pk, entities["second"].pk])
    assert all(w.warning_days == 90 and str(year) in w.summary for w in warnings)
    entities["missing"].refresh_from_db()
    assert entities["missing"].status == EntityStatus.WARNED
    entry = AuditEntry.objects.get(action="filings.bulk.warn_missing_accounts")
    assert len(entry.changes["done"]) == 2 and len(entry.changes["refused"]) == 3


def test_twice_sends_no_second_warning(entities, oscar, year):
    ids = [entities["missing"].pk]
    services.entities_warn_missing_accounts(entity_ids=ids, actor=oscar, year=year, days=90)
    again = services.entities_warn_missing_accounts(entity_ids=ids, actor=oscar, year=year, days=90)
    assert [o.result for o in again] == [services.ALREADY]
    assert Filing.objects.filter(kind=Kind.WARNING).count() == 1


def test_the_page_reports_each_entity(as_oscar, entities):
    response = as_oscar.post(reverse("filings:bulk_warn"), {"entities": [entities["missing"].pk, entities["filed"].pk]})
    assert response.status_code == 200
    assert entities["missing"].name in response.text and entities["filed"].name in response.text
    assert Filing.objects.filter(kind=Kind.WARNING).count() == 1


def test_the_list_offers_the_selection(as_oscar, entities):
    response = as_oscar.get(reverse("filings:missing_accounts"))
    assert f'name="entities" value="{entities["missing"].pk}"' in response.text
    assert reverse("filings:bulk_warn") in response.text


def test_nothing_selected_is_refused_with_a_message(as_oscar, entities):
    response = as_oscar.post(reverse("filings:bulk_warn"), {}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("filings:missing_accounts")
    assert not Filing.objects.filter(kind=Kind.WARNING).exists()


def test_outsiders_are_refused(as_eve, as_charlie, client, entities):
    url = reverse("filings:bulk_warn")
    data = {"entities": [entities["missing"].pk]}
    assert as_eve.post(url, data).status_code == 403
    assert as_charlie.post(url, data).status_code == 403
    assert client.post(url, data).status_code == 302
    assert not Filing.objects.filter(kind=Kind.WARNING).exists()
