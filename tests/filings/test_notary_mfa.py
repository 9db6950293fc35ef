"""An enabled notary uses a second factor like staff; an ended notary and a citizen do not have to.

Personas: nora a notary enabled by oscar the register officer, charlie a citizen with no role.
"""

from __future__ import annotations

from datetime import date

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from pariter.core.models import User
from pariter.filings import services
from tests.conftest import make_user, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def nora(oscar):  # type: ignore[no-untyped-def]
    make_user("nora@notariato.it", "Nora Notaia")
    return services.notary_enable(
        email="nora@notariato.it", full_name="Nora Notaia", district="Milano", seat="Milano", actor=oscar,
        today=date(2026, 1, 1),
    )  # fmt: skip


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_enabled_notary_without_a_second_factor_is_sent_to_enrol(nora):
    response = _client(nora.user).get(reverse("filings:notary_home"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    assert User.objects.get(pk=nora.user.pk).requires_mfa


def test_an_enrolled_notary_works(nora):
    assert signed_in(nora.user).get(reverse("filings:notary_home")).status_code == 200


def test_an_enabled_notary_cannot_switch_the_second_factor_off(nora):
    client = signed_in(nora.user)
    client.post(reverse("mfa_deactivate_totp"), {})
    assert Authenticator.objects.filter(user=nora.user, type=Authenticator.Type.TOTP).exists()


def test_a_notary_no_longer_enabled_is_not_forced(nora, oscar):
    services.notary_end(notary=nora, actor=oscar)
    user = User.objects.get(pk=nora.user.pk)
    assert not user.requires_mfa
    assert _client(user).get(reverse("core:dashboard")).status_code == 200


def test_a_citizen_is_not_forced(charlie):
    assert not charlie.requires_mfa
    assert _client(charlie).get(reverse("core:dashboard")).status_code == 200
