"""Writes of the core area. Each is atomic, keyword-only and audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pariter.core import audit
from pariter.core.models import (
    AGENCY_KINDS,
    THIRD_SECTOR_KINDS,
    Membership,
    Municipality,
    Organisation,
    User,
)
from pariter.core.roles import OFFICE_ROLES, Role
from pariter.core.tasks import send_account_invitation
from pariter.core.validators import normalise_tax_code


def _check_unique_tax_code(tax_code: str, *, exclude_pk: int | None = None) -> None:
    others = Organisation.objects.filter(tax_code=tax_code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clash = others.first()
    if clash is not None:
        raise ValidationError(
            {
                "tax_code": _("An organisation with this codice fiscale is already in the directory: %(name)s.")
                % {"name": clash.name}
            }
        )


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    tax_code: str,
    municipality: Municipality,
    vat_number: str = "",
    address: str = "",
    email: str = "",
    pec: str = "",
    phone: str = "",
    website: str = "",
) -> Organisation:
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        tax_code=normalise_tax_code(tax_code),
        municipality=municipality,
        vat_number=vat_number,
        address=address,
        email=email,
        pec=pec,
        phone=phone,
        website=website,
    )
    _check_unique_tax_code(organisation.tax_code)
    organisation.full_clean()
    organisation.save()
    return organisation


ORGANISATION_EDITABLE = (
    "name",
    "kind",
    "tax_code",
    "vat_number",
    "municipality",
    "address",
    "email",
    "pec",
    "phone",
    "website",
)


@transaction.atomic
def organisation_update(*, organisation: Organisation, reason: str = "", **fields: object) -> Organisation:
    unknown = set(fields) - set(ORGANISATION_EDITABLE)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.tax_code = normalise_tax_code(organisation.tax_code)
    _check_unique_tax_code(organisation.tax_code, exclude_pk=organisation.pk)
    organisation.full_clean()
    with audit.reason(reason):
        organisation.save(update_fields=[*fields, "updated_at"])
    return organisation


@transaction.atomic
def user_create(*, email: str, full_name: str, invite: bool = True) -> User:
    """Create an account with no password; the person sets one from the invitation e-mail."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    user = User(email=email, full_name=full_name.strip())
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if invite:
        transaction.on_commit(lambda: send_account_invitation.enqueue(user_id=user.pk))
    return user


@transaction.atomic
def user_update(*, user: User, full_name: str, is_active: bool, reason: str = "") -> User:
    user.full_name = full_name.strip()
    user.is_active = is_active
    with audit.reason(reason):
        user.save(update_fields=["full_name", "is_active"])
    return user


def check_role_fits(role: str, organisation: Organisation) -> None:
    """Office roles belong to the office; agency and entity roles to bodies of that kind."""
    if role == Role.CITIZEN:
        raise ValidationError(
            {"role": _("Citizen is the role of every account without memberships; it is not assigned.")}
        )
    if role in OFFICE_ROLES and not organisation.is_home_office:
        raise ValidationError({"organisation": _("This role can only be held in the office that runs Pariter.")})
    if role == Role.AGENCY_OPERATOR and organisation.kind not in AGENCY_KINDS:
        raise ValidationError(
            {
                "organisation": _(
                    "Partner-agency operators belong to a public agency, a municipality or an anti-violence centre."
                )
            }
        )
    if role == Role.ENTITY_REPRESENTATIVE and organisation.kind not in THIRD_SECTOR_KINDS:
        raise ValidationError({"organisation": _("Entity representatives belong to a third-sector organisation.")})


def sync_admin_flags(user: User) -> None:
    """Only administrators reach the Django admin; the flag follows the role."""
    user.__dict__.pop("active_memberships", None)
    user.__dict__.pop("roles", None)
    is_admin = Role.ADMINISTRATOR in user.roles
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def membership_add(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    reason: str = "",
) -> Membership:
    check_role_fits(role, organisation)
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError({"role": _("This person already holds this role in this organisation.")})
    membership = Membership(
        user=user, organisation=organisation, role=role, starts_on=starts_on or timezone.localdate(), ends_on=ends_on
    )
    membership.full_clean()
    with audit.reason(reason):
        membership.save()
        sync_admin_flags(user)
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, ends_on: date | None = None, reason: str = "") -> Membership:
    """End a membership; the row stays, so the history shows who held what and when."""
    day = ends_on or timezone.localdate()
    if day < membership.starts_on:
        raise ValidationError({"ends_on": _("A membership cannot end before it starts.")})
    membership.ends_on = day
    with audit.reason(reason):
        membership.save(update_fields=["ends_on"])
        sync_admin_flags(membership.user)
    return membership


def home_office() -> Organisation:
    return Organisation.objects.get(is_home_office=True)
