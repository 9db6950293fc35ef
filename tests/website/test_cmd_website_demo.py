from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from pariter.website.models import ArticlePage, FaqPage, RightsGuidePage


def test_it_creates_three_guides_news_and_faq_in_both_languages_once(client, site):
    out = StringIO()
    call_command("website_demo", stdout=out)
    assert "new Italian pages" in out.getvalue()
    for language in ("it", "en"):
        guides = RightsGuidePage.objects.live().filter(locale__language_code=language)
        assert guides.count() == 3
        assert all(len(g.sources) >= 2 for g in guides)
        assert ArticlePage.objects.live().filter(locale__language_code=language).count() == 3
        assert FaqPage.objects.live().filter(locale__language_code=language).count() == 1
    call_command("website_demo", stdout=StringIO())
    assert RightsGuidePage.objects.count() == 6
    client.cookies["django_language"] = "en"
    assert "Support for women who suffer violence" in client.get("/diritti/sostegno-alle-vittime-di-violenza/").text
    assert "1522" in client.get("/cerca/", {"q": "helpline"}).text
