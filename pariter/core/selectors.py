"""Reads of the core area."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Model, Q, QuerySet

from pariter.core.models import AuditEntry, Membership, Municipality, Organisation, User
from pariter.core.pagination import KeysetPage, keyset_page
from pariter.core.validators import normalise_tax_code

DIRECTORY_PAGE_SIZE = 25


def organisation_directory(
    *,
    q: str = "",
    kind: str = "",
    municipality: Municipality | None = None,
    cursor: str | None = None,
    size: int = DIRECTORY_PAGE_SIZE,
) -> KeysetPage[Organisation]:
    qs = Organisation.objects.select_related("municipality")
    q = q.strip()[:200]
    if q:
        compact = normalise_tax_code(q)
        if compact.isalnum() and len(compact) in (11, 16):
            qs = qs.filter(Q(tax_code=compact) | Q(name__icontains=q))
        else:
            qs = qs.filter(name__icontains=q)
    if kind:
        qs = qs.filter(kind=kind)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    return keyset_page(qs, order=("name", "id"), cursor=cursor, size=size, scope="directory")


def current_municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.filter(valid_to__isnull=True)


def metropolitan_municipalities() -> QuerySet[Municipality]:
    return current_municipalities().filter(is_metropolitan=True).order_by("name")


METROPOLITAN_NAMES_KEY = "core:metropolitan-municipality-names"


def metropolitan_municipality_names() -> list[str]:
    """The names offered as suggestions in municipality fields: reference data, read once and kept in the cache.

    `load_reference_data` forgets the cached copy; otherwise it lasts an hour.
    """
    names = cache.get(METROPOLITAN_NAMES_KEY)
    if names is None:
        names = list(metropolitan_municipalities().values_list("name", flat=True))
        cache.set(METROPOLITAN_NAMES_KEY, names, timeout=3600)
    return names


def municipality_lookup(text: str) -> Municipality | None:
    """A current municipality by ISTAT code, cadastral code or exact name."""
    text = text.strip()
    if not text:
        return None
    qs = current_municipalities()
    if text.isdigit():
        return qs.filter(istat_code=text.zfill(6)).first()
    if len(text) == 4 and text[0].isalpha() and text[1:].isdigit():
        return qs.filter(cadastral_code=text.upper()).first()
    name = text.split(" (")[0].strip().upper()
    matches = list(qs.filter(name=name)[:2])
    if len(matches) == 1:
        return matches[0]
    # Homonyms (e.g. two "Castro"): prefer the metropolitan one, else refuse.
    metro = [m for m in matches if m.is_metropolitan]
    return metro[0] if len(metro) == 1 else None


def object_history(obj: Model, *, limit: int = 200) -> list[AuditEntry]:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return list(AuditEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).order_by("-id")[:limit])


def user_directory(*, q: str = "", role: str = "", cursor: str | None = None, size: int = 50) -> KeysetPage[User]:
    qs = User.objects.all()
    q = q.strip()[:200]
    if q:
        qs = qs.filter(Q(email__icontains=q) | Q(full_name__icontains=q))
    if role:
        qs = qs.filter(memberships__role=role).distinct()
    return keyset_page(qs, order=("email",), cursor=cursor, size=size, scope="users")


def membership_suggestions() -> QuerySet[Organisation]:
    """Bodies whose people usually get roles: the office, agencies and municipalities."""
    return Organisation.objects.filter(
        Q(is_home_office=True) | Q(kind__in=["public_agency", "anti_violence_centre"])
    ).order_by("name")[:200]


def memberships_of(user: User) -> list[Membership]:
    return list(user.memberships.select_related("organisation").order_by("-ends_on", "organisation__name", "role"))


def audit_log(
    *, action: str = "", actor: str = "", cursor: str | None = None, size: int = 50
) -> KeysetPage[AuditEntry]:
    qs = AuditEntry.objects.all()
    if action:
        qs = qs.filter(action__startswith=action.strip()[:100])
    if actor:
        qs = qs.filter(actor_label__icontains=actor.strip()[:254])
    return keyset_page(qs, order=("id",), cursor=cursor, size=size, scope="audit", descending=True)
