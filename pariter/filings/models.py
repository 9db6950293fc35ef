"""Filings (pratiche) with the register: their state, legal term, timeline, documents and notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pariter.core import crypto
from pariter.core.models import Organisation
from pariter.filings import deadlines
from pariter.filings.kinds import (
    FINAL_STATES,
    OPEN_STATES,
    SPECS,
    Action,
    DocKind,
    Kind,
    KindSpec,
    State,
    allowed_actions,
)
from pariter.registry.models import CancellationCause, Entity, Section

# Open filings without a legal term sort after every dated one in the queue.
NO_TERM = date(9999, 12, 31)


class AccountsModel(models.TextChoices):
    # DM 5 March 2020 (schemi di bilancio degli ETS)
    A = "A", _("Model A: balance sheet")
    B = "B", _("Model B: management report")
    C = "C", _("Model C: mission report")
    D = "D", _("Model D: cash statement")


class Notary(models.Model):
    """A notary enabled by the office to file registrations with legal personality (CTS art. 22; DM 106/2020 art. 16).

    Notaries are public officials outside the office and outside any organisation: a citizen account becomes a
    notary's when an officer records the notary's details here, and stops being one on `ended_on`.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notary", verbose_name=_("account")
    )
    full_name = models.CharField(_("notary"), max_length=200)
    district = models.CharField(_("notarial district (collegio notarile)"), max_length=200)
    seat = models.CharField(_("seat"), max_length=200)
    # Encrypted at rest, like every personal codice fiscale: the notary's signature on a deposited deed is
    # recognised by it (the qualified certificate carries it).
    tax_code_token = models.TextField(blank=True, editable=False)
    enabled_on = models.DateField(_("enabled on"))
    ended_on = models.DateField(_("no longer enabled from"), null=True, blank=True)
    enabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("notary")
        verbose_name_plural = _("notaries")
        ordering = ("full_name", "id")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.seat})"

    def is_active_on(self, day: date) -> bool:
        return self.enabled_on <= day and (self.ended_on is None or day < self.ended_on)

    @property
    def tax_code(self) -> str:
        return crypto.decrypt(self.tax_code_token) if self.tax_code_token else ""

    @tax_code.setter
    def tax_code(self, value: str) -> None:
        self.tax_code_token = crypto.encrypt(value) if value else ""


class NotaryRefusal(models.Model):
    """A notary's refusal to receive a deed of an entity being constituted (CTS art. 22 c.3; T9).

    It opens the founders' way to the office: a registration after a notary's refusal, within 30 days of the
    communication (DM 106/2020 art. 19; T10).
    """

    notary = models.ForeignKey(Notary, on_delete=models.PROTECT, related_name="refusals", verbose_name=_("notary"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="notary_refusals", verbose_name=_("organisation")
    )
    deed_received_on = models.DateField(_("deed received on"))
    communicated_on = models.DateField(_("refusal communicated to the founders on"))
    reasons = models.TextField(_("reasons"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notary's refusal")
        verbose_name_plural = _("notaries' refusals")
        ordering = ("-communicated_on", "-id")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.communicated_on}"

    def days_late(self) -> int:
        """Days past the 30 the notary has to communicate the refusal (CTS art. 22 c.3; T9); 0 if on time."""
        return deadlines.days_late(self.communicated_on, deadlines.notary_refusal_due(self.deed_received_on))

    def application_due(self) -> date:
        return deadlines.founders_application_due(self.communicated_on)


class Filing(models.Model):
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="filings", verbose_name=_("organisation")
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="filings", verbose_name=_("entity")
    )
    # The section applied for (registration) or moved to (migration).
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("section")
    )
    cancellation_cause = models.CharField(
        _("cancellation cause"), max_length=1, choices=CancellationCause.choices, blank=True
    )
    financial_year = models.PositiveSmallIntegerField(_("financial year"), null=True, blank=True)
    accounts_model = models.CharField(_("accounts model"), max_length=1, choices=AccountsModel.choices, blank=True)
    income = models.DecimalField(_("total income (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True)
    held_fundraising = models.BooleanField(_("public fundraising held in the year"), default=False)
    changed_on = models.DateField(_("date of the change"), null=True, blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    representative_name = models.CharField(_("legal representative"), max_length=200, blank=True)
    # Personal data: encrypted at rest (core.crypto), shown to nobody but the office.
    representative_tax_code_token = models.TextField(blank=True, editable=False)
    summary = models.TextField(_("description"), blank=True, max_length=4000)
    warning_days = models.PositiveSmallIntegerField(_("days given"), null=True, blank=True)
    # A registration through a notary: who filed it, and when the deed reached the notary (T7).
    notary = models.ForeignKey(
        Notary, on_delete=models.PROTECT, null=True, blank=True, related_name="filings", verbose_name=_("notary")
    )
    deed_received_on = models.DateField(_("deed received by the notary on"), null=True, blank=True)
    # CTS art. 47 c.5 (T6): a statute on a Ministry's standard model is registered within 30 days.
    standard_statute = models.BooleanField(_("statute on a standard model approved by the Ministry"), default=False)
    # CTS art. 22 c.1-bis (T18): already a legal person in the register of DPR 361/2000 (Prefettura or Regione).
    prior_legal_personality = models.BooleanField(
        _("already a legal person under DPR 361/2000 (Prefettura or Regione)"), default=False
    )
    # The office's duty to tell the Prefettura or Regione after the decision (T18), tracked like a term.
    authority_notice_due_on = models.DateField(_("notify the Prefettura or Regione by"), null=True, blank=True)
    authority_notified_on = models.DateField(_("Prefettura or Regione notified on"), null=True, blank=True)

    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    protocol = models.CharField(_("protocol number"), max_length=24, blank=True)
    # The office's legal term (deadlines.Clock), kept as columns so the queue can sort on it.
    term_rule = models.CharField(max_length=4, blank=True)
    term_started_on = models.DateField(null=True, blank=True)
    term_ends_on = models.DateField(null=True, blank=True)
    suspended_on = models.DateField(null=True, blank=True)
    remaining_days = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(_("legal deadline"), null=True, blank=True)
    # The entity's own term (to integrate, to observe, to comply).
    reply_from = models.DateField(null=True, blank=True)
    reply_by = models.DateField(_("reply by"), null=True, blank=True)
    is_open = models.BooleanField(default=False, editable=False)
    # The queue's sort key: the deadline as a day number (JSON-safe in a signed keyset cursor), no term last.
    queue_key = models.PositiveIntegerField(default=NO_TERM.toordinal(), editable=False)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_filings",
        verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # Optimistic lock: every change bumps it, and an action based on an older page is refused.
    version = models.PositiveIntegerField(default=1)
    # One form submission creates one filing, however many times it is posted.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["is_open", "queue_key", "id"], name="filing_queue"),
            models.Index(fields=["assignee", "is_open", "queue_key", "id"], name="filing_assignee_queue"),
            models.Index(fields=["organisation", "is_open"], name="filing_org_open"),
            # The workbench's figures (open filings by type, overdue, due soon) are read from this index alone.
            models.Index(fields=["kind", "due_on"], condition=Q(is_open=True), name="filing_open_kind_due"),
            models.Index(fields=["kind", "financial_year"], name="filing_kind_year"),
            # The dashboard groups by month of arrival and of decision.
            models.Index(fields=["submitted_on"], name="filing_submitted"),
            models.Index(fields=["decided_on"], name="filing_decided"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="filing_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A decided filing stays in the queue while the office still owes the Prefettura its notice (T18).
        self.is_open = self.state in OPEN_STATES or self.authority_notice_pending
        self.queue_key = ((self.due_on or self.reply_by or NO_TERM) if self.is_open else NO_TERM).toordinal()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "is_open", "queue_key", "updated_at"}
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        return f"RUNTS-{self.pk or 0:07d}"

    @property
    def spec(self) -> KindSpec:
        return SPECS[self.kind]

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    def allowed_actions(self) -> list[Action]:
        return allowed_actions(self.kind, self.state)

    def clock(self) -> deadlines.Clock | None:
        if self.term_started_on is None or self.term_ends_on is None:
            return None
        return deadlines.Clock(
            started=self.term_started_on,
            ends=self.term_ends_on,
            suspended_on=self.suspended_on,
            remaining=self.remaining_days,
            rule=self.term_rule,
        )

    def set_clock(self, clock: deadlines.Clock | None) -> None:
        if clock is None:
            self.term_rule, self.term_started_on, self.term_ends_on = "", None, None
            self.suspended_on, self.remaining_days, self.due_on = None, None, None
            return
        self.term_rule, self.term_started_on, self.term_ends_on = clock.rule, clock.started, clock.ends
        self.suspended_on, self.remaining_days = clock.suspended_on, clock.remaining
        # While the term is suspended it is the entity's turn: the office has no deadline to meet until it resumes.
        self.due_on = clock.due if clock.running else None

    def deadline(self) -> date | None:
        """The legal deadline that matters now: the office's term, or the entity's while it is the entity's turn."""
        return self.due_on or self.reply_by

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    def is_due_soon(self, today: date, days: int = 7) -> bool:
        return self.is_open and self.due_on is not None and today <= self.due_on <= deadlines.add_days(today, days)

    def is_reply_due_soon(self, today: date, days: int = 7) -> bool:
        """The entity's own term (to integrate, to observe, to comply) ends within `days`."""
        return self.is_open and self.reply_by is not None and today <= self.reply_by <= deadlines.add_days(today, days)

    @property
    def reply_due_soon(self) -> bool:
        return self.is_reply_due_soon(timezone.localdate())

    @property
    def authority_notice_pending(self) -> bool:
        return self.authority_notice_due_on is not None and self.authority_notified_on is None

    def notary_days_late(self) -> int:
        """Days past the notary's 20 to deposit the deed (CTS art. 22 c.2; DM 106/2020 art. 16 c.1; T7), or 0."""
        if self.deed_received_on is None:
            return 0
        return deadlines.days_late(
            self.submitted_on or timezone.localdate(), deadlines.notary_deposit_due(self.deed_received_on)
        )

    def days_late(self) -> int:
        """Days past its legal term a deposit of changes was submitted (CTS art. 48 c.3, T13); 0 if on time."""
        if self.kind != Kind.DEED_UPDATE or self.changed_on is None or self.submitted_on is None:
            return 0
        return max((self.submitted_on - deadlines.change_deposit_due(self.changed_on)).days, 0)

    @property
    def representative_tax_code(self) -> str:
        return crypto.decrypt(self.representative_tax_code_token) if self.representative_tax_code_token else ""

    @representative_tax_code.setter
    def representative_tax_code(self, value: str) -> None:
        self.representative_tax_code_token = crypto.encrypt(value) if value else ""


class SizeDeclaration(models.Model):
    """The applicant's size in its last two closed financial years, declared with a registration: it tells whether
    the office must obtain the antimafia information first (CTS artt. 31 c.1, 48 c.6; DM 106/2020 art. 9 c.1)."""

    filing = models.OneToOneField(Filing, on_delete=models.CASCADE, related_name="size_declaration")
    closed_years = models.PositiveSmallIntegerField(
        _("financial years closed"),
        choices=[(0, _("None yet")), (1, _("One")), (2, _("Two or more"))],
    )
    last_year = models.PositiveSmallIntegerField(_("last closed financial year"), null=True, blank=True)
    assets_last = models.DecimalField(
        _("total assets, last year (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    revenue_last = models.DecimalField(
        _("revenue and income, last year (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    employees_last = models.DecimalField(
        _("average employees, last year"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    assets_previous = models.DecimalField(
        _("total assets, year before (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    revenue_previous = models.DecimalField(
        _("revenue and income, year before (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    employees_previous = models.DecimalField(
        _("average employees, year before"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    declared_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("size declaration")
        verbose_name_plural = _("size declarations")

    def __str__(self) -> str:
        return f"{self.filing_id}"

    def years(self) -> list[deadlines.YearFigures]:
        """The declared years, oldest first (none before two years are closed: no two years to compare)."""
        if self.last_year is None:
            return []
        years = []
        if self.closed_years >= 1:
            years.append(
                deadlines.YearFigures(self.last_year, self.assets_last, self.revenue_last, self.employees_last)
            )
        if self.closed_years >= 2:
            years.insert(
                0,
                deadlines.YearFigures(
                    self.last_year - 1, self.assets_previous, self.revenue_previous, self.employees_previous
                ),
            )
        return years

    def antimafia_required(self, on: date) -> bool:
        return deadlines.antimafia_required(self.years(), on=on)


class AntimafiaOutcome(models.TextChoices):
    PENDING = "", _("Awaited")
    CLEAR = "clear", _("Clear (liberatoria)")
    ADVERSE = "adverse", _("Adverse (interdittiva)")


class AntimafiaCheck(models.Model):
    """The office's request for the antimafia information to the Prefettura through the BDNA, and its outcome
    (CTS art. 48 c.6; D.Lgs. 159/2011 artt. 84, 91-92)."""

    filing = models.OneToOneField(Filing, on_delete=models.CASCADE, related_name="antimafia")
    requested_on = models.DateField(_("requested on"))
    request_protocol = models.CharField(_("protocol of the request"), max_length=40)
    prefecture = models.CharField(_("Prefettura"), max_length=120, default="Prefettura di Milano")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=AntimafiaOutcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome received on"), null=True, blank=True)
    outcome_reference = models.CharField(_("reference of the information"), max_length=60, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("antimafia check")
        verbose_name_plural = _("antimafia checks")

    def __str__(self) -> str:
        return f"{self.filing_id} {self.requested_on}"

    def wait_ends(self) -> date:
        return deadlines.antimafia_wait_ends(self.requested_on)

    def is_awaited(self, today: date) -> bool:
        """Asked and not answered, within the Prefettura's 30 days: the office waits (D.Lgs. 159/2011 art. 92)."""
        return self.outcome == AntimafiaOutcome.PENDING and today <= self.wait_ends()


class ControlScope(models.TextChoices):
    # CTS art. 93 c.1
    REQUIREMENTS = "a", _("a) requirements for registration")
    CIVIC_PURPOSES = "b", _("b) civic, solidarity and social-utility purposes")
    OBLIGATIONS = "c", _("c) obligations arising from registration")


class ControlMethod(models.TextChoices):
    # CTS art. 93 c.1: "accertamenti documentali, visite e ispezioni"
    DOCUMENTARY = "documentary", _("Documentary check")
    VISIT = "visit", _("Visit")
    INSPECTION = "inspection", _("Inspection")


class ControlOutcome(models.TextChoices):
    PENDING = "", _("Not concluded")
    NO_ISSUES = "no_issues", _("No issues")
    WARNING = "warning", _("Warning (diffida)")
    CANCELLATION = "cancellation", _("Cancellation procedure opened")
    MIGRATION = "migration", _("Invitation to migrate to another section")


class Control(models.Model):
    """A control of the office on a registered entity (CTS art. 93): what it checks, how, what it found."""

    filing = models.OneToOneField(Filing, on_delete=models.CASCADE, related_name="control")
    scope = models.CharField(_("scope"), max_length=1, choices=ControlScope.choices)
    method = models.CharField(_("method"), max_length=12, choices=ControlMethod.choices)
    on_report = models.BooleanField(_("started on a report"), default=False)
    findings = models.TextField(_("findings"), max_length=8000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=ControlOutcome.choices, blank=True)
    follow_up = models.ForeignKey(
        Filing, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("follow-up")
    )

    class Meta:
        verbose_name = _("control")
        verbose_name_plural = _("controls")
        indexes = [models.Index(fields=["scope", "method"], name="control_scope_method")]

    def __str__(self) -> str:
        return f"{self.filing_id} {self.scope}"


class EventCode(models.TextChoices):
    CREATED = "created", _("Draft created")
    SUBMITTED = "submitted", _("Submitted and protocolled")
    OPENED_BY_OFFICE = "opened", _("Procedure started by the office")
    ASSIGNED = "assigned", _("Assigned")
    TAKEN_IN_CHARGE = "taken", _("Taken in charge")
    INTEGRATION_REQUESTED = "integration_requested", _("Integration requested")
    INTEGRATION_RECEIVED = "integration_received", _("Integration received")
    INTEGRATION_EXPIRED = "integration_expired", _("Term to integrate expired")
    REFUSAL_NOTICE = "refusal_notice", _("Notice of intended refusal sent; term suspended")
    OBSERVATIONS_RECEIVED = "observations", _("Observations received")
    TERM_RESUMED = "resumed", _("Term running again")
    ACCEPTED = "accepted", _("Accepted")
    ACCEPTED_BY_SILENCE = "accepted_silence", _("Accepted by silence")
    REFUSED = "refused", _("Refused")
    REFUSED_BY_SILENCE = "refused_silence", _("Denied by silence")
    CONCLUDED = "concluded", _("Concluded")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DOCUMENT_ADDED = "document", _("Document added")
    ACT_SENT = "act_sent", _("Act sent by PEC")
    TERM_MISSED = "term_missed", _("Legal term run out without a decision")
    AUTHORITY_NOTICE_DUE = "authority_due", _("Notice to the Prefettura or Regione due")
    AUTHORITY_NOTIFIED = "authority_notified", _("Prefettura or Regione notified")
    ANTIMAFIA_REQUESTED = "antimafia_requested", _("Antimafia information requested; term suspended")
    ANTIMAFIA_RECEIVED = "antimafia_received", _("Antimafia information received")
    ANTIMAFIA_WAIT_ENDED = "antimafia_wait_ended", _("Prefettura's 30 days over; term running again")
    CONTROL_NOTICE = "control_notice", _("Communication of the control sent")
    CONTROL_FINDINGS = "control_findings", _("Findings of the control recorded")


class FilingEvent(models.Model):
    """One line of a filing's timeline: what happened, who did it, why, and what it did to the deadline."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    code = models.CharField(_("event"), max_length=24, choices=EventCode.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("reason or content"), blank=True)
    rule = models.CharField(_("legal basis"), max_length=4, blank=True)
    due_before = models.DateField(null=True, blank=True)
    due_after = models.DateField(null=True, blank=True)
    # The entity's term after the event (to integrate, to observe, to comply), when it is the entity's turn.
    reply_by = models.DateField(null=True, blank=True)
    document = models.ForeignKey("FilingDocument", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("filing event")
        verbose_name_plural = _("filing events")
        ordering = ("at", "id")
        indexes = [
            models.Index(fields=["filing", "at"], name="filingevent_timeline"),
            # Missed terms are counted on the workbench: a rare code, found through the index, never a full scan.
            models.Index(fields=["code", "at"], name="filingevent_code"),
        ]

    def __str__(self) -> str:
        return f"{self.filing_id} {self.code}"

    @property
    def deadline_changed(self) -> bool:
        return self.due_before != self.due_after

    @property
    def rule_source(self) -> str:
        rule = deadlines.RULES.get(self.rule)
        return rule.source if rule else ""


class SignatureCheck(models.TextChoices):
    # Every signature in the envelope verified (documents.cades); what differs is who signed.
    REPRESENTATIVE = "representative", _("Signature verified: the legal representative signed")
    NOTARY = "notary", _("Signature verified: the notary signed")
    OTHER_SIGNER = "other_signer", _("Signature verified, but the signer is not the legal representative")
    UNCOMPARED = "uncompared", _("Signature verified; no codice fiscale of the legal representative to compare with")


class FilingDocument(models.Model):
    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=16, choices=DocKind.choices)
    # Always the PDF: for a signed upload, the PDF inside the envelope, which is kept as it came in `envelope`.
    file = models.FileField(_("file"), upload_to="filings/%Y/%m/", blank=True)
    envelope = models.FileField(_("signed file (CAdES .p7m)"), upload_to="filings/%Y/%m/", blank=True)
    signature = models.CharField(_("signature"), max_length=16, choices=SignatureCheck.choices, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    # Personal data: encrypted at rest (core.crypto), shown to the office only.
    signer_tax_code_token = models.TextField(blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed on (as declared by the signer)"), null=True, blank=True)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    pdfa_part = models.CharField(_("PDF/A"), max_length=8, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Acts of the office: numbered at once, rendered and sent by PEC in a task.
    protocol = models.CharField(_("protocol number"), max_length=24, blank=True)
    action = models.CharField(max_length=24, blank=True)
    body = models.TextField(blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("filing document")
        verbose_name_plural = _("filing documents")
        ordering = ("uploaded_at", "id")

    def __str__(self) -> str:
        return self.name

    @property
    def is_office_act(self) -> bool:
        return self.kind == DocKind.OFFICE_ACT

    @property
    def is_signed(self) -> bool:
        return bool(self.signature)

    @property
    def pdf_name(self) -> str:
        """The name of the PDF itself: "statuto.pdf.p7m" is "statuto.pdf" once unwrapped."""
        name = self.name
        while name.lower().endswith(".p7m"):
            name = name[:-4]
        return name if name.lower().endswith(".pdf") else f"{name}.pdf"

    @property
    def signer_tax_code(self) -> str:
        return crypto.decrypt(self.signer_tax_code_token) if self.signer_tax_code_token else ""

    @signer_tax_code.setter
    def signer_tax_code(self, value: str) -> None:
        self.signer_tax_code_token = crypto.encrypt(value) if value else ""

    @property
    def act_label(self) -> str:
        return str(ACT_LABELS.get(self.action, "")) if self.is_office_act else ""


ACT_LABELS = {
    Action.REQUEST_INTEGRATION: _("Request for integration"),
    Action.NOTIFY_REFUSAL: _("Notice of intended refusal"),
    Action.ACCEPT: _("Decision"),
    Action.REFUSE: _("Decision of refusal"),
    "opened": _("Communication of the start of the procedure"),
    "accepted_silence": _("Acknowledgement of acceptance by silence"),
    "refused_silence": _("Acknowledgement of denial by silence"),
    "authority_notice": _("Notice to the Prefettura or Regione"),
    "control_notice": _("Communication of the control (CTS art. 93)"),
    "control_findings": _("Findings of the control (CTS art. 93)"),
}


class FilingNote(models.Model):
    """An officer's internal note: never shown to the entity."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("note"), max_length=4000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return self.text[:40]


class CashStatement(models.Model):
    """The figures of a model D cash statement (rendiconto per cassa, CTS art. 13 c.2)."""

    filing = models.OneToOneField(Filing, on_delete=models.CASCADE, related_name="cash_statement")
    opening_balance = models.DecimalField(_("opening cash and bank balance"), max_digits=14, decimal_places=2)
    receipts = models.DecimalField(_("total receipts"), max_digits=14, decimal_places=2)
    payments = models.DecimalField(_("total payments"), max_digits=14, decimal_places=2)
    closing_balance = models.DecimalField(_("closing cash and bank balance"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("cash statement")
        verbose_name_plural = _("cash statements")

    def __str__(self) -> str:
        return f"{self.filing_id}"

    @property
    def result(self) -> Decimal:
        return self.receipts - self.payments

    def difference(self) -> Decimal:
        """Zero when the closing balance is the opening balance plus the year's result."""
        return self.closing_balance - (self.opening_balance + self.result)


class ProtocolCounter(models.Model):
    """The office's protocol register: one row per year, locked while a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("protocol counter")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Reminder(models.Model):
    """A reminder sent once: the unique code makes the scheduled jobs safe to run twice."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="reminder_once")]

    def __str__(self) -> str:
        return self.code
