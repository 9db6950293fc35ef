"""Roles of the office's real work, and what each may do.

A role is held through a membership of an organisation; permissions follow
the membership. The table is data so that tests and docs can read it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    REGISTER_OFFICER = "register_officer", _("Register officer (funzionario RUNTS)")
    TRAINING_OFFICER = "training_officer", _("Training officer")
    NETWORK_OFFICER = "network_officer", _("Network and projects officer")
    CIVIL_SERVICE_VOLUNTEER = "civil_service_volunteer", _("Civil-service volunteer")
    AGENCY_OPERATOR = "agency_operator", _("Partner-agency operator")
    ENTITY_REPRESENTATIVE = "entity_representative", _("Third-sector entity representative")
    CITIZEN = "citizen", _("Citizen")


class Perm:
    """Permission codes, namespaced by area."""

    STAFF_AREA = "core.staff_area"
    MANAGE_USERS = "core.manage_users"
    MANAGE_ORGANISATIONS = "core.manage_organisations"
    VIEW_AUDIT = "core.view_audit"
    VIEW_HISTORY = "core.view_history"
    DJANGO_ADMIN = "core.django_admin"
    # The public website (pariter.website): volunteers draft, officers approve and publish.
    EDIT_WEBSITE = "website.edit"
    PUBLISH_WEBSITE = "website.publish"


# Roles held by the office's own people: they reach the staff area.
OFFICE_ROLES = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.REGISTER_OFFICER,
        Role.TRAINING_OFFICER,
        Role.NETWORK_OFFICER,
        Role.CIVIL_SERVICE_VOLUNTEER,
    }
)
# Roles whose accounts must use a second factor: everyone who sees more than
# the public does on behalf of an institution.
MFA_ROLES = OFFICE_ROLES | {Role.AGENCY_OPERATOR}
# Accounts an area says act for an institution without a role here (filings: an enabled notary, a public official).
# Areas register a check in their AppConfig.ready(), so that core never imports them.
_MFA_CHECKS: list[Callable[[Any], bool]] = []


def require_mfa_when(check: Callable[[Any], bool]) -> None:
    """Make every user for whom `check(user)` is true use a second factor, like staff (User.requires_mfa)."""
    if check not in _MFA_CHECKS:
        _MFA_CHECKS.append(check)


def mfa_required_by_areas(user: Any) -> bool:
    return any(check(user) for check in _MFA_CHECKS)


_OFFICER = {
    Perm.STAFF_AREA,
    Perm.MANAGE_ORGANISATIONS,
    Perm.VIEW_HISTORY,
    Perm.EDIT_WEBSITE,
    Perm.PUBLISH_WEBSITE,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(_OFFICER | {Perm.MANAGE_USERS, Perm.VIEW_AUDIT, Perm.DJANGO_ADMIN}),
    Role.REGISTER_OFFICER: frozenset(_OFFICER),
    Role.TRAINING_OFFICER: frozenset(_OFFICER),
    Role.NETWORK_OFFICER: frozenset(_OFFICER),
    Role.CIVIL_SERVICE_VOLUNTEER: frozenset({Perm.STAFF_AREA, Perm.EDIT_WEBSITE}),
    Role.AGENCY_OPERATOR: frozenset(),
    Role.ENTITY_REPRESENTATIVE: frozenset(),
    Role.CITIZEN: frozenset(),
}


def permissions_for(roles: set[str]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)
