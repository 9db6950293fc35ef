"""The naive register page the benchmarks compare against: what Django gives without care.

Paginator with COUNT(*) and OFFSET, and `icontains` on the name. Mounted only
by the benchmark server (ROOT_URLCONF=bench.naive_urls).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from pariter.registry.models import Entity


def naive_search(request: HttpRequest) -> HttpResponse:
    qs = Entity.objects.select_related("municipality").order_by("sort_name", "id")
    q = request.GET.get("q", "")
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return HttpResponse(TEMPLATE.render({"page": page, "q": q}, request))


# Same shell and the same table as the real page, so only the query strategy differs.
TEMPLATE = engines["django"].from_string(
    """{% extends "base.html" %}{% block head_title %}Naive{% endblock %}{% block content %}
<h1>Register ({{ page.paginator.count }} results)</h1>
<table class="table"><tbody>{% for e in page.object_list %}<tr>
<td><a href="/registro/{{ e.repertory_number }}/">{{ e.name }}</a></td><td>{{ e.municipality.name }}</td>
<td>{{ e.tax_code }}</td><td>{{ e.repertory_number }}</td></tr>{% endfor %}</tbody></table>
<p>Page {{ page.number }} of {{ page.paginator.num_pages }}</p>{% endblock %}"""
)


urlpatterns = [
    path("naive/", naive_search),
    path("", include("pariter.urls")),
]
