from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pariter.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from pariter.core import audit, signals  # noqa: F401  (connects receivers)

        audit.track(self.get_model("User"), exclude={"password", "last_login"})
        audit.track(self.get_model("Organisation"))
        audit.track(self.get_model("Membership"))
        from allauth.mfa.models import Authenticator

        # The secret and the recovery codes never reach the log.
        audit.track(Authenticator, exclude={"data", "last_used_at"})
