"""The site's default sharing image (Open Graph, 1200×630), drawn here so that its source and licence are ours.

Bootstrap Italia's blue and Titillium Web (SIL Open Font License 1.1, found through the static files), the
site's name and the institution, and a motif of two bars: "pari", equal. `manage.py website_og_image` writes it
to pariter/static/pariter/og-default.png, which is committed; run it again only when the design changes.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib.staticfiles import finders

SIZE = (1200, 630)
BLUE, DARK_BLUE, WHITE, LIGHT = "#0066CC", "#004D99", "#FFFFFF", "#D9E8F7"
STATIC_PATH = "pariter/og-default.png"


def _font(weight: str, size: int) -> Any:
    from PIL import ImageFont

    path = finders.find(f"fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-{weight}.ttf")
    if path is None:
        raise FileNotFoundError("Titillium Web is not among the static files (bootstrap_italia_template)")
    return ImageFont.truetype(path, size)


def render() -> bytes:
    from PIL import Image, ImageDraw  # only when drawing: the site's pages import this module for SIZE

    image = Image.new("RGB", SIZE, BLUE)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    # The motif: two equal bars on the right, "=".
    for top in (200, 330):
        draw.rounded_rectangle((800, top, 1100, top + 90), radius=45, fill=DARK_BLUE)
    draw.rectangle((0, height - 90, width, height), fill=DARK_BLUE)
    draw.text((80, 70), "Città metropolitana di Milano", font=_font("600", 34), fill=LIGHT)
    draw.text((80, 190), "Welfare e", font=_font("700", 92), fill=WHITE)
    draw.text((80, 290), "pari opportunità", font=_font("700", 92), fill=WHITE)
    draw.text((80, 430), "Diritti, formazione, Terzo settore", font=_font("regular", 40), fill=LIGHT)
    draw.text(
        (80, height - 68),
        "Servizio formazione per il sociale, terzo settore e pari opportunità",
        font=_font("600", 30),
        fill=WHITE,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
