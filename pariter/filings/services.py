"""Writes of the filings: each legal event moves the state, the term and the timeline together, or nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pariter.core import audit
from pariter.core import services as core_services
from pariter.core.models import Municipality, Organisation, OrganisationKind, User
from pariter.core.validators import normalise_tax_code, validate_tax_code
from pariter.filings import deadlines
from pariter.filings.cades import Signer
from pariter.filings.deadlines import ClockError, Silence
from pariter.filings.documents import inspect_upload, max_upload_bytes, required_documents
from pariter.filings.kinds import OPEN_STATES, SPECS, Action, DocKind, Kind, State
from pariter.filings.models import (
    AntimafiaCheck,
    AntimafiaOutcome,
    CashStatement,
    Control,
    ControlMethod,
    ControlOutcome,
    ControlScope,
    EventCode,
    Filing,
    FilingDocument,
    FilingEvent,
    FilingNote,
    Notary,
    NotaryRefusal,
    ProtocolCounter,
    SignatureCheck,
    SizeDeclaration,
)
from pariter.registry import services as registry_services
from pariter.registry.models import CancellationCause, Entity, EntityStatus, OfficeHolderRole, RegistrationRoute

# The entity may add documents while it is its turn.
ENTITY_EDITABLE_STATES = frozenset(
    {State.DRAFT, State.INTEGRATION_REQUESTED, State.REFUSAL_NOTICE, State.AWAITING_ENTITY}
)


class FilingChanged(ValidationError):
    """Someone else acted on the filing since the page was loaded."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This filing was changed by someone else while you were looking at it. "
                "Nothing was done: reload the page to see its current state."
            )
        )


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _lock(filing: Filing, version: int | None = None) -> Filing:
    locked = Filing.objects.select_for_update().get(pk=filing.pk)
    if version is not None and locked.version != version:
        raise FilingChanged
    # Locked and written only through this instance: its audit entry needs no second read of the row.
    audit.remember(locked)
    return locked


def _save(filing: Filing, *fields: str) -> None:
    filing.version += 1
    filing.save(update_fields=[*fields, "version"])


def _event(
    filing: Filing,
    code: str,
    *,
    actor: User | None,
    note: str = "",
    rule: str = "",
    due_before: date | None = None,
    document: FilingDocument | None = None,
) -> FilingEvent:
    event = FilingEvent.objects.create(
        filing=filing,
        at=timezone.now(),
        code=code,
        actor=actor,
        note=note,
        rule=rule,
        due_before=due_before,
        due_after=filing.due_on,
        reply_by=filing.reply_by,
        document=document,
    )
    audit.record(
        f"filings.filing.{code}",
        obj=filing,
        changes={"state": filing.state, "due": filing.due_on, "reply_by": filing.reply_by},
    )
    return event


# The register shows a pending procedure on the entry (runts.md 2.6), the strongest first: a migration asked for
# within the 30 days of a cancellation notice replaces it (DM 106/2020 art. 24 c.5), and a cancellation for an
# ignored warning (art. 23 c.1 e) outranks the warning.
STATUS_OF_PENDING = (
    (Kind.MIGRATION, EntityStatus.MIGRATING),
    (Kind.CANCELLATION, EntityStatus.CANCELLING),
    (Kind.WARNING, EntityStatus.WARNED),
)
_STATUS_KINDS = frozenset(kind for kind, _status in STATUS_OF_PENDING)


def _sync_entity_status(filing: Filing, *, day: date) -> None:
    """Put on the entry the status its open procedures give it, from `day`, in the filing's transaction."""
    if filing.kind not in _STATUS_KINDS or filing.entity_id is None:
        return
    current = Entity.objects.filter(pk=filing.entity_id).values_list("status", flat=True).get()
    if current == EntityStatus.CANCELLED:
        return
    pending = set(
        Filing.objects.filter(entity_id=filing.entity_id, is_open=True, kind__in=_STATUS_KINDS).values_list(
            "kind", flat=True
        )
    )
    status = next((s for kind, s in STATUS_OF_PENDING if kind in pending), EntityStatus.REGISTERED)
    if status != current:
        assert filing.entity is not None
        reason = f"{filing.reference} {filing.protocol}".strip()
        filing.entity.status = registry_services.entity_set_status(
            entity=filing.entity, status=status, effective_on=day, reason=reason
        ).status


def next_protocol(on: date) -> str:
    """The next number of the office's protocol register for the year (the row is locked until commit)."""
    counter, _created = ProtocolCounter.objects.select_for_update().get_or_create(year=on.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"CMM/{on.year}/{counter.last:07d}"


def _check_can_start(
    *, organisation: Organisation, kind: str, entity: Entity | None, exclude: int | None = None
) -> None:
    spec = SPECS[kind]
    if spec.needs_entity and (entity is None or entity.status == EntityStatus.CANCELLED):
        raise ValidationError(_("Only an entity in the register can file this."))
    if not spec.needs_entity and entity is not None and entity.status != EntityStatus.CANCELLED:
        raise ValidationError(_("This entity is already in the register: file a migration or an update instead."))
    if spec.exclusive_group:
        same_group = [k for k, s in SPECS.items() if s.exclusive_group == spec.exclusive_group]
        pending = Filing.objects.filter(organisation=organisation, kind__in=same_group, state__in=OPEN_STATES)
        if exclude:
            pending = pending.exclude(pk=exclude)
        other = pending.first()
        if other is not None:
            raise ValidationError(
                _(
                    "%(kind)s %(reference)s is still pending for this entity, and two such procedures cannot run "
                    "at the same time (%(source)s). Wait for its decision, or withdraw it."
                )
                % {"kind": other.get_kind_display(), "reference": other.reference, "source": spec.source}
            )


@transaction.atomic
def filing_create(
    *,
    organisation: Organisation,
    kind: str,
    actor: User,
    client_token: uuid.UUID | None = None,
    **fields: Any,
) -> Filing:
    """A draft filing by an entity. Posting the same form twice gives back the same draft."""
    if client_token is not None:
        existing = Filing.objects.filter(client_token=client_token, organisation=organisation).first()
        if existing is not None:
            return existing
    if kind not in SPECS or SPECS[kind].started_by_office:
        raise ValidationError({"kind": _("An entity cannot start this type of filing.")})
    entity = Entity.objects.filter(organisation=organisation).first()
    _check_can_start(organisation=organisation, kind=kind, entity=entity)
    if kind == Kind.AFTER_NOTARY_REFUSAL:
        _check_founders_in_time(organisation, day=timezone.localdate())
    if fields.get("standard_statute") and kind != Kind.REGISTRATION:
        raise ValidationError({"standard_statute": _("The standard-model term applies only to a registration.")})
    tax_code = normalise_tax_code(fields.pop("representative_tax_code", "") or "")
    if tax_code:
        try:
            validate_tax_code(tax_code)
        except ValidationError as error:
            raise ValidationError({"representative_tax_code": error.messages}) from None
    filing = Filing(
        organisation=organisation, entity=entity, kind=kind, created_by=actor, client_token=client_token, **fields
    )
    filing.representative_tax_code = tax_code
    if not filing.pec:
        filing.pec = (entity.pec if entity else "") or organisation.pec
    if kind == Kind.ANNUAL_ACCOUNTS and filing.financial_year:
        duplicate = Filing.objects.filter(
            organisation=organisation, kind=kind, financial_year=filing.financial_year
        ).exclude(state__in=[State.DRAFT, State.WITHDRAWN, State.REFUSED])
        if duplicate.exists():
            raise ValidationError({"financial_year": _("The accounts for this year are already deposited or pending.")})
    filing.full_clean(exclude=["organisation", "entity", "section"])
    filing.save()
    _event(filing, EventCode.CREATED, actor=actor)
    return filing


def _check_founders_in_time(organisation: Organisation, *, day: date) -> None:
    """After a refusal recorded by a notary, the founders apply within 30 days of its communication (T10)."""
    refusal = NotaryRefusal.objects.filter(organisation=organisation).first()
    if refusal is not None and day > refusal.application_due():
        raise ValidationError(
            _(
                "The notary's refusal was communicated on %(day)s: the founders could apply to the office until "
                "%(due)s (DM 106/2020 art. 19)."
            )
            % {
                "day": refusal.communicated_on.strftime("%d/%m/%Y"),
                "due": refusal.application_due().strftime("%d/%m/%Y"),
            }
        )


DRAFT_FIELDS = frozenset(
    {
        "section",
        "standard_statute",
        "prior_legal_personality",
        "deed_received_on",
        "pec",
        "representative_name",
        "representative_tax_code",
        "financial_year",
        "accounts_model",
        "income",
        "held_fundraising",
        "changed_on",
        "summary",
    }
)


@transaction.atomic
def filing_update_draft(*, filing: Filing, **fields: Any) -> Filing:
    """Change the data of a draft; once submitted, only the office's procedure changes it."""
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise TypeError(f"Not editable in a draft: {sorted(unknown)}")
    filing = _lock(filing)
    if filing.state != State.DRAFT:
        raise ValidationError(_("The filing is already submitted: its data can no longer be changed."))
    tax_code = normalise_tax_code(fields.pop("representative_tax_code", "") or "")
    if tax_code:
        try:
            validate_tax_code(tax_code)
        except ValidationError as error:
            raise ValidationError({"representative_tax_code": error.messages}) from None
    filing.representative_tax_code = tax_code
    if fields.get("standard_statute") and filing.kind != Kind.REGISTRATION:
        raise ValidationError({"standard_statute": _("The standard-model term applies only to a registration.")})
    for name, value in fields.items():
        # An emptied text field is "", an emptied date, number or section is None.
        setattr(
            filing,
            name,
            "" if value is None and name in ("pec", "representative_name", "accounts_model", "summary") else value,
        )
    filing.full_clean(exclude=["organisation", "entity", "section"])
    _save(filing, *fields, "representative_tax_code_token")
    return filing


def _read_upload(upload: UploadedFile) -> bytes:
    if upload.size is not None and upload.size > max_upload_bytes():
        # Refused before it is read: the size alone decides.
        return b"\0" * 0
    return b"".join(upload.chunks())


@transaction.atomic
def document_add(
    *, filing: Filing, kind: str, upload: UploadedFile, actor: User | None
) -> tuple[FilingDocument, list[str]]:
    """Attach an upload after reading it: refused with every reason, or kept with its warnings."""
    filing = _lock(filing)
    if filing.state not in ENTITY_EDITABLE_STATES:
        raise ValidationError(_("Documents can be added only while the filing is a draft or waits for the entity."))
    if kind not in DocKind.values or kind == DocKind.OFFICE_ACT:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    name = (upload.name or "document.pdf").rsplit("/", 1)[-1][:200]
    if upload.size is not None and upload.size > max_upload_bytes():
        raise ValidationError(
            {
                "file": _("%(name)s is larger than %(limit)d MB: split it or reduce its resolution.")
                % {"name": name, "limit": max_upload_bytes() // (1024 * 1024)}
            }
        )
    data = _read_upload(upload)
    report = inspect_upload(data, name=name)
    if report.errors:
        raise ValidationError({"file": report.errors})
    document = FilingDocument(
        filing=filing,
        kind=kind,
        name=name,
        size=len(data),
        sha256=report.sha256,
        pdfa_part=report.pdfa_part,
        uploaded_by=actor,
    )
    warnings = list(report.warnings)
    stem = uuid.uuid4().hex
    if report.signed:
        notary = filing.notary.tax_code if filing.notary is not None else ""
        representatives = _representative_tax_codes(filing)
        warnings.extend(_record_signers(document, report.signers, representatives=representatives, notary=notary))
        document.envelope.save(f"{stem}.pdf.p7m", ContentFile(data), save=False)
        document.file.save(f"{stem}.pdf", ContentFile(report.content), save=False)
    else:
        upload.seek(0)
        document.file.save(f"{stem}.pdf", upload, save=False)
    document.save()
    if filing.state != State.DRAFT:
        _event(filing, EventCode.DOCUMENT_ADDED, actor=actor, note=name, due_before=filing.due_on, document=document)
    return document, warnings


def _representative_tax_codes(filing: Filing) -> set[str]:
    """The codici fiscali of the filing's legal representative: the one given in the filing, and the register's."""
    codes = {filing.representative_tax_code}
    if filing.entity_id is not None:
        codes.update(
            filing.entity.office_holders.filter(  # type: ignore[union-attr]
                role=OfficeHolderRole.LEGAL_REPRESENTATIVE, ends_on__isnull=True
            ).values_list("tax_code", flat=True)
        )
    return {normalise_tax_code(code) for code in codes if code}


def _record_signers(
    document: FilingDocument, signers: list[Signer], *, representatives: set[str], notary: str = ""
) -> list[str]:
    """Note on the document who signed; warn, without refusing, when the legal representative is not among them.

    On a notary's filing, the notary's own signature (`notary`, their codice fiscale) is the expected one too.
    """
    representative = next((s for s in signers if s.tax_code and s.tax_code in representatives), None)
    by_notary = next((s for s in signers if notary and s.tax_code == notary), None)
    signer = representative or by_notary or signers[0]
    document.signer_name = "; ".join(dict.fromkeys(s.name for s in signers))[:200]
    document.signer_tax_code = signer.tax_code
    document.signed_at = signer.signed_at
    if representative is not None:
        document.signature = SignatureCheck.REPRESENTATIVE
        return []
    if by_notary is not None:
        document.signature = SignatureCheck.NOTARY
        return []
    if not representatives:
        document.signature = SignatureCheck.UNCOMPARED
        return [
            _(
                "%(name)s is signed by %(signer)s: give the legal representative's codice fiscale so that the office "
                "can see who signed."
            )
            % {"name": document.name, "signer": document.signer_name}
        ]
    document.signature = SignatureCheck.OTHER_SIGNER
    return [
        _(
            "%(name)s is signed by %(signer)s, who is not the legal representative: the office may ask for the "
            "legal representative's signature."
        )
        % {"name": document.name, "signer": document.signer_name}
    ]


@transaction.atomic
def document_remove(*, document: FilingDocument) -> None:
    filing = _lock(document.filing)
    if filing.state != State.DRAFT or document.is_office_act:
        raise ValidationError(_("Only documents of a draft can be removed."))
    document.file.delete(save=False)
    document.envelope.delete(save=False)
    document.delete()


@transaction.atomic
def cash_statement_save(
    *, filing: Filing, opening_balance: Decimal, receipts: Decimal, payments: Decimal, closing_balance: Decimal
) -> CashStatement:
    filing = _lock(filing)
    if filing.state != State.DRAFT:
        raise ValidationError(_("The figures can be changed only in a draft."))
    statement, _created = CashStatement.objects.update_or_create(
        filing=filing,
        defaults={
            "opening_balance": opening_balance,
            "receipts": receipts,
            "payments": payments,
            "closing_balance": closing_balance,
        },
    )
    return statement


def submission_problems(filing: Filing) -> list[str]:
    """Every reason the filing cannot be submitted yet, all at once."""
    problems: list[str] = []
    spec = filing.spec
    documents = list(filing.documents.all())
    present = {d.kind for d in documents}
    if filing.kind == Kind.AFTER_NOTARY_REFUSAL and filing.organisation.notary_refusals.exists():
        present.add(DocKind.NOTARY_REFUSAL)  # the notary recorded it here: no need to upload their letter
    for kind in required_documents(
        filing.kind, accounts_model=filing.accounts_model, income=filing.income, fundraising=filing.held_fundraising
    ):
        if kind not in present:
            problems.append(_("Missing document: %(kind)s.") % {"kind": DocKind(kind).label})
    if not filing.pec:
        problems.append(_("The PEC address is missing: every communication of the register goes there."))
    if spec.kind in (Kind.REGISTRATION, Kind.NOTARIAL_REGISTRATION, Kind.AFTER_NOTARY_REFUSAL):
        if not filing.representative_name:
            problems.append(_("The legal representative is missing."))
        if filing.section_id is None:
            problems.append(_("Choose the section of the register."))
    elif (
        filing.entity is not None
        and not filing.entity.office_holders.filter(
            role=OfficeHolderRole.LEGAL_REPRESENTATIVE, ends_on__isnull=True
        ).exists()
        and not filing.representative_name
    ):
        problems.append(_("The register has no legal representative for this entity: give one."))
    if filing.kind == Kind.MIGRATION:
        if filing.section_id is None:
            problems.append(_("Choose the section to migrate to."))
        elif (
            filing.entity is not None
            and filing.entity.section_periods.filter(section_id=filing.section_id, valid_to__isnull=True).exists()
        ):
            problems.append(_("The entity is already in this section: choose another one."))
    if filing.kind == Kind.DEED_UPDATE and filing.changed_on is None:
        problems.append(_("Give the date of the change."))
    if filing.notary_id is not None and filing.deed_received_on is None:
        problems.append(_("Give the date the deed reached you (CTS art. 22 c.2)."))
    if filing.kind == Kind.ANNUAL_ACCOUNTS:
        problems.extend(_accounts_problems(filing))
    if filing.kind in ANTIMAFIA_KINDS and not SizeDeclaration.objects.filter(filing=filing).exists():
        problems.append(
            _(
                "Declare the entity's size in its last two financial years (total assets, revenue, employees): "
                "the office needs it for the antimafia check (D.Lgs. 117/2017 art. 48 c.6)."
            )
        )
    return problems


def _accounts_problems(filing: Filing) -> list[str]:
    problems = []
    if not filing.financial_year:
        problems.append(_("Give the financial year."))
    if filing.income is None:
        problems.append(_("Give the total income of the year."))
    if not filing.accounts_model:
        problems.append(_("Choose the accounts model."))
    if filing.accounts_model == "D":
        has_pg = bool(filing.entity and filing.entity.has_legal_personality)
        if filing.income is not None and not deadlines.cash_statement_allowed(
            has_legal_personality=has_pg, income=filing.income
        ):
            problems.append(
                _(
                    "Model D (cash statement) is only for entities without legal personality and with income up to "
                    "EUR 300,000 (CTS art. 13 c.2): use models A, B and C."
                )
            )
        statement = CashStatement.objects.filter(filing=filing).first()
        if statement is None:
            problems.append(_("Enter the figures of the cash statement."))
        elif statement.difference() != 0:
            problems.append(
                _(
                    "The cash statement does not add up: the closing balance %(closing)s should be the opening "
                    "balance %(opening)s plus the result %(result)s, that is %(expected)s (difference %(diff)s)."
                )
                % {
                    "closing": statement.closing_balance,
                    "opening": statement.opening_balance,
                    "result": statement.result,
                    "expected": statement.opening_balance + statement.result,
                    "diff": statement.difference(),
                }
            )
    return problems


@transaction.atomic
def filing_submit(*, filing: Filing, actor: User, today: date | None = None) -> Filing:
    """Submit a draft: protocol number, receipt, and the office's legal term starts. A second submit changes nothing."""
    filing = _lock(filing)
    if filing.state != State.DRAFT:
        return filing
    problems = submission_problems(filing)
    if problems:
        raise ValidationError(problems)
    _check_can_start(organisation=filing.organisation, kind=filing.kind, entity=filing.entity, exclude=filing.pk)
    day = _today(today)
    if filing.kind == Kind.AFTER_NOTARY_REFUSAL:
        _check_founders_in_time(filing.organisation, day=day)
    filing.state, filing.submitted_on, filing.protocol = State.SUBMITTED, day, next_protocol(day)
    rule = filing.spec.decision_rule
    if filing.kind == Kind.REGISTRATION:
        rule = deadlines.registration_rule(standard_statute=filing.standard_statute)
    filing.set_clock(deadlines.start(rule, day) if rule else None)
    _save(filing, "state", "submitted_on", "protocol", *CLOCK_FIELDS)
    note = filing.protocol
    if rule == "T6":
        note += " · " + _("statute on a standard model approved by the Ministry: 30 days (CTS art. 47 c.5)")
    if filing.notary_id is not None and filing.notary_days_late():
        note += " · " + _("deposited %(n)d days after the notary's 20 (CTS art. 22 c.2)") % {
            "n": filing.notary_days_late()
        }
    _event(filing, EventCode.SUBMITTED, actor=actor, rule=rule or "", note=note)
    _sync_entity_status(filing, day=day)
    from pariter.filings import tasks

    transaction.on_commit(lambda: tasks.send_receipt.enqueue(filing_id=filing.pk))
    return filing


CLOCK_FIELDS = (
    "term_rule",
    "term_started_on",
    "term_ends_on",
    "suspended_on",
    "remaining_days",
    "due_on",
    "reply_from",
    "reply_by",
)


@transaction.atomic
def filing_open_by_office(
    *,
    entity: Entity,
    kind: str,
    actor: User | None,
    summary: str,
    cause: str = "",
    days: int | None = None,
    today: date | None = None,
) -> Filing:
    """A procedure the office starts: a warning, a cancellation or a review, with its communication."""
    if kind not in SPECS or not SPECS[kind].started_by_office or kind == Kind.CONTROL:
        # A control has its own start (control_open): it sends nothing to the entity when it opens.
        raise ValidationError({"kind": _("The office does not start this type of procedure.")})
    if not summary.strip():
        raise ValidationError({"summary": _("State the reasons: they go in the communication to the entity.")})
    day = _today(today)
    _check_can_start(organisation=entity.organisation, kind=kind, entity=entity)
    if kind == Kind.REVIEW:
        period = entity.section_periods.filter(valid_to__isnull=True).select_related("section")
        if period and not any(deadlines.section_is_reviewed(p.section.letter) for p in period):
            raise ValidationError(
                _("Social enterprises and mutual aid societies are not reviewed (DM 106/2020 art. 21).")
            )
    filing = Filing(
        organisation=entity.organisation,
        entity=entity,
        kind=kind,
        created_by=actor,
        assignee=actor,
        summary=summary.strip(),
        pec=entity.pec or entity.organisation.pec,
        submitted_on=day,
        protocol=next_protocol(day),
    )
    if kind == Kind.WARNING:
        try:
            clock = deadlines.start_days(day, days or deadlines.MAX_WARNING_DAYS, rule_code="T14")
        except ClockError:
            raise ValidationError({"days": _("A warning gives from 1 to 180 days (CTS art. 48 c.4).")}) from None
        filing.warning_days = days or deadlines.MAX_WARNING_DAYS
        filing.state = State.AWAITING_ENTITY
        filing.set_clock(clock)
        filing.reply_from, filing.reply_by = day, clock.due
    elif kind == Kind.CANCELLATION:
        if cause not in CancellationCause.values:
            raise ValidationError({"cause": _("Choose one of the causes of DM 106/2020 art. 23.")})
        filing.cancellation_cause = cause
        if cause in (CancellationCause.MEASURE, CancellationCause.REQUIREMENTS):
            # DM 106/2020 art. 24 cc.4-5: 30 days for observations or a request to migrate first.
            filing.state = State.AWAITING_ENTITY
            filing.reply_from, filing.reply_by = day, deadlines.due_date(deadlines.add_days(day, 30))
        else:
            filing.state = State.IN_REVIEW
            filing.set_clock(deadlines.start("T17", day))
    else:
        filing.state = State.IN_REVIEW
    filing.save()
    _event(filing, EventCode.OPENED_BY_OFFICE, actor=actor, note=filing.summary, rule=SPECS[kind].decision_rule or "")
    _sync_entity_status(filing, day=day)
    _issue_act(filing, action="opened", actor=actor, body=filing.summary)
    return filing


@transaction.atomic
def filings_assign(*, filings: list[Filing], assignee: User | None, actor: User) -> int:
    """Assign (or release) several open filings at once; closed ones are left alone."""
    count = 0
    for filing in Filing.objects.select_for_update().filter(pk__in=[f.pk for f in filings], is_open=True):
        if filing.assignee_id == (assignee.pk if assignee else None):
            continue
        filing.assignee = assignee
        _save(filing, "assignee")
        _event(
            filing,
            EventCode.ASSIGNED,
            actor=actor,
            note=assignee.full_name if assignee else "",
            due_before=filing.due_on,
        )
        count += 1
    return count


@dataclass(frozen=True)
class BulkOutcome:
    """What a bulk action did to one item: done, already so (nothing to do), or refused with the reason."""

    pk: int
    label: str
    result: str  # one of DONE, ALREADY, REFUSED
    message: str = ""


DONE, ALREADY, REFUSED = "done", "already", "refused"
BULK_LIMIT = 500


def _bulk_audit(action: str, outcomes: list[BulkOutcome], *, actor: User) -> None:
    audit.record(
        action,
        actor=actor,
        changes={result: [o.pk for o in outcomes if o.result == result] for result in (DONE, ALREADY, REFUSED)},
    )


# Each item runs in its own transaction, so one refusal leaves the others done and no officer waits on the batch.
def filings_take_charge(*, filing_ids: list[int], actor: User, today: date | None = None) -> list[BulkOutcome]:
    """Take charge of several submitted filings; posting the same selection twice changes nothing more."""
    outcomes = []
    for pk in sorted(set(filing_ids))[:BULK_LIMIT]:
        with transaction.atomic():
            filing = Filing.objects.select_for_update().filter(pk=pk).first()
            if filing is None:
                outcomes.append(BulkOutcome(pk, f"#{pk}", REFUSED, _("No such filing.")))
                continue
            if filing.state == State.IN_REVIEW:
                outcomes.append(BulkOutcome(pk, filing.reference, ALREADY, _("Already under examination.")))
                continue
            try:
                filing_act(filing=filing, action=Action.TAKE_CHARGE, actor=actor, version=filing.version, today=today)
            except ValidationError as error:
                outcomes.append(BulkOutcome(pk, filing.reference, REFUSED, " ".join(error.messages)))
            else:
                outcomes.append(BulkOutcome(pk, filing.reference, DONE))
    _bulk_audit("filings.bulk.take_charge", outcomes, actor=actor)
    return outcomes


def missing_accounts_warning_text(year: int) -> str:
    return _(
        "The accounts for %(year)s were due by %(due)s and have not been deposited (D.Lgs. 117/2017 art. "
        "48 c.3). Deposit them within the term given, or the entity will be cancelled from the register "
        "(art. 48 c.4)."
    ) % {"year": year, "due": deadlines.annual_accounts_due(year).strftime("%d/%m/%Y")}


def transmigrated_accounts_warning_text(registered_on: date | None) -> str:
    return _(
        "As an organisation registered by transmigration on %(day)s, the entity had 90 days to complete its data "
        "and deposit the accounts for 2021 (nota MLPS 5941/2022), and has not deposited them. The term is not "
        "peremptory (nota MLPS 17146/2022): deposit them within the term given, or the entity will be cancelled "
        "from the register (D.Lgs. 117/2017 art. 48 c.4)."
    ) % {"day": registered_on.strftime("%d/%m/%Y") if registered_on else "—"}


def entities_warn_missing_accounts(
    *,
    entity_ids: list[int],
    actor: User,
    year: int,
    days: int,
    transmigrated: bool = False,
    today: date | None = None,
) -> list[BulkOutcome]:
    """A warning (diffida) to each entity still without its accounts of `year`; one already warned is left alone.

    `transmigrated`: the 2021 accounts of an ODV or APS registered by transmigration (T22), with that source.
    """
    if transmigrated:
        year = deadlines.TRANSMIGRATED_ACCOUNTS_YEAR
    outcomes = []
    for pk in sorted(set(entity_ids))[:BULK_LIMIT]:
        with transaction.atomic():
            entity = Entity.objects.select_for_update().select_related("organisation").filter(pk=pk).first()
            if entity is None:
                outcomes.append(BulkOutcome(pk, f"#{pk}", REFUSED, _("No such entity in the register.")))
                continue
            pending = Filing.objects.filter(organisation=entity.organisation, kind=Kind.WARNING, is_open=True).first()
            if pending is not None:
                outcomes.append(
                    BulkOutcome(
                        pk,
                        entity.name,
                        ALREADY,
                        _("Warning %(reference)s is already pending.") % {"reference": pending.reference},
                    )
                )
                continue
            if transmigrated and entity.registration_route != RegistrationRoute.TRANSMIGRATION:
                outcomes.append(
                    BulkOutcome(pk, entity.name, REFUSED, _("The entity was not registered by transmigration."))
                )
                continue
            if entity.status not in (EntityStatus.REGISTERED, EntityStatus.MIGRATING):
                outcomes.append(
                    BulkOutcome(
                        pk,
                        entity.name,
                        REFUSED,
                        _("The entity is “%(status)s”: a warning would serve no purpose now.")
                        % {"status": entity.get_status_display()},
                    )
                )
                continue
            filed = (
                Filing.objects.filter(organisation=entity.organisation, kind=Kind.ANNUAL_ACCOUNTS, financial_year=year)
                .exclude(state__in=[State.DRAFT, State.WITHDRAWN, State.REFUSED])
                .first()
            )
            if filed is not None:
                outcomes.append(
                    BulkOutcome(
                        pk,
                        entity.name,
                        REFUSED,
                        _("The accounts for %(year)s were filed meanwhile (%(reference)s).")
                        % {"year": year, "reference": filed.reference},
                    )
                )
                continue
            try:
                warning = filing_open_by_office(
                    entity=entity,
                    kind=Kind.WARNING,
                    actor=actor,
                    summary=transmigrated_accounts_warning_text(entity.registered_on)
                    if transmigrated
                    else missing_accounts_warning_text(year),
                    days=days,
                    today=today,
                )
            except ValidationError as error:
                outcomes.append(BulkOutcome(pk, entity.name, REFUSED, " ".join(error.messages)))
            else:
                outcomes.append(BulkOutcome(pk, entity.name, DONE, warning.reference))
    action = "filings.bulk.warn_transmigrated_accounts" if transmigrated else "filings.bulk.warn_missing_accounts"
    _bulk_audit(action, outcomes, actor=actor)
    return outcomes


@transaction.atomic
def note_add(*, filing: Filing, author: User, text: str) -> FilingNote:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    return FilingNote.objects.create(filing=filing, author=author, text=text[:4000])


@transaction.atomic
@audit.batch()
def filing_act(
    *,
    filing: Filing,
    action: str,
    actor: User,
    version: int,
    note: str = "",
    days: int | None = None,
    today: date | None = None,
) -> Filing:
    """An officer's action: refused unless the type allows it in the current state and the page was current."""
    filing = _lock(filing, version)
    if action not in filing.allowed_actions():
        raise ValidationError(
            _("“%(action)s” is not possible while the filing is “%(state)s”.")
            % {
                "action": Action(action).label if action in Action.values else action,
                "state": filing.get_state_display(),
            }
        )
    day = _today(today)
    note = note.strip()
    before = filing.due_on
    if action in (Action.REQUEST_INTEGRATION, Action.NOTIFY_REFUSAL) and _suspended_for_antimafia(filing):
        raise ValidationError(
            _(
                "The term is suspended while the Prefettura answers (D.Lgs. 159/2011 art. 92): record the "
                "outcome of the antimafia check first, or wait for its 30 days to end."
            )
        )
    if action == Action.TAKE_CHARGE:
        filing.state = State.IN_REVIEW
        if filing.assignee_id is None:
            filing.assignee = actor
        _save(filing, "state", "assignee")
        _event(filing, EventCode.TAKEN_IN_CHARGE, actor=actor, due_before=before)
    elif action == Action.REQUEST_INTEGRATION:
        if not note:
            raise ValidationError(
                {"note": _("List the missing or irregular items: the entity needs to know what to send.")}
            )
        clock = filing.clock()
        try:
            reply_by = deadlines.integration_term_end(day, days or deadlines.MAX_INTEGRATION_DAYS)
            if clock is not None:
                # Validated now, applied when the answer comes: the request must fall within the running term.
                deadlines.restart_after_integration(clock, requested_on=day, term_end=reply_by, received_on=None)
        except ClockError:
            raise ValidationError(
                {
                    "days": _(
                        "The entity gets from 1 to 30 days, and the request must come within the office's term "
                        "(DM 106/2020 art. 9 c.3)."
                    )
                }
            ) from None
        filing.state, filing.reply_from, filing.reply_by, filing.due_on = (
            State.INTEGRATION_REQUESTED,
            day,
            reply_by,
            None,
        )
        _save(filing, "state", "reply_from", "reply_by", "due_on")
        _event(filing, EventCode.INTEGRATION_REQUESTED, actor=actor, note=note, rule="T2", due_before=before)
        _issue_act(filing, action=action, actor=actor, body=note)
    elif action == Action.NOTIFY_REFUSAL:
        if not note:
            raise ValidationError(
                {"note": _("State the reasons that stand in the way of the application (L. 241/1990 art. 10-bis).")}
            )
        clock = filing.clock()
        if clock is None:
            raise ValidationError(_("This procedure has no term to suspend."))
        try:
            filing.set_clock(deadlines.suspend(clock, notice_on=day))
        except ClockError:
            raise ValidationError(_("The notice must come within the office's term.")) from None
        filing.state, filing.reply_from, filing.reply_by = (
            State.REFUSAL_NOTICE,
            day,
            deadlines.observations_term_end(day),
        )
        _save(filing, "state", *CLOCK_FIELDS)
        _event(filing, EventCode.REFUSAL_NOTICE, actor=actor, note=note, rule="T5", due_before=before)
        _issue_act(filing, action=action, actor=actor, body=note)
    elif action == Action.ACCEPT:
        blocked = antimafia_block(filing, today=day)
        if blocked:
            raise ValidationError(blocked)
        if antimafia_state(filing, today=day) == "proceed_without":
            note = (note + "\n" if note else "") + _(
                "Registered without the antimafia information, after the Prefettura's 30 days: under a resolutive "
                "condition (D.Lgs. 159/2011 art. 92 c.3)."
            )
        _accept(filing, actor=actor, day=day, note=note)
        filing.state, filing.decided_on = State.ACCEPTED, day
        filing.set_clock(None)
        filing.reply_by = None
        _save(filing, "state", "decided_on", "entity", *CLOCK_FIELDS)
        _event(filing, EventCode.ACCEPTED, actor=actor, note=note, due_before=before)
        _issue_act(filing, action=action, actor=actor, body=note)
    elif action == Action.REFUSE:
        if not note:
            raise ValidationError({"note": _("A refusal states its reasons.")})
        if filing.spec.refusal_notice_allowed and not filing.events.filter(code=EventCode.REFUSAL_NOTICE).exists():
            raise ValidationError(_("Before refusing, send the notice of intended refusal (L. 241/1990 art. 10-bis)."))
        filing.state, filing.decided_on = State.REFUSED, day
        filing.set_clock(None)
        filing.reply_by = None
        _save(filing, "state", "decided_on", *CLOCK_FIELDS)
        _event(filing, EventCode.REFUSED, actor=actor, note=note, due_before=before)
        _issue_act(filing, action=action, actor=actor, body=note)
    elif action == Action.CONCLUDE:
        filing.state, filing.decided_on = State.CLOSED, day
        filing.set_clock(None)
        filing.reply_by = None
        _save(filing, "state", "decided_on", *CLOCK_FIELDS)
        _event(filing, EventCode.CONCLUDED, actor=actor, note=note, due_before=before)
    if filing.is_final:
        _sync_entity_status(filing, day=day)
        _open_authority_notice(filing, day=day)
    return filing


def _accept(filing: Filing, *, actor: User | None, day: date, note: str, by_silence: bool = False) -> None:
    """What a favourable decision does to the register, in the same transaction as the decision."""
    reason = f"{filing.reference} {filing.protocol}"
    if filing.kind in (Kind.REGISTRATION, Kind.NOTARIAL_REGISTRATION, Kind.AFTER_NOTARY_REFUSAL):
        org = filing.organisation
        route = (
            RegistrationRoute.SILENCE
            if by_silence
            else (
                RegistrationRoute.NOTARIAL if filing.kind == Kind.NOTARIAL_REGISTRATION else RegistrationRoute.ORDINARY
            )
        )
        assert filing.section is not None and org.municipality is not None
        entity = registry_services.entity_register(
            tax_code=org.tax_code,
            name=org.name,
            municipality=org.municipality,
            sections=[filing.section],
            registered_on=day,
            route=route,
            reason=reason,
            pec=filing.pec,
            has_legal_personality=filing.kind == Kind.NOTARIAL_REGISTRATION or filing.prior_legal_personality,
        )
        if filing.representative_name:
            registry_services.office_holder_appoint(
                entity=entity,
                role=OfficeHolderRole.LEGAL_REPRESENTATIVE,
                full_name=filing.representative_name,
                tax_code=filing.representative_tax_code,
                starts_on=day,
                reason=reason,
            )
        filing.entity = entity
    elif filing.kind == Kind.MIGRATION:
        assert filing.entity is not None and filing.section is not None
        registry_services.entity_migrate(
            entity=filing.entity, to_section=filing.section, effective_on=day, reason=reason
        )
    elif filing.kind in (Kind.ANNUAL_ACCOUNTS, Kind.DEED_UPDATE):
        assert filing.entity is not None
        year = filing.financial_year or day.year
        for document in filing.documents.exclude(kind=DocKind.OFFICE_ACT):
            registry_services.document_deposit(
                entity=filing.entity,
                kind=_REGISTRY_KIND.get(document.kind, "other"),
                year=year,
                deposited_on=day,
                file=document.file,
                filing_reference=filing.reference,
            )
    elif filing.kind == Kind.CANCELLATION:
        assert filing.entity is not None
        registry_services.entity_cancel(
            entity=filing.entity, cause=filing.cancellation_cause, effective_on=day, reason=reason
        )


_REGISTRY_KIND: dict[str, str] = {
    DocKind.ACCOUNTS: "accounts",
    DocKind.CASH_STATEMENT: "cash_statement",
    DocKind.SOCIAL_REPORT: "social_report",
    DocKind.FUNDRAISING_REPORT: "fundraising",
    DocKind.APPROVAL_MINUTES: "minutes",
    DocKind.STATUTE: "statute",
    DocKind.DEED_OF_INCORPORATION: "deed",
}


@transaction.atomic
def filing_answer_integration(*, filing: Filing, actor: User, text: str, today: date | None = None) -> Filing:
    """The entity sends the integration: a new 60-day term starts from its receipt (DM 106/2020 art. 9 c.3)."""
    filing = _lock(filing)
    if filing.state != State.INTEGRATION_REQUESTED:
        raise ValidationError(_("No integration is requested for this filing now."))
    day = _today(today)
    if not text.strip() and not filing.documents.filter(uploaded_at__date__gte=filing.reply_from).exists():
        raise ValidationError({"text": _("Send at least a document or a message with the integration.")})
    _restart(filing, actor=actor, received_on=day, code=EventCode.INTEGRATION_RECEIVED, note=text.strip())
    return filing


def _restart(filing: Filing, *, actor: User | None, received_on: date | None, code: str, note: str = "") -> None:
    before = filing.due_on
    clock = filing.clock()
    assert filing.reply_from is not None and filing.reply_by is not None
    if clock is not None:
        filing.set_clock(
            deadlines.restart_after_integration(
                clock, requested_on=filing.reply_from, term_end=filing.reply_by, received_on=received_on
            )
        )
    filing.state, filing.reply_from, filing.reply_by = State.IN_REVIEW, None, None
    _save(filing, "state", *CLOCK_FIELDS)
    _event(filing, code, actor=actor, note=note, rule="T3" if clock else "", due_before=before)


@transaction.atomic
def filing_send_observations(*, filing: Filing, actor: User, text: str, today: date | None = None) -> Filing:
    """The entity's observations: after a 10-bis notice the term runs again 10 days later; in a cancellation, 60."""
    filing = _lock(filing)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write your observations.")})
    day = _today(today)
    before = filing.due_on
    if filing.state == State.REFUSAL_NOTICE:
        clock = filing.clock()
        assert clock is not None
        filing.set_clock(deadlines.resume(clock, observations_on=day))
        rule = "T5"
    elif filing.state == State.AWAITING_ENTITY and filing.kind == Kind.CANCELLATION:
        filing.set_clock(deadlines.start("T17", day))
        rule = "T17"
    else:
        raise ValidationError(_("No observations are expected for this filing now."))
    filing.state, filing.reply_from, filing.reply_by = State.IN_REVIEW, None, None
    _save(filing, "state", *CLOCK_FIELDS)
    _event(filing, EventCode.OBSERVATIONS_RECEIVED, actor=actor, note=text, rule=rule, due_before=before)
    return filing


@transaction.atomic
def filing_withdraw(*, filing: Filing, actor: User, today: date | None = None) -> Filing:
    filing = _lock(filing)
    if filing.spec.started_by_office or filing.is_final:
        raise ValidationError(_("This filing cannot be withdrawn."))
    before = filing.due_on
    filing.state = State.WITHDRAWN
    filing.set_clock(None)
    filing.reply_by = None
    _save(filing, "state", *CLOCK_FIELDS)
    _event(filing, EventCode.WITHDRAWN, actor=actor, due_before=before)
    _sync_entity_status(filing, day=_today(today))
    return filing


# --- What the passing of time does ---------------------------------------------------------------------------


@transaction.atomic
@audit.batch()
def filing_expire(*, filing: Filing, today: date | None = None) -> str:
    """Apply what the law makes of a term that has run out; '' when nothing is due. Safe to run twice."""
    filing = _lock(filing)
    day = _today(today)
    before = filing.due_on
    if filing.state == State.INTEGRATION_REQUESTED and filing.reply_by and filing.reply_by < day:
        _restart(filing, actor=None, received_on=None, code=EventCode.INTEGRATION_EXPIRED)
        return EventCode.INTEGRATION_EXPIRED
    if filing.state == State.REFUSAL_NOTICE and filing.reply_by and filing.reply_by < day:
        clock = filing.clock()
        assert clock is not None
        filing.set_clock(deadlines.resume(clock, observations_on=None))
        filing.state, filing.reply_from, filing.reply_by = State.IN_REVIEW, None, None
        _save(filing, "state", *CLOCK_FIELDS)
        _event(filing, EventCode.TERM_RESUMED, actor=None, rule="T5", due_before=before)
        return EventCode.TERM_RESUMED
    if filing.state == State.IN_REVIEW and _suspended_for_antimafia(filing):
        if filing.antimafia.wait_ends() >= day:
            return ""
        filing.set_clock(deadlines.resume_after_antimafia(filing.clock(), received_on=None))  # type: ignore[arg-type]
        _save(filing, *CLOCK_FIELDS)
        _event(filing, EventCode.ANTIMAFIA_WAIT_ENDED, actor=None, rule="T24", due_before=before)
        return EventCode.ANTIMAFIA_WAIT_ENDED
    if (
        filing.state == State.AWAITING_ENTITY
        and filing.kind == Kind.CANCELLATION
        and filing.reply_by
        and filing.reply_by < day
    ):
        filing.set_clock(deadlines.start("T17", filing.reply_by))
        filing.state, filing.reply_from, filing.reply_by = State.IN_REVIEW, None, None
        _save(filing, "state", *CLOCK_FIELDS)
        _event(filing, EventCode.TERM_RESUMED, actor=None, rule="T17", due_before=before)
        return EventCode.TERM_RESUMED
    if (
        filing.state not in (State.SUBMITTED, State.IN_REVIEW, State.AWAITING_ENTITY)
        or not filing.due_on
        or filing.due_on >= day
    ):
        return ""
    silence = filing.spec.silence
    if silence == Silence.NOTHING:
        if filing.events.filter(code=EventCode.TERM_MISSED).exists():
            return ""
        _event(filing, EventCode.TERM_MISSED, actor=None, rule=filing.term_rule, due_before=before)
        return EventCode.TERM_MISSED
    if silence in (Silence.REGISTERS, Silence.APPROVES):
        _accept(filing, actor=None, day=day, note="", by_silence=True)
        filing.state, code = State.ACCEPTED_BY_SILENCE, EventCode.ACCEPTED_BY_SILENCE
        rule = "T4" if silence == Silence.REGISTERS else "T19"
    else:
        filing.state, code, rule = State.REFUSED_BY_SILENCE, EventCode.REFUSED_BY_SILENCE, "T10"
    filing.decided_on = day
    filing.set_clock(None)
    _save(filing, "state", "decided_on", "entity", *CLOCK_FIELDS)
    _event(filing, code, actor=None, rule=rule, due_before=before)
    _issue_act(filing, action=code, actor=None, body="")
    _sync_entity_status(filing, day=day)
    _open_authority_notice(filing, day=day)
    return code


# --- Acts of the office --------------------------------------------------------------------------------------


def _issue_act(filing: Filing, *, action: str, actor: User | None, body: str) -> FilingDocument:
    """Number the act now, in the decision's transaction; render the PDF and send it by PEC in a task."""
    day = timezone.localdate()
    document = FilingDocument.objects.create(
        filing=filing,
        kind=DocKind.OFFICE_ACT,
        name=f"{filing.reference}-{action}.pdf",
        protocol=next_protocol(day),
        action=action,
        body=body,
        uploaded_by=actor,
    )
    from django_tasks_db.backend import DatabaseBackend

    from pariter.filings import tasks

    task = tasks.render_and_send_act
    if isinstance(task.get_backend(), DatabaseBackend):
        # The database queue keeps the job in the decision's own transaction: committed with the act or not at all,
        # and no second commit (a disk flush on PostgreSQL) per act. Any other queue hears of it after the commit.
        task.enqueue(document_id=document.pk)
    else:
        transaction.on_commit(lambda: task.enqueue(document_id=document.pk))
    return document


# --- Notaries (CTS art. 22; DM 106/2020 artt. 16, 19) -----------------------------------------------------------


@transaction.atomic
def notary_enable(
    *,
    email: str,
    full_name: str,
    district: str,
    seat: str,
    actor: User,
    tax_code: str = "",
    today: date | None = None,
) -> Notary:
    """Make an existing citizen account a notary's: from today it may file registrations through a notary.

    The notary's codice fiscale (a person's, 16 characters) lets the deeds they sign be recognised as theirs.
    """
    errors: dict[str, str] = {}
    tax_code = normalise_tax_code(tax_code)
    if tax_code and (problem := _notary_tax_code_problem(tax_code)):
        errors["tax_code"] = problem
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        errors["email"] = _("No account has this e-mail address: the notary signs up first, then you enable them.")
    elif user.active_memberships:
        errors["email"] = _("This account holds a role in an organisation: a notary uses a personal account.")
    for field, value in (("full_name", full_name), ("district", district), ("seat", seat)):
        if not value.strip():
            errors[field] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    assert user is not None
    day = _today(today)
    notary = Notary.objects.filter(user=user).first()
    if notary is not None and notary.is_active_on(day):
        raise ValidationError({"email": _("This account is already enabled as a notary.")})
    notary = notary or Notary(user=user)
    notary.full_name, notary.district, notary.seat = full_name.strip(), district.strip(), seat.strip()
    notary.tax_code = tax_code
    notary.enabled_on, notary.ended_on, notary.enabled_by = day, None, actor
    notary.full_clean(exclude=["user", "enabled_by"])
    notary.save()
    return notary


def _notary_tax_code_problem(tax_code: str) -> str:
    """Why `tax_code` (compact) cannot be a notary's, or "": a person's codice fiscale, 16 characters."""
    try:
        validate_tax_code(tax_code)
    except ValidationError as error:
        return error.messages[0]
    return "" if len(tax_code) == 16 else _("A notary's codice fiscale is a person's: 16 characters.")


@transaction.atomic
def notary_set_tax_code(*, notary: Notary, tax_code: str, actor: User) -> Notary:
    """Record the codice fiscale of a notary enabled without one, so that their signatures are recognised."""
    tax_code = normalise_tax_code(tax_code)
    problem = _notary_tax_code_problem(tax_code) if tax_code else str(_("This field is required."))
    if problem:
        raise ValidationError({"tax_code": problem})
    notary = Notary.objects.select_for_update().get(pk=notary.pk)
    notary.tax_code = tax_code
    notary.save(update_fields=["tax_code_token"])
    return notary


@transaction.atomic
def notary_end(*, notary: Notary, actor: User, today: date | None = None) -> Notary:
    """From today the account is no longer a notary's; the filings it made stay with the office."""
    notary = Notary.objects.select_for_update().get(pk=notary.pk)
    day = _today(today)
    if notary.ended_on is not None and notary.ended_on <= day:
        return notary
    notary.ended_on = day
    with audit.reason(_("ended by %(name)s") % {"name": actor.full_name}):
        notary.save(update_fields=["ended_on"])
    return notary


def _organisation_for_deed(*, name: str, tax_code: str, municipality: Municipality | None, pec: str) -> Organisation:
    """The organisation a notary's deed constitutes: found by its codice fiscale, or created."""
    code = normalise_tax_code(tax_code)
    organisation = Organisation.objects.filter(tax_code=code).first()
    if organisation is not None:
        return organisation
    errors: dict[str, Any] = {}
    if not name.strip():
        errors["name"] = _("Give the name of the entity.")
    if municipality is None:
        errors["municipality"] = _("Choose the municipality of the registered office.")
    if errors:
        raise ValidationError(errors)
    assert municipality is not None
    try:
        return core_services.organisation_create(
            name=name, kind=OrganisationKind.THIRD_SECTOR, tax_code=code, municipality=municipality, pec=pec
        )
    except ValidationError as error:
        raise ValidationError(
            {f if f in ("name", "tax_code", "pec") else "tax_code": m for f, m in error.message_dict.items()}
        ) from None


@transaction.atomic
def notary_filing_create(
    *,
    notary: Notary,
    name: str,
    tax_code: str,
    municipality: Municipality | None,
    deed_received_on: date,
    actor: User,
    client_token: uuid.UUID | None = None,
    today: date | None = None,
    **fields: Any,
) -> Filing:
    """A notary's draft registration with legal personality for an entity being constituted (DM 106/2020 art. 16)."""
    if client_token is not None:
        existing = Filing.objects.filter(client_token=client_token, notary=notary).first()
        if existing is not None:
            return existing
    if deed_received_on > _today(today):
        raise ValidationError({"deed_received_on": _("The deed cannot reach you after today.")})
    organisation = _organisation_for_deed(
        name=name, tax_code=tax_code, municipality=municipality, pec=fields.get("pec", "")
    )
    return filing_create(
        organisation=organisation,
        kind=Kind.NOTARIAL_REGISTRATION,
        actor=actor,
        client_token=client_token,
        notary=notary,
        deed_received_on=deed_received_on,
        **fields,
    )


@transaction.atomic
def notary_refusal_record(
    *,
    notary: Notary,
    name: str,
    tax_code: str,
    municipality: Municipality | None,
    deed_received_on: date,
    communicated_on: date,
    reasons: str,
    today: date | None = None,
) -> NotaryRefusal:
    """The notary found the conditions unmet and told the founders (CTS art. 22 c.3; T9): late is recorded, not refused.

    The founders may then apply to the office within 30 days (DM 106/2020 art. 19; T10).
    """
    day = _today(today)
    errors: dict[str, str] = {}
    if not reasons.strip():
        errors["reasons"] = _("State the reasons: the founders and the office read them.")
    if deed_received_on > day:
        errors["deed_received_on"] = _("The deed cannot reach you after today.")
    if communicated_on > day or communicated_on < deed_received_on:
        errors["communicated_on"] = _("The refusal is communicated after the deed reached you, and not after today.")
    if errors:
        raise ValidationError(errors)
    organisation = _organisation_for_deed(name=name, tax_code=tax_code, municipality=municipality, pec="")
    if Entity.objects.filter(organisation=organisation).exclude(status=EntityStatus.CANCELLED).exists():
        raise ValidationError({"tax_code": _("This entity is already in the register.")})
    refusal = NotaryRefusal.objects.create(
        notary=notary,
        organisation=organisation,
        deed_received_on=deed_received_on,
        communicated_on=communicated_on,
        reasons=reasons.strip()[:4000],
    )
    audit.record(
        "filings.notary.refusal_recorded",
        obj=refusal,
        changes={"organisation": organisation.pk, "days_late": refusal.days_late()},
    )
    return refusal


# --- The office's notice to the Prefettura or Regione (CTS art. 22 c.1-bis; DM 106/2020 art. 25 c.4; T18) ----


def authority_notice_owed(filing: Filing) -> bool:
    """A registration or cancellation of an entity that is a legal person of DPR 361/2000."""
    if filing.state not in (State.ACCEPTED, State.ACCEPTED_BY_SILENCE):
        return False
    if filing.kind in (Kind.REGISTRATION, Kind.NOTARIAL_REGISTRATION, Kind.AFTER_NOTARY_REFUSAL):
        return filing.prior_legal_personality
    if filing.kind == Kind.CANCELLATION and filing.entity_id is not None:
        return Filing.objects.filter(
            entity_id=filing.entity_id,
            prior_legal_personality=True,
            state__in=[State.ACCEPTED, State.ACCEPTED_BY_SILENCE],
        ).exists()
    return False


def _open_authority_notice(filing: Filing, *, day: date) -> None:
    """After the decision, the notice becomes the filing's deadline, in the queue and the digest, until sent."""
    if filing.authority_notice_due_on is not None or not authority_notice_owed(filing):
        return
    before = filing.due_on
    filing.authority_notice_due_on = deadlines.authority_notice_due(day)
    filing.due_on = filing.authority_notice_due_on
    _save(filing, "authority_notice_due_on", "due_on")
    _event(filing, EventCode.AUTHORITY_NOTICE_DUE, actor=None, rule="T18", due_before=before)


@transaction.atomic
def filing_record_authority_notice(
    *, filing: Filing, actor: User, version: int, note: str = "", today: date | None = None
) -> Filing:
    """The office notified the Prefettura or Regione: the duty ends and the letter is numbered and rendered."""
    filing = _lock(filing, version)
    if not filing.authority_notice_pending:
        raise ValidationError(_("No notice to the Prefettura or Regione is due for this filing."))
    day = _today(today)
    before = filing.due_on
    filing.authority_notified_on, filing.due_on = day, None
    _save(filing, "authority_notified_on", "due_on")
    late = deadlines.days_late(day, filing.authority_notice_due_on or day)
    text = note.strip()
    if late:
        text = (text + "\n" if text else "") + _("%(n)d days after the 15 of CTS art. 22 c.1-bis.") % {"n": late}
    _event(filing, EventCode.AUTHORITY_NOTIFIED, actor=actor, note=text, rule="T18", due_before=before)
    _issue_act(filing, action="authority_notice", actor=actor, body=note.strip())
    return filing


# --- The antimafia check before registering (CTS art. 48 c.6; DM 106/2020 art. 9 c.1; D.Lgs. 159/2011) ----------

# The registrations the office examines itself (DM 106/2020 art. 9, also through art. 19). A notary's filing is
# checked for its form only (art. 16), and its entity is being constituted: it has no past years to declare.
ANTIMAFIA_KINDS = frozenset({Kind.REGISTRATION, Kind.AFTER_NOTARY_REFUSAL})


@transaction.atomic
def size_declaration_save(
    *,
    filing: Filing,
    closed_years: int,
    last_year: int | None = None,
    assets_last: Decimal | None = None,
    revenue_last: Decimal | None = None,
    employees_last: Decimal | None = None,
    assets_previous: Decimal | None = None,
    revenue_previous: Decimal | None = None,
    employees_previous: Decimal | None = None,
    today: date | None = None,
) -> SizeDeclaration:
    """The applicant declares its size in its last two closed financial years (CTS art. 31 c.1, for art. 48 c.6)."""
    filing = _lock(filing)
    if filing.kind not in ANTIMAFIA_KINDS:
        raise ValidationError(_("This type of filing has no size declaration."))
    if filing.state not in (State.DRAFT, State.INTEGRATION_REQUESTED):
        raise ValidationError(_("The size declaration can be changed only in a draft or during an integration."))
    if closed_years not in (0, 1, 2):
        raise ValidationError({"closed_years": _("Choose how many financial years the entity has closed.")})
    day = _today(today)
    last = {"assets_last": assets_last, "revenue_last": revenue_last, "employees_last": employees_last}
    previous = {
        "assets_previous": assets_previous,
        "revenue_previous": revenue_previous,
        "employees_previous": employees_previous,
    }
    errors: dict[str, str] = {}
    if closed_years == 0:
        last_year = None
        last = dict.fromkeys(last)
    elif last_year is None or not day.year - 2 <= last_year <= day.year - 1:
        errors["last_year"] = _("The last closed financial year is %(a)d or %(b)d.") % {
            "a": day.year - 2,
            "b": day.year - 1,
        }
    if closed_years < 2:
        previous = dict.fromkeys(previous)
    required = {**(last if closed_years >= 1 else {}), **(previous if closed_years == 2 else {})}
    for field, value in required.items():
        if value is None:
            errors[field] = _("Give this figure (0 if none).")
        elif value < 0:
            errors[field] = _("A figure cannot be negative.")
    if errors:
        raise ValidationError(errors)
    declaration, _created = SizeDeclaration.objects.update_or_create(
        filing=filing, defaults={"closed_years": closed_years, "last_year": last_year, **last, **previous}
    )
    return declaration


def antimafia_required(filing: Filing) -> bool:
    """Whether the office must obtain the antimafia information before registering this applicant."""
    if filing.kind not in ANTIMAFIA_KINDS:
        return False
    declaration = SizeDeclaration.objects.filter(filing=filing).first()
    return declaration is not None and declaration.antimafia_required(filing.submitted_on or timezone.localdate())


def _check_of(filing: Filing) -> AntimafiaCheck | None:
    return AntimafiaCheck.objects.filter(filing=filing).first()


def antimafia_state(filing: Filing, *, today: date) -> str:
    """'' (not required), 'to_request', 'awaited', 'clear', 'adverse' or 'proceed_without' (30 days passed)."""
    if not antimafia_required(filing):
        return ""
    check = _check_of(filing)
    if check is None:
        return "to_request"
    if check.outcome:
        return str(check.outcome)
    return "awaited" if check.is_awaited(today) else "proceed_without"


def antimafia_block(filing: Filing, *, today: date) -> str:
    """Why the office may not register now because of the antimafia check, or '' if it may."""
    state = antimafia_state(filing, today=today)
    if state == "to_request":
        return _(
            "The applicant exceeded two of the size limits of D.Lgs. 117/2017 art. 31 c.1 in its last two "
            "financial years: request the antimafia information from the Prefettura before registering "
            "(art. 48 c.6; DM 106/2020 art. 9 c.1)."
        )
    if state == "awaited":
        check = _check_of(filing)
        assert check is not None
        return _(
            "The antimafia information requested on %(on)s is awaited: register once it arrives clear, or after "
            "%(until)s without it (D.Lgs. 159/2011 art. 92 cc.2-3)."
        ) % {"on": check.requested_on.strftime("%d/%m/%Y"), "until": check.wait_ends().strftime("%d/%m/%Y")}
    if state == AntimafiaOutcome.ADVERSE:
        return _(
            "The antimafia information is adverse: the entity cannot be registered. Send the notice of intended "
            "refusal, then refuse (D.Lgs. 117/2017 art. 48 c.6; L. 241/1990 art. 10-bis)."
        )
    return ""


def _suspended_for_antimafia(filing: Filing) -> bool:
    """The term stands still because the office awaits the Prefettura (not for a 10-bis notice)."""
    if filing.state != State.IN_REVIEW or filing.suspended_on is None or filing.kind not in ANTIMAFIA_KINDS:
        return False
    check = _check_of(filing)
    return check is not None and check.outcome == AntimafiaOutcome.PENDING and filing.suspended_on == check.requested_on


@transaction.atomic
def antimafia_request(
    *,
    filing: Filing,
    actor: User,
    version: int,
    requested_on: date,
    protocol: str,
    prefecture: str = "",
    today: date | None = None,
) -> AntimafiaCheck:
    """The office asked the Prefettura (through the BDNA) for the antimafia information: the term is suspended once,
    for at most 30 days (T24)."""
    filing = _lock(filing, version)
    day = _today(today)
    if filing.state != State.IN_REVIEW or not antimafia_required(filing):
        raise ValidationError(_("No antimafia check is to be requested for this filing now."))
    if _check_of(filing) is not None:
        raise ValidationError(_("The antimafia information has already been requested for this filing."))
    if not protocol.strip():
        raise ValidationError({"protocol": _("Give the protocol number of the request.")})
    if requested_on > day:
        raise ValidationError({"requested_on": _("The request cannot be dated in the future.")})
    before = filing.due_on
    clock = filing.clock()
    if clock is not None:
        try:
            filing.set_clock(deadlines.suspend_for_antimafia(clock, requested_on=requested_on))
        except ClockError:
            raise ValidationError(
                {"requested_on": _("The request must fall within the office's running term.")}
            ) from None
        _save(filing, *CLOCK_FIELDS)
    check = AntimafiaCheck.objects.create(
        filing=filing,
        requested_on=requested_on,
        request_protocol=protocol.strip(),
        prefecture=prefecture.strip() or "Prefettura di Milano",
        requested_by=actor,
    )
    _event(
        filing,
        EventCode.ANTIMAFIA_REQUESTED,
        actor=actor,
        note=f"{check.prefecture}, {check.request_protocol}",
        rule="T24",
        due_before=before,
    )
    return check


@transaction.atomic
def antimafia_record_outcome(
    *,
    filing: Filing,
    actor: User,
    version: int,
    outcome: str,
    received_on: date,
    reference: str = "",
    today: date | None = None,
) -> AntimafiaCheck:
    """The Prefettura's answer: clear, the office may register; adverse, it refuses after the 10-bis notice. The
    term runs again from its arrival if it was still suspended (T24)."""
    filing = _lock(filing, version)
    day = _today(today)
    check = _check_of(filing)
    if check is None or check.outcome:
        raise ValidationError(_("No antimafia information is awaited for this filing."))
    if outcome not in (AntimafiaOutcome.CLEAR, AntimafiaOutcome.ADVERSE):
        raise ValidationError({"outcome": _("Choose the outcome: clear or adverse.")})
    if not check.requested_on <= received_on <= day:
        raise ValidationError({"received_on": _("The information arrives after its request and no later than today.")})
    before = filing.due_on
    if _suspended_for_antimafia(filing):
        filing.set_clock(deadlines.resume_after_antimafia(filing.clock(), received_on=received_on))  # type: ignore[arg-type]
        _save(filing, *CLOCK_FIELDS)
    check.outcome, check.outcome_on, check.outcome_reference, check.outcome_by = (
        outcome,
        received_on,
        reference.strip(),
        actor,
    )
    check.save(update_fields=["outcome", "outcome_on", "outcome_reference", "outcome_by"])
    note = str(AntimafiaOutcome(outcome).label)
    if check.outcome_reference:
        note += f" · {check.outcome_reference}"
    _event(filing, EventCode.ANTIMAFIA_RECEIVED, actor=actor, note=note, rule="T24", due_before=before)
    return check


# --- Controls of the office (CTS art. 93) --------------------------------------------------------------------


@transaction.atomic
def control_open(
    *,
    entity: Entity,
    actor: User,
    scope: str,
    method: str,
    summary: str,
    on_report: bool = False,
    today: date | None = None,
) -> Filing:
    """An officer opens a control on a registered entity. Nothing reaches the entity yet: it hears of the control
    with the first formal act (need to know)."""
    errors = {}
    if scope not in ControlScope.values:
        errors["scope"] = _("Choose what the control verifies (D.Lgs. 117/2017 art. 93 c.1 a-c).")
    if method not in ControlMethod.values:
        errors["method"] = _("Choose how: documentary check, visit or inspection.")
    if not summary.strip():
        errors["summary"] = _("State why the control is opened (plan or report).")
    if errors:
        raise ValidationError(errors)
    if entity.status == EntityStatus.CANCELLED:
        raise ValidationError(_("Only an entity in the register can be controlled."))
    _check_can_start(organisation=entity.organisation, kind=Kind.CONTROL, entity=entity)
    day = _today(today)
    filing = Filing.objects.create(
        organisation=entity.organisation,
        entity=entity,
        kind=Kind.CONTROL,
        state=State.IN_REVIEW,
        created_by=actor,
        assignee=actor,
        summary=summary.strip()[:4000],
        pec=entity.pec or entity.organisation.pec,
        submitted_on=day,
        protocol=next_protocol(day),
    )
    Control.objects.create(filing=filing, scope=scope, method=method, on_report=on_report)
    _event(filing, EventCode.OPENED_BY_OFFICE, actor=actor, note=filing.summary)
    return filing


@transaction.atomic
def control_notify(*, filing: Filing, actor: User, version: int, text: str, today: date | None = None) -> Filing:
    """A formal communication during a control (a request for documents, the notice of a visit or inspection): it
    is numbered and sent by PEC, and from then on the entity sees the control on its portal."""
    filing = _lock(filing, version)
    if filing.kind != Kind.CONTROL or filing.state != State.IN_REVIEW:
        raise ValidationError(_("This control is not open."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the communication: it goes to the entity's PEC.")})
    _save(filing)
    _event(filing, EventCode.CONTROL_NOTICE, actor=actor, note=text)
    _issue_act(filing, action="control_notice", actor=actor, body=text)
    return filing


CONTROL_OUTCOME_TEXT = {
    ControlOutcome.NO_ISSUES: _("The control found no irregularities and is closed."),
    ControlOutcome.WARNING: _(
        "The office orders the entity to remedy within the term given in the warning that follows "
        "(D.Lgs. 117/2017 art. 48 c.4)."
    ),
    ControlOutcome.CANCELLATION: _(
        "The office starts the cancellation procedure for lack of requirements (DM 106/2020 artt. 23 c.1 d, 24): "
        "a communication with 30 days for observations follows."
    ),
    ControlOutcome.MIGRATION: _(
        "The entity no longer meets the requirements of its section: it may apply to migrate to another section "
        "(D.Lgs. 117/2017 art. 50 c.3; DM 106/2020 art. 22 c.2)."
    ),
}


@transaction.atomic
@audit.batch()
def control_conclude(
    *,
    filing: Filing,
    actor: User,
    version: int,
    findings: str,
    outcome: str,
    days: int | None = None,
    today: date | None = None,
) -> Filing:
    """The findings of a control, sent as a formal act with its protocol number, and what follows from them: a
    warning or a cancellation procedure through the usual paths, or an invitation to migrate."""
    filing = _lock(filing, version)
    if filing.kind != Kind.CONTROL or filing.state != State.IN_REVIEW:
        raise ValidationError(_("This control is not open."))
    findings = findings.strip()
    errors = {}
    if not findings:
        errors["findings"] = _("Write the findings: they go in the letter to the entity.")
    if outcome not in CONTROL_OUTCOME_TEXT:
        errors["outcome"] = _("Choose the outcome of the control.")
    if errors:
        raise ValidationError(errors)
    day = _today(today)
    control = Control.objects.select_for_update().get(filing=filing)
    assert filing.entity is not None
    follow_up = None
    if outcome == ControlOutcome.WARNING:
        follow_up = filing_open_by_office(
            entity=filing.entity, kind=Kind.WARNING, actor=actor, summary=findings, days=days, today=day
        )
    elif outcome == ControlOutcome.CANCELLATION:
        follow_up = filing_open_by_office(
            entity=filing.entity,
            kind=Kind.CANCELLATION,
            actor=actor,
            summary=findings,
            cause=CancellationCause.REQUIREMENTS,
            today=day,
        )
    control.findings, control.outcome, control.follow_up = findings, outcome, follow_up
    control.save(update_fields=["findings", "outcome", "follow_up"])
    before = filing.due_on
    filing.state, filing.decided_on = State.CLOSED, day
    _save(filing, "state", "decided_on")
    note = str(ControlOutcome(outcome).label) + (f" · {follow_up.reference}" if follow_up else "")
    _event(filing, EventCode.CONTROL_FINDINGS, actor=actor, note=note, due_before=before)
    _issue_act(
        filing,
        action="control_findings",
        actor=actor,
        body=f"{findings}\n\n{CONTROL_OUTCOME_TEXT[ControlOutcome(outcome)]}",
    )
    return filing


# --- Entries whose status predates the rule that a pending procedure shows on them ------------------------------


def entities_sync_status(*, today: date | None = None) -> dict[str, int]:
    """Give every entry with an open migration, warning or cancellation the status it shows (idempotent).

    The rule (`_sync_entity_status`) runs on each procedure's events; procedures already open when it came in
    never had one. Each entry is set in its own transaction, with the same precedence and history.
    """
    day = _today(today)
    counts: dict[str, int] = {}
    open_ids = (
        Filing.objects.filter(is_open=True, kind__in=_STATUS_KINDS, entity__isnull=False)
        .exclude(entity__status=EntityStatus.CANCELLED)
        .values_list("entity_id", flat=True)
        .distinct()
    )
    for entity_id in sorted(set(open_ids)):
        with transaction.atomic():
            filing = (
                Filing.objects.select_related("entity")
                .filter(entity_id=entity_id, is_open=True, kind__in=_STATUS_KINDS)
                .order_by("submitted_on", "pk")
                .first()
            )
            if filing is None or filing.entity is None:
                continue
            before = filing.entity.status
            _sync_entity_status(filing, day=day)
            after = filing.entity.status
            if after != before:
                counts[after] = counts.get(after, 0) + 1
    return counts
