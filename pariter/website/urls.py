from django.urls import path, re_path
from wagtail import views as wagtail_views
from wagtail.contrib.sitemaps.views import sitemap

from pariter.core import views as core_views
from pariter.website import feeds, views
from pariter.website.sitemap import SiteSitemap

app_name = "website"

urlpatterns = [
    path("cerca/", views.search, name="search"),
    path("valutazione/<int:page_id>/", views.feedback, name="feedback"),
    path("notizie/feed.rss", feeds.NewsFeed(), name="feed_rss"),
    path("notizie/feed.atom", feeds.AtomNewsFeed(), name="feed_atom"),
    path("gestione/sito/valutazioni/", views.feedback_results, name="feedback_results"),
    path("gestione/sito/valutazioni/<int:page_id>/", views.feedback_page, name="feedback_page"),
]

# Served before core's URLs: the home page and the footer pages are CMS pages now, with core's own views as
# the fallback when no such page is published (a fresh database, or an editor unpublished one).
core_pages = [
    path("", views.cms_or(core_views.home)),
    path("accessibilita/", views.cms_or(core_views.accessibility)),
    path("privacy/", views.cms_or(core_views.privacy)),
    path("note-legali/", views.cms_or(core_views.legal_notes)),
    path("contatti/", views.cms_or(core_views.contacts)),
]

site_files = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"wagtail": SiteSitemap}}, name="sitemap"),
]

# Last in the project's urlpatterns: every other path is a page of the CMS. Named as Wagtail's own, so
# Page.url reverses through our caching view.
page_serving = [
    re_path(
        r"^_util/authenticate_with_password/(\d+)/(\d+)/$",
        wagtail_views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    re_path(r"^((?:[\w\-]+/)*)$", views.serve, name="wagtail_serve"),
]
