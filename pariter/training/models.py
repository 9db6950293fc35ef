"""Training and awareness: initiatives, their editions and sessions, enrollments, attendance and certificates.

An `Initiative` (a course, a workshop, the volunteer guardians' path) runs in `Edition`s; each edition has
`TrainingSession`s and a number of places. People enroll in an edition (`Enrollment`), attend its sessions
(`Attendance`, one row per person and session) and, if the edition's rule says so, receive a `Certificate`.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pariter.core import crypto
from pariter.core.models import Municipality


class InitiativeKind(models.TextChoices):
    COURSE = "course", _("Course")
    WORKSHOP = "workshop", _("Workshop")
    INFORMATION_EVENT = "information_event", _("Information event")
    AWARENESS_CAMPAIGN = "awareness_campaign", _("Awareness campaign")
    GUARDIAN_PATH = "guardian_path", _("Volunteer guardians' training path")


class Audience(models.TextChoices):
    CITIZENS = "citizens", _("Citizens")
    SOCIAL_OPERATORS = "social_operators", _("Social operators")
    VOLUNTEER_GUARDIANS = "volunteer_guardians", _("Volunteer guardians")
    ENTERPRISES = "enterprises", _("Enterprises")


class Language(models.TextChoices):
    ITALIAN = "it", _("Italian")
    ENGLISH = "en", _("English")


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Initiative(models.Model):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=InitiativeKind.choices)
    audience = models.CharField(_("audience"), max_length=24, choices=Audience.choices)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="initiatives")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ITALIAN)
    description = models.TextField(_("description"), blank=True)
    accessibility_notes = models.TextField(
        _("accessibility of the venue"), blank=True, help_text=_("Step-free access, hearing loop, interpreters…")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ("title",)

    def __str__(self) -> str:
        return self.title


class EnrollmentMode(models.TextChoices):
    OPEN = "open", _("Open: places are confirmed in order of arrival")
    APPROVAL = "approval", _("Approval required (courses reserved to operators)")


class CertificateRule(models.TextChoices):
    ALL_SESSIONS = "all_sessions", _("Attendance at every session")
    MIN_SESSIONS = "min_sessions", _("A minimum number of sessions")
    MIN_PERCENT = "min_percent", _("A minimum percentage of the scheduled hours")
    MANUAL = "manual", _("Decided by the officer")


class Edition(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="editions")
    name = models.CharField(_("edition"), max_length=120, help_text=_("For example “Spring 2027”."))
    is_published = models.BooleanField(_("published"), default=False)
    enrollment_mode = models.CharField(
        _("enrollment"), max_length=12, choices=EnrollmentMode.choices, default=EnrollmentMode.OPEN
    )
    capacity = models.PositiveIntegerField(_("places"))
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept an offered place"), default=48, help_text=_("After this, the place goes to the next person.")
    )
    enrollment_closes_at = models.DateTimeField(_("enrollment closes"), null=True, blank=True)
    organiser = models.CharField(
        _("organiser"),
        max_length=200,
        default="Città metropolitana di Milano – Servizio formazione per il sociale, terzo settore e pari opportunità",
    )
    # Kept in step with the sessions by `services.edition_refresh_dates`, so the catalogue filters on one index.
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    certificate_rule = models.CharField(
        _("certificate rule"), max_length=16, choices=CertificateRule.choices, default=CertificateRule.MIN_PERCENT
    )
    certificate_min_sessions = models.PositiveSmallIntegerField(_("minimum sessions"), null=True, blank=True)
    certificate_min_percent = models.PositiveSmallIntegerField(_("minimum percentage"), null=True, blank=True)
    # Social workers' continuing education (CNOAS regulation 2023): accredited before the event, never after.
    accrediting_body = models.CharField(_("accrediting body"), max_length=200, blank=True)
    cnoas_event_id = models.CharField(_("CNOAS event identifier"), max_length=40, blank=True)
    credits = models.PositiveSmallIntegerField(_("credits"), null=True, blank=True)
    ethics_credits = models.BooleanField(_("ethics (deontological) credits"), default=False)
    accredited_at = models.DateTimeField(_("accredited on"), null=True, blank=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ("starts_at", "id")
        indexes = [
            models.Index(fields=["is_published", "starts_at", "id"], name="training_edition_public"),
            # The catalogue's "not ended yet" is a short range at the end of this index, however long the past; the
            # archive walks it backwards from today and stops after a page.
            models.Index(fields=["is_published", "ends_at", "id"], name="training_edition_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.title} – {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("training:edition", args=[self.pk])

    @property
    def title(self) -> str:
        return str(self)

    def has_started(self, now: datetime | None = None) -> bool:
        return self.starts_at is not None and self.starts_at <= (now or timezone.now())

    def is_enrollment_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if not self.is_published or self.has_started(now):
            return False
        return self.enrollment_closes_at is None or now < self.enrollment_closes_at

    def is_accredited(self) -> bool:
        return self.accredited_at is not None

    def active_questions(self) -> models.QuerySet[Question]:
        """The questions of the enrollment form (archived ones are kept for their answers, never asked again)."""
        return self.questions.filter(archived_at__isnull=True)


class TrainingSession(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    break_minutes = models.PositiveSmallIntegerField(_("breaks (minutes)"), default=0)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("room capacity"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ("starts_at", "id")
        indexes = [
            models.Index(fields=["starts_at"], name="training_session_start"),
            # An edition's sessions in order (the edition page, the catalogue's first venue).
            models.Index(fields=["edition", "starts_at"], name="training_session_edition"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.edition} · {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    def scheduled_minutes(self) -> int:
        """The session's length net of breaks: the basis of attendance and credits."""
        gross = int((self.ends_at - self.starts_at).total_seconds() // 60)
        return max(gross - self.break_minutes, 0)

    def check_in_window(self) -> tuple[datetime, datetime]:
        """When the door is open: from half an hour before the start to the end."""
        return self.starts_at - timedelta(minutes=30), self.ends_at

    def where(self) -> str:
        return self.venue or (str(_("Online")) if self.online_url else "")


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Free text")
    CHOICE = "choice", _("One of a list")
    YES_NO = "yes_no", _("Yes or no")


class Question(models.Model):
    """An enrollment question of one edition, shown only when the question it depends on has the given answer."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One per line."))
    required = models.BooleanField(_("required"), default=False)
    depends_on = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="dependants", verbose_name=_("shown if")
    )
    depends_value = models.CharField(_("has the answer"), max_length=200, blank=True)
    # A question people have answered is archived instead of deleted: it leaves the form, its answers keep a label.
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment question")
        verbose_name_plural = _("enrollment questions")
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other or not stated")


class EnrollmentState(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Offered a place")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REFUSED = "refused", _("Refused")


# States that hold a place of the edition.
HOLDING_STATES = (EnrollmentState.CONFIRMED, EnrollmentState.OFFERED)
# States in which the same e-mail address cannot enroll again.
ACTIVE_STATES = (
    EnrollmentState.PENDING_APPROVAL,
    EnrollmentState.CONFIRMED,
    EnrollmentState.WAITLISTED,
    EnrollmentState.OFFERED,
)


def new_code() -> str:
    """Eight characters without look-alikes (0/O, 1/I): read aloud or typed from a phone."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Enrollment(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrollments"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("municipality of residence")
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.OTHER)
    # The language of the enrollment form: e-mails are written in it.
    language = models.CharField(_("language"), max_length=8, default="it")
    # Answers may say more than they should (health, family): encrypted at rest.
    answers_encrypted = models.TextField(blank=True)
    state = models.CharField(_("state"), max_length=20, choices=EnrollmentState.choices)
    created_at = models.DateTimeField(_("enrolled on"), default=timezone.now)
    # The waiting list's order: the time a person joined it (ties broken by id).
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    consent_at = models.DateTimeField(_("privacy notice accepted"))
    checkin_code = models.CharField(_("check-in code"), max_length=8, unique=True, default=new_code)
    # Used only when the edition's certificate rule is "manual".
    certificate_granted = models.BooleanField(_("certificate granted by the officer"), default=False)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ("created_at", "id")
        indexes = [
            models.Index(fields=["edition", "state", "waitlisted_at", "id"], name="training_enrollment_queue"),
            models.Index(fields=["state", "offer_expires_at"], name="training_enrollment_offers"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "email"],
                condition=Q(state__in=ACTIVE_STATES),
                name="training_enrollment_one_active_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.edition}"

    @property
    def answers(self) -> dict[str, str]:
        return json.loads(crypto.decrypt(self.answers_encrypted)) if self.answers_encrypted else {}

    @answers.setter
    def answers(self, value: dict[str, str]) -> None:
        self.answers_encrypted = crypto.encrypt(json.dumps(value, ensure_ascii=False)) if value else ""

    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    def offer_has_expired(self, now: datetime | None = None) -> bool:
        return (
            self.state == EnrollmentState.OFFERED
            and self.offer_expires_at is not None
            and self.offer_expires_at <= (now or timezone.now())
        )


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    # Attendance is what hours, credits and certificates rest on: deleting a session or an enrollment (in the admin
    # too) never takes it along.
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="attendances")
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("status"), max_length=8, choices=AttendanceStatus.choices)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "session"], name="training_attendance_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.full_name} · {self.session} · {self.get_status_display()}"


class CertificateCounter(models.Model):
    """The last progressive number given to a certificate in a year (locked while a number is taken)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def new_verification_code() -> str:
    return "-".join(new_code()[:4] for _ in range(4))


def duration_it(minutes: int) -> str:
    """“7 ore e 30 minuti”: the certificate is an Italian official document, whatever the reader's language."""
    hours, rest = divmod(minutes, 60)
    text = "1 ora" if hours == 1 else f"{hours} ore"
    return text + (f" e {rest} minuti" if rest else "")


class Certificate(models.Model):
    """An attestato. What it says is frozen when issued: later edits of the edition do not change it."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="certificate")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    verification_code = models.CharField(_("verification code"), max_length=20, unique=True)
    holder_name = models.CharField(_("participant"), max_length=200)
    initiative_title = models.CharField(_("initiative"), max_length=330)
    organiser = models.CharField(_("organiser"), max_length=200)
    sessions_text = models.TextField(_("dates and times"))
    minutes_attended = models.PositiveIntegerField(_("minutes attended"))
    minutes_scheduled = models.PositiveIntegerField(_("minutes scheduled"))
    credits = models.PositiveSmallIntegerField(_("credits"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued on"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="training_certificate_number")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.number}/{self.year}"

    def hours_attended(self) -> str:
        return duration_it(self.minutes_attended)

    def hours_scheduled(self) -> str:
        return duration_it(self.minutes_scheduled)

    def get_verification_url(self) -> str:
        return reverse("training:verify") + f"?codice={self.verification_code}"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CertificateBatch(models.Model):
    """Issuing the certificates of an edition in the background, with progress and a ZIP at the end."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="certificate_batches")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    status = models.CharField(max_length=8, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    archive = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.edition} · {self.created_at:%Y-%m-%d %H:%M}"

    def percent(self) -> int:
        return 100 if self.status == BatchStatus.DONE else (self.done * 100 // self.total if self.total else 0)


class Survey(models.Model):
    """The feedback questionnaire of an edition, sent only to people who attended."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="survey")
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    questions = models.JSONField(_("questions"), default=list, help_text=_("Statements rated from 1 to 5."))

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return f"{self.edition}"


class SurveyReceipt(models.Model):
    """That a person answered (so nobody answers twice), kept apart from what they answered when anonymous."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="receipts")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="survey_receipts")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "enrollment"], name="training_survey_once")]

    def __str__(self) -> str:
        return f"{self.survey} · {self.at:%Y-%m-%d}"


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Empty when the survey is anonymous.
    enrollment = models.ForeignKey(Enrollment, on_delete=models.SET_NULL, null=True, blank=True)
    ratings = models.JSONField(default=list)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class MessageKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Confirmation")
    REMINDER = "reminder", _("Reminder")
    SURVEY = "survey", _("Survey")
    CERTIFICATE_READY = "certificate_ready", _("Certificate ready")
    OFFER = "offer", _("Offer of a place")


class MessageAnchor(models.TextChoices):
    START = "start", _("before or after the start")
    END = "end", _("before or after the end")


class AttendanceFilter(models.TextChoices):
    ANY = "", _("Everyone in that state")
    ATTENDED = "attended", _("Only people who attended")
    ABSENT = "absent", _("Only people who did not attend")


class ScheduledMessage(models.Model):
    """An e-mail to participants at a time relative to the start or end, filtered by state and attendance."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="scheduled_messages")
    kind = models.CharField(_("message"), max_length=20, choices=MessageKind.choices)
    anchor = models.CharField(
        _("relative to"), max_length=5, choices=MessageAnchor.choices, default=MessageAnchor.START
    )
    offset_hours = models.IntegerField(
        _("hours"), help_text=_("Negative before, positive after: -48 is two days before.")
    )
    state = models.CharField(
        _("enrollment state"), max_length=20, choices=EnrollmentState.choices, default=EnrollmentState.CONFIRMED
    )
    attendance = models.CharField(_("attendance"), max_length=8, choices=AttendanceFilter.choices, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("scheduled message")
        verbose_name_plural = _("scheduled messages")
        ordering = ("anchor", "offset_hours", "id")
        indexes = [models.Index(fields=["sent_at"], name="training_schedule_pending")]

    def __str__(self) -> str:
        return f"{self.edition} · {self.get_kind_display()} · {self.offset_hours:+d}h"

    def due_at(self) -> datetime | None:
        base = self.edition.starts_at if self.anchor == MessageAnchor.START else self.edition.ends_at
        return base + timedelta(hours=self.offset_hours) if base else None


class SentMessage(models.Model):
    """One e-mail sent to one participant: what, when (the content is the template's)."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["enrollment", "kind"], name="training_message_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} · {self.sent_at:%Y-%m-%d %H:%M}"
