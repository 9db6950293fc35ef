from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from pariter.core.models import User
from pariter.core.roles import Role


def test_it_creates_one_account_per_persona_and_is_idempotent(office, inps, settings, capsys, milano):
    from pariter.core.models import Organisation

    Organisation.objects.create(
        name="ODV Esempio", kind="volunteer_organisation", tax_code="80051890152", municipality=milano
    )
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "admin@pariter.test" in out and "pariter-demo-2026" in out
    admin = User.objects.get(email="admin@pariter.test")
    assert Role.ADMINISTRATOR in admin.roles and admin.is_superuser
    assert User.objects.get(email="cittadino@pariter.test").roles == {Role.CITIZEN}
    assert User.objects.filter(email__endswith="@pariter.test").count() == 8


def test_it_refuses_to_run_in_production(office, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(email__endswith="@pariter.test").exists()


def test_it_needs_the_directory_first(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_directory"):
        call_command("seed_demo")
