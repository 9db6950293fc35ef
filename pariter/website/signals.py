"""Receivers: every change to what visitors see invalidates the page cache and reaches the audit log."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from pariter.core import audit
from pariter.core.models import Membership
from pariter.website import cache, editors


@receiver(page_published)
def _published(sender: Any, instance: Page, revision: Any = None, **kwargs: Any) -> None:
    cache.bump()
    audit.record(
        "website.page.published",
        obj=instance,
        changes={"revision": getattr(revision, "pk", None), "url_path": instance.url_path},
    )


@receiver(page_unpublished)
def _unpublished(sender: Any, instance: Page, **kwargs: Any) -> None:
    cache.bump()
    audit.record("website.page.unpublished", obj=instance, changes={"url_path": instance.url_path})


@receiver(post_page_move)
@receiver(page_slug_changed)
def _moved(sender: Any, instance: Page, **kwargs: Any) -> None:
    cache.bump()


@receiver(post_delete)
def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        cache.bump()


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def _membership_changed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    # Moderation tasks and their notices go to the members of Wagtail's groups: keep them in step with roles.
    editors.sync_groups(instance.user)
