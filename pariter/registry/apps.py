from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "pariter.registry"
    label = "registry"
    verbose_name = _("Third-sector register (RUNTS)")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from pariter.core import audit
        from pariter.registry.search import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="registry-search-schema")

        for name in ("Entity", "EntitySection", "OfficeHolder", "SecondaryOffice", "DepositedDocument", "Section"):
            # An office holder's codice fiscale is personal data: the log says it changed, not what it was.
            audit.track(self.get_model(name), mask={"tax_code"} if name == "OfficeHolder" else None)
