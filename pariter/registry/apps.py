from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "pariter.registry"
    label = "registry"
    verbose_name = _("Third-sector register (RUNTS)")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from pariter.core import audit
        from pariter.registry.search import on_post_migrate
        from pariter.registry.selectors import forget_sections
        from pariter.registry.services import register_changed

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="registry-search-schema")
        section = self.get_model("Section")
        post_save.connect(forget_sections, sender=section, dispatch_uid="registry-forget-sections-save")
        post_delete.connect(forget_sections, sender=section, dispatch_uid="registry-forget-sections-delete")

        tracked = ("Entity", "EntitySection", "OfficeHolder", "SecondaryOffice", "DepositedDocument", "Section")
        for name in tracked:
            # An office holder's codice fiscale is personal data: the log says it changed, not what it was.
            audit.track(self.get_model(name), mask={"tax_code"} if name == "OfficeHolder" else None)

        # Public pages cached for anonymous visitors show these models: any write makes them stale.
        for name in (*tracked, "EntityVersion"):
            model = self.get_model(name)
            post_save.connect(register_changed, sender=model, dispatch_uid=f"registry-pages-save-{name}")
            post_delete.connect(register_changed, sender=model, dispatch_uid=f"registry-pages-delete-{name}")
        from pariter.registry.models import Entity

        for through in (Entity.activities.through, Entity.networks.through):
            m2m_changed.connect(register_changed, sender=through, dispatch_uid=f"registry-pages-m2m-{through.__name__}")
