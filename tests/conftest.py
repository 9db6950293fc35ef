"""Shared fixtures: reference data, factories and the personas of Pariter's tests.

Personas (as in every test file):
- alice, the administrator of the office;
- oscar, a register officer of the office;
- bianca, an operator of another agency (INPS);
- eve, a representative of a third-sector entity;
- charlie, a signed-in outsider with no role (a citizen account);
- the anonymous citizen is simply the unauthenticated client.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from asgiref.local import Local
from django.conf import settings
from django.test import Client

from pariter.core import services
from pariter.core.models import Municipality, Organisation, OrganisationKind, User
from pariter.core.roles import Role

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True, scope="session")
def _immediate_tasks() -> None:
    """Run background tasks inline in tests (Django has no per-test reset for task backends)."""
    from django.tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    task_backends._settings = None
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits and one-time codes live in the cache: every test starts from an empty one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_municipality(
    istat: str, name: str, cadastral: str, *, metro: bool = True, province: str = "MI"
) -> Municipality:
    return Municipality.objects.create(
        istat_code=istat,
        cadastral_code=cadastral,
        name=name,
        province_code=province,
        region_code="03",
        valid_from=dt.date(1861, 3, 17),
        is_metropolitan=metro,
    )


@pytest.fixture
def milano(db) -> Municipality:  # type: ignore[no-untyped-def]
    return make_municipality("015146", "MILANO", "F205")


@pytest.fixture
def sesto(db) -> Municipality:  # type: ignore[no-untyped-def]
    return make_municipality("015209", "SESTO SAN GIOVANNI", "I690")


@pytest.fixture
def office(milano: Municipality) -> Organisation:
    org = Organisation.objects.create(
        name="Città metropolitana di Milano",
        kind=OrganisationKind.PUBLIC_AGENCY,
        tax_code="08911820960",
        municipality=milano,
        is_home_office=True,
        address="Viale Piceno 60, 20129 Milano",
    )
    return org


@pytest.fixture
def inps(milano: Municipality) -> Organisation:
    return Organisation.objects.create(
        name="INPS – Direzione di coordinamento metropolitano di Milano",
        kind=OrganisationKind.PUBLIC_AGENCY,
        tax_code="80078750587",
        municipality=milano,
    )


@pytest.fixture
def airc(milano: Municipality) -> Organisation:
    return Organisation.objects.create(
        name="FONDAZIONE AIRC PER LA RICERCA SUL CANCRO ETS",
        kind=OrganisationKind.THIRD_SECTOR,
        tax_code="80051890152",
        municipality=milano,
    )


def make_user(email: str, name: str, *, role: str | None = None, organisation: Organisation | None = None) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    if role and organisation:
        services.membership_add(user=user, organisation=organisation, role=role)
        user.refresh_from_db()
    return user


@pytest.fixture
def alice(office: Organisation) -> User:
    return make_user(
        "alice@cittametropolitana.mi.it", "Alice Amministratrice", role=Role.ADMINISTRATOR, organisation=office
    )


@pytest.fixture
def oscar(office: Organisation) -> User:
    return make_user("oscar@cittametropolitana.mi.it", "Oscar Officer", role=Role.REGISTER_OFFICER, organisation=office)


@pytest.fixture
def bianca(inps: Organisation) -> User:
    return make_user("bianca@inps.it", "Bianca Operatrice", role=Role.AGENCY_OPERATOR, organisation=inps)


@pytest.fixture
def eve(airc: Organisation) -> User:
    return make_user("eve@airc.it", "Eve Rappresentante", role=Role.ENTITY_REPRESENTATIVE, organisation=airc)


@pytest.fixture
def charlie(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("charlie@example.org", "Charlie Outsider")


def signed_in(user: User) -> Client:
    """A client signed in as `user`, past the second factor (enrolled if their role needs one)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if user.requires_mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_alice(alice: User) -> Client:
    return signed_in(alice)


@pytest.fixture
def as_oscar(oscar: User) -> Client:
    return signed_in(oscar)


@pytest.fixture
def as_bianca(bianca: User) -> Client:
    return signed_in(bianca)


@pytest.fixture
def as_charlie(charlie: User) -> Client:
    return signed_in(charlie)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items) -> None:  # type: ignore[no-untyped-def]
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    no_browser = chromium_path() is None
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="PostgreSQL-only path; run with DATABASE_URL=postgres://…"))
        if "sqlite" in item.keywords and vendor != "sqlite3":
            item.add_marker(pytest.mark.skip(reason="SQLite-only path; run without DATABASE_URL"))
        # In CI a missing browser must fail the run, not skip quietly.
        if "browser" in item.keywords and no_browser and not os.environ.get("CI"):
            item.add_marker(pytest.mark.skip(reason="install the Debian package 'chromium' to run browser tests"))
