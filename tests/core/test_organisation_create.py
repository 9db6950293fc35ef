"""Adding an organisation to the directory, and every way it can be refused."""

from __future__ import annotations

from django.urls import reverse

from pariter.core.models import AuditEntry, Organisation

URL = reverse("core:organisation_create")
GOOD = {
    "name": "Cooperativa Sociale Arcobaleno",
    "kind": "cooperative",
    "tax_code": "80051890152",
    "municipality": "Milano",
}


def test_an_officer_adds_an_organisation(as_oscar, milano):
    response = as_oscar.post(URL, GOOD)
    org = Organisation.objects.get(tax_code="80051890152")
    assert response.status_code == 302 and response.url == org.get_absolute_url()
    assert org.municipality == milano
    assert AuditEntry.objects.filter(action="core.organisation.created", object_id=str(org.pk)).exists()


def test_municipality_by_istat_code(as_oscar, milano):
    as_oscar.post(URL, {**GOOD, "municipality": "015146"})
    assert Organisation.objects.get(tax_code="80051890152").municipality == milano


def test_a_malformed_codice_fiscale_is_refused_and_nothing_saved(as_oscar, milano):
    for bad in ["80051890153", "1234", "ABCDEFGHIJK", "RSSMRA85T10A562X"]:
        response = as_oscar.post(URL, {**GOOD, "tax_code": bad})
        assert response.status_code == 200
        assert response.context["form"].errors["tax_code"], bad
    assert not Organisation.objects.filter(name=GOOD["name"]).exists()


def test_a_person_codice_fiscale_is_accepted(as_oscar, milano):
    as_oscar.post(URL, {**GOOD, "tax_code": "rssmra85t10a562s"})
    assert Organisation.objects.filter(tax_code="RSSMRA85T10A562S").exists()


def test_an_unknown_municipality_is_refused(as_oscar, milano):
    response = as_oscar.post(URL, {**GOOD, "municipality": "Gotham City"})
    assert "Gotham City" in response.context["form"].errors["municipality"][0]
    assert not Organisation.objects.filter(tax_code=GOOD["tax_code"]).exists()


def test_a_duplicate_names_the_existing_organisation(as_oscar, airc):
    response = as_oscar.post(URL, {**GOOD, "tax_code": "800 518 901 52"})
    errors = response.context["form"].errors["tax_code"]
    assert airc.name in errors[0]
    assert Organisation.objects.filter(tax_code="80051890152").count() == 1


def test_messages_are_in_italian_by_default(as_oscar, milano):
    response = as_oscar.post(URL, {**GOOD, "municipality": "Gotham City"}, HTTP_ACCEPT_LANGUAGE="it")
    assert "non è un comune italiano" in response.text


def test_an_outsider_is_refused_and_the_attempt_logged(as_charlie, milano):
    assert as_charlie.post(URL, GOOD).status_code == 403
    assert AuditEntry.objects.filter(action="core.access.denied").exists()
    assert not Organisation.objects.filter(tax_code=GOOD["tax_code"]).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, milano):
    response = client.post(URL, GOOD)
    assert response.status_code == 302 and "/account/login/" in response.url
