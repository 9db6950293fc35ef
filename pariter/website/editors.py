"""Editors are Pariter's own accounts: their roles decide their Wagtail groups.

Wagtail's page permissions and its moderation workflow work on Django groups; the groups it creates on
install ("Editors" may draft and submit, "Moderators" may also approve and publish) are kept in step with
the roles of core/roles.py, so nobody edits group membership by hand and an ended role ends the access.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from pariter.core import audit
from pariter.core.roles import Perm

EDITORS = "Editors"
MODERATORS = "Moderators"
MANAGED = (EDITORS, MODERATORS)


def wanted_groups(user: Any) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    wanted = set()
    if user.has_role_perm(Perm.EDIT_WEBSITE):
        wanted.add(EDITORS)
    if user.has_role_perm(Perm.PUBLISH_WEBSITE):
        wanted.add(MODERATORS)
    return wanted


def sync_groups(user: Any) -> None:
    """Add and remove the managed groups so they match the user's active roles today."""
    user.__dict__.pop("active_memberships", None)
    user.__dict__.pop("roles", None)
    wanted = wanted_groups(user)
    held = set(user.groups.filter(name__in=MANAGED).values_list("name", flat=True))
    if held == wanted:
        return
    groups = {g.name: g for g in Group.objects.filter(name__in=MANAGED)}
    to_add = [groups[name] for name in wanted - held if name in groups]
    to_remove = [groups[name] for name in held - wanted if name in groups]
    if to_add:
        user.groups.add(*to_add)
    if to_remove:
        user.groups.remove(*to_remove)
    audit.record(
        "website.editor.groups_synced",
        obj=user,
        changes={"added": sorted(g.name for g in to_add), "removed": sorted(g.name for g in to_remove)},
    )
    # Django caches a user's permissions on the object.
    for attr in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(attr, None)
