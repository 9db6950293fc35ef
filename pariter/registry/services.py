"""Writes of the register. Each keeps the entry's history: a change closes the current version and opens one."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pariter.core import audit, pagecache
from pariter.core.models import Municipality, Organisation, OrganisationKind
from pariter.core.validators import normalise_tax_code
from pariter.registry.entries import changed_fields, entry_snapshot, prefetch_for_snapshot
from pariter.registry.models import (
    CancellationCause,
    DepositedDocument,
    Entity,
    EntitySection,
    EntityStatus,
    EntityVersion,
    OfficeHolder,
    RegistrationRoute,
    RepertorySequence,
    Section,
)

SECTION_KINDS = {"a": OrganisationKind.VOLUNTEER_ORGANISATION, "d": OrganisationKind.COOPERATIVE}


PAGE_CACHE_SCOPE = "registry"


def register_changed(**kwargs: Any) -> None:
    """The register's public pages cached for anonymous visitors are stale: connected to every write of the
    models they show, and called by the bulk loaders (import, demo), which write without signals."""
    pagecache.bump(PAGE_CACHE_SCOPE)


def _fresh(entity: Entity) -> Entity:
    return prefetch_for_snapshot(Entity.objects.filter(pk=entity.pk)).get()


def record_version(entity: Entity, *, effective_on: date, reason: str = "") -> EntityVersion | None:
    """Close the version in force and open a new one from `effective_on`, if the public content changed."""
    entity = _fresh(entity)
    data = entry_snapshot(entity, on=effective_on)
    current = EntityVersion.objects.select_for_update().filter(entity=entity, valid_to__isnull=True).first()
    if current is not None:
        if current.data == data:
            return None
        if effective_on < current.valid_from:
            raise ValidationError(
                _("A change cannot take effect before %(day)s, when the entry last changed.")
                % {"day": current.valid_from.strftime("%d/%m/%Y")}
            )
        if effective_on == current.valid_from:
            # Two changes on the same day: the day's version is simply corrected.
            current.changed_fields = sorted(set(current.changed_fields) | set(changed_fields(current.data, data)))
            current.data, current.reason = data, reason or current.reason
            current.save(update_fields=["data", "changed_fields", "reason"])
            return current
        current.valid_to = effective_on
        current.save(update_fields=["valid_to"])
    return EntityVersion.objects.create(
        entity=entity,
        valid_from=effective_on,
        data=data,
        changed_fields=changed_fields(current.data, data) if current else [],
        reason=reason,
    )


def next_repertory_number() -> int:
    """Take the next repertorio number; the sequence row is locked until the transaction ends."""
    sequence = RepertorySequence.objects.select_for_update().get(pk=1)
    highest = Entity.objects.order_by("-repertory_number").values_list("repertory_number", flat=True).first() or 0
    number = max(sequence.next_number, highest + 1)
    sequence.next_number = number + 1
    sequence.save(update_fields=["next_number"])
    return number


@transaction.atomic
def entity_register(
    *,
    tax_code: str,
    name: str,
    municipality: Municipality,
    sections: list[Section],
    registered_on: date,
    route: str = RegistrationRoute.ORDINARY,
    repertory_number: int | None = None,
    registration_note: str = "",
    is_synthetic: bool = False,
    reason: str = "",
    **fields: Any,
) -> Entity:
    """Enter an entity in the register: one identity per codice fiscale, linked to the directory."""
    tax_code = normalise_tax_code(tax_code)
    check_sections(sections)
    if Entity.objects.filter(tax_code=tax_code).exists():
        raise ValidationError({"tax_code": _("This codice fiscale is already in the register.")})
    if repertory_number is not None and Entity.objects.filter(repertory_number=repertory_number).exists():
        raise ValidationError({"repertory_number": _("This repertorio number is already assigned.")})
    organisation = Organisation.objects.filter(tax_code=tax_code).first()
    if organisation is None:
        kind = SECTION_KINDS.get(sections[0].letter, OrganisationKind.THIRD_SECTOR)
        organisation = Organisation(name=name, kind=kind, tax_code=tax_code, municipality=municipality)
        organisation.full_clean()
        organisation.save()
    entity = Entity(
        organisation=organisation,
        tax_code=tax_code,
        name=name,
        municipality=municipality,
        registered_on=registered_on,
        registration_route=route,
        registration_note=registration_note,
        repertory_number=repertory_number if repertory_number is not None else next_repertory_number(),
        is_synthetic=is_synthetic,
        **fields,
    )
    entity.full_clean(exclude=["organisation"])
    with audit.reason(reason):
        entity.save()
        for section in sections:
            EntitySection.objects.create(entity=entity, section=section, valid_from=registered_on)
        record_version(entity, effective_on=registered_on, reason=reason)
    return entity


def check_sections(sections: list[Section]) -> None:
    """One section, or a rete associativa plus one other (CTS art. 46 c.2)."""
    if not sections:
        raise ValidationError({"sections": _("An entity is registered in at least one section.")})
    if len(sections) > 2 or (len(sections) == 2 and not any(s.combinable for s in sections)):
        raise ValidationError(
            {"sections": _("Only a rete associativa may also be registered in one other section (CTS art. 46 c.2).")}
        )
    if len({s.pk for s in sections}) != len(sections):
        raise ValidationError({"sections": _("The same section was given twice.")})


ENTITY_EDITABLE = {
    "name",
    "vat_number",
    "legal_form",
    "legal_nature",
    "municipality",
    "address",
    "postcode",
    "pec",
    "phone",
    "website",
    "constituted_on",
    "has_legal_personality",
    "patrimony",
    "five_per_thousand",
    "in_network",
}


@transaction.atomic
def entity_update(*, entity: Entity, effective_on: date | None = None, reason: str = "", **changes: Any) -> Entity:
    """Change public data of an entry from `effective_on` (today by default), keeping the history."""
    unknown = set(changes) - ENTITY_EDITABLE
    if unknown:
        raise TypeError(f"Not editable here: {sorted(unknown)}")
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    for name, value in changes.items():
        setattr(entity, name, value)
    entity.full_clean(exclude=["organisation"])
    with audit.reason(reason):
        entity.save(update_fields=[*changes, "updated_at"])
        record_version(entity, effective_on=effective_on or timezone.localdate(), reason=reason)
    return entity


@transaction.atomic
def office_holder_appoint(
    *,
    entity: Entity,
    role: str,
    full_name: str,
    starts_on: date,
    tax_code: str = "",
    powers: str = "",
    reason: str = "",
) -> OfficeHolder:
    holder = OfficeHolder(
        entity=entity,
        role=role,
        full_name=full_name.strip(),
        tax_code=normalise_tax_code(tax_code),
        powers=powers,
        starts_on=starts_on,
    )
    holder.full_clean()
    with audit.reason(reason):
        holder.save()
        record_version(entity, effective_on=starts_on, reason=reason)
    return holder


@transaction.atomic
def office_holder_end(*, holder: OfficeHolder, ends_on: date, reason: str = "") -> OfficeHolder:
    if ends_on <= holder.starts_on:
        raise ValidationError({"ends_on": _("The end of office must come after its start.")})
    holder.ends_on = ends_on
    with audit.reason(reason):
        holder.save(update_fields=["ends_on"])
        record_version(holder.entity, effective_on=ends_on, reason=reason)
    return holder


@transaction.atomic
def document_deposit(
    *, entity: Entity, kind: str, year: int, deposited_on: date, file: Any = None, filing_reference: str = ""
) -> DepositedDocument:
    document = DepositedDocument(
        entity=entity, kind=kind, year=year, deposited_on=deposited_on, filing_reference=filing_reference
    )
    if file is not None:
        document.file = file
    document.full_clean()
    document.save()
    return document


def current_section_periods(entity: Entity, *, on: date) -> list[EntitySection]:
    return [p for p in entity.section_periods.select_related("section") if p.covers(on)]


@transaction.atomic
def entity_migrate(
    *, entity: Entity, to_section: Section, effective_on: date, from_section: Section | None = None, reason: str = ""
) -> Entity:
    """Move an entity to another section: the old period ends the day the new one starts, in one step.

    DM 106/2020 art. 22 c.4: the new registration and the cancellation from the old section are
    simultaneous and without a gap, so on no day is the entity in neither or both.
    """
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    held = current_section_periods(entity, on=effective_on)
    if any(p.section_id == to_section.pk for p in held):
        raise ValidationError({"section": _("The same section was given twice.")})
    leaving = [p for p in held if from_section is None or p.section_id == from_section.pk]
    if from_section is None:
        # A rete associativa keeps its combinable section; the other one is the one left (CTS art. 46 c.2).
        leaving = [p for p in leaving if not p.section.combinable] or leaving
    if len(leaving) != 1:
        # Only a rete associativa holds two sections and keeps the combinable one: anything else is a caller bug.
        raise ValueError(f"cannot tell which section entity {entity.pk} leaves")
    remaining = [p.section for p in held if p.pk != leaving[0].pk]
    check_sections([*remaining, to_section])
    with audit.reason(reason):
        leaving[0].valid_to = effective_on
        leaving[0].save(update_fields=["valid_to"])
        EntitySection.objects.create(entity=entity, section=to_section, valid_from=effective_on)
        record_version(entity, effective_on=effective_on, reason=reason)
    return entity


# The statuses a pending procedure puts on an entry (runts.md 2.6); cancelling it is `entity_cancel`.
PENDING_STATUSES = frozenset(
    {EntityStatus.REGISTERED, EntityStatus.MIGRATING, EntityStatus.WARNED, EntityStatus.CANCELLING}
)


@transaction.atomic
def entity_set_status(*, entity: Entity, status: str, effective_on: date, reason: str = "") -> Entity:
    """Show a pending migration, warning or cancellation on the entry, or its end, from `effective_on`.

    The status is part of the public entry, so it goes in the history: "as of date X" tells whether a
    procedure was pending then. A cancelled entry stays cancelled.
    """
    if status not in PENDING_STATUSES:
        raise ValueError(f"not a status of a pending procedure: {status!r}")
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    if entity.status == EntityStatus.CANCELLED:
        day = entity.cancelled_on.strftime("%d/%m/%Y") if entity.cancelled_on else ""
        raise ValidationError(_("Cancelled from the register on %(day)s.") % {"day": day})
    if entity.status == status:
        return entity
    entity.status = status
    with audit.reason(reason):
        entity.save(update_fields=["status", "updated_at"])
        record_version(entity, effective_on=effective_on, reason=reason)
    return entity


@transaction.atomic
def entity_cancel(*, entity: Entity, cause: str, effective_on: date, reason: str = "") -> Entity:
    """Cancel an entry (CTS art. 50; DM 106/2020 art. 23): its sections end, the history keeps it."""
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    if entity.status == EntityStatus.CANCELLED:
        day = entity.cancelled_on.strftime("%d/%m/%Y") if entity.cancelled_on else ""
        raise ValidationError(_("Cancelled from the register on %(day)s.") % {"day": day})
    if cause not in CancellationCause.values:
        raise ValueError(f"unknown cancellation cause {cause!r} (DM 106/2020 art. 23)")
    with audit.reason(reason):
        for period in current_section_periods(entity, on=effective_on):
            period.valid_to = effective_on
            period.save(update_fields=["valid_to"])
        entity.status, entity.cancellation_cause, entity.cancelled_on = EntityStatus.CANCELLED, cause, effective_on
        entity.save(update_fields=["status", "cancellation_cause", "cancelled_on", "updated_at"])
        record_version(entity, effective_on=effective_on, reason=reason)
    return entity
