from __future__ import annotations

from django.urls import reverse

from pariter.core.models import AuditEntry


def test_the_administrator_reads_and_filters_the_log(as_alice, oscar):
    response = as_alice.get(reverse("core:audit_log"), {"action": "core.membership"})
    actions = {e.action for e in response.context["page"].items}
    assert actions == {"core.membership.created"}


def test_the_log_pages_newest_first(as_alice, django_assert_max_num_queries):
    for i in range(120):
        from pariter.core import audit

        audit.record("test.event", changes={"i": i})
    with django_assert_max_num_queries(8):
        first = as_alice.get(reverse("core:audit_log")).context["page"]
    ids = [e.id for e in first.items]
    assert ids == sorted(ids, reverse=True) and ids[0] == AuditEntry.objects.latest("id").id
    second = as_alice.get(reverse("core:audit_log"), {"cursor": first.next_cursor}).context["page"]
    assert second.items[0].id < ids[-1]


def test_officers_cannot_read_the_whole_log(as_oscar):
    assert as_oscar.get(reverse("core:audit_log")).status_code == 403
