"""Keyset pagination: every row exactly once, in order, whichever way you walk."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pariter.core.models import Municipality, Organisation, OrganisationKind
from pariter.core.pagination import (
    BoundedCount,
    InvalidCursor,
    bounded_count,
    encode_cursor,
    first_page,
    keyset_page,
)


def _walk(qs, size, descending=False):
    seen, cursor = [], None
    while True:
        page = keyset_page(qs, order=("name", "id"), cursor=cursor, size=size, scope="t", descending=descending)
        seen.extend(o.pk for o in page.items)
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


@pytest.mark.django_db
@settings(max_examples=15, deadline=None)
@given(names=st.lists(st.sampled_from(["A", "B", "B", "C", "Ä", "z"]), min_size=0, max_size=30), size=st.integers(1, 7))
def test_walking_forward_visits_every_row_once_in_order(names, size):
    from tests.conftest import make_municipality

    Organisation.objects.all().delete()
    Municipality.objects.all().delete()
    milano = make_municipality("015146", "MILANO", "F205")
    Organisation.objects.bulk_create(
        Organisation(name=n, kind=OrganisationKind.THIRD_SECTOR, tax_code=f"{i:011d}", municipality=milano)
        for i, n in enumerate(names)
    )
    qs = Organisation.objects.all()
    expected = list(qs.order_by("name", "id").values_list("pk", flat=True))
    assert _walk(qs, size) == expected
    assert _walk(qs, size, descending=True) == expected[::-1]


@pytest.mark.django_db
def test_walking_back_returns_the_previous_page(milano):
    Organisation.objects.bulk_create(
        Organisation(name=f"N{i:02d}", kind="third_sector", tax_code=f"{i:011d}", municipality=milano)
        for i in range(10)
    )
    qs = Organisation.objects.all()
    p1 = keyset_page(qs, order=("name", "id"), cursor=None, size=3, scope="t")
    p2 = keyset_page(qs, order=("name", "id"), cursor=p1.next_cursor, size=3, scope="t")
    back = keyset_page(qs, order=("name", "id"), cursor=p2.prev_cursor, size=3, scope="t")
    assert [o.pk for o in back.items] == [o.pk for o in p1.items]
    assert back.prev_cursor is None


@pytest.mark.django_db
def test_tampered_or_foreign_cursors_are_refused(milano):
    qs = Organisation.objects.all()
    for cursor in ["garbage", encode_cursor(["x", 1], "n", "other-scope"), encode_cursor(["x"], "n", "t")]:
        with pytest.raises(InvalidCursor):
            keyset_page(qs, order=("name", "id"), cursor=cursor, size=3, scope="t")


@pytest.mark.django_db
def test_bounded_count_stops_at_the_limit(milano):
    Organisation.objects.bulk_create(
        Organisation(name=f"N{i}", kind="third_sector", tax_code=f"{i:011d}", municipality=milano) for i in range(12)
    )
    assert bounded_count(Organisation.objects.all(), limit=10) == BoundedCount(10, True)
    assert bounded_count(Organisation.objects.all(), limit=20) == BoundedCount(12, False)


@pytest.mark.django_db
def test_an_equivalent_sort_orders_the_query_while_cursors_keep_the_order(milano):
    """`sort` is what the query sorts on (here the id, which sorts these rows as their names do); the cursors still
    hold (name, id), so the pages are the same as without it, both ways."""
    Organisation.objects.bulk_create(
        Organisation(name=f"N{i:02d}", kind="third_sector", tax_code=f"{i:011d}", municipality=milano) for i in range(7)
    )
    qs = Organisation.objects.all()
    plain, sorted_by_id, cursor, by_id_cursor = [], [], None, None
    while True:
        page = keyset_page(qs, order=("name", "id"), cursor=cursor, size=3, scope="t")
        by_id = keyset_page(qs, order=("name", "id"), sort=("id",), cursor=by_id_cursor, size=3, scope="t")
        assert page.next_cursor == by_id.next_cursor and page.prev_cursor == by_id.prev_cursor
        plain.append([o.pk for o in page.items])
        sorted_by_id.append([o.pk for o in by_id.items])
        if not page.next_cursor:
            break
        cursor, by_id_cursor = page.next_cursor, by_id.next_cursor
    assert plain == sorted_by_id
    back = keyset_page(qs, order=("name", "id"), sort=("id",), cursor=page.prev_cursor, size=3, scope="t")
    assert [o.name for o in back.items] == ["N03", "N04", "N05"]


@pytest.mark.django_db
def test_a_first_page_read_another_way_gets_the_cursors_keyset_page_gives(milano):
    Organisation.objects.bulk_create(
        Organisation(name=f"N{i:02d}", kind="third_sector", tax_code=f"{i:011d}", municipality=milano) for i in range(5)
    )
    qs = Organisation.objects.all()
    expected = keyset_page(qs, order=("name", "id"), cursor=None, size=3, scope="t")
    items = list(qs.order_by("name", "id")[:3])
    page = first_page(items, more=True, order=("name", "id"), scope="t")
    assert page == expected
    assert first_page(items, more=False, order=("name", "id"), scope="t").next_cursor is None
    assert first_page([], more=True, order=("name", "id"), scope="t").next_cursor is None
