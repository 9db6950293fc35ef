"""Public website (Wagtail): anonymous page views with and without the page cache, and page weight.

Uses the database of DATABASE_URL (by default var/pariter.sqlite3 after `make db`, which loads website_demo).
"""

from __future__ import annotations

from bench.harness import HEADER, load, production_env, server

PAGES = {
    "robots.txt (harness ceiling)": ["/robots.txt"],
    "home page": ["/"],
    "rights guide": ["/diritti/maternita-e-paternita/"],
    "article": ["/notizie/congedo-di-paternita-dieci-giorni/"],
    "three guides and an article, mixed": [
        "/diritti/maternita-e-paternita/",
        "/diritti/sostegno-alle-vittime-di-violenza/",
        "/diritti/parita-di-trattamento-sul-lavoro/",
        "/notizie/congedo-di-paternita-dieci-giorni/",
    ],
}


def page_weight(port: int, path: str) -> str:
    """Bytes over the wire on a first visit and on a second one, as Chromium counts them."""
    import shutil

    from playwright.sync_api import sync_playwright

    url = f"http://127.0.0.1:{port}{path}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium") or shutil.which("chromium-browser"),
            args=["--no-sandbox"],
            headless=True,
        )
        context = browser.new_context()
        page = context.new_page()
        loads: list[list[int]] = []
        for _ in range(2):
            sizes: list[int] = []
            page.on("requestfinished", lambda request, sizes=sizes: sizes.append(_transferred(request)))
            page.goto(url, wait_until="networkidle")
            loads.append(sizes)
            page.close()
            page = context.new_page()  # a new tab: the browser cache is warm, the page is fetched again
        browser.close()
    first, second = (sum(s) for s in loads)
    return (
        f"| {path:<46} | {len(loads[0]):>4} requests | first load {first / 1024:>7.1f} KB "
        f"| warm cache {second / 1024:>7.1f} KB |"
    )


def _transferred(request) -> int:  # type: ignore[no-untyped-def]
    sizes = request.sizes()
    return int(sizes["responseBodySize"] + sizes["responseHeadersSize"])


def run() -> str:
    rows = [HEADER]
    for label, cache_seconds in (("cached", "600"), ("uncached", "0")):
        env = production_env({"WEBSITE_PAGE_CACHE_SECONDS": cache_seconds})
        with server(env) as port:
            for name, paths in PAGES.items():
                if name.startswith("robots") and label == "uncached":
                    continue
                rows.append(load(port, f"{name} ({label})", paths, requests=600, concurrency=4).row())
            if label == "cached":
                weights = [page_weight(port, path) for path in ("/", "/diritti/maternita-e-paternita/")]
    return "\n".join([*rows, "", "Page weight (Chromium, bytes transferred incl. headers):", *weights])
