"""Demo accounts for `make run`: one per persona of the office's work."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pariter.core import audit, services
from pariter.core.models import Organisation, OrganisationKind, User
from pariter.core.roles import Role

DEMO_PASSWORD = "pariter-demo-2026"

# (e-mail, full name, role, organisation chooser)
PERSONAS: list[tuple[str, str, str | None, str]] = [
    ("admin@pariter.test", "Anna Amministratrice", Role.ADMINISTRATOR, "office"),
    ("runts@pariter.test", "Roberto Registro", Role.REGISTER_OFFICER, "office"),
    ("formazione@pariter.test", "Francesca Formazione", Role.TRAINING_OFFICER, "office"),
    ("rete@pariter.test", "Nicola Rete", Role.NETWORK_OFFICER, "office"),
    ("volontaria@pariter.test", "Valentina Volontaria", Role.CIVIL_SERVICE_VOLUNTEER, "office"),
    ("inps@pariter.test", "Ivo Operatore", Role.AGENCY_OPERATOR, "agency"),
    ("ente@pariter.test", "Elena Rappresentante", Role.ENTITY_REPRESENTATIVE, "entity"),
    ("cittadino@pariter.test", "Carlo Cittadino", None, ""),
]


class Command(BaseCommand):
    help = "Create the demo accounts (development only) and print their logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Allow running with DEBUG off.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts have a published password: refusing to create them with DEBUG off.")
        try:
            office = Organisation.objects.get(is_home_office=True)
        except Organisation.DoesNotExist:
            raise CommandError("Run `manage.py seed_directory` first: the home office is missing.") from None
        agency = (
            Organisation.objects.filter(name__icontains="INPS").first()
            or Organisation.objects.filter(kind=OrganisationKind.PUBLIC_AGENCY, is_home_office=False).first()
        )
        entity = Organisation.objects.filter(kind=OrganisationKind.VOLUNTEER_ORGANISATION).order_by("name").first()
        choose = {"office": office, "agency": agency, "entity": entity}
        with transaction.atomic(), audit.context(actor_label="seed_demo", reason="Demo data for development"):
            for email, name, role, where in PERSONAS:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
                organisation = choose.get(where)
                if role and organisation and not user.memberships.filter(role=role).exists():
                    services.membership_add(user=user, organisation=organisation, role=role)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD}):"))
        for email, name, role, where in PERSONAS:
            label = Role(role).label if role else Role.CITIZEN.label
            org = choose.get(where)
            self.stdout.write(f"  {email:<26} {name:<22} {label}{f' · {org.name}' if org else ''}")
        self.stdout.write(
            "Office staff and agency operators set up an authenticator app (TOTP) at their first sign-in."
        )
