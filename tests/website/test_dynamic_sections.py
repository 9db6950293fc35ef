"""Events (from the training area, when installed), the register search and the open-data catalogue."""

from __future__ import annotations

import datetime as dt
import sys
import types
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.utils import timezone

from pariter.website.models import EventsPage, OpenDataPage, RegisterSearchPage
from tests.website import factories


def test_without_the_training_area_the_events_section_hides_itself(client, site, monkeypatch):
    from pariter.website import selectors

    # The area may be installed in this project: the website asks one function whether it is.
    monkeypatch.setattr(selectors, "events_enabled", lambda: False)
    assert not EventsPage.can_create_at(site)
    html = client.get("/").text
    assert "Prossimi eventi" not in html
    events = EventsPage(title="Eventi", slug="eventi")
    site.add_child(instance=events)
    factories.publish(events)
    assert client.get("/eventi/").status_code == 404


@dataclass
class FakeEvent:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str

    def get_absolute_url(self) -> str:
        return "/formazione/eventi/1/"


@pytest.fixture
def training_installed(monkeypatch):
    """The training area's contract: pariter.training.selectors.upcoming_public_events(*, limit)."""
    start = timezone.make_aware(dt.datetime(2026, 12, 3, 9, 30))
    module = types.ModuleType("pariter.training.selectors")
    module.upcoming_public_events = (
        lambda *, limit: [  # type: ignore[attr-defined]
            FakeEvent("Corso sul Codice del Terzo settore", start, start + dt.timedelta(hours=3), "Viale Piceno 60")
        ][:limit]
    )
    package = types.ModuleType("pariter.training")
    package.selectors = module  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pariter.training", package)
    monkeypatch.setitem(sys.modules, "pariter.training.selectors", module)
    real = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name == "pariter.training" or real(name))


def test_with_the_training_area_the_home_page_lists_upcoming_events(client, site, training_installed):
    html = client.get("/").text
    assert "Prossimi eventi" in html
    assert "Corso sul Codice del Terzo settore" in html
    assert 'href="/formazione/eventi/1/"' in html
    assert EventsPage.can_create_at(site)
    events = EventsPage(title="Eventi", slug="eventi")
    site.add_child(instance=events)
    factories.publish(events)
    assert "Viale Piceno 60" in client.get("/eventi/").text


def test_the_register_search_page_sends_its_form_to_the_register(client, site):
    page = RegisterSearchPage(title="Cerca nel registro", slug="cerca-nel-registro")
    site.add_child(instance=page)
    factories.publish(page)
    html = client.get("/cerca-nel-registro/").text
    assert 'action="/registro/"' in html and 'name="q"' in html


def test_the_open_data_page_lists_every_dataset_with_its_metadata(client, site, settings, tmp_path):
    from pariter.registry import opendata

    page = OpenDataPage(title="Dati aperti", slug="catalogo-dati-aperti")
    site.add_child(instance=page)
    factories.publish(page)
    settings.MEDIA_ROOT = tmp_path
    assert "Ancora nessun file" in client.get("/catalogo-dati-aperti/").text
    opendata.export_all()
    html = client.get("/catalogo-dati-aperti/?fresh=1").text
    manifest = opendata.read_manifest()
    for dataset in manifest.datasets:
        assert dataset.title("it") in html
        for file in dataset.distributions:
            assert f'href="/dati-aperti/{file.filename}"' in html
    assert 'href="/dati-aperti/catalogo.ttl"' in html and 'href="/dati-aperti/catalogo.jsonld"' in html
    assert "CC BY 4.0" in html


def test_the_home_page_lists_the_real_training_areas_next_editions(client, site):
    """Both areas installed together: the website reads the training area's own selector, no stand-in."""
    from tests.training.factories import make_edition

    assert apps.is_installed("pariter.training")
    edition = make_edition(title="Tutori volontari di minori stranieri non accompagnati")
    make_edition(title="Bozza non pubblicata", published=False)
    html = client.get("/").text
    assert "Tutori volontari di minori stranieri non accompagnati" in html
    assert edition.get_absolute_url() in html
    assert "Bozza non pubblicata" not in html
