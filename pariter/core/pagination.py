"""Keyset pagination and bounded counts, for lists that may be very long.

OFFSET pagination slows down with every page and shifts when rows are
added; a keyset cursor ("the rows after this one, in this order") costs the
same on page 1 and page 10,000. Cursors are signed so a tampered one is
refused rather than trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core import signing
from django.db.models import Model, Q, QuerySet
from django.http import QueryDict

_SALT = "pariter.keyset"


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class KeysetPage[T: Model]:
    items: list[T]
    next_cursor: str | None
    prev_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.prev_cursor)


def _key(obj: Any, fields: Sequence[str]) -> list[Any]:
    # Dates and times travel as ISO 8601 text (JSON has no date); every engine compares them parsed back.
    return [value.isoformat() if isinstance(value, date) else value for value in (getattr(obj, f) for f in fields)]


def encode_cursor(key: list[Any], direction: str, scope: str) -> str:
    return signing.dumps({"k": key, "d": direction, "s": scope}, salt=_SALT, compress=True)


def decode_cursor(cursor: str, scope: str) -> tuple[list[Any], str]:
    try:
        data = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature:
        raise InvalidCursor(cursor) from None
    if not isinstance(data, dict) or data.get("s") != scope or data.get("d") not in ("n", "p"):
        raise InvalidCursor(cursor)
    key = data.get("k")
    if not isinstance(key, list):
        raise InvalidCursor(cursor)
    return key, data["d"]


def _after(fields: Sequence[str], key: list[Any], op: str) -> Q:
    """Row-value comparison (f1, f2, …) > (k1, k2, …) spelled out for every engine."""
    condition = Q()
    for i, field in enumerate(fields):
        equal_prefix = Q(**{f: key[j] for j, f in enumerate(fields[:i])})
        condition |= equal_prefix & Q(**{f"{field}__{op}": key[i]})
    return condition


def keyset_page[T: Model](
    queryset: QuerySet[T],
    *,
    order: Sequence[str],
    cursor: str | None,
    size: int,
    scope: str,
    descending: bool = False,
) -> KeysetPage[T]:
    """One page of `queryset` sorted on `order` (the last field must be unique)."""
    direction = "n"
    qs = queryset
    forward = [f"-{f}" for f in order] if descending else list(order)
    backward = list(order) if descending else [f"-{f}" for f in order]
    if cursor:
        key, direction = decode_cursor(cursor, scope)
        if len(key) != len(order):
            raise InvalidCursor(cursor)
        ahead = (direction == "n") != descending
        qs = qs.filter(_after(order, key, "gt" if ahead else "lt"))
    rows = list(qs.order_by(*(forward if direction == "n" else backward))[: size + 1])
    return page_of_rows(rows, size=size, direction=direction, from_cursor=bool(cursor), order=order, scope=scope)


def page_of_rows[T: Model](
    rows: list[T], *, size: int, direction: str, from_cursor: bool, order: Sequence[str], scope: str
) -> KeysetPage[T]:
    """The page for rows read another way than `keyset_page`, with the cursors it would give.

    `rows` are up to `size + 1` rows in the order read: forward (direction "n") from the cursor's key, or backward
    ("p") from it, nearest first. One row more than `size` says that the list goes on that way.
    """
    more = len(rows) > size
    if direction == "n":
        items = rows[:size]
        has_next, has_prev = more, from_cursor
    else:
        items = list(reversed(rows[:size]))
        has_next, has_prev = True, more
    return KeysetPage(
        items=items,
        next_cursor=encode_cursor(_key(items[-1], order), "n", scope) if items and has_next else None,
        prev_cursor=encode_cursor(_key(items[0], order), "p", scope) if items and has_prev else None,
    )


def query_without_cursor(query: QueryDict) -> str:
    """The current filters as a query string, for links to the other pages of the same list."""
    params = query.copy()
    params.pop("cursor", None)
    return params.urlencode()


@dataclass(frozen=True)
class BoundedCount:
    value: int
    exceeded: bool


def bounded_count(queryset: QuerySet[Any], limit: int = 1000) -> BoundedCount:
    """Count at most `limit` rows: "more than 1,000" is as useful as the exact figure."""
    seen = queryset.order_by().values("pk")[: limit + 1].count()
    return BoundedCount(min(seen, limit), seen > limit)
