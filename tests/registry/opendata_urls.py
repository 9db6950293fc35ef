"""pariter.urls plus the open-data catalogue at /dati-aperti/, until pariter/urls.py includes it."""

from django.urls import include, path

from pariter.urls import handler403, handler404, handler500  # noqa: F401
from pariter.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("dati-aperti/", include("pariter.registry.urls_opendata")),
    *project_urlpatterns,
]
