"""Certificates: issued by the edition's rule, numbered per year, verifiable, and batched into a ZIP."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from pariter.training import certificates, services, tasks
from pariter.training.models import BatchStatus, CertificateBatch, CertificateRule
from tests.training.factories import enroll, make_edition, move_to_past

pytestmark = pytest.mark.django_db


def attended(edition, people, sessions, actor):
    for s in list(edition.sessions.all())[:sessions]:
        for p in people:
            services.attendance_set(session=s, enrollment=p, status="present", actor=actor)


def test_it_issues_only_to_people_who_meet_the_rule_with_yearly_numbers(tina):
    edition = make_edition(capacity=5, certificate_rule=CertificateRule.MIN_PERCENT, certificate_min_percent=60)
    full, partial = enroll(edition, "Anna Piena"), enroll(edition, "Bruno Parziale")
    attended(edition, [full], 3, tina)
    attended(edition, [partial], 1, tina)
    move_to_past(edition)
    first = services.certificate_issue(enrollment=full)
    assert first is not None and first.number >= 1 and first.minutes_attended == 450
    assert services.certificate_issue(enrollment=partial) is None
    # Issuing again returns the same certificate.
    assert services.certificate_issue(enrollment=full).pk == first.pk
    other = make_edition(capacity=2, certificate_rule=CertificateRule.ALL_SESSIONS)
    p = enroll(other, "Carla")
    attended(other, [p], 3, tina)
    move_to_past(other)
    second = services.certificate_issue(enrollment=p)
    assert (second.year, second.number) == (first.year, first.number + 1)


@pytest.mark.parametrize(
    ("minutes", "text"), [(60, "1 ora"), (90, "1 ora e 30 minuti"), (450, "7 ore e 30 minuti"), (0, "0 ore")]
)
def test_durations_read_as_italian_words(minutes, text):
    from pariter.training.models import duration_it

    assert duration_it(minutes) == text


def test_it_is_not_issued_before_the_edition_ends(tina):
    edition = make_edition()
    p = enroll(edition)
    with pytest.raises(ValidationError, match="ended"):
        services.certificate_issue(enrollment=p)


def test_credits_go_only_to_accredited_editions_above_eighty_percent(tina):
    edition = make_edition(capacity=3, certificate_rule=CertificateRule.MIN_SESSIONS, certificate_min_sessions=2)
    services.edition_accredit(
        edition=edition,
        accrediting_body="CROAS Lombardia",
        cnoas_event_id="EV-2027-0042",
        credits=6,
        ethics_credits=True,
    )
    full, two_thirds = enroll(edition, "Anna"), enroll(edition, "Bruno")
    attended(edition, [full], 3, tina)
    attended(edition, [two_thirds], 2, tina)
    move_to_past(edition)
    assert services.certificate_issue(enrollment=full).credits == 6
    assert services.certificate_issue(enrollment=two_thirds).credits is None


def test_an_edition_cannot_be_accredited_after_it_started():
    edition = make_edition(starts_in=timedelta(hours=-2))
    with pytest.raises(ValidationError, match="already started"):
        services.edition_accredit(
            edition=edition, accrediting_body="CROAS", cnoas_event_id="X1", credits=3, ethics_credits=False
        )
    edition.refresh_from_db()
    assert not edition.is_accredited()


def test_the_pdf_carries_the_participant_hours_number_and_verification_code(tina):
    edition = make_edition(capacity=1, title="Tutori volontari di minori stranieri non accompagnati")
    p = enroll(edition, "Giulia Verdi")
    attended(edition, [p], 3, tina)
    move_to_past(edition)
    certificate = services.certificate_issue(enrollment=p)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(certificates.render_pdf(certificate))).pages)
    for expected in (
        "Giulia Verdi",
        "Tutori volontari",
        certificate.reference,
        certificate.verification_code,
        "7 ore e 30 minuti",
    ):
        assert expected in text


def test_the_verification_page_confirms_without_revealing_the_name(client, tina):
    edition = make_edition(capacity=1)
    p = enroll(edition, "Giulia Verdi")
    attended(edition, [p], 3, tina)
    move_to_past(edition)
    certificate = services.certificate_issue(enrollment=p)
    response = client.get(
        reverse("training:verify"), {"codice": certificate.verification_code.lower().replace("-", " ")}
    )
    assert response.status_code == 200
    assert "genuine" in response.text or "autentico" in response.text
    assert "Giulia" not in response.text
    missing = client.get(reverse("training:verify"), {"codice": "AAAA-BBBB-CCCC-DDDD"})
    assert "No certificate has this code" in missing.text or "Nessun attestato" in missing.text


def test_the_batch_issues_every_certificate_into_a_zip(as_tina, tina):
    edition = make_edition(capacity=12, sessions=1)
    people = [enroll(edition, f"Partecipante {i}") for i in range(12)]
    attended(edition, people[:10], 1, tina)
    move_to_past(edition)
    response = as_tina.post(reverse("training:batch_start", args=[edition.pk]))
    batch = CertificateBatch.objects.get(edition=edition)
    assert response.status_code == 302 and response.url == reverse("training:batch", args=[batch.pk])
    assert batch.status == BatchStatus.DONE and batch.done == 12 and batch.percent() == 100
    download = as_tina.get(reverse("training:batch_download", args=[batch.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 10
    assert all(name.endswith(".pdf") for name in archive.namelist())
    assert (tasks.batch_directory() / batch.archive).is_file()
