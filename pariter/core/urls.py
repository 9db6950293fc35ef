from django.urls import path

from pariter.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilita/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("note-legali/", views.legal_notes, name="legal_notes"),
    path("contatti/", views.contacts, name="contacts"),
    path("health/", views.health, name="health"),
    path("organizzazioni/", views.directory, name="directory"),
    path("organizzazioni/nuova/", views.organisation_create, name="organisation_create"),
    path("organizzazioni/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organizzazioni/<int:pk>/modifica/", views.organisation_edit, name="organisation_edit"),
    path("area-personale/", views.dashboard, name="dashboard"),
    path("area-personale/organizzazione/", views.acting_organisation, name="acting_organisation"),
    path("gestione/", views.staff_home, name="staff_home"),
    path("gestione/utenti/", views.user_list, name="user_list"),
    path("gestione/utenti/nuovo/", views.user_create, name="user_create"),
    path("gestione/utenti/<int:pk>/", views.user_detail, name="user_detail"),
    path("gestione/utenti/<int:pk>/ruoli/", views.membership_add, name="membership_add"),
    path("gestione/utenti/<int:pk>/ruoli/<int:membership_pk>/termina/", views.membership_end, name="membership_end"),
    path("gestione/registro-attivita/", views.audit_log, name="audit_log"),
]
