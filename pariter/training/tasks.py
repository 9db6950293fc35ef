"""Background work of the training area, run by django.tasks' db_worker."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)


@task()
def send_enrollment_message(*, enrollment_id: int, kind: str) -> bool:
    """E-mail one participant (confirmation, offer, reminder, survey, certificate) and record that it was sent."""
    from pariter.training import links
    from pariter.training.models import Enrollment, SentMessage

    enrollment = Enrollment.objects.select_related("edition__initiative").filter(pk=enrollment_id).first()
    if enrollment is None or enrollment.anonymised_at is not None:
        return False
    with translation.override(enrollment.language or settings.LANGUAGE_CODE):
        context = {
            "enrollment": enrollment,
            "edition": enrollment.edition,
            "kind": kind,
            "manage_url": links.manage_url(enrollment),
            "survey_url": links.survey_url(enrollment),
            "site_root": settings.SITE_ROOT,
        }
        subject = render_to_string("training/email/subject.txt", context).strip()
        body = render_to_string("training/email/body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [enrollment.email])
    SentMessage.objects.create(enrollment=enrollment, kind=kind)
    return True


@task()
def send_edition_messages(*, edition_id: int, kind: str, attended_only: bool = False) -> int:
    """One message to every confirmed participant of an edition; attended_only for the survey."""
    from pariter.training import selectors
    from pariter.training.models import Enrollment, EnrollmentState

    enrollments = Enrollment.objects.filter(
        edition_id=edition_id, state=EnrollmentState.CONFIRMED, anonymised_at__isnull=True
    )
    sent = 0
    for enrollment in enrollments:
        if attended_only and not selectors.has_attended(enrollment):
            continue
        send_enrollment_message.call(enrollment_id=enrollment.pk, kind=kind)
        sent += 1
    return sent


@task()
def expire_offers() -> int:
    """Pass the places of expired offers to the next people on the waiting lists."""
    from pariter.training import services

    return services.offers_expire()


@task()
def send_due_messages() -> int:
    """Send the scheduled messages whose time has come."""
    from pariter.training import services

    return services.scheduled_messages_send_due()


@task()
def issue_certificates_at_end(*, edition_id: int) -> int | None:
    """Issue an edition's certificates once it has ended, unless a batch already did (re-queued if moved later)."""
    from pariter.training.models import BatchStatus, CertificateBatch, Edition

    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None or edition.ends_at is None or edition.ends_at > timezone.now():
        return None
    if edition.certificate_batches.filter(status__in=[BatchStatus.DONE, BatchStatus.RUNNING]).exists():
        return None
    batch = CertificateBatch.objects.create(edition=edition)
    return issue_certificates.call(batch_id=batch.pk)


def batch_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "training" / "certificates"


@task()
def issue_certificates(*, batch_id: int) -> int:
    """Issue the certificates of an edition and pack them in a ZIP, saving progress as it goes."""
    from pariter.training import certificates, services
    from pariter.training.models import BatchStatus, CertificateBatch, EnrollmentState

    batch = CertificateBatch.objects.select_related("edition").get(pk=batch_id)
    edition = batch.edition
    enrollments = list(
        edition.enrollments.filter(state=EnrollmentState.CONFIRMED, anonymised_at__isnull=True)
        .prefetch_related("attendances")
        .order_by("full_name", "id")
    )
    sessions = list(edition.sessions.all())
    batch.status, batch.total, batch.done = BatchStatus.RUNNING, len(enrollments), 0
    batch.save(update_fields=["status", "total", "done"])
    directory = batch_directory()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"edizione-{edition.pk}-lotto-{batch.pk}.zip"
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for i, enrollment in enumerate(enrollments, start=1):
                certificate = services.certificate_issue(enrollment=enrollment, sessions=sessions)
                if certificate is not None:
                    archive.writestr(certificates.filename(certificate), certificates.render_pdf(certificate))
                if i % 10 == 0 or i == len(enrollments):
                    CertificateBatch.objects.filter(pk=batch.pk).update(done=i)
    except Exception as error:
        logger.exception("Certificate batch %s failed", batch.pk)
        CertificateBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, error=str(error)[:500])
        raise
    CertificateBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, done=len(enrollments), archive=path.name, finished_at=timezone.now()
    )
    _announce_certificates(edition.pk)
    return len(enrollments)


def _announce_certificates(edition_id: int) -> None:
    """Tell each holder, once, that their certificate is ready."""
    from pariter.training.models import Enrollment, MessageKind

    ready = Enrollment.objects.filter(edition_id=edition_id, certificate__isnull=False, anonymised_at__isnull=True)
    for enrollment in ready.exclude(messages__kind=MessageKind.CERTIFICATE_READY):
        send_enrollment_message.enqueue(enrollment_id=enrollment.pk, kind=MessageKind.CERTIFICATE_READY)
