from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _

from pariter.website import og_image
from pariter.website.forms import FeedbackForm
from pariter.website.models import Rating, hreflang_links
from pariter.website.views import requested_language

register = template.Library()

OG_LOCALES = {"it": "it_IT", "en": "en_GB"}


@register.inclusion_tag("website/includes/page_meta.html", takes_context=True)
def page_meta(context: dict[str, Any], page: Any) -> dict[str, Any]:
    request = context.get("request")
    language = page.locale.language_code
    alternates = hreflang_links(page.language_versions(request), page.get_full_url(request))
    canonical = page.get_full_url(request)
    if alternates and request is not None and requested_language(request) == language:
        canonical = dict(alternates)[language]  # the address that named this language is its own canonical
    return {
        "page": page,
        "canonical": canonical,
        "share_image": share_image(page, canonical),
        "alternates": alternates,
        "og_type": "article" if page.specific_class.__name__ == "ArticlePage" else "website",
        "og_locale": OG_LOCALES.get(language, language),
        "og_locale_alternates": [OG_LOCALES.get(code, code) for code, _url in alternates[:-1] if code != language],
    }


def share_image(page: Any, base_url: str) -> dict[str, Any]:
    """The page's sharing image cut to the Open Graph size, or the site's own (og_image.py), with its alt text."""
    image = getattr(page, "share_image", None)
    if image is not None:
        rendition = image.get_rendition(f"fill-{og_image.SIZE[0]}x{og_image.SIZE[1]}")
        url, width, height, alt = rendition.url, rendition.width, rendition.height, image.default_alt_text
        content_type = ""
    else:
        url, (width, height), content_type = static(og_image.STATIC_PATH), og_image.SIZE, "image/png"
        alt = _("Welfare e pari opportunità, the site of Città metropolitana di Milano")
    return {"url": urljoin(base_url or "", url), "width": width, "height": height, "alt": alt, "type": content_type}


@register.inclusion_tag("core/includes/language_switch.html", takes_context=True)
def language_switch(context: dict[str, Any], page: Any) -> dict[str, Any]:
    """The header's language switch, leading to the page's translation where there is one."""
    request = context.get("request")
    versions = page.language_versions(request)
    here = request.get_full_path() if request is not None else page.url
    links = [(code, urlsplit(versions[code]).path if code in versions else here) for code, _name in settings.LANGUAGES]
    return {"request": request, "csrf_token": context.get("csrf_token"), "links": links}


@register.inclusion_tag("core/includes/breadcrumbs.html")
def page_breadcrumbs(page: Any) -> dict[str, Any]:
    trail = [(p.url, p.title) for p in page.get_ancestors().filter(depth__gt=2)]
    return {"trail": trail, "current": page.title}


@register.inclusion_tag("website/includes/translation_notice.html")
def translation_notice(page: Any) -> dict[str, Any]:
    active = (translation.get_language() or "it")[:2]
    return {"shown": page.locale.language_code != active, "page_language": page.locale.language_code}


@register.simple_tag
def page_language_differs(page: Any) -> bool:
    return page.locale.language_code != (translation.get_language() or "it")[:2]


@register.inclusion_tag("website/includes/feedback.html", takes_context=True)
def feedback_box(context: dict[str, Any], page: Any, form: FeedbackForm | None = None) -> dict[str, Any]:
    return {
        "page": page,
        "feedback_form": form or FeedbackForm(),
        "rating_choices": Rating.choices,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("website/includes/menu.html", takes_context=True)
def website_menu(context: dict[str, Any], page: Any) -> dict[str, Any]:
    """The site's sections as Bootstrap Italia megamenus, in the page's language (selectors.menu, cached)."""
    from pariter.website.selectors import menu

    request = context.get("request")
    path = request.path if request else ""
    sections = menu(locale=page.locale)
    active = next((s.url for s in sections if path.startswith(s.url)), None)  # the section the visitor is in
    return {"sections": sections, "current_path": path, "active_url": active}
