"""Open Graph image: the site's own by default, or the page's sharing image cut to 1200×630, always with alt text."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from pariter.website import og_image
from tests.website import factories

ROOT = settings.SITE_ROOT.rstrip("/")


def meta(html: str) -> dict[str, str]:
    return dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[\w:]+)" content="([^"]*)">', html))


def test_a_page_without_its_own_image_is_shared_with_the_sites_image(client, site):
    found = meta(client.get("/privacy/").text)
    assert found["og:image"] == f"{ROOT}/static/{og_image.STATIC_PATH}"
    assert (found["og:image:width"], found["og:image:height"], found["og:image:type"]) == ("1200", "630", "image/png")
    assert found["og:image:alt"] == "Welfare e pari opportunità, il sito di Città metropolitana di Milano"
    assert found["twitter:card"] == "summary_large_image"


def test_the_sites_image_is_a_1200_by_630_png_in_the_static_files():
    path = Path(settings.BASE_DIR) / "pariter" / "static" / og_image.STATIC_PATH
    with PILImage.open(path) as image:
        assert (image.format, image.size) == ("PNG", og_image.SIZE)
    assert path.stat().st_size < 100_000  # light enough for every network's preview


def test_a_page_with_a_sharing_image_is_shared_with_it_cut_to_size(client, site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 1000), "navy").save(buffer, "PNG")
    photo = Image.objects.create(
        title="foto-sportello",
        description="Una operatrice allo sportello accoglie una donna",
        file=ImageFile(buffer, name="sportello.png"),
    )
    news = factories.section("notizie", "Notizie")
    article = factories.article(news, "sportello", "Nuovo sportello")
    article.share_image = photo
    factories.publish(article)
    found = meta(client.get("/notizie/sportello/").text)
    assert re.fullmatch(rf"{ROOT}/media/images/sportello\.[\w-]+\.fill-1200x630\.png", found["og:image"])
    assert (found["og:image:width"], found["og:image:height"]) == ("1200", "630")
    assert found["og:image:alt"] == "Una operatrice allo sportello accoglie una donna"
    assert "og:image:type" not in found
