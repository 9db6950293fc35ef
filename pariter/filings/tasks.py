"""Background work of the filings: acts rendered and sent by PEC, receipts, and the daily jobs.

Every job here is safe to run twice: it looks at the state it would change, and a second run finds nothing to do.
"""

from __future__ import annotations

import logging
import threading
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

OFFICE_NAME = "Città metropolitana di Milano"
OFFICE_UNIT = "Servizio formazione per il sociale, terzo settore e pari opportunità — Ufficio RUNTS"


# WeasyPrint logs every layout step at INFO: seven lines per act in the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
# What WeasyPrint would otherwise build again for every act, kept per worker thread (neither is thread-safe).
_weasyprint = threading.local()


def html_to_pdf(html: str) -> bytes:
    """An act's HTML as PDF, reusing what costs more than laying out the page itself.

    The font configuration loads every system font through fontconfig, and Pango keeps its caches in its font map;
    the default URL fetcher builds an HTTPS context, reading the system's certificates. Acts load nothing from
    outside, so the fetcher allows only `data:` URLs.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    if not hasattr(_weasyprint, "fonts"):
        _weasyprint.fonts = FontConfiguration()
        _weasyprint.fetcher = URLFetcher(allowed_protocols={"data"})
    pdf: bytes = HTML(string=html, url_fetcher=_weasyprint.fetcher).write_pdf(font_config=_weasyprint.fonts)
    return pdf


def render_act_pdf(document_id: int) -> bytes:
    """The act on the office's letterhead, as PDF (WeasyPrint)."""
    from pariter.filings.models import FilingDocument

    document = FilingDocument.objects.select_related("filing__organisation", "filing__entity", "filing__section").get(
        pk=document_id
    )
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "filings/act.html",
            {"document": document, "filing": document.filing, "office": OFFICE_NAME, "unit": OFFICE_UNIT},
        )
    return html_to_pdf(html)


@task()
def render_and_send_act(*, document_id: int) -> None:
    """Render an act once, store it, and send it to the entity's PEC once."""
    from pariter.filings.models import FilingDocument

    document = FilingDocument.objects.select_related("filing").filter(pk=document_id).first()
    if document is None:
        return
    if document.rendered_at is None:
        pdf = render_act_pdf(document_id)
        document.file.save(f"{document.protocol.replace('/', '-')}.pdf", ContentFile(pdf), save=False)
        document.size, document.rendered_at = len(pdf), timezone.now()
        document.save(update_fields=["file", "size", "rendered_at"])
    filing = document.filing
    if document.sent_at is None and filing.pec:
        # Claim the sending first, so two workers never both send it.
        claimed = FilingDocument.objects.filter(pk=document.pk, sent_at__isnull=True).update(sent_at=timezone.now())
        if claimed:
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("RUNTS: act %(protocol)s on filing %(reference)s") % {
                    "protocol": document.protocol,
                    "reference": filing.reference,
                }
                body = render_to_string("filings/email/act.txt", {"document": document, "filing": filing})
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [filing.pec])
            document.file.open("rb")
            with document.file:
                message.attach(document.name, document.file.read(), "application/pdf")
            message.send()


@task()
def send_receipt(*, filing_id: int) -> None:
    """The receipt of a submission, with its protocol number, to the entity's PEC."""
    from pariter.filings.models import Filing

    filing = Filing.objects.filter(pk=filing_id).first()
    if filing is None or not filing.pec or not filing.protocol:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("RUNTS: receipt of filing %(reference)s") % {"reference": filing.reference}
        body = render_to_string("filings/email/receipt.txt", {"filing": filing, "site": settings.SITE_ROOT})
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [filing.pec]).send()


@task()
def expire_terms(*, today: str | None = None) -> dict[str, int]:
    """Every term that has run out gets what the law makes of it: silence registers, denies or approves."""
    from django.db.models import Q

    from pariter.filings import services
    from pariter.filings.deadlines import Silence
    from pariter.filings.kinds import SPECS, State
    from pariter.filings.models import EventCode, Filing, FilingEvent

    day = date.fromisoformat(today) if today else timezone.localdate()
    # A term without a silence rule is recorded as missed once: the next runs need not lock those filings again.
    already_missed = Q(
        kind__in=[kind for kind, spec in SPECS.items() if spec.silence == Silence.NOTHING],
        state__in=[State.SUBMITTED, State.IN_REVIEW],
    ) & Exists(FilingEvent.objects.filter(filing=OuterRef("pk"), code=EventCode.TERM_MISSED))
    due = (
        Filing.objects.filter(is_open=True)
        .filter(
            Q(due_on__lt=day)
            | Q(reply_by__lt=day, state__in=[State.INTEGRATION_REQUESTED, State.REFUSAL_NOTICE, State.AWAITING_ENTITY])
        )
        .exclude(already_missed)
    )
    counts: dict[str, int] = {}
    for filing in due.only("pk").order_by("queue_key", "pk").iterator(chunk_size=500):
        try:
            outcome = services.filing_expire(filing=filing, today=day)
        except Exception:
            import logging

            logging.getLogger(__name__).exception("filing %s could not expire", filing.pk)
            outcome = "error"
        if outcome:
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


@task()
def remind_annual_accounts(*, today: str | None = None) -> int:
    """From 1 June, remind each registered entity whose last year's accounts are not in (CTS art. 48 c.3), once."""
    from pariter.filings import deadlines
    from pariter.filings.kinds import Kind, State
    from pariter.filings.models import Filing, Reminder
    from pariter.registry.models import Entity, EntityStatus

    day = date.fromisoformat(today) if today else timezone.localdate()
    year = day.year - 1
    due = deadlines.annual_accounts_due(year)
    if not (date(day.year, 6, 1) <= day <= due):
        return 0
    code = f"accounts-{year}"
    filed = Filing.objects.filter(
        organisation=OuterRef("organisation"), kind=Kind.ANNUAL_ACCOUNTS, financial_year=year
    ).exclude(state__in=[State.DRAFT, State.WITHDRAWN, State.REFUSED])
    reminded = Reminder.objects.filter(organisation=OuterRef("organisation"), code=code)
    entities = (
        # Every entry still in the register owes its accounts, whatever procedure is pending.
        Entity.objects.exclude(status=EntityStatus.CANCELLED)
        .filter(registered_on__lte=date(year, 12, 31))
        .exclude(pec="")
        .annotate(filed=Exists(filed), reminded=Exists(reminded))
        .filter(filed=False, reminded=False)
        .only("pk", "pec", "name", "organisation_id")
    )
    sent = 0
    for entity in entities.iterator(chunk_size=500):
        with transaction.atomic():
            _reminder, created = Reminder.objects.get_or_create(organisation_id=entity.organisation_id, code=code)
            if not created:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("RUNTS: the %(year)s accounts are due by %(due)s") % {
                    "year": year,
                    "due": due.strftime("%d/%m/%Y"),
                }
                body = render_to_string(
                    "filings/email/accounts_reminder.txt",
                    {"entity": entity, "year": year, "due": due, "site": settings.SITE_ROOT},
                )
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [entity.pec]).send()
            sent += 1
    return sent


@task()
def sync_entity_status(*, today: str | None = None) -> dict[str, int]:
    """Entries with open migrations, warnings or cancellations show them (backfill; nothing to do once healed)."""
    from pariter.filings import services

    return services.entities_sync_status(today=date.fromisoformat(today) if today else None)


@task()
def deadlines_digest(*, today: str | None = None) -> int:
    """The daily "deadlines at risk" mail to register officers: overdue and due within 7 days, once a day."""
    from pariter.core.models import Membership, Organisation
    from pariter.core.roles import Role
    from pariter.filings import deadlines, selectors
    from pariter.filings.models import Reminder

    day = date.fromisoformat(today) if today else timezone.localdate()
    at_risk = selectors.filings_at_risk(today=day)
    home = Organisation.objects.filter(is_home_office=True).first()
    if not at_risk or home is None:
        return 0
    _reminder, created = Reminder.objects.get_or_create(organisation=home, code=f"digest-{day.isoformat()}")
    if not created:
        return 0
    officers = (
        Membership.objects.filter(role__in=[Role.REGISTER_OFFICER, Role.ADMINISTRATOR], organisation=home)
        .filter(user__is_active=True)
        .values_list("user__email", flat=True)
        .distinct()
    )
    recipients = sorted(set(officers))
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("RUNTS: %(n)d filings with deadlines at risk") % {"n": len(at_risk)}
        body = render_to_string(
            "filings/email/digest.txt",
            {"filings": at_risk, "today": day, "soon": deadlines.add_days(day, 7), "site": settings.SITE_ROOT},
        )
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
    return len(recipients)


@task()
def open_due_reviews(*, today: str | None = None, limit: int = 20) -> int:
    """Start the three-yearly reviews that have fallen due (DM 106/2020 art. 21), a few a day, oldest first.

    A review already opened in the last three years, or still open, is never opened again, so a second run the
    same day does nothing.
    """
    from django.core.exceptions import ValidationError

    from pariter.filings import selectors, services
    from pariter.filings.kinds import Kind

    day = date.fromisoformat(today) if today else timezone.localdate()
    opened = 0
    for entity in selectors.reviews_due(today=day, limit=limit):
        with translation.override(settings.LANGUAGE_CODE):
            summary = _(
                "Three-yearly review of the requirements for registration (DM 106/2020 art. 21): the office "
                "checks that the entity still meets them. You may be asked for documents."
            )
        try:
            services.filing_open_by_office(entity=entity, kind=Kind.REVIEW, actor=None, summary=summary, today=day)
        except ValidationError:
            continue
        opened += 1
    return opened
