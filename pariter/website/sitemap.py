"""sitemap.xml: Wagtail's, with each translated page's language versions as hreflang alternates."""

from __future__ import annotations

from typing import Any

from wagtail.contrib.sitemaps import Sitemap

from pariter.website import selectors
from pariter.website.models import hreflang_links


class SiteSitemap(Sitemap):
    def _urls(self, page: int, protocol: str, domain: str) -> list[dict[str, Any]]:
        pages = list(self.paginator.page(page).object_list)
        versions = selectors.language_versions(pages, request=self.request)  # one query for the whole page
        urls, last_mods = [], set()
        for item in pages:
            links = hreflang_links(versions.get(item.translation_key, {}), item.get_full_url(self.request))
            for url_info in item.get_sitemap_urls(self.request):
                if links:
                    url_info["alternates"] = [{"lang_code": code, "location": url} for code, url in links]
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:  # as Wagtail's: no date when a page has none
            self.latest_lastmod = max(last_mods)
        return urls
