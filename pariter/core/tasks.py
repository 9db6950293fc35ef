"""Background work of the core area, run by django.tasks' db_worker."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


@task()
def send_account_invitation(*, user_id: int) -> None:
    """E-mail a new account holder the link to choose their password."""
    from pariter.core.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "link": f"{settings.SITE_ROOT}{path}"}
        subject = render_to_string("core/email/invitation_subject.txt", context).strip()
        body = render_to_string("core/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
