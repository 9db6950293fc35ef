from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from pariter.website.forms import FeedbackForm
from pariter.website.models import Rating

register = template.Library()

OG_LOCALES = {"it": "it_IT", "en": "en_GB"}


@register.inclusion_tag("website/includes/page_meta.html", takes_context=True)
def page_meta(context: dict[str, Any], page: Any) -> dict[str, Any]:
    request = context.get("request")
    language = page.locale.language_code
    return {
        "page": page,
        "canonical": page.get_full_url(request),
        "og_type": "article" if page.specific_class.__name__ == "ArticlePage" else "website",
        "og_locale": OG_LOCALES.get(language, language),
    }


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
    """The home page's children marked "show in menus", in the page's language: one query."""
    from pariter.website.selectors import menu_pages

    request = context.get("request")
    return {"items": menu_pages(locale=page.locale), "current_path": request.path if request else ""}
