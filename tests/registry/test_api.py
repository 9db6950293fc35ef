"""The register's public API: /api/v1/registro/enti (search) and /api/v1/registro/enti/{repertorio} (an entry)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from stdnum import luhn

from pariter.core.models import Municipality
from pariter.registry import services
from pariter.registry.models import Entity, EntityStatus, OfficeHolderRole, Section

LIST = "/api/v1/registro/enti"
REGISTERED = dt.date(2023, 1, 10)


def ente(number: int) -> str:
    return f"{LIST}/{number}"


_serial = itertools.count(1)


def tax_code() -> str:
    """A valid 11-digit codice fiscale of a body: serial, office code 015 (Milano), Luhn check digit."""
    base = f"{9_000_000 + next(_serial):07d}015"
    return base + luhn.calc_check_digit(base)


def register(name: str, municipality: Municipality, letter: str = "b", **fields: Any) -> Entity:
    return services.entity_register(
        tax_code=tax_code(),
        name=name,
        municipality=municipality,
        sections=[Section.objects.get(letter=letter)],
        registered_on=fields.pop("registered_on", REGISTERED),
        **fields,
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limit():  # type: ignore[no-untyped-def]
    """The throttle counts in the cache: every test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def entities(milano: Municipality, sesto: Municipality) -> dict[str, Entity]:
    return {
        "aurora": register("Associazione Aurora APS", milano, "b", five_per_thousand=True),
        "coop": register("Cooperativa Sociale Il Sole", sesto, "d", in_network=True),
        "volontari": register("Volontari del Parco ODV", milano, "a", five_per_thousand=True, in_network=True),
        "zeta": register("Zeta Rete Associativa", sesto, "e"),
    }


def repertori(response: Any) -> list[int]:
    return [item["repertorio"] for item in response.json()["results"]]


def error_messages(response: Any) -> list[str]:
    return [item["msg"] for item in response.json()["detail"]]


# --- Search ---------------------------------------------------------------------------------------------------


def test_the_list_shows_every_public_entry_by_name_with_its_links(client, entities):
    response = client.get(LIST)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "public, max-age=300"
    body = response.json()
    names = [item["denominazione"] for item in body["results"]]
    assert names == sorted(names) and len(names) == 4
    assert body["next"] is None and body["cursor"] is None
    assert body["count"] is None  # no filter: no count
    aurora = entities["aurora"]
    item = body["results"][0]
    assert item == {
        "repertorio": aurora.repertory_number,
        "codice_fiscale": aurora.tax_code,
        "denominazione": "Associazione Aurora APS",
        "sezioni": [{"lettera": "b", "nome": "Associazioni di promozione sociale", "sigla": "APS"}],
        "comune": {"nome": "MILANO", "codice_istat": "015146", "provincia": "MI"},
        "cinque_per_mille": True,
        "rete_associativa": False,
        "data_iscrizione": "2023-01-10",
        "dati_sintetici": False,
        "url": f"http://testserver/api/v1/registro/enti/{aurora.repertory_number}",
        "pagina": f"http://testserver/registro/{aurora.repertory_number}/",
    }
    assert client.get(item["url"]).json()["repertorio"] == aurora.repertory_number


def test_cancelled_and_unnumbered_entities_are_not_listed(client, entities):
    Entity.objects.filter(pk=entities["zeta"].pk).update(
        status=EntityStatus.CANCELLED, cancellation_cause="a", cancelled_on=dt.date(2024, 3, 1)
    )
    assert entities["zeta"].repertory_number not in repertori(client.get(LIST))


def test_q_searches_the_name_by_word_beginnings_in_any_order(client, entities):
    assert repertori(client.get(LIST, {"q": "sociale coop"})) == [entities["coop"].repertory_number]
    assert repertori(client.get(LIST, {"q": "volont parc"})) == [entities["volontari"].repertory_number]
    assert repertori(client.get(LIST, {"q": "nessuno"})) == []
    body = client.get(LIST, {"q": "aurora"}).json()
    assert body["count"] == {"value": 1, "more_than": False}


@pytest.mark.parametrize(
    "q", ['"aurora', "aurora*", "-aurora", '("aurora")', "aurora:*", "aurora & !", "aurora'", "\x00aurora", "^aurora"]
)
def test_query_language_characters_are_just_characters(client, entities, q):
    response = client.get(LIST, {"q": q})
    assert response.status_code == 200
    assert entities["aurora"].repertory_number in repertori(response)


@pytest.mark.parametrize("q", ['"', "*", "-", "NEAR", "aurora NEAR zeta", '"aurora" NEAR(-x*, 2)', "()", "_", "'"])
def test_a_query_of_syntax_alone_is_a_normal_answer(client, entities, q):
    assert client.get(LIST, {"q": q}).status_code == 200


def test_filter_by_codice_fiscale_normalised(client, entities):
    cf = entities["coop"].tax_code
    assert repertori(client.get(LIST, {"codice_fiscale": f" {cf[:5]} {cf[5:]} "})) == [
        entities["coop"].repertory_number
    ]


def test_filter_by_repertorio(client, entities):
    number = entities["zeta"].repertory_number
    assert repertori(client.get(LIST, {"repertorio": number})) == [number]
    assert repertori(client.get(LIST, {"repertorio": 999_999})) == []


def test_filter_by_municipality_istat_code(client, entities):
    found = repertori(client.get(LIST, {"comune": "015209"}))
    assert sorted(found) == sorted([entities["coop"].repertory_number, entities["zeta"].repertory_number])


def test_filter_by_section(client, entities):
    assert repertori(client.get(LIST, {"sezione": "a"})) == [entities["volontari"].repertory_number]
    assert repertori(client.get(LIST, {"sezione": "D"})) == [entities["coop"].repertory_number]
    assert repertori(client.get(LIST, {"sezione": "f"})) == []


def test_filter_by_five_per_thousand_both_ways(client, entities):
    yes = repertori(client.get(LIST, {"cinque_per_mille": "true"}))
    no = repertori(client.get(LIST, {"cinque_per_mille": "false"}))
    assert sorted(yes) == sorted([entities["aurora"].repertory_number, entities["volontari"].repertory_number])
    assert sorted(no) == sorted([entities["coop"].repertory_number, entities["zeta"].repertory_number])


def test_filter_by_network_membership_both_ways(client, entities):
    yes = repertori(client.get(LIST, {"rete": "1"}))
    no = repertori(client.get(LIST, {"rete": "0"}))
    assert sorted(yes) == sorted([entities["coop"].repertory_number, entities["volontari"].repertory_number])
    assert sorted(no) == sorted([entities["aurora"].repertory_number, entities["zeta"].repertory_number])


def test_filters_combine(client, entities):
    params = {"comune": "015146", "cinque_per_mille": "true", "rete": "true"}
    body = client.get(LIST, params).json()
    assert [i["repertorio"] for i in body["results"]] == [entities["volontari"].repertory_number]
    assert body["count"] == {"value": 1, "more_than": False}


def test_empty_parameters_are_ignored(client, entities):
    params = {"q": "", "codice_fiscale": "", "comune": "", "sezione": "", "cinque_per_mille": "", "rete": ""}
    assert len(repertori(client.get(LIST, params))) == 4


# --- Cursor pagination ----------------------------------------------------------------------------------------


def test_walking_the_pages_with_next_and_cursor_visits_every_entry_once(client, milano):
    for i in range(7):
        register(f"Ente {chr(ord('A') + i)} cultura", milano)
    register("Altro nome", milano)
    seen: list[str] = []
    url: str | None = f"{LIST}?q=cultura&limit=3"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += [item["denominazione"] for item in body["results"]]
        assert body["count"] == {"value": 7, "more_than": False}
        url = body["next"]
        if url:
            assert url.startswith("http://testserver/api/v1/registro/enti?") and "q=cultura" in url
            assert "limit=3" in url and body["cursor"] in url.replace("%3A", ":")
        pages += 1
    assert pages == 3
    assert seen == [f"Ente {chr(ord('A') + i)} cultura" for i in range(7)]


def test_the_cursor_parameter_alone_gives_the_next_page(client, milano):
    for i in range(4):
        register(f"Ente {i}", milano)
    first = client.get(LIST, {"limit": 2}).json()
    second = client.get(LIST, {"limit": 2, "cursor": first["cursor"]}).json()
    assert [i["denominazione"] for i in second["results"]] == ["Ente 2", "Ente 3"]


def test_a_tampered_cursor_is_refused_with_400(client, milano):
    for i in range(3):
        register(f"Ente {i}", milano)
    cursor = client.get(LIST, {"limit": 1}).json()["cursor"]
    for bad in (cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"), "not-a-cursor", "x" * 500):
        response = client.get(LIST, {"cursor": bad}, headers={"accept-language": "en"})
        assert response.status_code == 400
        assert response.json() == {"detail": "This page link is not valid: start again from the first page."}
        assert "public" not in response.get("Cache-Control", "")


# --- Input errors: 422, JSON, translated -------------------------------------------------------------------


def test_a_query_longer_than_200_characters_is_refused(client, db):
    response = client.get(LIST, {"q": "a" * 201}, headers={"accept-language": "en"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "q"]
    assert error["msg"] == "Use at most 200 characters (you typed 201)."
    assert client.get(LIST, {"q": "a" * 200}).status_code == 200


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"codice_fiscale": "123"}, "codice_fiscale", "A codice fiscale has 11 digits (organisations)"),
        ({"codice_fiscale": "80051890153"}, "codice_fiscale", "The check character of this codice fiscale is wrong."),
        ({"codice_fiscale": "x" * 30}, "codice_fiscale", "A codice fiscale has 11 digits"),
        ({"repertorio": "0"}, "repertorio", "A repertorio number is a whole number from 1"),
        ({"repertorio": "abc"}, "repertorio", "A repertorio number is a whole number from 1"),
        ({"repertorio": str(10**12)}, "repertorio", "A repertorio number is a whole number from 1"),
        ({"comune": "15146"}, "comune", "An ISTAT municipality code has six digits"),
        ({"comune": "MILANO"}, "comune", "An ISTAT municipality code has six digits"),
        ({"comune": "999999"}, "comune", "No current municipality has the ISTAT code 999999."),
        ({"sezione": "h"}, "sezione", "A section is one of the letters from a to g."),
        ({"sezione": "ab"}, "sezione", "A section is one of the letters from a to g."),
        ({"cinque_per_mille": "forse"}, "cinque_per_mille", "Use true or false."),
        ({"rete": "2"}, "rete", "Use true or false."),
        ({"limit": "0"}, "limit", "The page size is a whole number from 1 to 100."),
        ({"limit": "101"}, "limit", "The page size is a whole number from 1 to 100."),
        ({"limit": "many"}, "limit", "The page size is a whole number from 1 to 100."),
    ],
)
def test_bad_filters_answer_422_with_a_clear_message(client, milano, params, field, message):
    response = client.get(LIST, params, headers={"accept-language": "en"})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", field]
    assert error["msg"].startswith(message)


def test_several_bad_filters_are_reported_together(client, db):
    response = client.get(LIST, {"limit": "0", "sezione": "z"}, headers={"accept-language": "en"})
    assert response.status_code == 422
    assert sorted(e["loc"][1] for e in response.json()["detail"]) == ["limit", "sezione"]


def test_errors_speak_the_language_of_the_request(client, db):
    params = {"codice_fiscale": "80051890153"}
    italian = client.get(LIST, params, headers={"accept-language": "it-IT,it;q=0.9"})
    english = client.get(LIST, params, headers={"accept-language": "en-GB,en;q=0.9"})
    assert error_messages(italian) == ["Il carattere di controllo di questo codice fiscale è errato."]
    assert italian["Content-Language"] == "it"
    assert error_messages(english) == ["The check character of this codice fiscale is wrong."]
    assert english["Content-Language"] == "en"
    assert "Accept-Language" in italian["Vary"]


# --- One entry ------------------------------------------------------------------------------------------------


@pytest.fixture
def history(milano: Municipality, sesto: Municipality) -> Entity:
    """Registered 10/1/2023 in Milano; renamed, moved to Sesto and accredited to the 5x1000 from 1/6/2024."""
    entity = register(
        "Alfa APS", milano, "b", legal_form="Associazione", patrimony=Decimal("30000.00"), address="Via Roma 1"
    )
    services.office_holder_appoint(
        entity=entity,
        role=OfficeHolderRole.LEGAL_REPRESENTATIVE,
        full_name="Maria Rossi",
        tax_code="RSSMRA80A41F205X",
        starts_on=dt.date(2023, 2, 1),
    )
    services.entity_update(
        entity=entity, effective_on=dt.date(2024, 6, 1), name="Beta APS", municipality=sesto, five_per_thousand=True
    )
    return entity


def test_an_entry_shows_its_public_content_today(client, history):
    response = client.get(ente(history.repertory_number))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    body = response.json()
    assert body["al"] == timezone.localdate().isoformat()
    assert body["repertorio"] == history.repertory_number
    assert body["codice_fiscale"] == history.tax_code
    assert body["denominazione"] == "Beta APS"
    assert body["comune"] == {"nome": "SESTO SAN GIOVANNI", "codice_istat": "015209", "provincia": "MI"}
    assert body["cinque_per_mille"] is True
    assert body["forma_giuridica"] == "Associazione"
    assert body["patrimonio"] == "30000.00"
    assert body["indirizzo"] == "Via Roma 1"
    assert body["stato"] == "registered"
    assert body["causa_cancellazione"] is None
    assert body["data_iscrizione"] == "2023-01-10"
    assert body["sezioni"] == [
        {"lettera": "b", "nome": "Associazioni di promozione sociale", "sigla": "APS", "dal": "2023-01-10"}
    ]
    assert body["cariche"] == [
        {"ruolo": "legal_representative", "nome_cognome": "Maria Rossi", "poteri": "", "dal": "2023-02-01"}
    ]
    assert body["rappresentanti_legali"] == ["Maria Rossi"]
    assert "RSSMRA80A41F205X" not in response.content.decode()  # a person's codice fiscale is never published
    assert body["url"] == f"http://testserver/api/v1/registro/enti/{history.repertory_number}"
    assert body["pagina"] == f"http://testserver/registro/{history.repertory_number}/"


def test_an_entry_as_it_stood_on_a_date(client, history):
    number = history.repertory_number
    before = client.get(ente(number), {"al": "2024-05-31"}).json()
    assert before["al"] == "2024-05-31"
    assert before["denominazione"] == "Alfa APS"
    assert before["comune"]["codice_istat"] == "015146"
    assert before["cinque_per_mille"] is False
    assert before["rappresentanti_legali"] == ["Maria Rossi"]
    assert client.get(ente(number), {"al": "2023-01-20"}).json()["cariche"] == []  # not yet appointed
    assert client.get(ente(number), {"al": "2024-06-01"}).json()["denominazione"] == "Beta APS"


def test_a_future_date_gives_todays_entry(client, history):
    body = client.get(ente(history.repertory_number), {"al": "2999-01-01"}).json()
    assert body["denominazione"] == "Beta APS"
    assert body["al"] == timezone.localdate().isoformat()


def test_a_date_before_the_entry_existed_is_404(client, history):
    response = client.get(ente(history.repertory_number), {"al": "2023-01-09"}, headers={"accept-language": "en"})
    assert response.status_code == 404
    assert response.json() == {"detail": "On that date this entity was not yet in the register."}


def test_an_unknown_repertorio_is_404_in_json(client, history):
    response = client.get(ente(history.repertory_number + 1000), headers={"accept-language": "en"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "No entry of the register has this repertorio number."}
    assert "public" not in response.get("Cache-Control", "")


def test_a_cancelled_entry_is_still_readable_as_on_its_public_page(client, history):
    Entity.objects.filter(pk=history.pk).update(
        status=EntityStatus.CANCELLED, cancellation_cause="a", cancelled_on=dt.date(2024, 3, 1)
    )
    assert client.get(ente(history.repertory_number)).status_code == 200


@pytest.mark.parametrize("day", ["31/12/2024", "2024-13-01", "2024-02-30", "2024-1-1", "1700000000", "ieri"])
def test_a_malformed_date_is_422(client, history, day):
    response = client.get(ente(history.repertory_number), {"al": day}, headers={"accept-language": "en"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "al"]
    assert error["msg"] == "Use a date in the form YYYY-MM-DD, for example 2024-12-31."


@pytest.mark.parametrize("number", ["abc", "0", "-3", str(10**12)])
def test_a_malformed_repertorio_is_422(client, db, number):
    response = client.get(f"{LIST}/{number}", headers={"accept-language": "en"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["path", "repertorio"]
    assert error["msg"].startswith("A repertorio number is a whole number from 1")


# --- Caching, throttling --------------------------------------------------------------------------------------


def test_a_caller_with_a_session_gets_private_caching(client, history):
    client.cookies["sessionid"] = "anything"
    response = client.get(ente(history.repertory_number))
    assert response["Cache-Control"] == "private, max-age=300"


def test_calls_beyond_the_rate_are_refused_with_429_per_client(client, settings, db):
    settings.API_RATE_LIMIT = "3/min"
    for _ in range(3):
        assert client.get(LIST).status_code == 200
    refused = client.get(LIST, headers={"accept-language": "en"})
    assert refused.status_code == 429
    assert refused["Retry-After"].isdigit() and 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Too many requests: try again in")
    assert client.get(ente(1)).status_code == 429  # the limit covers the whole API
    # Inventing X-Forwarded-For does not escape the limit (the proxy header is not trusted by default)...
    assert client.get(LIST, headers={"x-forwarded-for": "203.0.113.9"}).status_code == 429
    # ...but another client has its own allowance.
    assert client.get(LIST, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_the_rate_limit_has_a_generous_default(client, db):
    for _ in range(30):
        assert client.get(LIST).status_code == 200


# --- Constant number of queries -------------------------------------------------------------------------------


def _queries(client: Any, url: str, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_list_runs_the_same_number_of_queries_for_5_or_40_entities(client, milano, django_assert_max_num_queries):
    for i in range(5):
        register(f"Ente cultura {i:02d}", milano, "abcdfg"[i % 6], five_per_thousand=True)
    params = {"q": "cultura", "comune": "015146", "cinque_per_mille": "true", "limit": 100}
    _queries(client, LIST, params)  # fills the cache of reference data (the sections)
    few = _queries(client, LIST, params)
    assert few <= 5
    for i in range(5, 40):
        register(f"Ente cultura {i:02d}", milano, "abcdfg"[i % 6], five_per_thousand=True)
    with django_assert_max_num_queries(few):
        body = client.get(LIST, params).json()
    assert len(body["results"]) == 40
    assert _queries(client, LIST, {}) == _queries(client, LIST, {"limit": 3})


def test_an_entry_runs_a_bounded_number_of_queries(client, history, sesto, django_assert_max_num_queries):
    today = _queries(client, ente(history.repertory_number), {})
    for i in range(10):
        services.office_holder_appoint(
            entity=history,
            role=OfficeHolderRole.BOARD_MEMBER,
            full_name=f"Consigliere {i}",
            starts_on=timezone.localdate(),
        )
    with django_assert_max_num_queries(today):
        assert len(client.get(ente(history.repertory_number)).json()["cariche"]) == 11
    with django_assert_max_num_queries(today + 1):
        client.get(ente(history.repertory_number), {"al": "2024-01-01"})


# --- OpenAPI --------------------------------------------------------------------------------------------------


def test_the_openapi_document_is_3_1_and_documents_everything(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"] == "3.1.0"
    assert {"/api/v1/registro/enti", "/api/v1/registro/enti/{repertorio}"} <= set(doc["paths"])
    for path in ("/api/v1/registro/enti", "/api/v1/registro/enti/{repertorio}"):
        operation = doc["paths"][path]["get"]
        assert operation["summary"] and operation["description"]
        assert {"200", "422", "429"} <= set(operation["responses"])
        for parameter in operation["parameters"]:
            assert parameter["description"], parameter["name"]
            assert parameter["schema"].get("title"), parameter["name"]
    list_params = {p["name"] for p in doc["paths"]["/api/v1/registro/enti"]["get"]["parameters"]}
    assert list_params == {
        "q",
        "codice_fiscale",
        "repertorio",
        "comune",
        "sezione",
        "cinque_per_mille",
        "rete",
        "limit",
        "cursor",
    }
    for name, schema in doc["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field}"
            # A property that is just a $ref takes its title from the referenced schema (pydantic's output).
            assert spec.get("title") or "$ref" in spec, f"{name}.{field}"


def test_the_interactive_docs_are_off_rather_than_loaded_from_a_cdn(client, db):
    # Any path may be a CMS page (Wagtail serves the rest of the URL space), so CommonMiddleware first adds the
    # slash; what matters is that no docs page answers.
    assert client.get("/api/v1/docs", follow=True).status_code == 404
