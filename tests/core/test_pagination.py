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
    keyset_page,
    page_of_rows,
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
def test_rows_read_another_way_get_the_cursors_keyset_page_gives(milano):
    """`page_of_rows` is `keyset_page` without the query: given the same rows it gives the same page, both ways."""
    Organisation.objects.bulk_create(
        Organisation(name=f"N{i:02d}", kind="third_sector", tax_code=f"{i:011d}", municipality=milano) for i in range(7)
    )
    qs = Organisation.objects.all()
    order = ("name", "id")
    first = keyset_page(qs, order=order, cursor=None, size=3, scope="t")
    rows = list(qs.order_by(*order)[:4])
    assert page_of_rows(rows, size=3, direction="n", from_cursor=False, order=order, scope="t") == first
    second = keyset_page(qs, order=order, cursor=first.next_cursor, size=3, scope="t")
    rows = list(qs.order_by(*order)[3:7])
    assert page_of_rows(rows, size=3, direction="n", from_cursor=True, order=order, scope="t") == second
    back = keyset_page(qs, order=order, cursor=second.prev_cursor, size=3, scope="t")
    rows = list(qs.order_by("-name", "-id")[4:8])  # backward from N03, nearest first
    assert page_of_rows(rows, size=3, direction="p", from_cursor=True, order=order, scope="t") == back
    assert [o.name for o in back.items] == ["N00", "N01", "N02"] and back.prev_cursor is None
    assert page_of_rows([], size=3, direction="n", from_cursor=False, order=order, scope="t").next_cursor is None
