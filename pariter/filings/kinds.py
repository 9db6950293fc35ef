"""The filing types: each one's states, actions, terms, required documents and conflicts, as data.

A filing moves between a small set of states; the table says which actions each type allows in each state,
so a button the law does not allow is never shown, and a forged request for it is refused by the service.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pariter.filings.deadlines import Silence


class Kind(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    NOTARIAL_REGISTRATION = "notarial", _("Registration with legal personality (notary)")
    AFTER_NOTARY_REFUSAL = "after_refusal", _("Registration after a notary's refusal")
    MIGRATION = "migration", _("Migration to another section")
    DEED_UPDATE = "deed_update", _("Filing or update of deeds")
    ANNUAL_ACCOUNTS = "accounts", _("Annual accounts")
    CANCELLATION = "cancellation", _("Cancellation")
    REVIEW = "review", _("Three-yearly review")
    WARNING = "warning", _("Warning (diffida)")
    DEVOLUTION = "devolution", _("Opinion on the devolution of assets")
    CONTROL = "control", _("Control (CTS art. 93)")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("Under examination")
    INTEGRATION_REQUESTED = "integration", _("Integration requested")
    REFUSAL_NOTICE = "refusal_notice", _("Notice of intended refusal")
    AWAITING_ENTITY = "awaiting_entity", _("Waiting for the entity")
    ACCEPTED = "accepted", _("Accepted")
    ACCEPTED_BY_SILENCE = "accepted_silence", _("Accepted by silence")
    REFUSED = "refused", _("Refused")
    REFUSED_BY_SILENCE = "refused_silence", _("Denied by silence")
    CLOSED = "closed", _("Concluded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = frozenset(
    {State.SUBMITTED, State.IN_REVIEW, State.INTEGRATION_REQUESTED, State.REFUSAL_NOTICE, State.AWAITING_ENTITY}
)
FINAL_STATES = frozenset(
    {
        State.ACCEPTED,
        State.ACCEPTED_BY_SILENCE,
        State.REFUSED,
        State.REFUSED_BY_SILENCE,
        State.CLOSED,
        State.WITHDRAWN,
    }
)


class Action(models.TextChoices):
    """What an officer can do to a filing."""

    TAKE_CHARGE = "take_charge", _("Take charge")
    REQUEST_INTEGRATION = "request_integration", _("Request integration")
    NOTIFY_REFUSAL = "notify_refusal", _("Notice of intended refusal")
    ACCEPT = "accept", _("Register")
    REFUSE = "refuse", _("Refuse")
    CONCLUDE = "conclude", _("Conclude")


class DocKind(models.TextChoices):
    DEED_OF_INCORPORATION = "deed", _("Deed of incorporation (atto costitutivo)")
    STATUTE = "statute", _("Statute")
    NOTARIAL_DEED = "notarial_deed", _("Notarial deposit and assets statement")
    NOTARY_REFUSAL = "notary_refusal", _("Notary's communication of refusal")
    ACCOUNTS = "accounts", _("Annual accounts (models A, B, C)")
    CASH_STATEMENT = "cash_statement", _("Cash statement (model D)")
    APPROVAL_MINUTES = "minutes", _("Minutes of approval")
    FUNDRAISING_REPORT = "fundraising", _("Fundraising report (rendiconto raccolta fondi)")
    SOCIAL_REPORT = "social_report", _("Social report (bilancio sociale)")
    CHANGED_DEED = "changed_deed", _("Changed deed or resolution")
    REQUEST = "request", _("Reasoned request")
    ASSETS_STATEMENT = "assets", _("Statement of residual assets")
    INTEGRATION = "integration", _("Integration")
    OBSERVATIONS = "observations", _("Observations")
    OFFICE_ACT = "office_act", _("Act of the office")
    OTHER = "other", _("Other document")


# Which action leads to which state; `None` means "the final state of that action for the type" (see below).
@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    decision_rule: str | None  # the office's term (deadlines.RULES), or None when the law sets none
    silence: Silence
    required_documents: tuple[DocKind, ...]
    needs_entity: bool  # the entity must already be in the register
    exclusive_group: str  # two open filings of one group for the same organisation conflict
    started_by_office: bool
    integration_allowed: bool
    refusal_notice_allowed: bool
    accept_label: Promise
    source: str


_accept = _("Register")
SPECS: dict[str, KindSpec] = {
    s.kind: s
    for s in [
        KindSpec(
            Kind.REGISTRATION,
            "T1",
            Silence.REGISTERS,
            (DocKind.DEED_OF_INCORPORATION, DocKind.STATUTE),
            needs_entity=False,
            exclusive_group="registration",
            started_by_office=False,
            integration_allowed=True,
            refusal_notice_allowed=True,
            accept_label=_accept,
            source="CTS art. 47; DM 106/2020 artt. 8-9",
        ),
        KindSpec(
            Kind.NOTARIAL_REGISTRATION,
            "T8",
            # DM 106/2020 art. 16: the notary checks the substance; we found no silence rule we could verify,
            # so a missed term is shown as missed and the office decides.
            Silence.NOTHING,
            (DocKind.NOTARIAL_DEED, DocKind.STATUTE),
            needs_entity=False,
            exclusive_group="registration",
            started_by_office=False,
            integration_allowed=True,
            refusal_notice_allowed=True,
            accept_label=_accept,
            source="CTS art. 22; DM 106/2020 art. 16",
        ),
        KindSpec(
            Kind.AFTER_NOTARY_REFUSAL,
            "T10",
            Silence.DENIES,
            (DocKind.NOTARY_REFUSAL, DocKind.DEED_OF_INCORPORATION, DocKind.STATUTE),
            needs_entity=False,
            exclusive_group="registration",
            started_by_office=False,
            integration_allowed=True,
            refusal_notice_allowed=True,
            accept_label=_accept,
            source="DM 106/2020 art. 19",
        ),
        KindSpec(
            Kind.MIGRATION,
            "T1",
            # DM 106/2020 art. 22 runs the procedure of art. 9, silence included (CTS art. 47 c.4).
            Silence.REGISTERS,
            (DocKind.STATUTE,),
            needs_entity=True,
            exclusive_group="migration",
            started_by_office=False,
            integration_allowed=True,
            refusal_notice_allowed=True,
            accept_label=_("Migrate"),
            source="CTS art. 50 c.3; DM 106/2020 art. 22",
        ),
        KindSpec(
            Kind.DEED_UPDATE,
            None,
            Silence.NOTHING,
            (DocKind.CHANGED_DEED,),
            needs_entity=True,
            exclusive_group="",
            started_by_office=False,
            integration_allowed=True,
            refusal_notice_allowed=False,
            accept_label=_("Record in the register"),
            source="CTS art. 48 c.3; DM 106/2020 art. 20",
        ),
        KindSpec(
            Kind.ANNUAL_ACCOUNTS,
            None,
            Silence.NOTHING,
            (DocKind.APPROVAL_MINUTES,),  # plus the accounts of the right model: see documents.required_for
            needs_entity=True,
            exclusive_group="",
            started_by_office=False,
            integration_allowed=True,
            refusal_notice_allowed=False,
            accept_label=_("Deposit in the register"),
            source="CTS artt. 13, 14, 48 c.3; DM 106/2020 art. 20",
        ),
        KindSpec(
            Kind.CANCELLATION,
            "T17",
            Silence.NOTHING,
            (),
            needs_entity=True,
            exclusive_group="cancellation",
            started_by_office=True,
            integration_allowed=False,
            refusal_notice_allowed=False,
            accept_label=_("Cancel from the register"),
            source="CTS art. 50; DM 106/2020 artt. 23-24",
        ),
        KindSpec(
            Kind.REVIEW,
            None,
            Silence.NOTHING,
            (),
            needs_entity=True,
            exclusive_group="review",
            started_by_office=True,
            integration_allowed=True,
            refusal_notice_allowed=False,
            accept_label=_("Confirm the requirements"),
            source="DM 106/2020 art. 21",
        ),
        KindSpec(
            Kind.WARNING,
            "T14",
            Silence.NOTHING,
            (),
            needs_entity=True,
            exclusive_group="warning",
            started_by_office=True,
            integration_allowed=False,
            refusal_notice_allowed=False,
            accept_label=_("Complied with"),
            source="CTS art. 48 c.4; DM 106/2020 art. 23 c.1 e)",
        ),
        KindSpec(
            Kind.DEVOLUTION,
            "T19",
            Silence.APPROVES,
            (DocKind.ASSETS_STATEMENT,),
            needs_entity=True,
            exclusive_group="devolution",
            started_by_office=False,
            integration_allowed=False,
            refusal_notice_allowed=False,
            accept_label=_("Favourable opinion"),
            source="CTS art. 9; DM 106/2020 art. 25",
        ),
        KindSpec(
            Kind.CONTROL,
            None,  # CTS art. 93 sets no term: the office plans its controls
            Silence.NOTHING,
            (),
            needs_entity=True,
            # A control runs alongside the entity's filings; only two controls of one entity conflict.
            exclusive_group="control",
            started_by_office=True,
            integration_allowed=False,
            refusal_notice_allowed=False,
            accept_label=_("Record the findings"),
            source="CTS art. 93",
        ),
    ]
}

ENTITY_KINDS = [k for k in Kind if not SPECS[k].started_by_office]
OFFICE_KINDS = [k for k in Kind if SPECS[k].started_by_office]


def allowed_actions(kind: str, state: str) -> list[Action]:
    """The officer's actions the law allows for this type in this state, and no others."""
    spec = SPECS[kind]
    if state == State.SUBMITTED:
        return [Action.TAKE_CHARGE]
    if state == State.IN_REVIEW:
        actions = []
        if spec.integration_allowed:
            actions.append(Action.REQUEST_INTEGRATION)
        if spec.refusal_notice_allowed:
            actions.append(Action.NOTIFY_REFUSAL)
        if kind in (Kind.REVIEW, Kind.WARNING):
            # A review confirms the requirements or ends; a warning is complied with or leads to cancellation.
            return [*actions, Action.ACCEPT, Action.CONCLUDE]
        if kind == Kind.CONTROL:
            # A control ends with its findings (services.control_conclude), never with a register decision.
            return []
        if kind == Kind.CANCELLATION:
            # The office cancels, or closes the procedure when the observations convince it.
            return [Action.ACCEPT, Action.CONCLUDE]
        return [*actions, Action.ACCEPT, Action.REFUSE]
    if state == State.REFUSAL_NOTICE:
        # The observations may still arrive, but the office may not decide before the suspension ends.
        return []
    if state == State.AWAITING_ENTITY:
        return [Action.CONCLUDE] if kind == Kind.WARNING else []
    return []


# Actions that the law makes formal acts: each produces a signed letter or decision with a protocol number.
FORMAL_ACTS = frozenset({Action.REQUEST_INTEGRATION, Action.NOTIFY_REFUSAL, Action.ACCEPT, Action.REFUSE})
