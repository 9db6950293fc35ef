from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "pariter.website"
    label = "website"
    verbose_name = _("Public website")

    def ready(self) -> None:
        from wagtail.documents.models import Document
        from wagtail.images.models import Image

        from pariter.core import audit
        from pariter.website import cache, models, signals  # noqa: F401  (connects receivers)

        # Page bodies are revisions in Wagtail's own history; the log keeps who changed which page and when.
        for model in models.PAGE_MODELS:
            audit.track(model, exclude=models.LARGE_PAGE_FIELDS)
        audit.track(models.GuideOffice)
        # Anonymous visitors write the comment: it may hold personal data, so the log never repeats it.
        audit.track(models.PageFeedback, mask={"comment_encrypted"})
        audit.track(
            Image, exclude={"file", "focal_point_x", "focal_point_y", "focal_point_width", "focal_point_height"}
        )
        audit.track(Document, exclude={"file"})
