from django.urls import path

from pariter.filings import views

app_name = "filings"

urlpatterns = [
    path("gestione/pratiche/", views.queue, name="queue"),
    path("gestione/pratiche/assegna/", views.bulk_assign, name="bulk_assign"),
    path("gestione/pratiche/prendi-in-carico/", views.bulk_take_charge, name="bulk_take_charge"),
    path("gestione/pratiche/avvia/", views.start_procedure, name="start"),
    path("gestione/pratiche/bilanci-mancanti/", views.missing_accounts, name="missing_accounts"),
    path("gestione/pratiche/bilanci-mancanti/diffide/", views.bulk_warn, name="bulk_warn"),
    path("gestione/pratiche/bilanci-mancanti/<int:entity_pk>/diffida/", views.warn, name="warn"),
    path("gestione/pratiche/cruscotto/", views.dashboard, name="dashboard"),
    path("gestione/pratiche/cruscotto.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("gestione/pratiche/<int:pk>/", views.detail, name="detail"),
    path("gestione/pratiche/<int:pk>/azione/", views.act, name="act"),
    path("gestione/pratiche/<int:pk>/note/", views.note, name="note"),
    path("gestione/pratiche/<int:pk>/prefettura/", views.authority_notice, name="authority_notice"),
    path("gestione/pratiche/<int:pk>/antimafia/richiesta/", views.antimafia_request, name="antimafia_request"),
    path("gestione/pratiche/<int:pk>/antimafia/esito/", views.antimafia_outcome, name="antimafia_outcome"),
    path("gestione/pratiche/<int:pk>/controllo/", views.control_conclude, name="control_conclude"),
    path("gestione/pratiche/<int:pk>/controllo/comunicazione/", views.control_notify, name="control_notify"),
    path("gestione/pratiche/controlli/avvia/", views.control_start, name="control_start"),
    path("gestione/notai/", views.notaries, name="notaries"),
    path("gestione/notai/<int:pk>/fine/", views.notary_end, name="notary_end"),
    path("gestione/notai/<int:pk>/codice-fiscale/", views.notary_tax_code, name="notary_tax_code"),
    path("notaio/pratiche/", views.notary_home, name="notary_home"),
    path("notaio/rifiuti/", views.notary_refusal, name="notary_refusal"),
    path("pratiche/", views.portal, name="portal"),
    path("pratiche/<int:pk>/", views.portal_filing, name="portal_filing"),
    path("pratiche/<int:pk>/documenti/", views.portal_upload, name="portal_upload"),
    path("pratiche/<int:pk>/documenti/<int:document_pk>/", views.document, name="document"),
    path("pratiche/<int:pk>/documenti/<int:document_pk>/firmato/", views.document_signed, name="document_signed"),
    path("pratiche/<int:pk>/dati/", views.portal_edit, name="portal_edit"),
    path("pratiche/<int:pk>/rendiconto/", views.portal_figures, name="portal_figures"),
    path("pratiche/<int:pk>/dimensioni/", views.portal_size, name="portal_size"),
    path("pratiche/<int:pk>/invia/", views.portal_submit, name="portal_submit"),
    path("pratiche/<int:pk>/risposta/", views.portal_reply, name="portal_reply"),
    path("pratiche/<int:pk>/ritiro/", views.portal_withdraw, name="portal_withdraw"),
]
