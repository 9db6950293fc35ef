from __future__ import annotations

from django.urls import reverse

from pariter.core.models import AuditEntry


def _data(org, **changes):
    data = {"name": org.name, "kind": org.kind, "tax_code": org.tax_code, "municipality": org.municipality.istat_code}
    return {**data, **changes}


def test_an_officer_edits_and_the_change_is_in_the_history(as_oscar, airc, sesto):
    url = reverse("core:organisation_edit", args=[airc.pk])
    response = as_oscar.post(url, _data(airc, municipality="Sesto San Giovanni", phone="02 555"))
    assert response.status_code == 302
    airc.refresh_from_db()
    assert airc.municipality == sesto and airc.phone == "02 555"
    entry = AuditEntry.objects.filter(action="core.organisation.changed", object_id=str(airc.pk)).latest("id")
    assert set(entry.changes) == {"municipality", "phone"}
    detail = as_oscar.get(reverse("core:organisation_detail", args=[airc.pk]))
    assert "core.organisation.changed" in detail.text


def test_a_bad_edit_changes_nothing(as_oscar, airc, inps):
    url = reverse("core:organisation_edit", args=[airc.pk])
    response = as_oscar.post(url, _data(airc, name="Renamed", tax_code=inps.tax_code))
    assert response.status_code == 200
    airc.refresh_from_db()
    assert airc.name != "Renamed"


def test_outsiders_cannot_edit(as_charlie, as_bianca, client, airc):
    url = reverse("core:organisation_edit", args=[airc.pk])
    assert as_charlie.get(url).status_code == 403
    assert as_bianca.post(url, _data(airc, name="Hacked")).status_code == 403
    assert client.get(url).status_code == 302
    airc.refresh_from_db()
    assert airc.name != "Hacked"
