from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from pariter.api import api
from pariter.core import admin_site

admin_site.protect(admin.site)
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", include("pariter.core.urls")),
    path("registro/", include("pariter.registry.urls")),
    path("formazione/", include("pariter.training.urls")),
    path("dati-aperti/", include("pariter.registry.urls_opendata")),
    path("", include("pariter.filings.urls")),
    path("api/v1/", api.urls),
    path("account/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("i18n/catalogo.js", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

handler403 = "pariter.core.errors.permission_denied"
handler404 = "pariter.core.errors.page_not_found"
handler500 = "pariter.core.errors.server_error"
