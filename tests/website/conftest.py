from __future__ import annotations

import pytest

from pariter.core.models import Organisation, User
from pariter.core.roles import Role
from tests.conftest import make_user, signed_in
from tests.website import factories


@pytest.fixture
def site(db):  # type: ignore[no-untyped-def]
    return factories.ensure_site()


@pytest.fixture
def vera(office: Organisation) -> User:
    """Vera, a civil-service volunteer of the office: she drafts pages."""
    return make_user(
        "vera@cittametropolitana.mi.it", "Vera Volontaria", role=Role.CIVIL_SERVICE_VOLUNTEER, organisation=office
    )


@pytest.fixture
def as_vera(vera: User):  # type: ignore[no-untyped-def]
    return signed_in(vera)
