"""The Registro unico nazionale del Terzo settore, for the entities of the territory (D.Lgs. 117/2017 artt. 45–54).

The `Entity` row holds the register entry as it stands today; `EntityVersion`
holds every past state with its validity dates, so the register can answer
"what did it say on date X". Sections, secondary offices and office holders
carry their own periods.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pariter.core.models import Municipality, Organisation
from pariter.core.validators import validate_tax_code, validate_vat_number


class Section(models.Model):
    """A section of the register (CTS art. 46): reference data, since a decree may add one (art. 46 c.3)."""

    letter = models.CharField(_("letter"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=120)
    acronym = models.CharField(_("acronym"), max_length=8)
    # The label the Ministry's "Enti iscritti" file uses ("-" for reti associative).
    opendata_label = models.CharField(_("label in the Ministry's open data"), max_length=80)
    # CTS art. 46 c.2: a rete associativa may also hold one other section.
    combinable = models.BooleanField(_("may be held together with another section"), default=False)
    # CTS art. 51 c.1, DM 106 art. 21: no three-yearly review for imprese sociali and SMS.
    reviewed_every_three_years = models.BooleanField(_("three-yearly review"), default=True)
    source = models.CharField(_("source in law"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ("position", "letter")

    def __str__(self) -> str:
        return f"{self.letter}) {self.name}"


class GeneralInterestActivity(models.Model):
    """An activity of general interest listed in CTS art. 5 c.1 (reference data)."""

    letter = models.CharField(_("letter"), max_length=3, unique=True)
    description = models.CharField(_("description"), max_length=400)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("activity of general interest")
        verbose_name_plural = _("activities of general interest")
        ordering = ("position",)

    def __str__(self) -> str:
        return f"{self.letter}) {self.description}"


class RegistrationRoute(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary registration (DM 106/2020 art. 9)")
    NOTARIAL = "notarial", _("Registration through a notary (DM 106/2020 art. 16)")
    SILENCE = "silence", _("Registration by silence (CTS art. 47 c.4)")
    TRANSMIGRATION = "transmigration", _("Transmigration from the previous registers (CTS art. 54)")


class EntityStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    MIGRATING = "migrating", _("Migration in progress")
    WARNED = "warned", _("Warned (diffida)")
    CANCELLING = "cancelling", _("Under cancellation")
    CANCELLED = "cancelled", _("Cancelled")


class CancellationCause(models.TextChoices):
    # DM 106/2020 art. 23 c.1
    REQUEST = "a", _("a) at the entity's reasoned request")
    LIQUIDATION = "b", _("b) after liquidation or a court order")
    MEASURE = "c", _("c) definitive judicial or tax measure")
    REQUIREMENTS = "d", _("d) requirements found lacking by the office")
    WARNING = "e", _("e) warning (diffida) not complied with")


PUBLIC_STATUSES = (EntityStatus.REGISTERED, EntityStatus.MIGRATING, EntityStatus.WARNED, EntityStatus.CANCELLING)


class Entity(models.Model):
    """A third-sector entity's entry in the register, as it stands today."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="registry_entity", verbose_name=_("organisation")
    )
    tax_code = models.CharField(_("codice fiscale"), max_length=16, unique=True, validators=[validate_tax_code])
    vat_number = models.CharField(_("partita IVA"), max_length=11, blank=True, validators=[validate_vat_number])
    name = models.CharField(_("denominazione"), max_length=400)
    # Upper-cased name without leading punctuation: the stable sort key of every list.
    sort_name = models.CharField(max_length=400, editable=False)
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    legal_nature = models.CharField(_("legal nature"), max_length=120, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered office: municipality")
    )
    address = models.CharField(_("registered office: address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    constituted_on = models.DateField(_("date of constitution"), null=True, blank=True)
    activities = models.ManyToManyField(
        GeneralInterestActivity, blank=True, related_name="+", verbose_name=_("activities of general interest")
    )
    has_legal_personality = models.BooleanField(_("legal personality"), default=False)
    patrimony = models.DecimalField(_("patrimonio"), max_digits=14, decimal_places=2, null=True, blank=True)
    five_per_thousand = models.BooleanField(_("accredited to the 5x1000"), default=False, db_index=True)
    in_network = models.BooleanField(_("member of a rete associativa"), default=False, db_index=True)
    networks = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="network_members", verbose_name=_("reti associative")
    )
    repertory_number = models.PositiveIntegerField(_("repertorio"), unique=True, null=True, blank=True)
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    registration_route = models.CharField(
        _("registration route"), max_length=16, choices=RegistrationRoute.choices, default=RegistrationRoute.ORDINARY
    )
    # The national platform sometimes publishes the date as a sentence ("Iscritto tramite trasmigrazione …").
    registration_note = models.CharField(_("registration note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EntityStatus.choices, default=EntityStatus.REGISTERED, db_index=True
    )
    cancellation_cause = models.CharField(
        _("cancellation cause"), max_length=1, choices=CancellationCause.choices, blank=True
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic demo data"), default=False, help_text=_("Generated for demonstration: not a real entry.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ("sort_name", "id")
        indexes = [
            models.Index(fields=["sort_name", "id"], name="entity_sort"),
            models.Index(fields=["municipality", "sort_name", "id"], name="entity_muni_sort"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="cancelled") | Q(cancellation_cause=""), name="entity_cause_only_when_cancelled"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_name = sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registry:entity", args=[self.repertory_number])

    def clean(self) -> None:
        if self.pk and self.repertory_number is not None:
            before = Entity.objects.filter(pk=self.pk).values_list("repertory_number", flat=True).first()
            if before is not None and before != self.repertory_number:
                raise ValidationError(
                    {"repertory_number": _("The repertorio number is assigned once and never changes.")}
                )

    @property
    def is_public(self) -> bool:
        return self.repertory_number is not None and self.status in PUBLIC_STATUSES


def sort_key(name: str) -> str:
    return name.strip().lstrip("\"'“”«».,-– ").upper()[:400]


class EntitySection(models.Model):
    """An entity's membership of a section, for a period (CTS art. 46; migrations under art. 50 c.3)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="section_periods")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+", verbose_name=_("section"))
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True, help_text=_("The first day no longer in it."))

    class Meta:
        verbose_name = _("section period")
        verbose_name_plural = _("section periods")
        # Ties (a rete associativa entering two sections on one day) must sort the same on every engine.
        ordering = ("valid_from", "section_id", "id")
        indexes = [models.Index(fields=["section", "valid_to", "entity"], name="entitysection_current")]

    def __str__(self) -> str:
        return f"{self.entity_id}: {self.section.letter} {self.valid_from}–{self.valid_to or ''}"

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class OfficeHolderRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    PRESIDENT = "president", _("President")
    VICE_PRESIDENT = "vice_president", _("Vice-president")
    BOARD_MEMBER = "board_member", _("Board member")
    AUDITOR = "auditor", _("Supervisory body / auditor")
    LIQUIDATOR = "liquidator", _("Liquidator")


class OfficeHolder(models.Model):
    """A legal representative or office holder (CTS art. 48 c.1), with the period of office."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="office_holders")
    role = models.CharField(_("role"), max_length=24, choices=OfficeHolderRole.choices)
    full_name = models.CharField(_("name and surname"), max_length=200)
    # Personal data: kept for the office, never published nor exported.
    tax_code = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    powers = models.CharField(_("powers and limitations"), max_length=300, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("The first day no longer in office."))

    class Meta:
        verbose_name = _("office holder")
        verbose_name_plural = _("office holders")
        ordering = ("role", "starts_on", "id")
        indexes = [models.Index(fields=["entity", "ends_on"], name="officeholder_current")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    def in_office_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


class SecondaryOffice(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="secondary_offices")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=300, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("secondary office")
        verbose_name_plural = _("secondary offices")
        ordering = ("starts_on", "id")

    def __str__(self) -> str:
        return f"{self.address}, {self.municipality.name}"


class DocumentKind(models.TextChoices):
    DEED_OF_INCORPORATION = "deed", _("Deed of incorporation (atto costitutivo)")
    STATUTE = "statute", _("Statute")
    ANNUAL_ACCOUNTS = "accounts", _("Annual accounts (bilancio d'esercizio)")
    CASH_STATEMENT = "cash_statement", _("Cash statement (rendiconto per cassa)")
    SOCIAL_REPORT = "social_report", _("Social report (bilancio sociale)")
    FUNDRAISING_REPORT = "fundraising", _("Fundraising report (rendiconto raccolta fondi)")
    MINUTES = "minutes", _("Minutes of approval")
    OTHER = "other", _("Other deed")


class DepositedDocument(models.Model):
    """A deed or account deposited in the register (CTS art. 48; DM 106 art. 20); public."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    file = models.FileField(_("file"), upload_to="registry/documents/%Y/", blank=True)
    deposited_on = models.DateField(_("deposited on"))
    filing_reference = models.CharField(_("filing reference"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("deposited document")
        verbose_name_plural = _("deposited documents")
        ordering = ("-year", "kind")
        indexes = [models.Index(fields=["entity", "-year"], name="document_entity_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"


class EntityVersion(models.Model):
    """The public content of an entry during a period: the register's memory.

    `data` holds every public field, the sections and the office holders as
    they were; `valid_to` is the first day the version no longer applied.
    """

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    data = models.JSONField()
    changed_fields = models.JSONField(default=list)
    reason = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entry version")
        verbose_name_plural = _("entry versions")
        ordering = ("entity", "valid_from", "id")
        indexes = [models.Index(fields=["entity", "valid_from"], name="version_entity_from")]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.valid_from}–{self.valid_to or ''}"


class RepertorySequence(models.Model):
    """The next repertorio number to assign; one row, locked while a number is taken."""

    next_number = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("repertorio sequence")

    def __str__(self) -> str:
        return str(self.next_number)
