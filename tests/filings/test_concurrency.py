"""Two officers acting on the same filing at once: exactly one succeeds, the other is told it changed."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from pariter.filings import services
from pariter.filings.kinds import Action, State
from pariter.registry.models import Entity
from tests.filings.conftest import submitted_registration


def race(filing, officers, action):
    barrier = threading.Barrier(len(officers))
    outcomes: list[str] = []

    def run(officer):
        try:
            barrier.wait()
            services.filing_act(filing=filing, action=action, actor=officer, version=filing.version)
            outcomes.append("ok")
        except services.FilingChanged:
            outcomes.append("changed")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_register_the_same_entity_at_once(applicant, eve, oscar, alice, sections):
    filing = submitted_registration(applicant, eve, sections, on=date.today())
    services.filing_act(filing=filing, action=Action.TAKE_CHARGE, actor=oscar, version=filing.version)
    filing.refresh_from_db()

    assert race(filing, [oscar, alice], Action.ACCEPT) == ["changed", "ok"]

    filing.refresh_from_db()
    assert filing.state == State.ACCEPTED
    assert Entity.objects.filter(organisation=applicant).count() == 1
    assert filing.events.filter(code="accepted").count() == 1
    assert filing.documents.filter(action="accept").count() == 1


@pytest.mark.django_db
def test_a_stale_version_is_refused_on_every_engine(applicant, eve, oscar, alice, sections):
    filing = submitted_registration(applicant, eve, sections, on=date.today())
    version = filing.version
    services.filing_act(filing=filing, action=Action.TAKE_CHARGE, actor=oscar, version=version)
    with pytest.raises(services.FilingChanged):
        services.filing_act(filing=filing, action=Action.TAKE_CHARGE, actor=alice, version=version)
