"""Django's system checks pass on the engine the suite runs on (migrate and runserver refuse to start otherwise)."""

from __future__ import annotations

from django.core.management import call_command


def test_the_system_checks_pass_on_this_engine(db):
    # Raises SystemCheckError on any error: for example a PostgreSQL-only field without django.contrib.postgres.
    call_command("check", databases=["default"])
