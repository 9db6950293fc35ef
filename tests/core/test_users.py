"""The staff area's management of users, roles and memberships."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from pariter.core.models import AuditEntry, Membership, User
from pariter.core.roles import Role


def test_an_administrator_lists_and_filters_users(as_alice, oscar, charlie):
    response = as_alice.get(reverse("core:user_list"), {"role": Role.REGISTER_OFFICER})
    assert [u.email for u in response.context["page"].items] == [oscar.email]
    response = as_alice.get(reverse("core:user_list"), {"q": "charlie"})
    assert [u.email for u in response.context["page"].items] == [charlie.email]


def test_the_user_list_runs_a_constant_number_of_queries(as_alice, django_assert_max_num_queries):
    for i in range(30):
        User.objects.create_user(f"user{i}@example.org", "x" * 12, full_name=f"User {i}")
    with django_assert_max_num_queries(8):
        as_alice.get(reverse("core:user_list"))


def test_a_tampered_cursor_is_404(as_alice):
    assert as_alice.get(reverse("core:user_list"), {"cursor": "forged"}).status_code == 404


def test_an_administrator_creates_an_account_and_an_invitation_is_sent(as_alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(
            reverse("core:user_create"), {"full_name": "Nuova Persona", "email": "Nuova@Example.org"}
        )
    user = User.objects.get(email="nuova@example.org")
    assert response.status_code == 302
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nuova@example.org"]
    assert "/account/password/reset/key/" in mail.outbox[0].body


def test_a_duplicate_e_mail_is_refused(as_alice, charlie):
    response = as_alice.post(reverse("core:user_create"), {"full_name": "Copy", "email": charlie.email.upper()})
    assert response.status_code == 200 and response.context["form"].errors["email"]
    assert User.objects.filter(email__iexact=charlie.email).count() == 1


def test_an_administrator_assigns_a_role_with_a_reason(as_alice, charlie, inps):
    url = reverse("core:membership_add", args=[charlie.pk])
    response = as_alice.post(
        url, {"organisation": inps.tax_code, "role": Role.AGENCY_OPERATOR, "reason": "Protocol 2026"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=charlie)
    entry = AuditEntry.objects.filter(action="core.membership.created", object_id=str(membership.pk)).get()
    assert entry.reason == "Protocol 2026"


def test_an_unknown_codice_fiscale_is_refused(as_alice, charlie):
    url = reverse("core:membership_add", args=[charlie.pk])
    response = as_alice.post(url, {"organisation": "80051890152", "role": Role.AGENCY_OPERATOR})
    assert response.status_code == 400
    assert response.context["membership_form"].errors["organisation"]


def test_the_codice_fiscale_is_normalised(as_alice, charlie, inps):
    url = reverse("core:membership_add", args=[charlie.pk])
    as_alice.post(url, {"organisation": " 800 787 505 87 ", "role": Role.AGENCY_OPERATOR})
    assert Membership.objects.filter(user=charlie, organisation=inps).exists()


def test_a_role_that_does_not_fit_the_organisation_is_refused(as_alice, charlie, inps, airc):
    url = reverse("core:membership_add", args=[charlie.pk])
    cases = [
        (inps, Role.REGISTER_OFFICER),  # office roles belong to the office
        (airc, Role.AGENCY_OPERATOR),  # an ETS is not a partner agency
        (inps, Role.ENTITY_REPRESENTATIVE),  # INPS is not a third-sector entity
    ]
    for org, role in cases:
        response = as_alice.post(url, {"organisation": org.tax_code, "role": role})
        assert response.status_code == 400, (org, role)
        assert response.context["membership_form"].errors
    assert not Membership.objects.filter(user=charlie).exists()


def test_an_end_date_before_the_start_is_refused(as_alice, charlie, inps):
    url = reverse("core:membership_add", args=[charlie.pk])
    response = as_alice.post(
        url,
        {
            "organisation": inps.tax_code,
            "role": Role.AGENCY_OPERATOR,
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
        },
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user=charlie).exists()


def test_permissions_follow_the_membership(as_alice, bianca):
    assert not bianca.has_role_perm("core.manage_organisations")
    membership = bianca.memberships.get()
    response = as_alice.post(reverse("core:membership_end", args=[bianca.pk, membership.pk]), {"reason": "Left INPS"})
    assert response.status_code == 302
    bianca = User.objects.get(pk=bianca.pk)
    assert bianca.roles == {Role.CITIZEN}
    assert Membership.objects.filter(pk=membership.pk, ends_on__isnull=False).exists()


def test_a_user_can_hold_several_memberships(as_alice, charlie, inps, milano):
    from pariter.core.models import Organisation

    comune = Organisation.objects.create(
        name="Comune di Milano", kind="municipality", tax_code="01199250158", municipality=milano
    )
    url = reverse("core:membership_add", args=[charlie.pk])
    as_alice.post(url, {"organisation": inps.tax_code, "role": Role.AGENCY_OPERATOR})
    as_alice.post(url, {"organisation": comune.tax_code, "role": Role.AGENCY_OPERATOR})
    charlie = User.objects.get(pk=charlie.pk)
    assert {m.organisation_id for m in charlie.active_memberships} == {inps.pk, comune.pk}


def test_the_administrator_role_grants_the_django_admin(as_alice, charlie, office):
    as_alice.post(
        reverse("core:membership_add", args=[charlie.pk]), {"organisation": office.tax_code, "role": Role.ADMINISTRATOR}
    )
    charlie.refresh_from_db()
    assert charlie.is_staff and charlie.is_superuser


def test_an_administrator_deactivates_an_account_but_not_their_own(as_alice, alice, charlie):
    url = reverse("core:user_detail", args=[charlie.pk])
    as_alice.post(url, {"full_name": charlie.full_name, "is_active": "", "reason": "Left the office"})
    charlie.refresh_from_db()
    assert not charlie.is_active
    response = as_alice.post(
        reverse("core:user_detail", args=[alice.pk]), {"full_name": alice.full_name, "is_active": ""}
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.is_active


def test_another_users_membership_cannot_be_ended_through_a_forged_url(as_alice, bianca, eve):
    membership = eve.memberships.get()
    response = as_alice.post(reverse("core:membership_end", args=[bianca.pk, membership.pk]))
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.ends_on is None


def test_officers_who_are_not_administrators_cannot_manage_users(as_oscar, charlie, office):
    url = reverse("core:membership_add", args=[charlie.pk])
    assert as_oscar.post(url, {"organisation": office.tax_code, "role": Role.ADMINISTRATOR}).status_code == 403
    assert not Membership.objects.filter(user=charlie).exists()


def test_the_acting_organisation_can_be_chosen_among_ones_own(as_alice, charlie, inps, airc):
    from pariter.core import services
    from tests.conftest import signed_in

    services.membership_add(user=charlie, organisation=airc, role=Role.ENTITY_REPRESENTATIVE)
    client = signed_in(User.objects.get(pk=charlie.pk))
    client.post(reverse("core:acting_organisation"), {"organisation": airc.pk})
    assert client.session["acting_organisation_id"] == airc.pk
    client.post(reverse("core:acting_organisation"), {"organisation": inps.pk})
    assert client.session["acting_organisation_id"] == airc.pk
