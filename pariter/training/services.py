"""Writes of the training area. Each is keyword-only, atomic, and raises ValidationError with translated messages.

Places are counted under a lock on the edition's row (`select_for_update`, and SQLite's IMMEDIATE transactions),
so two people can never take the same last place: every enrollment, withdrawal, offer and expiry of one edition
runs one after the other.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NotRequired, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, FilteredRelation, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pariter.core import audit, pagecache
from pariter.core.models import Municipality, User
from pariter.training import rules
from pariter.training.models import (
    ACTIVE_STATES,
    HOLDING_STATES,
    Attendance,
    AttendanceStatus,
    Certificate,
    CertificateCounter,
    CertificateRule,
    Edition,
    Enrollment,
    EnrollmentMode,
    EnrollmentState,
    Initiative,
    MessageKind,
    Question,
    QuestionKind,
    ScheduledMessage,
    Survey,
    SurveyReceipt,
    SurveyResponse,
    Topic,
    TrainingSession,
    new_verification_code,
)

# --- Catalogue ----------------------------------------------------------------


@transaction.atomic
def initiative_create(
    *,
    title: str,
    kind: str,
    audience: str,
    topics: list[str],
    language: str = "it",
    description: str = "",
    accessibility_notes: str = "",
) -> Initiative:
    if not title.strip():
        raise ValidationError({"title": _("Give the initiative a title.")})
    initiative = Initiative.objects.create(
        title=title.strip(),
        kind=kind,
        audience=audience,
        language=language,
        description=description.strip(),
        accessibility_notes=accessibility_notes.strip(),
    )
    names = {t.strip()[:120] for t in topics if t.strip()}
    initiative.topics.set([Topic.objects.get_or_create(name=name)[0] for name in sorted(names)])
    return initiative


EDITION_FIELDS = (
    "name",
    "is_published",
    "enrollment_mode",
    "capacity",
    "offer_hours",
    "enrollment_closes_at",
    "organiser",
    "certificate_rule",
    "certificate_min_sessions",
    "certificate_min_percent",
)


PAGE_CACHE_SCOPE = "training"


def catalogue_changed(**kwargs: Any) -> None:
    """The public catalogue and edition pages cached for anonymous visitors are stale (places, sessions, texts):
    connected to every write of the models they show."""
    pagecache.bump(PAGE_CACHE_SCOPE)


def _check_certificate_rule(rule: str, min_sessions: int | None, min_percent: int | None) -> None:
    if rule == CertificateRule.MIN_SESSIONS and not min_sessions:
        raise ValidationError({"certificate_min_sessions": _("Give the minimum number of sessions.")})
    if rule == CertificateRule.MIN_PERCENT and not (min_percent and 1 <= min_percent <= 100):
        raise ValidationError({"certificate_min_percent": _("Give a percentage between 1 and 100.")})


@transaction.atomic
def edition_create(*, initiative: Initiative, **fields: Any) -> Edition:
    unknown = set(fields) - set(EDITION_FIELDS)
    if unknown:
        raise TypeError(f"unknown edition fields: {sorted(unknown)}")
    _check_certificate_rule(
        fields.get("certificate_rule", CertificateRule.MIN_PERCENT),
        fields.get("certificate_min_sessions"),
        fields.get("certificate_min_percent"),
    )
    return Edition.objects.create(initiative=initiative, **fields)


@transaction.atomic
def edition_update(*, edition: Edition, now: datetime | None = None, **fields: Any) -> Edition:
    """Change an edition; more places are offered at once to the people waiting."""
    edition = _lock(edition)
    now = now or timezone.now()
    unknown = set(fields) - set(EDITION_FIELDS)
    if unknown:
        raise TypeError(f"unknown edition fields: {sorted(unknown)}")
    held = edition.enrollments.filter(state__in=HOLDING_STATES).count()
    if fields.get("capacity", edition.capacity) < held:
        raise ValidationError(
            {
                "capacity": _("%(n)d people already hold a place: withdraw some before reducing the places.")
                % {"n": held}
            }
        )
    for name, value in fields.items():
        setattr(edition, name, value)
    _check_certificate_rule(edition.certificate_rule, edition.certificate_min_sessions, edition.certificate_min_percent)
    edition.save(update_fields=list(fields))
    _offer_free_places(edition, now)
    return edition


def edition_refresh_dates(*, edition: Edition) -> None:
    span = edition.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    edition.starts_at, edition.ends_at = span["first"], span["last"]
    edition.save(update_fields=["starts_at", "ends_at"])
    _schedule_end_of_edition(edition)


def _schedule_end_of_edition(edition: Edition) -> None:
    """Queue the automatic issue of certificates for just after the edition ends (the task checks again)."""
    from django.tasks import task_backends

    from pariter.training import tasks

    ends = edition.ends_at
    backend = task_backends[tasks.issue_certificates_at_end.backend]
    if ends is not None and backend.supports_defer and ends > timezone.now():
        pk = edition.pk
        transaction.on_commit(
            lambda: tasks.issue_certificates_at_end.using(run_after=ends + timedelta(hours=1)).enqueue(edition_id=pk)
        )


def _check_question(
    *,
    edition: Edition,
    label: str,
    kind: str,
    choices: str,
    depends_on: Question | None,
    depends_value: str,
    question: Question | None = None,
) -> None:
    if not label.strip():
        raise ValidationError({"label": _("Write the question.")})
    if kind == QuestionKind.CHOICE and len([c for c in choices.splitlines() if c.strip()]) < 2:
        raise ValidationError({"choices": _("A question with a list needs at least two choices, one per line.")})
    if depends_on is None:
        return
    if depends_on.edition_id != edition.pk or depends_on.archived_at is not None:
        raise ValidationError(
            {"depends_on": _("The question it depends on must be an active question of this edition.")}
        )
    if question is not None and (depends_on.pk == question.pk or depends_on.pk in _descendants(question)):
        raise ValidationError(
            {"depends_on": _("A question cannot depend on itself or on a question that depends on it.")}
        )
    allowed = ["yes", "no"] if depends_on.kind == QuestionKind.YES_NO else depends_on.choice_list()
    if depends_on.kind == QuestionKind.TEXT or depends_value not in allowed:
        raise ValidationError(
            {
                "depends_value": _("Use one of the answers of the question it depends on: %(answers)s.")
                % {"answers": ", ".join(allowed) or "—"}
            }
        )


def _descendants(question: Question) -> set[int]:
    """The ids of the questions shown only through this one, at any depth."""
    children: dict[int, list[int]] = {}
    for pk, parent in Question.objects.filter(edition_id=question.edition_id).values_list("pk", "depends_on_id"):
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    found: set[int] = set()
    todo = list(children.get(question.pk, []))
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, []))
    return found


@transaction.atomic
def question_add(
    *,
    edition: Edition,
    label: str,
    kind: str,
    required: bool = False,
    choices: str = "",
    depends_on: Question | None = None,
    depends_value: str = "",
) -> Question:
    _check_question(
        edition=edition, label=label, kind=kind, choices=choices, depends_on=depends_on, depends_value=depends_value
    )
    position = (edition.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    return Question.objects.create(
        edition=edition,
        position=position,
        label=label.strip(),
        kind=kind,
        required=required,
        choices=choices.strip() if kind == QuestionKind.CHOICE else "",
        depends_on=depends_on,
        depends_value=depends_value if depends_on else "",
    )


@transaction.atomic
def question_update(
    *,
    question: Question,
    label: str,
    kind: str,
    required: bool = False,
    choices: str = "",
    depends_on: Question | None = None,
    depends_value: str = "",
) -> Question:
    """Change a question. Once people have answered, its kind stays and the answers given stay among its choices."""
    from pariter.training import selectors

    question = Question.objects.select_for_update().select_related("edition").get(pk=question.pk)
    if question.archived_at is not None:
        raise ValidationError(_("This question is archived: it can no longer change."))
    _check_question(
        edition=question.edition,
        label=label,
        kind=kind,
        choices=choices,
        depends_on=depends_on,
        depends_value=depends_value,
        question=question,
    )
    new_choices = [c.strip() for c in choices.splitlines() if c.strip()] if kind == QuestionKind.CHOICE else []
    given = set(selectors.question_answers(question))
    if given and kind != question.kind:
        raise ValidationError(
            {
                "kind": _(
                    "%(n)d people have already answered: the kind of answer cannot change. "
                    "Archive this question and add a new one."
                )
                % {"n": len(selectors.question_answers(question))}
            }
        )
    lost = sorted(given - set(new_choices)) if kind == QuestionKind.CHOICE else []
    if lost:
        raise ValidationError(
            {
                "choices": _("People have already chosen these answers, so they must stay: %(choices)s.")
                % {"choices": ", ".join(lost)}
            }
        )
    for child in question.dependants.filter(archived_at__isnull=True):
        allowed = ["yes", "no"] if kind == QuestionKind.YES_NO else new_choices
        if child.depends_value not in allowed:
            raise ValidationError(
                {
                    "kind": _("The question “%(child)s” is shown when this one is “%(value)s”: keep that answer.")
                    % {"child": child.label, "value": child.depends_value}
                }
            )
    question.label, question.kind, question.required = label.strip(), kind, required
    question.choices = "\n".join(new_choices)
    question.depends_on, question.depends_value = depends_on, depends_value if depends_on else ""
    question.save(update_fields=["label", "kind", "required", "choices", "depends_on", "depends_value"])
    return question


class QuestionRemoval:
    DELETED = "deleted"
    ARCHIVED = "archived"


@transaction.atomic
def question_remove(*, question: Question, now: datetime | None = None) -> str:
    """Delete a question nobody has answered; archive one with answers (it leaves the form, the answers stay).

    Returns `QuestionRemoval.DELETED` or `QuestionRemoval.ARCHIVED`. Refused while other questions depend on it.
    """
    from pariter.training import selectors

    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.archived_at is not None:
        raise ValidationError(_("This question is already archived."))
    dependants = list(question.dependants.filter(archived_at__isnull=True).values_list("label", flat=True))
    if dependants:
        raise ValidationError(
            _("These questions are shown depending on this one: change or remove them first: %(questions)s.")
            % {"questions": "; ".join(f"“{label}”" for label in dependants)}
        )
    answered = len(selectors.question_answers(question))
    if answered:
        question.archived_at = now or timezone.now()
        question.save(update_fields=["archived_at"])
        audit.record("training.question.archived", obj=question, changes={"answers": answered})
        return QuestionRemoval.ARCHIVED
    question.delete()
    return QuestionRemoval.DELETED


@transaction.atomic
def question_move(*, question: Question, up: bool) -> Question:
    """Move a question one place up or down the form; positions are renumbered 1…n on the way."""
    edition = _lock(question.edition)
    active = list(edition.active_questions().order_by("position", "id"))
    index = next((i for i, q in enumerate(active) if q.pk == question.pk), None)
    if index is None:
        raise ValidationError(_("This question is archived: it is no longer on the form."))
    other = index - 1 if up else index + 1
    if 0 <= other < len(active):
        active[index], active[other] = active[other], active[index]
    for position, q in enumerate(active, start=1):
        if q.position != position:
            q.position = position
            q.save(update_fields=["position"])
    return next(q for q in active if q.pk == question.pk)


@transaction.atomic
def survey_set(*, edition: Edition, statements: list[str], is_anonymous: bool) -> Survey:
    statements = [s.strip()[:300] for s in statements if s.strip()]
    if not statements:
        raise ValidationError({"statements": _("Write at least one statement, one per line.")})
    survey = Survey.objects.filter(edition=edition).first()
    if survey is not None and survey.responses.exists():
        raise ValidationError(_("People have already answered: the questionnaire can no longer change."))
    if survey is None:
        return Survey.objects.create(edition=edition, questions=statements, is_anonymous=is_anonymous)
    survey.questions, survey.is_anonymous = statements, is_anonymous
    survey.save(update_fields=["questions", "is_anonymous"])
    return survey


@transaction.atomic
def message_schedule(
    *, edition: Edition, kind: str, anchor: str, offset_hours: int, state: str, attendance: str = ""
) -> ScheduledMessage:
    if kind == MessageKind.SURVEY and not Survey.objects.filter(edition=edition).exists():
        raise ValidationError({"kind": _("This edition has no questionnaire.")})
    if attendance and anchor == "start" and offset_hours < 0:
        raise ValidationError({"attendance": _("Attendance is known only after the edition has started.")})
    message = ScheduledMessage.objects.create(
        edition=edition, kind=kind, anchor=anchor, offset_hours=offset_hours, state=state, attendance=attendance
    )
    due = message.due_at()
    from django.tasks import task_backends

    from pariter.training import tasks

    if due is not None and task_backends[tasks.send_due_messages.backend].supports_defer:
        transaction.on_commit(lambda: tasks.send_due_messages.using(run_after=max(due, timezone.now())).enqueue())
    return message


def scheduled_messages_send_due(*, now: datetime | None = None) -> int:
    """Send every scheduled message whose time has come, once; returns the number of e-mails sent."""
    from pariter.training import selectors, tasks

    now = now or timezone.now()
    sent = 0
    pending = ScheduledMessage.objects.filter(sent_at__isnull=True).select_related("edition")
    for message in pending:
        due = message.due_at()
        if due is None or due > now:
            continue
        with transaction.atomic():
            locked = ScheduledMessage.objects.select_for_update().filter(pk=message.pk, sent_at__isnull=True).first()
            if locked is None:
                continue  # another worker took it
            recipients = selectors.message_recipients(message)
            for enrollment in recipients:
                tasks.send_enrollment_message.call(enrollment_id=enrollment.pk, kind=message.kind)
            locked.sent_at, locked.recipients = now, len(recipients)
            locked.save(update_fields=["sent_at", "recipients"])
            sent += len(recipients)
    return sent


class SessionFields(TypedDict):
    """What an officer sets on a session (the session form's fields)."""

    starts_at: datetime
    ends_at: datetime
    title: NotRequired[str]
    break_minutes: NotRequired[int]
    venue: NotRequired[str]
    online_url: NotRequired[str]
    capacity: NotRequired[int | None]


_SESSION_DEFAULTS: dict[str, Any] = {"title": "", "break_minutes": 0, "venue": "", "online_url": "", "capacity": None}


def _session_fields(edition: Edition, given: SessionFields) -> dict[str, Any]:
    """Every field of a session, defaults filled in, checked against its edition (raises ValidationError)."""
    fields = {**_SESSION_DEFAULTS, **given}
    starts_at, ends_at, break_minutes = fields["starts_at"], fields["ends_at"], fields["break_minutes"]
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session must end after it starts.")})
    if break_minutes * 60 >= (ends_at - starts_at).total_seconds():
        raise ValidationError({"break_minutes": _("The breaks cannot last as long as the session.")})
    if not fields["venue"] and not fields["online_url"]:
        raise ValidationError({"venue": _("Give a venue or an online link.")})
    if fields["capacity"] is not None:
        held = edition.enrollments.filter(state__in=HOLDING_STATES).count()
        if fields["capacity"] < held:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(n)d people hold a place in this edition: the room must hold at least %(n)d. "
                        "Withdraw some enrollments first, or choose a bigger room."
                    )
                    % {"n": held}
                }
            )
    return fields


@transaction.atomic
def session_add(*, edition: Edition, **given: Unpack[SessionFields]) -> TrainingSession:
    session = TrainingSession.objects.create(edition=edition, **_session_fields(edition, given))
    edition_refresh_dates(edition=edition)
    return session


@transaction.atomic
def session_update(*, session: TrainingSession, **given: Unpack[SessionFields]) -> TrainingSession:
    """Change a session. After check-ins, every recorded entry and exit must stay inside the new check-in window
    (half an hour before the start to the end), and present/late is worked out again from the new start."""
    edition = _lock(session.edition)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    fields = _session_fields(edition, given)
    starts_at, ends_at = fields["starts_at"], fields["ends_at"]
    if (starts_at, ends_at) != (session.starts_at, session.ends_at):
        opens, closes = starts_at - timedelta(minutes=30), ends_at
        attendances = list(session.attendances.select_for_update())
        outside = [
            a
            for a in attendances
            if any(t is not None and not opens <= t <= closes for t in (a.checked_in_at, a.checked_out_at))
        ]
        if outside:
            raise ValidationError(
                {
                    "starts_at": _(
                        "%(n)d people were checked in or out at times outside the new schedule. Attendance must "
                        "stay true: choose times that include every recorded entry and exit (from half an hour "
                        "before the start to the end)."
                    )
                    % {"n": len(outside)}
                }
            )
        for a in attendances:
            if a.checked_in_at is not None and a.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
                status = rules.status_for_check_in(starts_at, a.checked_in_at)
                if status != a.status:
                    a.status = status
                    a.save(update_fields=["status"])
    for name, value in fields.items():
        setattr(session, name, value)
    session.save(update_fields=list(fields))
    edition_refresh_dates(edition=edition)
    return session


@transaction.atomic
def session_delete(*, session: TrainingSession) -> None:
    """Delete a session that has no attendance; one with attendance is part of people's records and stays."""
    edition = _lock(session.edition)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    recorded = session.attendances.count()
    if recorded:
        raise ValidationError(
            _(
                "Attendance is recorded for %(n)d people at this session, so it cannot be deleted: "
                "it counts for their hours and certificates. Correct its details instead."
            )
            % {"n": recorded}
        )
    session.delete()
    edition_refresh_dates(edition=edition)


@transaction.atomic
def edition_accredit(
    *,
    edition: Edition,
    accrediting_body: str,
    cnoas_event_id: str,
    credits: int,
    ethics_credits: bool,
    now: datetime | None = None,
) -> Edition:
    """Record the social workers' accreditation. CNOAS regulation 2023: never after the event has started."""
    now = now or timezone.now()
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.has_started(now):
        raise ValidationError(_("This edition has already started: it can no longer be accredited."))
    if not accrediting_body.strip() or not cnoas_event_id.strip():
        raise ValidationError(_("Give the accrediting body and the CNOAS event identifier."))
    if credits < 1:
        raise ValidationError({"credits": _("An accredited edition gives at least one credit.")})
    edition.accrediting_body, edition.cnoas_event_id = accrediting_body.strip(), cnoas_event_id.strip()
    edition.credits, edition.ethics_credits, edition.accredited_at = credits, ethics_credits, now
    edition.save(update_fields=["accrediting_body", "cnoas_event_id", "credits", "ethics_credits", "accredited_at"])
    return edition


# --- Enrollment and the waiting list -------------------------------------------


def visible_questions(questions: list[Question], answers: dict[str, str]) -> list[Question]:
    """The questions shown for these answers: a conditional one only if its parent is shown and has the value."""
    by_id = {q.pk: q for q in questions}
    shown: dict[int, bool] = {}

    def is_shown(q: Question) -> bool:
        if q.pk not in shown:
            if q.depends_on_id is None:
                shown[q.pk] = True
            else:
                parent = by_id.get(q.depends_on_id)
                shown[q.pk] = (
                    parent is not None
                    and is_shown(parent)
                    and answers.get(str(parent.pk), "").strip().lower() == q.depends_value.strip().lower()
                )
        return shown[q.pk]

    return [q for q in questions if is_shown(q)]


def clean_answers(questions: list[Question], raw: dict[str, str]) -> dict[str, str]:
    """Keep the answers to shown questions only; a required shown question must be answered."""
    errors: dict[str, str] = {}
    answers: dict[str, str] = {}
    for q in visible_questions(questions, raw):
        value = (raw.get(str(q.pk)) or "").strip()
        if q.kind == QuestionKind.CHOICE and value and value not in q.choice_list():
            errors[f"q_{q.pk}"] = _("Choose one of the options.")
        elif q.kind == QuestionKind.YES_NO and value and value not in ("yes", "no"):
            errors[f"q_{q.pk}"] = _("Answer yes or no.")
        elif q.required and not value:
            errors[f"q_{q.pk}"] = _("This question needs an answer.")
        elif value:
            answers[str(q.pk)] = value[:2000]
    if errors:
        raise ValidationError(errors)
    return answers


def _free_places(edition: Edition) -> int:
    return edition.capacity - edition.enrollments.filter(state__in=HOLDING_STATES).count()


def _lock(edition: Edition) -> Edition:
    return Edition.objects.select_for_update().select_related("initiative").get(pk=edition.pk)


@transaction.atomic
def enrollment_create(
    *,
    edition: Edition,
    full_name: str,
    email: str,
    consent: bool,
    phone: str = "",
    municipality: Municipality | None = None,
    gender: str = "X",
    answers: dict[str, str] | None = None,
    user: User | None = None,
    language: str = "it",
    now: datetime | None = None,
) -> Enrollment:
    """Enroll a person: confirmed while places last, then on the waiting list; awaiting approval if required."""
    edition = _lock(edition)
    # The clock is read under the lock, so the order of enrollment times is the order in which places were given.
    now = now or timezone.now()
    if not edition.is_enrollment_open(now):
        raise ValidationError(_("Enrollment for this edition is closed."))
    if not consent:
        raise ValidationError({"consent": _("Please read and accept the privacy notice to enroll.")})
    email = email.strip().lower()
    if edition.enrollments.filter(email=email, state__in=ACTIVE_STATES).exists():
        raise ValidationError(
            {
                "email": _(
                    "This e-mail address is already enrolled in this edition. Use the link in our e-mail to change it."
                )
            }
        )
    questions = list(edition.active_questions())
    cleaned = clean_answers(questions, answers or {})
    enrollment = Enrollment(
        edition=edition,
        user=user,
        full_name=full_name.strip(),
        email=email,
        phone=phone.strip(),
        municipality=municipality,
        gender=gender,
        language=language if language in ("it", "en") else "it",
        consent_at=now,
        created_at=now,
    )
    enrollment.answers = cleaned
    if edition.enrollment_mode == EnrollmentMode.APPROVAL:
        enrollment.state = EnrollmentState.PENDING_APPROVAL
    elif _free_places(edition) > 0:
        enrollment.state = EnrollmentState.CONFIRMED
    else:
        enrollment.state, enrollment.waitlisted_at = EnrollmentState.WAITLISTED, now
    enrollment.save()
    _notify(enrollment, MessageKind.CONFIRMATION)
    return enrollment


def _offer_free_places(edition: Edition, now: datetime) -> list[Enrollment]:
    """Offer every free place to the first people on the waiting list, each with a deadline. The edition is locked."""
    offered: list[Enrollment] = []
    free = _free_places(edition)
    if free <= 0 or edition.has_started(now):
        return offered
    queue = edition.enrollments.filter(state=EnrollmentState.WAITLISTED).order_by("waitlisted_at", "id")[:free]
    for enrollment in queue:
        enrollment.state = EnrollmentState.OFFERED
        enrollment.offer_expires_at = now + timedelta(hours=edition.offer_hours)
        enrollment.save(update_fields=["state", "offer_expires_at"])
        audit.record(
            "training.enrollment.place_offered", obj=enrollment, changes={"until": enrollment.offer_expires_at}
        )
        _notify(enrollment, MessageKind.OFFER)
        _schedule_expiry(enrollment)
        offered.append(enrollment)
    return offered


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, now: datetime | None = None) -> Enrollment:
    edition = _lock(enrollment.edition)
    now = now or timezone.now()
    enrollment = Enrollment.objects.select_related("edition").get(pk=enrollment.pk)
    if not enrollment.is_active():
        raise ValidationError(_("This enrollment was already withdrawn or refused."))
    enrollment.state, enrollment.offer_expires_at = EnrollmentState.WITHDRAWN, None
    enrollment.save(update_fields=["state", "offer_expires_at"])
    _offer_free_places(edition, now)
    return enrollment


@transaction.atomic
def enrollment_change(*, enrollment: Enrollment, full_name: str, phone: str) -> Enrollment:
    """The participant corrects their name or telephone from the signed link."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if not enrollment.is_active():
        raise ValidationError(_("This enrollment was already withdrawn or refused."))
    if not full_name.strip():
        raise ValidationError({"full_name": _("Give your name and surname.")})
    enrollment.full_name, enrollment.phone = full_name.strip(), phone.strip()
    enrollment.save(update_fields=["full_name", "phone"])
    return enrollment


@transaction.atomic
def offer_accept(*, enrollment: Enrollment, now: datetime | None = None) -> Enrollment:
    edition = _lock(enrollment.edition)
    now = now or timezone.now()
    enrollment = Enrollment.objects.get(pk=enrollment.pk)
    if enrollment.state == EnrollmentState.CONFIRMED:
        return enrollment
    if enrollment.state != EnrollmentState.OFFERED or enrollment.offer_has_expired(now):
        raise ValidationError(
            _("This offer has expired and the place has gone to the next person on the waiting list. Sorry.")
        )
    enrollment.state, enrollment.offer_expires_at = EnrollmentState.CONFIRMED, None
    enrollment.save(update_fields=["state", "offer_expires_at"])
    _notify(enrollment, MessageKind.CONFIRMATION)
    del edition
    return enrollment


def offers_expire(*, now: datetime | None = None) -> int:
    """Withdraw every offer past its deadline and pass the place on. Safe to run at any time, any number of times."""
    now = now or timezone.now()
    expired = 0
    edition_ids = set(
        Enrollment.objects.filter(state=EnrollmentState.OFFERED, offer_expires_at__lte=now).values_list(
            "edition_id", flat=True
        )
    )
    for edition_id in sorted(edition_ids):
        with transaction.atomic(), audit.reason("offer expired"):
            edition = Edition.objects.select_for_update().get(pk=edition_id)
            stale = list(edition.enrollments.filter(state=EnrollmentState.OFFERED, offer_expires_at__lte=now))
            for enrollment in stale:
                enrollment.state = EnrollmentState.WITHDRAWN
                enrollment.save(update_fields=["state"])
                expired += 1
            _offer_free_places(edition, now)
    return expired


@transaction.atomic
def enrollment_decide(*, enrollment: Enrollment, approve: bool, now: datetime | None = None) -> Enrollment:
    """The officer approves (confirmed while places last, else waiting list) or refuses an enrollment."""
    edition = _lock(enrollment.edition)
    now = now or timezone.now()
    enrollment = Enrollment.objects.get(pk=enrollment.pk)
    if enrollment.state != EnrollmentState.PENDING_APPROVAL:
        raise ValidationError(_("Only enrollments awaiting approval can be approved or refused."))
    if not approve:
        enrollment.state = EnrollmentState.REFUSED
    elif _free_places(edition) > 0:
        enrollment.state = EnrollmentState.CONFIRMED
    else:
        enrollment.state, enrollment.waitlisted_at = EnrollmentState.WAITLISTED, now
    enrollment.save(update_fields=["state", "waitlisted_at"])
    _notify(enrollment, MessageKind.CONFIRMATION)
    return enrollment


def _notify(enrollment: Enrollment, kind: str) -> None:
    from pariter.training import tasks

    transaction.on_commit(lambda: tasks.send_enrollment_message.enqueue(enrollment_id=enrollment.pk, kind=kind))


def _schedule_expiry(enrollment: Enrollment) -> None:
    from django.tasks import task_backends

    from pariter.training import tasks

    expires = enrollment.offer_expires_at
    backend = task_backends[tasks.expire_offers.backend]
    if expires is not None and backend.supports_defer:
        transaction.on_commit(lambda: tasks.expire_offers.using(run_after=expires).enqueue())


# --- Attendance -----------------------------------------------------------------


class CheckIn:
    IN = "in"
    OUT = "out"


def _enrollment_for_code(session: TrainingSession, code: str) -> Enrollment:
    """The confirmed enrollment of this edition that `code` belongs to, with `attendance_id`, its attendance at
    `session` if there is one: one query for the scan at the door, whose first entry needs nothing else."""
    code = "".join(ch for ch in code.upper() if ch.isalnum())[:8]
    enrollment = None
    if len(code) == 8:
        enrollment = (
            Enrollment.objects.filter(checkin_code=code)
            .annotate(here=FilteredRelation("attendances", condition=Q(attendances__session=session)))
            .annotate(attendance_id=F("here__id"))
            .first()
        )
    if enrollment is None:
        raise ValidationError(_("This code does not belong to any enrollment. Check it and try again."))
    if enrollment.edition_id != session.edition_id:
        raise ValidationError(_("This QR code belongs to another edition: it is not valid for this session."))
    if enrollment.state != EnrollmentState.CONFIRMED:
        raise ValidationError(_("This person's enrollment is not confirmed, so they cannot be checked in."))
    return enrollment


@transaction.atomic
def check_in(
    *, session: TrainingSession, code: str, actor: User, mode: str = CheckIn.IN, now: datetime | None = None
) -> Attendance:
    """Record a scanned (or typed) code at the door: check-in sets present or late; check-out closes the stay."""
    now = now or timezone.now()
    opens, closes = session.check_in_window()
    if not opens <= now <= closes:
        raise ValidationError(_("Check-in is open only from half an hour before the session until it ends."))
    enrollment = _enrollment_for_code(session, code)
    attendance = None
    if enrollment.attendance_id is not None:  # type: ignore[attr-defined]
        # A second scan, or the exit: lock the row, and give it the enrollment and session already read.
        attendance = Attendance.objects.select_for_update().get(pk=enrollment.attendance_id)  # type: ignore[attr-defined]
        attendance.enrollment, attendance.session = enrollment, session
    if mode == CheckIn.OUT:
        if attendance is None or attendance.checked_in_at is None:
            raise ValidationError(_("This person has not checked in yet: check them in first."))
        attendance.checked_out_at, attendance.recorded_by = now, actor
        attendance.save(update_fields=["checked_out_at", "recorded_by"])
        return attendance
    if attendance is not None and attendance.checked_in_at is not None:
        return attendance  # scanning twice at the door changes nothing
    status = rules.status_for_check_in(session.starts_at, now)
    if attendance is None:
        attendance = Attendance(enrollment=enrollment, session=session)
    attendance.status, attendance.checked_in_at, attendance.recorded_by = status, now, actor
    attendance.save()
    return attendance


@transaction.atomic
def attendance_set(*, session: TrainingSession, enrollment: Enrollment, status: str, actor: User | None) -> Attendance:
    """The manual list: the officer marks a status; present or late without a scan counts the whole session."""
    if enrollment.edition_id != session.edition_id:
        raise ValidationError(_("This person is not enrolled in this edition."))
    if status not in AttendanceStatus.values:
        raise ValidationError(_("Choose present, late, excused or absent."))
    attendance, _created = Attendance.objects.select_for_update().get_or_create(
        enrollment=enrollment, session=session, defaults={"status": status, "recorded_by": actor}
    )
    if not _created:
        attendance.status, attendance.recorded_by = status, actor
        if status in (AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT):
            attendance.checked_in_at = attendance.checked_out_at = None
        attendance.save(update_fields=["status", "recorded_by", "checked_in_at", "checked_out_at"])
    return attendance


# --- Certificates -----------------------------------------------------------------


def _next_number(year: int) -> int:
    counter, _created = CertificateCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _sessions_text(sessions: list[TrainingSession]) -> str:
    lines = []
    for s in sessions:
        start, end = timezone.localtime(s.starts_at), timezone.localtime(s.ends_at)
        lines.append(f"{start:%d/%m/%Y} {start:%H:%M}–{end:%H:%M}")
    return "\n".join(lines)


@transaction.atomic
def certificate_issue(
    *, enrollment: Enrollment, sessions: list[TrainingSession] | None = None, now: datetime | None = None
) -> Certificate | None:
    """Issue the certificate if the edition's rule is met; None if not. Issuing twice returns the first one."""
    from pariter.training import selectors

    now = now or timezone.now()
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    edition = Edition.objects.select_related("initiative").get(pk=enrollment.edition_id)
    if enrollment.state != EnrollmentState.CONFIRMED or enrollment.anonymised_at is not None:
        return None
    if edition.ends_at is None or edition.ends_at > now:
        raise ValidationError(_("Certificates are issued when the edition has ended."))
    sessions = sessions if sessions is not None else list(edition.sessions.all())
    t = selectors.enrollment_totals(enrollment, sessions)
    if not rules.qualifies_for_certificate(
        edition.certificate_rule,
        t,
        min_sessions=edition.certificate_min_sessions,
        min_percent=edition.certificate_min_percent,
        manual_grant=enrollment.certificate_granted,
    ):
        return None
    year = timezone.localtime(now).year
    return Certificate.objects.create(
        enrollment=enrollment,
        year=year,
        number=_next_number(year),
        verification_code=new_verification_code(),
        holder_name=enrollment.full_name,
        initiative_title=str(edition),
        organiser=edition.organiser,
        sessions_text=_sessions_text(sessions),
        minutes_attended=t.attended,
        minutes_scheduled=t.scheduled,
        credits=edition.credits if edition.is_accredited() and rules.earns_credits(t) else None,
        issued_at=now,
    )


# --- Surveys ------------------------------------------------------------------------


@transaction.atomic
def survey_answer(*, survey: Survey, enrollment: Enrollment, ratings: list[int], comment: str) -> SurveyResponse:
    from pariter.training import selectors

    if enrollment.edition_id != survey.edition_id or not selectors.has_attended(enrollment):
        raise ValidationError(_("This questionnaire is only for people who attended the edition."))
    if len(ratings) != len(survey.questions) or any(r not in range(1, 6) for r in ratings):
        raise ValidationError(_("Rate every statement from 1 to 5."))
    _receipt, created = SurveyReceipt.objects.get_or_create(survey=survey, enrollment=enrollment)
    if not created:
        raise ValidationError(_("You have already answered this questionnaire. Thank you!"))
    return SurveyResponse.objects.create(
        survey=survey,
        enrollment=None if survey.is_anonymous else enrollment,
        ratings=ratings,
        comment=comment.strip()[:4000],
    )


# --- Retention ------------------------------------------------------------------------


def enrollments_anonymise(*, before: datetime) -> int:
    """Remove the personal data of participants of editions that ended before `before`; counts stay."""
    done = 0
    ids = list(
        Enrollment.objects.filter(edition__ends_at__lt=before, anonymised_at__isnull=True).values_list("pk", flat=True)
    )
    now = timezone.now()
    for pk in ids:
        with transaction.atomic(), audit.reason("retention period over"):
            enrollment = Enrollment.objects.select_for_update().get(pk=pk)
            fields: dict[str, Any] = {
                "full_name": "—",
                "email": f"anonimo-{pk}@invalid",
                "phone": "",
                "answers_encrypted": "",
                "user": None,
                "anonymised_at": now,
            }
            for name, value in fields.items():
                setattr(enrollment, name, value)
            enrollment.save(update_fields=list(fields))
            Certificate.objects.filter(enrollment=enrollment).update(holder_name="—")
            done += 1
    return done
