from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from pariter.api import api
from pariter.core import admin_site
from pariter.website import urls as website_urls

admin_site.protect(admin.site)
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    *website_urls.core_pages,
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
    # Wagtail's own sign-in would skip allauth's second factor: it only ever sends people to allauth.
    path("cms/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("cms/", include(wagtailadmin_urls)),
    path("documenti/", include(wagtaildocs_urls)),
    path("", include(website_urls)),
    *website_urls.site_files,
    *website_urls.page_serving,  # last: every other path is a CMS page
]

handler403 = "pariter.core.errors.permission_denied"
handler404 = "pariter.core.errors.page_not_found"
handler500 = "pariter.core.errors.server_error"
