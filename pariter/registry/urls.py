from django.urls import path

from pariter.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:repertory_number>/", views.entity, name="entity"),
    path("<int:repertory_number>/scheda.json", views.entity_json, name="entity_json"),
]
