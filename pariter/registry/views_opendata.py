"""The open-data catalogue: a public page, the files of the last export and their DCAT-AP_IT metadata.

Only files listed in the export's manifest are served, by name, from the export directory: a name that is not
listed (or that would leave the directory) answers 404.
"""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from pariter.registry import opendata

TEXT_TYPES = {"text/csv", "text/turtle"}
MAX_AGE = 3600  # the files change once a day


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    manifest = opendata.read_manifest()
    language = get_language() or "it"
    datasets = []
    if manifest is not None:
        datasets = [
            {
                "anchor": d.info.slug,
                "identifier": d.identifier,
                "title": d.title(language),
                "description": d.description(language),
                "rows": d.rows,
                "modified": d.modified,
                "distributions": d.distributions,
            }
            for d in manifest.datasets
            if d.distributions
        ]
    return render(
        request,
        "registry/opendata.html",
        {
            "manifest": manifest,
            "datasets": datasets,
            "licence_url": opendata.LICENCE_URL,
            "attribution": opendata.ATTRIBUTION,
        },
    )


def _serve(request: HttpRequest, filename: str, *, attachment: bool) -> HttpResponseBase:
    directory = opendata.default_directory()
    manifest = opendata.read_manifest(directory)
    entry = manifest.find(filename) if manifest is not None else None
    # The name must be listed, and be a plain name of a file right inside the directory.
    if entry is None or Path(filename).name != filename or filename.startswith("."):
        raise Http404
    path = directory / filename
    try:
        if path.resolve().parent != directory.resolve():
            raise Http404
        handle = path.open("rb")
    except OSError:
        raise Http404 from None
    etag = f'"{entry.sha256}"'
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(entry.generated_at.timestamp()))
    if not_modified is not None:
        handle.close()
        return not_modified
    content_type = entry.media_type + ("; charset=utf-8" if entry.media_type in TEXT_TYPES else "")
    response = FileResponse(handle, as_attachment=attachment, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_safe
def download(request: HttpRequest, filename: str) -> HttpResponseBase:
    return _serve(request, filename, attachment=True)


@require_safe
def catalogue_turtle(request: HttpRequest) -> HttpResponseBase:
    return _serve(request, opendata.CATALOGUE_TTL, attachment=False)


@require_safe
def catalogue_jsonld(request: HttpRequest) -> HttpResponseBase:
    return _serve(request, opendata.CATALOGUE_JSONLD, attachment=False)
