"""The shell and the footer pages: real content, in both languages, with the PA conventions."""

from __future__ import annotations

import pytest
from django.urls import reverse

PAGES = ["core:home", "core:accessibility", "core:privacy", "core:legal_notes", "core:contacts", "core:directory"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("language", ["it", "en"])
def test_every_page_has_one_h1_a_main_landmark_and_the_right_lang(client, db, name, language):
    client.cookies["django_language"] = language
    response = client.get(reverse(name))
    html = response.text
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert html.count("<h1") == 1
    assert '<main id="main"' in html
    assert 'href="#main"' in html  # skip link


def test_the_footer_links_real_pages_with_the_validator_hooks(client, db):
    html = client.get("/").text
    for hook in [
        'data-element="accessibility-link"',
        'data-element="privacy-policy-link"',
        'data-element="legal-notes"',
    ]:
        assert hook in html
    assert "Viale Piceno 60, 20129 Milano" in html


def test_no_asset_comes_from_another_host(client, db):
    html = client.get("/").text
    assert "cdn." not in html and "googleapis" not in html
    for attr in ('src="http', 'href="http'):
        for chunk in html.split(attr)[1:]:
            # The only absolute link is to the institution's own site.
            assert chunk.startswith("s://www.cittametropolitana.mi.it") or chunk.startswith("://"), chunk[:60]


def test_the_english_pages_are_in_english(client, db):
    client.cookies["django_language"] = "en"
    assert "Accessibility statement" in client.get(reverse("core:accessibility")).text
    client.cookies["django_language"] = "it"
    assert "Dichiarazione di accessibilità" in client.get(reverse("core:accessibility")).text


def test_security_headers_are_sent(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "nonce-" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_404_page_is_in_the_site_look(client, db, settings):
    settings.DEBUG = False
    response = client.get("/non-esiste/")
    assert response.status_code == 404
    assert '<main id="main"' in response.text


def test_pages_render_with_production_static_files(client, db, settings, tmp_path):
    """With DEBUG off, every {% static %} must name a collected file (a directory has no manifest entry)."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.utils.functional import empty

    staticfiles_storage._wrapped = empty  # re-read the storage setting
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
        for name in PAGES:
            assert client.get(reverse(name)).status_code == 200, name
    finally:
        staticfiles_storage._wrapped = empty
