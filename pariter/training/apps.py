from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "pariter.training"
    label = "training"
    verbose_name = _("Training and awareness")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from pariter.core import audit
        from pariter.training.services import catalogue_changed

        for name in (
            "Topic",
            "Initiative",
            "Edition",
            "TrainingSession",
            "Question",
            "Attendance",
            "Survey",
            "ScheduledMessage",
        ):
            audit.track(self.get_model(name))
        # Participants' contact details and answers are personal data: the log says they changed, not what they were.
        audit.track(
            self.get_model("Enrollment"), mask={"full_name", "email", "phone", "answers_encrypted"}, exclude={"token"}
        )
        audit.track(self.get_model("Certificate"), mask={"holder_name"})
        # The public pages cached for anonymous visitors show these: any write makes them stale (places left too).
        for name in ("Topic", "Initiative", "Edition", "TrainingSession", "Question", "Enrollment"):
            model = self.get_model(name)
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"training-pages-save-{name}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"training-pages-delete-{name}")
