from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "pariter.filings"
    label = "filings"
    verbose_name = _("Register filings")

    def ready(self) -> None:
        from pariter.core import audit
        from pariter.core.roles import require_mfa_when
        from pariter.filings.access import is_active_notary

        # A notary files deeds as a public official and sees the filings they filed: a second factor, like staff.
        require_mfa_when(is_active_notary)

        # The timeline and the notes are append-only records of their own; the audit log covers the rows that change.
        for name in (
            "Filing",
            "FilingDocument",
            "FilingNote",
            "CashStatement",
            "Notary",
            "NotaryRefusal",
            "SizeDeclaration",
            "AntimafiaCheck",
            "Control",
        ):
            if name == "Filing":
                # The queue's sort columns follow from the rest; the representative's codice fiscale is personal data.
                audit.track(
                    self.get_model(name),
                    exclude={"is_open", "queue_key", "version"},
                    mask={"representative_tax_code_token"},
                )
            elif name == "FilingDocument":
                audit.track(self.get_model(name), mask={"signer_tax_code_token"})
            elif name == "Notary":
                audit.track(self.get_model(name), mask={"tax_code_token"})
            else:
                audit.track(self.get_model(name))
