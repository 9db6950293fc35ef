from __future__ import annotations

import io

from django.core.management import call_command
from PIL import Image


def test_it_draws_a_1200_by_630_png_where_asked(tmp_path):
    target = tmp_path / "og.png"
    out = io.StringIO()
    call_command("website_og_image", output=target, stdout=out)
    with Image.open(target) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (1200, 630), "RGB")
    assert str(target) in out.getvalue()
