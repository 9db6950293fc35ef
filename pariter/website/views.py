from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe
from wagtail import views as wagtail_views
from wagtail.models import Page

from pariter.core import access
from pariter.core.net import client_ip
from pariter.core.pagination import InvalidCursor
from pariter.core.roles import Perm
from pariter.website import cache, selectors, services
from pariter.website.forms import FeedbackForm, SearchForm

View = Callable[..., HttpResponseBase]


def serve(request: HttpRequest, path: str = "") -> HttpResponseBase:
    """Wagtail's page serving, with published pages cached for anonymous visitors until the next publish."""
    if (language := requested_language(request)) is not None:
        # A language named in the address (the hreflang links, models.hreflang_links) wins over the visitor's
        # choice, for this answer only; with a query string the page is never cached, so it costs a render.
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = _serve(request, path)
            response.headers["Content-Language"] = language
            return response
    return _serve(request, path)


def requested_language(request: HttpRequest) -> str | None:
    code = request.GET.get("lang", "")
    return code if code in dict(settings.LANGUAGES) else None


def _serve(request: HttpRequest, path: str) -> HttpResponseBase:
    key = cache.key_for(request, path)
    if key is not None and (frozen := cache.get(key)) is not None:
        return cache.thaw(request, frozen)
    try:
        response = _serve_in_some_language(request, path)
    except InvalidCursor:
        raise Http404 from None
    if isinstance(response, TemplateResponse):
        response.render()
    route = getattr(request, "_wagtail_route_for_request", None)
    if (
        key is not None
        and response.status_code == 200
        and isinstance(response, HttpResponse)
        and route is not None
        and not route[0].get_view_restrictions().exists()
    ):
        cache.put(key, cache.freeze(request, response))
    return response


def _serve_in_some_language(request: HttpRequest, path: str) -> HttpResponseBase:
    """The page in the visitor's language; else, where it exists only in Italian, the Italian page.

    English pages share the Italian slugs (translations are copies), so the same address serves both languages.
    A page not translated yet is shown in Italian, marked as such, rather than answering 404.
    """
    try:
        return wagtail_views.serve(request, path)
    except Http404:
        if (translation.get_language() or "")[:2] == settings.LANGUAGE_CODE:
            raise
    request.__dict__.pop("_wagtail_route_for_request", None)
    with translation.override(settings.LANGUAGE_CODE):
        route = Page.route_for_request(request, path)
    if route is None:
        raise Http404
    return wagtail_views.serve(request, path)  # routes from the cached Italian result


def cms_or(fallback: View) -> View:
    """A page the CMS took over from core (home, footer pages): the CMS page if it exists, else core's own."""

    def view(request: HttpRequest) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return fallback(request)
        try:
            return serve(request, request.path_info.lstrip("/"))
        except Http404:
            return fallback(request)

    view.__name__ = getattr(fallback, "__name__", "view")
    return view


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    text = request.GET.get("q", "")
    query = selectors.clean_query(text)
    results = selectors.search_pages(query, locale=selectors.current_locale()) if query else []
    return render(
        request,
        "website/search.html",
        {"form": form, "query": query, "searched": "q" in request.GET, "results": results},
    )


@require_POST
def feedback(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_object_or_404(selectors.visible_pages(), pk=page_id).specific
    form = FeedbackForm(request.POST)
    status = 400
    if not services.feedback_quota_consume(client=client_ip(request) or "unknown"):
        form.add_error(None, _("You have sent many answers in a short time. Please try again later."))
        status = 429
    elif form.is_valid():
        try:
            services.feedback_submit(
                page=page,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                language=selectors.active_language(),
            )
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Thank you: your answer helps us improve the site."))
            return redirect(page.get_url(request) or "/")
    return render(request, "website/feedback_form.html", {"page": page, "feedback_form": form}, status=status)


@require_GET
@access.require_perm(Perm.PUBLISH_WEBSITE)
def feedback_results(request: HttpRequest) -> HttpResponse:
    return render(request, "website/staff/feedback_results.html", {"rows": selectors.feedback_summary()})


@require_GET
@access.require_perm(Perm.PUBLISH_WEBSITE)
def feedback_page(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_object_or_404(Page, pk=page_id)
    try:
        answers = selectors.feedback_for_page(page, cursor=request.GET.get("cursor", ""))
    except InvalidCursor:
        raise Http404 from None
    return render(request, "website/staff/feedback_page.html", {"feedback_page": page, "answers": answers})


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        *(f"Disallow: {prefix}" for prefix in ("/cms/", "/admin/", "/account/", "/area-personale/", "/gestione/")),
        f"Sitemap: {settings.SITE_ROOT.rstrip('/')}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def translations(request: HttpRequest) -> HttpResponse:
    """The editors' view of missing and out-of-date English versions (inside Wagtail's admin)."""
    user = request.user
    if not user.is_authenticated or not user.has_role_perm(Perm.EDIT_WEBSITE):
        raise access.deny(request, Perm.EDIT_WEBSITE)
    rows = selectors.translation_status(source=settings.LANGUAGE_CODE, target="en")
    counts = {state: sum(1 for r in rows if r.state == state) for state in ("missing", "draft", "outdated", "current")}
    return render(request, "website/admin/translations.html", {"rows": rows, "counts": counts})
