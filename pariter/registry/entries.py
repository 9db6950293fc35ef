"""The public content of a register entry, as a plain dict.

One function builds it from the database; versions store it; the entity
page, the JSON download, the API and the exports read it. The law decides
what is in it (CTS art. 48; the public fields of the national portal):
no codice fiscale of persons, nothing procedural.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch

from pariter.registry.models import Entity, EntitySection, OfficeHolderRole, SecondaryOffice

PUBLIC_FIELDS = (
    "repertory_number",
    "tax_code",
    "vat_number",
    "name",
    "legal_form",
    "legal_nature",
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
    "registered_on",
    "registration_route",
    "registration_note",
    "status",
    "cancellation_cause",
    "cancelled_on",
)


def _iso(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is not None and value.__class__.__name__ == "Decimal":
        return str(value)
    return value


def entry_snapshot(entity: Entity, *, on: date) -> dict[str, Any]:
    """Everything public about `entity` that holds on `on` (sections, holders and offices by their periods)."""
    data: dict[str, Any] = {name: _iso(getattr(entity, name)) for name in PUBLIC_FIELDS}
    municipality = entity.municipality
    data["municipality"] = {
        "name": municipality.name,
        "istat_code": municipality.istat_code,
        "province": municipality.province_code,
    }
    data["sections"] = [
        {
            "letter": p.section.letter,
            "name": p.section.name,
            "acronym": p.section.acronym,
            "since": p.valid_from.isoformat(),
        }
        for p in entity.section_periods.all()
        if p.covers(on)
    ]
    data["activities"] = [{"letter": a.letter, "description": a.description} for a in entity.activities.all()]
    data["networks"] = [{"name": n.name, "repertory_number": n.repertory_number} for n in entity.networks.all()]
    data["office_holders"] = [
        {"role": h.role, "full_name": h.full_name, "powers": h.powers, "since": h.starts_on.isoformat()}
        for h in entity.office_holders.all()
        if h.in_office_on(on)
    ]
    data["legal_representatives"] = [
        h["full_name"] for h in data["office_holders"] if h["role"] == OfficeHolderRole.LEGAL_REPRESENTATIVE
    ]
    data["secondary_offices"] = [
        {"address": o.address, "municipality": o.municipality.name, "istat_code": o.municipality.istat_code}
        for o in entity.secondary_offices.all()
        if o.starts_on <= on and (o.ends_on is None or on < o.ends_on)
    ]
    return data


def prefetch_for_snapshot(queryset):  # type: ignore[no-untyped-def]
    """What `entry_snapshot` reads, in one query per relation (sections and places joined, not fetched apart)."""
    return queryset.select_related("municipality").prefetch_related(
        Prefetch("section_periods", EntitySection.objects.select_related("section")),
        "activities",
        "networks",
        "office_holders",
        Prefetch("secondary_offices", SecondaryOffice.objects.select_related("municipality")),
    )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in after if before.get(k) != after.get(k))
