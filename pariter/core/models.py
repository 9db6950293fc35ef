from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from pariter.core.roles import MFA_ROLES, Perm, Role, mfa_required_by_areas, permissions_for
from pariter.core.validators import normalise_tax_code, validate_tax_code, validate_vat_number


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. What they may do comes from their memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    # Kept in step with the administrator role by services.sync_admin_flags.
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("email",)

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def active_memberships(self) -> list[Membership]:
        today = timezone.localdate()
        return list(
            self.memberships.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today), starts_on__lte=today)
            .select_related("organisation")
            .order_by("organisation__name", "role")
        )

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_authenticated:
            return frozenset()
        held = {m.role for m in self.active_memberships}
        return frozenset(held or {Role.CITIZEN})

    def has_role_perm(self, perm: str) -> bool:
        return self.is_active and perm in permissions_for(set(self.roles))

    @property
    def is_office_staff(self) -> bool:
        return self.has_role_perm(Perm.STAFF_AREA)

    @property
    def requires_mfa(self) -> bool:
        """Staff roles, and whatever an area registered with roles.require_mfa_when (an enabled notary)."""
        return bool(self.roles & MFA_ROLES) or (self.is_active and mfa_required_by_areas(self))


class Municipality(models.Model):
    """An Italian comune for one validity period, from the ANPR archive."""

    istat_code = models.CharField(_("ISTAT code"), max_length=6, db_index=True)
    cadastral_code = models.CharField(_("cadastral code"), max_length=4, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    province_code = models.CharField(_("province"), max_length=2, db_index=True)
    region_code = models.CharField(_("region ISTAT code"), max_length=2)
    valid_from = models.DateField(_("established on"))
    valid_to = models.DateField(_("ceased on"), null=True, blank=True)
    is_metropolitan = models.BooleanField(_("in Città metropolitana di Milano"), default=False, db_index=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ("name",)
        constraints = [models.UniqueConstraint(fields=["istat_code", "valid_from"], name="municipality_istat_period")]
        indexes = [models.Index(fields=["name"], name="municipality_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.province_code})" if self.province_code else self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    COOPERATIVE = "cooperative", _("Social cooperative or managing body")
    VOLUNTEER_ORGANISATION = "volunteer_organisation", _("Volunteer organisation")
    THIRD_SECTOR = "third_sector", _("Other third-sector entity")
    ENTERPRISE = "enterprise", _("Enterprise")
    PUBLIC_AGENCY = "public_agency", _("Public agency")
    ANTI_VIOLENCE_CENTRE = "anti_violence_centre", _("Anti-violence centre")


THIRD_SECTOR_KINDS = frozenset(
    {OrganisationKind.COOPERATIVE, OrganisationKind.VOLUNTEER_ORGANISATION, OrganisationKind.THIRD_SECTOR}
)
AGENCY_KINDS = frozenset(
    {OrganisationKind.PUBLIC_AGENCY, OrganisationKind.MUNICIPALITY, OrganisationKind.ANTI_VIOLENCE_CENTRE}
)


class OrganisationSource(models.TextChoices):
    MANUAL = "manual", _("Entered by the office")
    FIVE_PER_THOUSAND_2022 = "5x1000_2022", _("5x1000 2022 list (Agenzia delle Entrate)")
    REFERENCE = "reference", _("Reference data")
    RUNTS_OPEN_DATA = "runts", _("RUNTS open data (Ministry of Labour)")
    SYNTHETIC = "synthetic", _("Synthetic demo data")


class Organisation(models.Model):
    """One body in the directory. The codice fiscale is its identity."""

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("type"), max_length=32, choices=OrganisationKind.choices, db_index=True)
    tax_code = models.CharField(_("codice fiscale"), max_length=16, unique=True, validators=[validate_tax_code])
    vat_number = models.CharField(_("partita IVA"), max_length=11, blank=True, validators=[validate_vat_number])
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_home_office = models.BooleanField(_("this is the office running Pariter"), default=False, editable=False)
    source = models.CharField(
        _("source"), max_length=16, choices=OrganisationSource.choices, default=OrganisationSource.MANUAL
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ("name", "id")
        indexes = [
            models.Index(fields=["name", "id"], name="organisation_name_id"),
            models.Index(fields=["kind", "name", "id"], name="organisation_kind_name"),
            models.Index(fields=["municipality", "name", "id"], name="organisation_muni_name"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["is_home_office"], condition=Q(is_home_office=True), name="one_home_office")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:organisation_detail", args=[self.pk])

    def clean(self) -> None:
        self.tax_code = normalise_tax_code(self.tax_code)
        if (
            self.municipality_id
            and not Municipality.objects.filter(pk=self.municipality_id, valid_to__isnull=True).exists()
        ):
            raise ValidationError({"municipality": _("Choose a municipality that exists today.")})


class Membership(models.Model):
    """A person's role in an organisation, for a period."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    starts_on = models.DateField(_("from"), default=date.today)
    # The first day the role no longer applies: ending a membership "today" takes effect at once.
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("The first day on which the role no longer applies.")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ("organisation__name", "role")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

    def is_active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on > day)


class AuditEntry(models.Model):
    """One line of the append-only, hash-chained audit log.

    References are plain ids without database constraints: an entry must
    outlive the user, organisation or record it mentions, and must never be
    rewritten by a cascade.
    """

    at = models.DateTimeField(_("when"), db_index=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ("-id",)
        indexes = [models.Index(fields=["content_type", "object_id", "id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("Audit entries are append-only.")


class AuditChainHead(models.Model):
    """The last link of the audit chain; locked while a new entry is added."""

    last_hash = models.CharField(max_length=64)
    last_entry_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return self.last_hash


class CacheVersion(models.Model):
    """The generation of cached public pages for one scope: bumped by every write to the data they show."""

    scope = models.CharField(max_length=40, primary_key=True)
    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("cache version")

    def __str__(self) -> str:
        return f"{self.scope} {self.number}"
