"""Every URL the project defines, as every persona: each gets exactly what it should.

A new URL without a row here fails `test_every_url_is_in_the_matrix`, so the
matrix grows with every area.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import signed_in

OK, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, "login", 403, 404, 405
PERSONAS = ["anonymous", "citizen", "entity", "operator", "volunteer", "officer", "admin", "notary"]


def row(
    anonymous: Any,
    citizen: Any,
    entity: Any,
    operator: Any,
    volunteer: Any,
    officer: Any,
    admin: Any,
    notary: Any = None,
) -> dict:
    """A notary holds a citizen's account: everywhere but the filings they reach, they get what a citizen gets."""
    values = [anonymous, citizen, entity, operator, volunteer, officer, admin, citizen if notary is None else notary]
    return dict(zip(PERSONAS, values, strict=True))


PUBLIC = row(OK, OK, OK, OK, OK, OK, OK)
SIGNED_IN = row(LOGIN, OK, OK, OK, OK, OK, OK)
STAFF = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK)
OFFICERS = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
ADMINS = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
TRAINING = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
CHECK_IN = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK)
POST_ONLY_TRAINING = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED)
POST_ONLY_SIGNED_IN = row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)
REPRESENTATIVES = row(LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
# A filing's pages are for its entity's representatives and the notary who filed it: another notary is told it does
# not exist (the filing of the matrix is an entity's own).
FILERS = row(LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND)
POST_ONLY_FILERS = row(LOGIN, FORBIDDEN, NOT_ALLOWED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED)
NOTARIES = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
POST_ONLY_NOTARIES = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED)
POST_ONLY_OFFICERS = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED)
# Wagtail's editor: signed-in users without an editor's role are sent back to sign in, never shown a page.
CMS_EDITORS = row(LOGIN, LOGIN, LOGIN, LOGIN, OK, OK, OK)
CMS_ADMINS = row(LOGIN, LOGIN, LOGIN, LOGIN, 302, 302, OK)
POST_ONLY_ADMINS = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED)

# URL name → (kwargs builder, expected per persona), for GET requests.
MATRIX: dict[str, tuple[Any, dict]] = {
    "core:home": (None, PUBLIC),
    "core:accessibility": (None, PUBLIC),
    "core:privacy": (None, PUBLIC),
    "core:legal_notes": (None, PUBLIC),
    "core:contacts": (None, PUBLIC),
    "core:health": (None, PUBLIC),
    "core:directory": (None, PUBLIC),
    "core:organisation_detail": (lambda w: {"pk": w["org"].pk}, PUBLIC),
    "core:organisation_create": (None, OFFICERS),
    "core:organisation_edit": (lambda w: {"pk": w["org"].pk}, OFFICERS),
    "core:dashboard": (None, SIGNED_IN),
    "core:acting_organisation": (None, POST_ONLY_SIGNED_IN),
    "core:staff_home": (None, STAFF),
    "core:user_list": (None, ADMINS),
    "core:user_create": (None, ADMINS),
    "core:user_detail": (lambda w: {"pk": w["user"].pk}, ADMINS),
    "core:membership_add": (lambda w: {"pk": w["user"].pk}, POST_ONLY_ADMINS),
    "core:membership_end": (lambda w: {"pk": w["user"].pk, "membership_pk": w["membership"].pk}, POST_ONLY_ADMINS),
    "core:audit_log": (None, ADMINS),
    "registry:search": (None, PUBLIC),
    "opendata:catalogue": (None, PUBLIC),
    "opendata:catalogue_ttl": (None, PUBLIC),
    "opendata:catalogue_jsonld": (None, PUBLIC),
    "opendata:download": (lambda w: {"filename": "runts-enti-iscritti.csv"}, PUBLIC),
    "api:openapi-json": (None, PUBLIC),
    "api:registro_enti": (None, PUBLIC),
    "api:registro_ente": (lambda w: {"repertorio": w["entity"].repertory_number}, PUBLIC),
    # ninja's root has no operation of its own.
    "api:api-root": (None, row(*[NOT_FOUND] * 7)),
    "registry:entity": (lambda w: {"repertory_number": w["entity"].repertory_number}, PUBLIC),
    "registry:entity_json": (lambda w: {"repertory_number": w["entity"].repertory_number}, PUBLIC),
    # Training: the public catalogue; signed links (a tampered one answers 400); the officer's pages (the register
    # officer persona has no training role); check-in also for civil-service volunteers.
    "training:catalogue": (None, PUBLIC),
    "training:archive": (None, PUBLIC),
    "training:calendar": (None, PUBLIC),
    "training:calendar_ics": (None, PUBLIC),
    "training:edition": (lambda w: {"pk": w["edition"].pk}, PUBLIC),
    "training:edition_ics": (lambda w: {"pk": w["edition"].pk}, PUBLIC),
    "training:enroll": (lambda w: {"pk": w["edition"].pk}, PUBLIC),
    "training:enrollment_manage": (lambda w: {"token": w["enrollment_token"]}, PUBLIC),
    "training:certificate_pdf": (lambda w: {"token": w["enrollment_token"]}, row(*[NOT_FOUND] * 7)),
    "training:survey": (lambda w: {"token": "tampered"}, row(*[400] * 7)),
    "training:verify": (None, PUBLIC),
    "training:staff_editions": (None, TRAINING),
    "training:staff_today": (None, CHECK_IN),
    "training:dashboard": (None, TRAINING),
    "training:staff_edition": (lambda w: {"pk": w["edition"].pk}, TRAINING),
    "training:initiative_create": (None, TRAINING),
    "training:edition_create": (None, TRAINING),
    "training:edition_edit": (lambda w: {"pk": w["edition"].pk}, TRAINING),
    "training:session_create": (lambda w: {"pk": w["edition"].pk}, POST_ONLY_TRAINING),
    "training:question_create": (lambda w: {"pk": w["edition"].pk}, POST_ONLY_TRAINING),
    "training:survey_setup": (lambda w: {"pk": w["edition"].pk}, POST_ONLY_TRAINING),
    "training:message_schedule": (lambda w: {"pk": w["edition"].pk}, POST_ONLY_TRAINING),
    "training:enrollment_decide": (
        lambda w: {"pk": w["edition"].pk, "enrollment_pk": w["enrollment"].pk},
        POST_ONLY_TRAINING,
    ),
    "training:edition_accredit": (lambda w: {"pk": w["edition"].pk}, POST_ONLY_TRAINING),
    "training:edition_export": (lambda w: {"pk": w["edition"].pk}, row(LOGIN, *[FORBIDDEN] * 5, 302)),
    "training:survey_export": (lambda w: {"pk": w["edition"].pk}, row(LOGIN, *[FORBIDDEN] * 5, NOT_FOUND)),
    "training:edition_send": (lambda w: {"pk": w["edition"].pk}, POST_ONLY_TRAINING),
    "training:batch_start": (lambda w: {"pk": w["edition"].pk}, POST_ONLY_TRAINING),
    "training:batch": (lambda w: {"pk": w["batch"].pk}, TRAINING),
    "training:batch_download": (lambda w: {"pk": w["batch"].pk}, row(LOGIN, *[FORBIDDEN] * 5, NOT_FOUND)),
    "training:session_edit": (lambda w: {"pk": w["session"].pk}, TRAINING),
    "training:session_delete": (lambda w: {"pk": w["session"].pk}, TRAINING),
    "training:question_edit": (lambda w: {"pk": w["question"].pk}, TRAINING),
    "training:question_remove": (lambda w: {"pk": w["question"].pk}, TRAINING),
    "training:question_move": (lambda w: {"pk": w["question"].pk}, POST_ONLY_TRAINING),
    "training:check_in": (lambda w: {"pk": w["session"].pk}, CHECK_IN),
    "training:attendance_set": (lambda w: {"pk": w["session"].pk}, POST_ONLY_TRAINING),
    "filings:queue": (None, OFFICERS),
    "filings:bulk_assign": (None, POST_ONLY_OFFICERS),
    "filings:bulk_take_charge": (None, POST_ONLY_OFFICERS),
    "filings:bulk_warn": (None, POST_ONLY_OFFICERS),
    "filings:detail": (lambda w: {"pk": w["filing"].pk}, OFFICERS),
    "filings:start": (None, OFFICERS),
    "filings:missing_accounts": (None, OFFICERS),
    "filings:warn": (lambda w: {"entity_pk": w["entity"].pk}, POST_ONLY_OFFICERS),
    "filings:dashboard": (None, OFFICERS),
    "filings:dashboard_xlsx": (None, OFFICERS),
    "filings:act": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_OFFICERS),
    "filings:note": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_OFFICERS),
    "filings:authority_notice": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_OFFICERS),
    "filings:antimafia_request": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_OFFICERS),
    "filings:antimafia_outcome": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_OFFICERS),
    "filings:control_conclude": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_OFFICERS),
    "filings:control_notify": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_OFFICERS),
    "filings:control_start": (None, OFFICERS),
    "filings:notaries": (None, OFFICERS),
    "filings:notary_end": (lambda w: {"pk": w["notary"].pk}, POST_ONLY_OFFICERS),
    "filings:notary_tax_code": (lambda w: {"pk": w["notary"].pk}, POST_ONLY_OFFICERS),
    "filings:notary_home": (None, NOTARIES),
    "filings:notary_refusal": (None, POST_ONLY_NOTARIES),
    "filings:portal": (None, REPRESENTATIVES),
    "filings:portal_filing": (lambda w: {"pk": w["filing"].pk}, FILERS),
    "filings:portal_upload": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_FILERS),
    "filings:portal_figures": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_FILERS),
    "filings:portal_size": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_FILERS),
    "filings:portal_edit": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_FILERS),
    "filings:portal_submit": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_FILERS),
    "filings:portal_reply": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_FILERS),
    "filings:portal_withdraw": (lambda w: {"pk": w["filing"].pk}, POST_ONLY_FILERS),
    # A filing's documents: its entity and the office; everyone else is told it does not exist.
    "filings:document": (
        lambda w: {"pk": w["filing"].pk, "document_pk": w["document"].pk},
        row(LOGIN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND),
    ),
    "filings:document_signed": (
        lambda w: {"pk": w["filing"].pk, "document_pk": w["signed_document"].pk},
        row(LOGIN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND),
    ),
    "set_language": (None, row(*[302] * 8)),
    "javascript-catalog": (None, PUBLIC),
    "admin:index": (None, row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)),
    "admin:core_organisation_changelist": (None, row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)),
    "admin:core_auditentry_changelist": (None, row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)),
    "account_login": (None, row(OK, 302, 302, 302, 302, 302, 302)),
    "account_signup": (None, row(OK, 302, 302, 302, 302, 302, 302)),
    "account_change_password": (None, SIGNED_IN),
    "mfa_index": (None, SIGNED_IN),
    # The public website: CMS pages are public, the editor is for volunteers (draft) and officers (approve).
    "website:search": (None, PUBLIC),
    "website:feed_rss": (None, PUBLIC),
    "website:feed_atom": (None, PUBLIC),
    "robots_txt": (None, PUBLIC),
    "sitemap": (None, PUBLIC),
    "website:feedback": (lambda w: {"page_id": w["home"].pk}, row(*[NOT_ALLOWED] * 8)),
    "website:feedback_results": (None, OFFICERS),
    "website:feedback_page": (lambda w: {"page_id": w["home"].pk}, OFFICERS),
    "wagtailadmin_home": (None, CMS_EDITORS),
    "wagtailadmin_explore_root": (None, CMS_EDITORS),
    "wagtailadmin_pages:add_subpage": (lambda w: {"parent_page_id": w["home"].pk}, CMS_EDITORS),
    "wagtailadmin_pages:edit": (lambda w: {"page_id": w["home"].pk}, CMS_EDITORS),
    "wagtailadmin_reports:workflow": (None, CMS_EDITORS),
    "wagtaildocs:index": (None, CMS_EDITORS),
    "wagtailusers_users:index": (None, CMS_ADMINS),
    "wagtailsites:index": (None, CMS_ADMINS),
    "organisation_chooser:choose": (None, CMS_EDITORS),
    "website_translations": (None, CMS_EDITORS),
}

# Namespaces and libraries whose URLs are covered by sample rows above rather than one by one.
SAMPLED = (
    "admin:",
    "account_",
    "mfa_",
    "socialaccount_",
    "usersessions_",
    "wagtail",
    "organisation_chooser:",
    "simple_translation:",
)


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_is_in_the_matrix():
    own = {n for n in _names(get_resolver()) if not n.startswith(SAMPLED)}
    missing = own - set(MATRIX)
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"


@pytest.fixture
def world(office, inps, airc, alice, oscar, bianca, eve, charlie, settings, tmp_path):
    from pariter.core import services
    from pariter.core.roles import Role
    from tests.conftest import make_user

    volunteer = make_user(
        "vera@cittametropolitana.mi.it", "Vera Volontaria", role=Role.CIVIL_SERVICE_VOLUNTEER, organisation=office
    )
    from pariter.registry import opendata
    from tests.registry.factories import register

    entity = register("Associazione Matrice", office.municipality)
    settings.MEDIA_ROOT = tmp_path
    opendata.export_all()
    from pariter.training import links
    from pariter.training.models import CertificateBatch, Question
    from tests.training.factories import enroll, make_edition

    edition = make_edition()
    enrollment = enroll(edition, "Matrice Partecipante")
    from pariter.filings import services as filing_services
    from pariter.filings.kinds import DocKind, Kind
    from tests.filings.conftest import make_signed, upload

    filing = filing_services.filing_create(organisation=airc, kind=Kind.REGISTRATION, actor=eve)
    document, _warnings = filing_services.document_add(filing=filing, kind=DocKind.STATUTE, upload=upload(), actor=eve)
    signed_document, _warnings = filing_services.document_add(
        filing=filing, kind=DocKind.STATUTE, upload=upload("statuto.pdf.p7m", make_signed()), actor=eve
    )
    from pariter.website.models import HomePage

    notary_user = make_user("nora@notariato.it", "Nora Notaia")
    notary = filing_services.notary_enable(
        email=notary_user.email, full_name="Nora Notaia", district="Milano", seat="Milano", actor=oscar
    )
    return {
        "notary": notary,
        "edition": edition,
        "enrollment": enrollment,
        "enrollment_token": links.token_for(enrollment),
        "session": edition.sessions.first(),
        "question": Question.objects.create(edition=edition, label="Ente di appartenenza?"),
        "batch": CertificateBatch.objects.create(edition=edition),
        "home": HomePage.objects.get(locale__language_code="it"),
        "entity": entity,
        "filing": filing,
        "document": document,
        "signed_document": signed_document,
        "org": airc,
        "user": charlie,
        "membership": services.membership_add(
            user=make_user("x@example.org", "X"), organisation=airc, role=Role.ENTITY_REPRESENTATIVE
        ),
        "clients": {
            "citizen": signed_in(charlie),
            "entity": signed_in(eve),
            "operator": signed_in(bianca),
            "volunteer": signed_in(volunteer),
            "officer": signed_in(oscar),
            "admin": signed_in(alice),
            "notary": signed_in(notary_user),
        },
    }


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(name, world, client):
    build, expected = MATRIX[name]
    url = reverse(name, kwargs=build(world) if build else None)
    for persona in PERSONAS:
        c = client if persona == "anonymous" else world["clients"][persona]
        response = c.get(url)
        want = expected[persona]
        if want == LOGIN:
            assert response.status_code == 302 and "/login/" in response.url, (persona, url, response.status_code)
        else:
            assert response.status_code == want, (persona, url, response.status_code)
