"""Page types of the public website, and the visitors' feedback on them.

Every page type renders through a template that extends Pariter's own base.html; bodies are StreamFields of
Bootstrap Italia components (blocks.py). Italian is the default locale; each page's English version is a Wagtail
translation with the same slug, so one address serves the visitor's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.coreutils import camelcase_to_underscore
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from pariter.core import crypto
from pariter.website import blocks
from pariter.website.blocks import RICH_TEXT_FEATURES

CONTENT_PAGES = [
    "website.SectionPage",
    "website.ArticlePage",
    "website.RightsGuidePage",
    "website.FaqPage",
    "website.ContactsPage",
    "website.StandardPage",
    "website.RegisterSearchPage",
    "website.OpenDataPage",
    "website.EventsPage",
]


def hreflang_links(versions: dict[str, str], plain_url: str) -> list[tuple[str, str]]:
    """(hreflang, address) for a page's language versions: each names its language with `?lang=`, and
    `x-default` is the plain address, whose language follows the visitor's choice or browser (views.serve)."""
    if not versions:
        return []
    links = [(code, f"{url}?lang={code}") for code, url in versions.items()]
    return [*links, ("x-default", versions.get(settings.LANGUAGE_CODE, plain_url))]


class SitePage(Page):
    """What every page of the site shares: a one-line summary (lead, Open Graph, lists) and the feedback box."""

    summary = models.TextField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences: shown under the title, in lists, in search results and when shared."),
    )

    share_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sharing image"),
        help_text=_(
            "Shown when the page is shared on social networks, cut to 1200×630. Give the image a description: it "
            "is the text for people who cannot see it. Without an image, the site's own is used."
        ),
    )

    search_fields = [*Page.search_fields, index.SearchField("summary")]
    content_panels = [*Page.content_panels, FieldPanel("summary")]
    promote_panels = [*Page.promote_panels, FieldPanel("share_image")]
    show_feedback = True

    class Meta:
        abstract = True

    def description(self) -> str:
        return self.search_description or self.summary

    def language_versions(self, request: HttpRequest | None = None) -> dict[str, str]:
        """The full address of each visible language version of this page (itself included), by language code;
        empty when the page has no visible translation.

        Translations are copies with the same slug, so the addresses are usually one and the same: the visitor's
        language decides. `hreflang_links` names each version with `?lang=` for search engines.
        """
        from pariter.website import selectors

        if "_language_versions" not in self.__dict__:  # the head and the language switch both ask: one query
            versions = selectors.language_versions([self], request=request)
            self.__dict__["_language_versions"] = versions.get(self.translation_key, {})
        return self.__dict__["_language_versions"]  # type: ignore[no-any-return]

    def hreflang_links(self, request: HttpRequest | None = None) -> list[tuple[str, str]]:
        """(hreflang, address) of each language version, and `x-default`: the plain address, whose language
        follows the visitor's choice or browser. `?lang=<code>` serves that language (views.serve)."""
        return hreflang_links(self.language_versions(request), self.get_full_url(request))

    def get_template(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return f"website/pages/{camelcase_to_underscore(type(self).__name__)}.html"


class HomePage(SitePage):
    body = StreamField(blocks.ContentBlocks(), blank=True, verbose_name=_("body"))

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = CONTENT_PAGES
    search_fields = [*SitePage.search_fields, index.SearchField("body")]
    content_panels = [*SitePage.content_panels, FieldPanel("body")]
    show_feedback = False

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from pariter.website import selectors

        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = selectors.latest_articles(locale=self.locale, limit=3)
        context["guides"] = selectors.rights_guides(locale=self.locale, limit=6)
        context["events"] = selectors.upcoming_events(limit=3)
        context["events_enabled"] = selectors.events_enabled()
        return context


class SectionPage(SitePage):
    """A section index: its body, then its published children (newest first when they are news)."""

    body = StreamField(blocks.ContentBlocks(), blank=True, verbose_name=_("body"))
    newest_first = models.BooleanField(
        _("newest first"), default=False, help_text=_("For news: list the pages by publication date, newest first.")
    )

    subpage_types = CONTENT_PAGES
    search_fields = [*SitePage.search_fields, index.SearchField("body")]
    content_panels = [*SitePage.content_panels, FieldPanel("body"), FieldPanel("newest_first")]

    class Meta:
        verbose_name = _("section index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from pariter.website import selectors

        context = super().get_context(request, *args, **kwargs)
        context["children"] = selectors.section_children(self, cursor=request.GET.get("cursor", ""))
        return context


class ArticlePage(SitePage):
    date = models.DateField(_("date"), default=dt.date.today)
    body = StreamField(blocks.ContentBlocks(), verbose_name=_("body"))

    parent_page_types = ["website.SectionPage"]
    subpage_types: list[str] = []
    search_fields = [*SitePage.search_fields, index.SearchField("body"), index.FilterField("date")]
    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("summary"), FieldPanel("body")]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")


class RightsGuidePage(SitePage):
    """A guide to one right: who it is for, what it is, how to claim it, where to go, the law, when checked."""

    who_for = RichTextField(_("who it is for"), features=RICH_TEXT_FEATURES)
    what = RichTextField(_("what the right is"), features=RICH_TEXT_FEATURES)
    how_to_claim = StreamField(blocks.ContentBlocks(), verbose_name=_("how to claim it"))
    where_to_go = RichTextField(
        _("where to go"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("Offices and helplines; organisations from the directory are added below."),
    )
    sources = StreamField([("source", blocks.SourceOfLawBlock())], verbose_name=_("sources of law"), min_num=1)
    last_checked = models.DateField(
        _("last checked on"), help_text=_("The day someone checked the guide against the law.")
    )

    parent_page_types = ["website.SectionPage", "website.HomePage"]
    subpage_types: list[str] = []
    search_fields = [
        *SitePage.search_fields,
        index.SearchField("who_for"),
        index.SearchField("what"),
        index.SearchField("how_to_claim"),
        index.SearchField("where_to_go"),
        index.SearchField("sources"),
    ]
    content_panels = [
        *SitePage.content_panels,
        FieldPanel("who_for"),
        FieldPanel("what"),
        FieldPanel("how_to_claim"),
        FieldPanel("where_to_go"),
        InlinePanel("offices", label=_("Organisations to contact")),
        FieldPanel("sources"),
        FieldPanel("last_checked"),
    ]

    class Meta:
        verbose_name = _("rights guide")
        verbose_name_plural = _("rights guides")


class GuideOffice(Orderable):
    """An organisation of the directory where a guide's reader can go."""

    page = ParentalKey(RightsGuidePage, on_delete=models.CASCADE, related_name="offices")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    note = models.CharField(_("what they do for this right"), max_length=300, blank=True)

    # The directory holds thousands of organisations: wagtail_hooks registers a searchable chooser for them.
    panels = [FieldPanel("organisation"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("organisation to contact")

    def __str__(self) -> str:
        return str(self.organisation)


class FaqPage(SitePage):
    body = StreamField(blocks.ContentBlocks(), blank=True, verbose_name=_("introduction"))
    questions = StreamField([("faq", blocks.FaqBlock())], verbose_name=_("questions"))

    subpage_types: list[str] = []
    search_fields = [*SitePage.search_fields, index.SearchField("body"), index.SearchField("questions")]
    content_panels = [*SitePage.content_panels, FieldPanel("body"), FieldPanel("questions")]

    class Meta:
        verbose_name = _("FAQ page")


class ContactsPage(SitePage):
    offices = StreamField([("office", blocks.OfficeBlock())], blank=True, verbose_name=_("offices"))
    body = StreamField(blocks.ContentBlocks(), blank=True, verbose_name=_("body"))

    subpage_types: list[str] = []
    search_fields = [*SitePage.search_fields, index.SearchField("offices"), index.SearchField("body")]
    content_panels = [*SitePage.content_panels, FieldPanel("offices"), FieldPanel("body")]

    class Meta:
        verbose_name = _("contacts and offices page")


class StandardPage(SitePage):
    """A generic page: the accessibility statement, the privacy notice, the legal notes."""

    body = StreamField(blocks.ContentBlocks(), verbose_name=_("body"))

    subpage_types = CONTENT_PAGES
    search_fields = [*SitePage.search_fields, index.SearchField("body")]
    content_panels = [*SitePage.content_panels, FieldPanel("body")]

    class Meta:
        verbose_name = _("generic page")


class RegisterSearchPage(SitePage):
    """The third-sector register's search form, in the site; results are the register's own pages."""

    body = StreamField(blocks.ContentBlocks(), blank=True, verbose_name=_("body"))

    subpage_types: list[str] = []
    content_panels = [*SitePage.content_panels, FieldPanel("body")]

    class Meta:
        verbose_name = _("register search page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from pariter.website import selectors

        context = super().get_context(request, *args, **kwargs)
        context["register_search_url"] = selectors.register_search_url()
        return context


class OpenDataPage(SitePage):
    """Every dataset Pariter publishes, with its DCAT-AP_IT metadata and download links."""

    body = StreamField(blocks.ContentBlocks(), blank=True, verbose_name=_("body"))

    subpage_types: list[str] = []
    content_panels = [*SitePage.content_panels, FieldPanel("body")]

    class Meta:
        verbose_name = _("open-data catalogue page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from pariter.website import selectors

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = selectors.open_data_catalogue(language=self.locale.language_code)
        return context


class EventsPage(SitePage):
    """The calendar of public events from the training area; without that area the page does not exist."""

    body = StreamField(blocks.ContentBlocks(), blank=True, verbose_name=_("body"))

    subpage_types: list[str] = []
    content_panels = [*SitePage.content_panels, FieldPanel("body")]

    class Meta:
        verbose_name = _("events calendar page")

    @classmethod
    def can_create_at(cls, parent: Page) -> bool:
        from pariter.website import selectors

        return selectors.events_enabled() and super().can_create_at(parent)

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from pariter.website import selectors

        if not selectors.events_enabled():
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from pariter.website import selectors

        context = super().get_context(request, *args, **kwargs)
        context["events"] = selectors.upcoming_events(limit=50)
        return context


PAGE_MODELS: list[type[Page]] = [
    HomePage,
    SectionPage,
    ArticlePage,
    RightsGuidePage,
    FaqPage,
    ContactsPage,
    StandardPage,
    RegisterSearchPage,
    OpenDataPage,
    EventsPage,
]
# Kept out of the audit log's change lists (Wagtail keeps every revision of them): the log says who changed a
# page and its state (live, title, slug, dates), not the text.
LARGE_PAGE_FIELDS = {
    "body",
    "who_for",
    "what",
    "how_to_claim",
    "where_to_go",
    "sources",
    "questions",
    "offices",
    "summary",
    "search_description",
}


class Rating(models.IntegerChoices):
    # "Quanto sono chiare le informazioni su questa pagina?", the Designers Italia scale of five.
    VERY_UNCLEAR = 1, _("Not at all clear")
    UNCLEAR = 2, _("Not very clear")
    FAIR = 3, _("Fairly clear")
    CLEAR = 4, _("Clear")
    VERY_CLEAR = 5, _("Very clear")


class PageFeedback(models.Model):
    """One visitor's answer to "how clear is this page?", with an optional comment (encrypted at rest)."""

    COMMENT_MAX_LENGTH = 500

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page"))
    language = models.CharField(_("language"), max_length=8)
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=Rating.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment_encrypted = models.TextField(_("comment (encrypted)"), blank=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("page feedback")
        verbose_name_plural = _("page feedback")
        indexes = [
            models.Index(fields=["page", "created_at"], name="feedback_page_created"),
            models.Index(fields=["created_at", "id"], name="feedback_created_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.page_id} · {self.rating}"

    @property
    def comment(self) -> str:
        return crypto.decrypt(self.comment_encrypted) if self.comment_encrypted else ""


class ContentVersion(models.Model):
    """One row: bumped by every publish, it names the generation of cached pages that is current."""

    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")

    def __str__(self) -> str:
        return str(self.number)
