from django.urls import path

from pariter.registry import views_opendata

app_name = "opendata"

urlpatterns = [
    path("", views_opendata.catalogue, name="catalogue"),
    path("catalogo.ttl", views_opendata.catalogue_turtle, name="catalogue_ttl"),
    path("catalogo.jsonld", views_opendata.catalogue_jsonld, name="catalogue_jsonld"),
    path("<str:filename>", views_opendata.download, name="download"),
]
