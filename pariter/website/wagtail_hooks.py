"""The editor: a chooser for the directory's organisations, the ratings report, safe uploads."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.rich_text import FeatureRegistry

from pariter.core.models import Organisation
from pariter.core.roles import Perm
from pariter.website import rich_text


class OrganisationChooserViewSet(ChooserViewSet):
    model = Organisation
    icon = "group"
    choose_one_text = _("Choose an organisation")
    choose_another_text = _("Choose another organisation")
    edit_item_text = _("Edit this organisation")
    per_page = 30
    url_filter_parameters = ["kind"]


organisation_chooser = OrganisationChooserViewSet("organisation_chooser")


@hooks.register("register_admin_viewset")
def register_organisation_chooser() -> OrganisationChooserViewSet:
    return organisation_chooser


class RatingsMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_role_perm(Perm.PUBLISH_WEBSITE))


@hooks.register("register_admin_menu_item")
def register_ratings_menu_item() -> MenuItem:
    return RatingsMenuItem(_("Visitors' ratings"), reverse("website:feedback_results"), icon_name="pick", order=900)


@hooks.register("register_admin_urls")
def register_translation_report() -> list[Any]:
    from pariter.website import views

    return [path("traduzioni/", views.translations, name="website_translations")]


class TranslationsMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_role_perm(Perm.EDIT_WEBSITE))


@hooks.register("register_admin_menu_item")
def register_translations_menu_item() -> MenuItem:
    return TranslationsMenuItem(_("Translations to do"), reverse("website_translations"), icon_name="globe", order=850)


@hooks.register("register_rich_text_features")
def register_rich_text_features(features: FeatureRegistry) -> None:
    rich_text.register(features)
