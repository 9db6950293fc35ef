"""The audit log: who did what, on behalf of whom, from where, and why.

Entries form a hash chain: each stores the hash of the one before it, so a
changed, removed or inserted row breaks the chain and `audit_verify` finds
it. Writes to tracked models are captured by signals, so admin edits and
service writes are logged alike; services add a reason with `reason()`.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

GENESIS_HASH = "0" * 64
MASKED = "••••••"


@dataclass(frozen=True)
class AuditContext:
    actor_id: int | None = None
    actor_label: str = ""
    organisation_id: int | None = None
    ip_address: str | None = None
    reason: str = ""


_EMPTY = AuditContext()
_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("audit_context", default=_EMPTY)


def current_context() -> AuditContext:
    return _context.get()


@contextmanager
def context(**values: Any) -> Iterator[AuditContext]:
    """Set who is acting (and why) for the writes inside the block."""
    token = _context.set(replace(_context.get(), **values))
    try:
        yield _context.get()
    finally:
        _context.reset(token)


def reason(text: str) -> AbstractContextManager[AuditContext]:
    """The reason for the writes inside the block, shown next to them in the history."""
    return context(reason=text)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def entry_hash(entry: Any) -> str:
    """The hash of one entry's content together with its predecessor's hash."""
    payload = {
        "prev": entry.prev_hash,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "action": entry.action,
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "organisation": entry.organisation_id,
        "ip": entry.ip_address,
        "content_type": entry.content_type_id,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "reason": entry.reason,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    action: str,
    *,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    reason: str | None = None,
    actor: Any = None,
    organisation_id: int | None = None,
) -> Any:
    """Append one entry to the chain (at the end of the enclosing `batch()`, if any). `action` is a namespaced code."""
    from pariter.core.models import AuditEntry

    ctx = current_context()
    if actor is not None and getattr(actor, "pk", None):
        actor_id, actor_label = actor.pk, actor.email
    else:
        actor_id, actor_label = ctx.actor_id, ctx.actor_label
    entry = AuditEntry(
        at=timezone.now(),
        action=action,
        actor_id=actor_id,
        actor_label=actor_label,
        organisation_id=organisation_id if organisation_id is not None else ctx.organisation_id,
        ip_address=ctx.ip_address,
        changes=_plain(changes or {}),
        reason=reason if reason is not None else ctx.reason,
    )
    if obj is not None:
        entry.content_type_id = ContentType.objects.get_for_model(obj, for_concrete_model=False).pk
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:300]
    pending = _pending.get()
    if pending is not None:
        pending.append(entry)
    else:
        _append([entry])
    return entry


def _append(entries: list[Any]) -> None:
    """Link the entries to the chain and write them: one lock of the head, one insert, one update of the head."""
    from pariter.core.models import AuditChainHead, AuditEntry

    # No savepoint: a failed append fails the caller's transaction anyway, and a savepoint costs two round trips.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
        last = head.last_hash
        for entry in entries:
            entry.prev_hash = last
            entry.hash = last = entry_hash(entry)
        AuditEntry.objects.bulk_create(entries)
        head.last_hash, head.last_entry_id = last, entries[-1].pk
        head.save(update_fields=["last_hash", "last_entry_id"])


# Entries recorded inside `batch()`, waiting to be written at its end; None outside a batch.
_pending: contextvars.ContextVar[list[Any] | None] = contextvars.ContextVar("audit_pending", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Write the entries recorded inside the block together when it ends, in the same transaction.

    A service that writes several tracked rows (a decision: the filing, its act, its event) then locks the chain
    once, at the end, instead of once per entry, and holds that lock only until its commit. Every entry is kept,
    in order. Use it around a whole write that either succeeds or fails: an error caught inside the block would
    not take back the entries recorded before it. Nested batches join the outer one.
    """
    if _pending.get() is not None:
        yield
        return
    entries: list[Any] = []
    token = _pending.set(entries)
    try:
        with transaction.atomic(savepoint=False):
            yield
            if entries:
                _append(entries)
    finally:
        _pending.reset(token)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.problem


def verify(batch_size: int = 2000) -> ChainReport:
    """Walk the chain in order and report the first broken link."""
    from pariter.core.models import AuditChainHead, AuditEntry

    expected_prev = GENESIS_HASH
    checked = 0
    last_id: int | None = None
    last_seen = 0
    while True:
        rows = list(AuditEntry.objects.filter(pk__gt=last_seen).order_by("pk")[:batch_size])
        if not rows:
            break
        for entry in rows:
            if entry.prev_hash != expected_prev:
                return ChainReport(checked, entry.pk, "the link to the previous entry does not match")
            if entry_hash(entry) != entry.hash:
                return ChainReport(checked, entry.pk, "the entry's content does not match its hash")
            expected_prev = entry.hash
            last_id = entry.pk
            checked += 1
        last_seen = rows[-1].pk
    head = AuditChainHead.objects.filter(pk=1).first()
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_hash != expected_prev:
        return ChainReport(checked, last_id, "entries after this one were removed")
    return ChainReport(checked)


# --- Capturing writes to tracked models -------------------------------------

_tracked: dict[type[models.Model], frozenset[str]] = {}
_masked: dict[type[models.Model], frozenset[str]] = {}


def track(model: type[models.Model], *, exclude: set[str] | None = None, mask: set[str] | None = None) -> None:
    """Log every create, change and delete of `model`. Areas call this in ready()."""
    _tracked[model] = frozenset(exclude or ())
    _masked[model] = frozenset(mask or ())
    uid = f"audit-{model._meta.label}"
    pre_save.connect(_remember_old, sender=model, dispatch_uid=uid + "-pre")
    post_save.connect(_log_save, sender=model, dispatch_uid=uid + "-post")
    post_delete.connect(_log_delete, sender=model, dispatch_uid=uid + "-delete")


def _fields(model: type[models.Model]) -> list[models.Field]:
    # auto_now timestamps change on every save and say nothing the entry's own time does not.
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in _tracked[model] and not f.primary_key and not getattr(f, "auto_now", False)
    ]


def _snapshot(instance: models.Model) -> dict[str, Any]:
    return {f.name: _plain(getattr(instance, f.attname)) for f in _fields(type(instance))}


def remember(instance: models.Model) -> None:
    """`instance` was just read under a row lock: its saves compare with these values instead of reading the row again.

    Only for a row locked (`select_for_update`) in the current transaction and written through this instance, so
    nothing else can change it before the save. Each save moves the remembered values forward.
    """
    instance._audit_base = _snapshot(instance)  # type: ignore[attr-defined]


def _remember_old(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        instance._audit_old = None  # type: ignore[attr-defined]
        return
    base = getattr(instance, "_audit_base", None)
    if base is not None:
        instance._audit_old = base  # type: ignore[attr-defined]
        return
    names = [f.attname for f in _fields(sender)]
    old = sender._base_manager.filter(pk=instance.pk).values(*names).first()
    instance._audit_old = (  # type: ignore[attr-defined]
        None if old is None else {f.name: _plain(old[f.attname]) for f in _fields(sender)}
    )


def _action(instance: models.Model, verb: str) -> str:
    meta = instance._meta
    return f"{meta.app_label}.{meta.model_name}.{verb}"


def _mask(sender: type[models.Model], changes: dict[str, Any]) -> dict[str, Any]:
    masked = _masked[sender]
    return {k: ([MASKED, MASKED] if k in masked else v) for k, v in changes.items()}


def _log_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    new = _snapshot(instance)
    old = getattr(instance, "_audit_old", None)
    if created or old is None:
        changes = {k: [None, v] for k, v in new.items() if v not in (None, "", [], {})}
        record(_action(instance, "created"), obj=instance, changes=_mask(sender, changes))
        return
    changes = {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}
    if getattr(instance, "_audit_base", None) is not None:
        update_fields = kwargs.get("update_fields")
        saved = new if update_fields is None else {sender._meta.get_field(n).name for n in update_fields}
        instance._audit_base = {k: (new[k] if k in saved else v) for k, v in old.items()}  # type: ignore[attr-defined]
    if changes:
        record(_action(instance, "changed"), obj=instance, changes=_mask(sender, changes))


def _log_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    record(_action(instance, "deleted"), obj=instance, changes={})
