from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "pariter.registry"
    label = "registry"
    verbose_name = _("Third-sector register (RUNTS)")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from pariter.core import audit
        from pariter.registry.search import on_post_migrate
        from pariter.registry.selectors import forget_sections

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="registry-search-schema")
        section = self.get_model("Section")
        post_save.connect(forget_sections, sender=section, dispatch_uid="registry-forget-sections-save")
        post_delete.connect(forget_sections, sender=section, dispatch_uid="registry-forget-sections-delete")

        for name in ("Entity", "EntitySection", "OfficeHolder", "SecondaryOffice", "DepositedDocument", "Section"):
            # An office holder's codice fiscale is personal data: the log says it changed, not what it was.
            audit.track(self.get_model(name), mask={"tax_code"} if name == "OfficeHolder" else None)
