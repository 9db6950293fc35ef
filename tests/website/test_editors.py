"""Editors: Pariter's accounts and MFA; a volunteer drafts and submits, an officer approves and publishes."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from wagtail.models import Workflow

from pariter.core import services
from pariter.website import editors
from tests.conftest import signed_in
from tests.website import factories


def groups(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_roles_decide_the_wagtail_groups(site, vera, oscar, charlie):
    for user in (vera, oscar, charlie):
        signed_in(user).get(reverse("wagtailadmin_home"))
    assert groups(vera) == {editors.EDITORS}
    assert groups(oscar) == {editors.EDITORS, editors.MODERATORS}
    assert groups(charlie) == set()


def test_an_ended_role_ends_the_access_to_the_editor(site, vera):
    client = signed_in(vera)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    membership = vera.memberships.get()
    services.membership_end(membership=membership, ends_on=dt.date.today())
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert groups(vera) == set()


def test_the_editor_signs_in_through_allauth_only(client, site):
    response = client.post("/cms/login/", {"username": "x", "password": "y"})
    assert response.status_code in (301, 302)
    assert response.url.startswith(reverse("account_login"))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_staff_without_a_second_factor_cannot_reach_the_editor(site, vera):
    from django.test import Client

    client = Client()
    client.force_login(vera)  # no TOTP enrolled
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_a_volunteer_drafts_and_an_officer_approves(site, vera, oscar, client):
    for user in (vera, oscar):
        editors.sync_groups(user)
    news = factories.section("notizie", "Notizie")
    page = factories.draft_article(news, "nuova", "Nuova notizia", "<p>Testo della bozza</p>")
    assert not page.permissions_for_user(vera).can_publish()
    assert page.permissions_for_user(oscar).can_publish()

    workflow = page.get_workflow()
    assert isinstance(workflow, Workflow)
    state = workflow.start(page, vera)  # "Submit to Moderators approval"
    assert client.get("/notizie/nuova/").status_code == 404  # in moderation, still not public
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task_state in task.get_task_states_user_can_moderate(oscar)
    assert task_state not in task.get_task_states_user_can_moderate(vera)
    task.on_action(task_state, oscar, "approve")

    page.refresh_from_db()
    assert page.live
    assert "Testo della bozza" in client.get("/notizie/nuova/").text


def test_a_volunteer_reaches_the_page_create_form(site, as_vera, vera):
    response = as_vera.get(reverse("wagtailadmin_pages:add_subpage", args=[site.pk]))
    assert response.status_code == 200
    response = as_vera.get(reverse("wagtailadmin_pages:add", args=["website", "articlepage", factories.section().pk]))
    assert response.status_code == 200


def test_scheduled_publishing_waits_for_its_time(site, client):
    from django.core.management import call_command
    from django.utils import timezone

    news = factories.section("notizie", "Notizie")
    page = factories.draft_article(news, "domani", "Notizia di domani", "<p>x</p>")
    page.go_live_at = timezone.now() + dt.timedelta(days=1)
    page.save_revision().publish()
    call_command("publish_scheduled", verbosity=0)
    assert client.get("/notizie/domani/").status_code == 404
    page.refresh_from_db()
    # The clock moves on: the scheduled time is now in the past.
    past = timezone.now() - dt.timedelta(minutes=1)
    revision = page.latest_revision
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    call_command("publish_scheduled", verbosity=0)
    assert client.get("/notizie/domani/").status_code == 200


def test_the_editor_loads_nothing_from_other_hosts_and_can_frame_its_preview(site, as_vera):
    response = as_vera.get(reverse("wagtailadmin_home"))
    assert "gravatar" not in response.text
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "default-src 'self'" in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_public_site_keeps_the_strict_policy(client, site):
    response = client.get("/privacy/")
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
