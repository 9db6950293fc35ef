from django.urls import path

from pariter.training import views

app_name = "training"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("archivio/", views.archive, name="archive"),
    path("calendario/", views.calendar_month, name="calendar"),
    path("calendario.ics", views.calendar_ics, name="calendar_ics"),
    path("edizioni/<int:pk>/", views.edition, name="edition"),
    path("edizioni/<int:pk>/calendario.ics", views.edition_ics, name="edition_ics"),
    path("edizioni/<int:pk>/iscrizione/", views.enroll, name="enroll"),
    path("iscrizione/<str:token>/", views.enrollment_manage, name="enrollment_manage"),
    path("iscrizione/<str:token>/attestato.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("questionario/<str:token>/", views.survey, name="survey"),
    path("attestati/verifica/", views.verify, name="verify"),
    path("gestione/", views.staff_editions, name="staff_editions"),
    path("gestione/oggi/", views.staff_today, name="staff_today"),
    path("gestione/cruscotto/", views.dashboard, name="dashboard"),
    path("gestione/iniziative/nuova/", views.initiative_create, name="initiative_create"),
    path("gestione/edizioni/nuova/", views.edition_create, name="edition_create"),
    path("gestione/edizioni/<int:pk>/", views.staff_edition, name="staff_edition"),
    path("gestione/edizioni/<int:pk>/modifica/", views.edition_edit, name="edition_edit"),
    path("gestione/edizioni/<int:pk>/sessioni/", views.session_create, name="session_create"),
    path("gestione/edizioni/<int:pk>/domande/", views.question_create, name="question_create"),
    path("gestione/edizioni/<int:pk>/questionario/", views.survey_setup, name="survey_setup"),
    path("gestione/edizioni/<int:pk>/messaggi-programmati/", views.message_schedule, name="message_schedule"),
    path(
        "gestione/edizioni/<int:pk>/iscrizioni/<int:enrollment_pk>/decisione/",
        views.enrollment_decide,
        name="enrollment_decide",
    ),
    path("gestione/edizioni/<int:pk>/accreditamento/", views.edition_accredit, name="edition_accredit"),
    path("gestione/edizioni/<int:pk>/esporta/", views.edition_export, name="edition_export"),
    path("gestione/edizioni/<int:pk>/messaggi/", views.edition_send, name="edition_send"),
    path("gestione/edizioni/<int:pk>/questionario/risultati/", views.survey_export, name="survey_export"),
    path("gestione/edizioni/<int:pk>/attestati/", views.batch_start, name="batch_start"),
    path("gestione/attestati/lotti/<int:pk>/", views.batch, name="batch"),
    path("gestione/attestati/lotti/<int:pk>/attestati.zip", views.batch_download, name="batch_download"),
    path("gestione/sessioni/<int:pk>/modifica/", views.session_edit, name="session_edit"),
    path("gestione/sessioni/<int:pk>/elimina/", views.session_delete, name="session_delete"),
    path("gestione/domande/<int:pk>/modifica/", views.question_edit, name="question_edit"),
    path("gestione/domande/<int:pk>/elimina/", views.question_remove, name="question_remove"),
    path("gestione/domande/<int:pk>/sposta/", views.question_move, name="question_move"),
    path("gestione/sessioni/<int:pk>/presenze/", views.check_in, name="check_in"),
    path("gestione/sessioni/<int:pk>/presenze/stato/", views.attendance_set, name="attendance_set"),
]
