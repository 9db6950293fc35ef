"""Signed links that let a participant act without an account: manage an enrollment, answer the survey."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from pariter.training.models import Enrollment

_SALT = "pariter.training.enrollment"


class BadLink(Exception):
    pass


def token_for(enrollment: Enrollment, purpose: str = "manage") -> str:
    return signing.dumps({"e": enrollment.pk, "p": purpose}, salt=_SALT)


def enrollment_from(token: str, purpose: str = "manage") -> Enrollment:
    """The enrollment the token was made for; BadLink if the token was altered or made for something else."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise BadLink(token) from None
    if not isinstance(data, dict) or data.get("p") != purpose:
        raise BadLink(token)
    pk = data.get("e")
    if not isinstance(pk, int):
        raise BadLink(token)
    enrollment = Enrollment.objects.select_related("edition__initiative").filter(pk=pk).first()
    if enrollment is None or enrollment.anonymised_at is not None:
        raise BadLink(token)
    return enrollment


def manage_url(enrollment: Enrollment) -> str:
    return settings.SITE_ROOT + reverse("training:enrollment_manage", args=[token_for(enrollment)])


def survey_url(enrollment: Enrollment) -> str:
    return settings.SITE_ROOT + reverse("training:survey", args=[token_for(enrollment, "survey")])
