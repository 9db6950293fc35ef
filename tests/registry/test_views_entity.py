"""The public entity page /registro/<repertorio>/, its as-of view and its JSON download."""

from __future__ import annotations

import json
from datetime import date

from django.urls import reverse

from pariter.registry import services
from tests.registry.factories import register


def _entity(milano, sesto):
    entity = register("Associazione Il Ponte APS", milano, registered_on=date(2022, 11, 7), pec="ponte@pec.it")
    services.office_holder_appoint(
        entity=entity,
        role="legal_representative",
        full_name="Giulia Verdi",
        tax_code="VRDGLI80A41F205X",
        starts_on=date(2022, 11, 7),
    )
    services.entity_update(entity=entity, municipality=sesto, address="Via Roma 1", effective_on=date(2024, 3, 1))
    return entity


def test_the_page_shows_the_public_fields_only(client, milano, sesto):
    entity = _entity(milano, sesto)
    response = client.get(reverse("registry:entity", args=[entity.repertory_number]))
    html = response.text
    assert response.status_code == 200
    assert "Associazione Il Ponte APS" in html and "ponte@pec.it" in html and "Giulia Verdi" in html
    assert "VRDGLI80A41F205X" not in html  # a person's codice fiscale is not public
    assert "application/ld+json" in html
    assert html.count("<h1") == 1


def test_the_json_ld_describes_the_entity(client, milano, sesto):
    entity = _entity(milano, sesto)
    html = client.get(reverse("registry:entity", args=[entity.repertory_number])).text
    block = html.split('<script type="application/ld+json"', 1)[1].split(">", 1)[1].split("</script>", 1)[0]
    data = json.loads(block)
    assert data["taxID"] == entity.tax_code and data["identifier"]["value"] == entity.repertory_number


def test_as_of_a_past_date(client, milano, sesto):
    entity = _entity(milano, sesto)
    url = reverse("registry:entity", args=[entity.repertory_number])
    assert "Milano" in client.get(url, {"al": "2023-06-01"}).context["entry"]["municipality"]["name"].title()
    assert client.get(url).context["entry"]["municipality"]["name"] == "SESTO SAN GIOVANNI"
    response = client.get(url, {"al": "2020-01-01"})
    assert response.context["as_of"] is None  # before registration: today's entry, with a message
    assert client.get(url, {"al": "not-a-date"}).status_code == 200


def test_download_this_entry(client, milano, sesto):
    entity = _entity(milano, sesto)
    response = client.get(reverse("registry:entity_json", args=[entity.repertory_number]), {"al": "2023-06-01"})
    assert response["Content-Disposition"].startswith("attachment")
    body = json.loads(response.content)
    assert body["licence"] == "CC BY 4.0" and body["entry"]["municipality"]["name"] == "MILANO"


def test_an_unknown_repertorio_is_404(client, db):
    assert client.get(reverse("registry:entity", args=[987654])).status_code == 404
    assert client.get(reverse("registry:entity_json", args=[987654])).status_code == 404


def test_the_change_log_is_for_officers_only(client, as_oscar, milano, sesto):
    entity = _entity(milano, sesto)
    url = reverse("registry:entity", args=[entity.repertory_number])
    assert client.get(url).context["versions"] is None
    response = as_oscar.get(url)
    assert len(response.context["versions"]) == 2
    assert "municipality" in response.text


def test_the_page_runs_a_constant_number_of_queries(client, milano, sesto, django_assert_max_num_queries):
    entity = _entity(milano, sesto)
    with django_assert_max_num_queries(10):
        client.get(reverse("registry:entity", args=[entity.repertory_number]))
