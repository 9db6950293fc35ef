"""StreamField blocks, each rendered as a Bootstrap Italia component (templates in website/blocks/)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.typed_table_block.blocks import TypedTableBlock
from wagtail.documents.blocks import DocumentChooserBlock


def language_feature(code: str) -> str:
    return f"lang-{code}"


# Editors get structure, not looks: headings from h2 down (the page title is the only h1), lists and links, and
# the meaning the law asks for (features of rich_text.py): passages in another language of the site (WCAG
# 3.1.2), abbreviations, dates, addresses and a lead paragraph.
INLINE_FEATURES = [
    "bold",
    "italic",
    "link",
    "document-link",
    *(language_feature(code) for code, _name in settings.LANGUAGES),
    "abbr",
    "time",
]
RICH_TEXT_FEATURES = ["h2", "h3", "h4", "ol", "ul", "address", "lead", *INLINE_FEATURES]


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[
            ("note", _("Note")),
            ("important", _("Important")),
            ("success", _("Good to know")),
            ("warning", _("Warning")),
            ("danger", _("Urgent")),
        ],
        default="note",
        label=_("Kind"),
    )
    title = blocks.CharBlock(max_length=120, label=_("Title"))
    text = blocks.RichTextBlock(features=[*INLINE_FEATURES, "ul"], label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "website/blocks/callout.html"


class AccordionItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, label=_("Title"))
    body = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))


class AccordionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, required=False, label=_("Heading"))
    items = blocks.ListBlock(AccordionItemBlock(), min_num=1, label=_("Items"))

    class Meta:
        icon = "list-ul"
        label = _("Accordion")
        template = "website/blocks/accordion.html"


class CardBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, label=_("Title"))
    text = blocks.TextBlock(max_length=400, label=_("Text"))
    page = blocks.PageChooserBlock(required=False, label=_("Link to a page"))
    url = blocks.CharBlock(
        required=False,
        max_length=300,
        label=_("Or link to an address"),
        help_text=_("An address on this site, such as /registro/, or a full address starting with https://."),
    )
    link_text = blocks.CharBlock(max_length=80, required=False, label=_("Link text"))


class CardsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, required=False, label=_("Heading"))
    cards = blocks.ListBlock(CardBlock(), min_num=1, max_num=12, label=_("Cards"))

    class Meta:
        icon = "doc-full"
        label = _("Cards")
        template = "website/blocks/cards.html"


class TimelineStepBlock(blocks.StructBlock):
    when = blocks.CharBlock(max_length=80, label=_("When"), help_text=_("A date or a moment: “within 30 days”."))
    title = blocks.CharBlock(max_length=200, label=_("Title"))
    text = blocks.RichTextBlock(features=INLINE_FEATURES, required=False, label=_("Text"))


class TimelineBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, required=False, label=_("Heading"))
    steps = blocks.ListBlock(TimelineStepBlock(), min_num=1, label=_("Steps"))

    class Meta:
        icon = "time"
        label = _("Timeline")
        template = "website/blocks/timeline.html"


class TableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(max_length=200, label=_("Caption"), help_text=_("Says what the table shows."))
    table = TypedTableBlock(
        [
            ("text", blocks.CharBlock()),
            ("numeric", blocks.FloatBlock()),
            ("rich_text", blocks.RichTextBlock(features=INLINE_FEATURES)),
        ],
        label=_("Table"),
    )

    class Meta:
        icon = "table"
        label = _("Table")
        template = "website/blocks/table.html"


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        max_length=200, required=False, label=_("Title"), help_text=_("Default: the document's title.")
    )
    description = blocks.TextBlock(max_length=300, required=False, label=_("Description"))

    class Meta:
        icon = "doc-full-inverse"
        label = _("Downloadable attachment")
        template = "website/blocks/attachment.html"


class SourceOfLawBlock(blocks.StructBlock):
    citation = blocks.CharBlock(
        max_length=300, label=_("Citation"), help_text=_("For example: D.lgs. 26 marzo 2001, n. 151, art. 16")
    )
    url = blocks.URLBlock(
        required=False, label=_("Official text"), help_text=_("Normattiva, Gazzetta Ufficiale, EUR-Lex")
    )

    class Meta:
        icon = "doc-full"
        label = _("Source of law")


class FaqBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=300, label=_("Question"))
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Answer"))

    class Meta:
        icon = "help"
        label = _("Question and answer")


class OfficeBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=200, label=_("Office"))
    address = blocks.TextBlock(max_length=300, label=_("Address"))
    phone = blocks.CharBlock(max_length=40, required=False, label=_("Telephone"))
    email = blocks.EmailBlock(required=False, label=_("E-mail"))
    pec = blocks.EmailBlock(required=False, label=_("PEC"))
    hours = blocks.TextBlock(max_length=300, required=False, label=_("Opening hours"))

    class Meta:
        icon = "home"
        label = _("Office")
        template = "website/blocks/office.html"


class ContentBlocks(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, label=_("Text"), template="website/blocks/paragraph.html"
    )
    callout = CalloutBlock()
    accordion = AccordionBlock()
    cards = CardsBlock()
    timeline = TimelineBlock()
    table = TableBlock()
    attachment = AttachmentBlock()
