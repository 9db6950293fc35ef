"""Browser tests: Playwright drives the system Chromium (Debian package `chromium`) against live_server."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import chromium_path

# Playwright's sync API runs an event loop in this thread; live_server's ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="it-IT")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in_browser(page: Any, client: Any, base_url: str) -> None:
    """Give the browser the session of a test client that is already signed in (and past MFA)."""
    from django.conf import settings

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])


_axe = Axe()


def assert_accessible(page: Any, label: str = "") -> list[dict]:
    """Run axe-core; fail on serious or critical violations, return the minor ones for reporting."""
    # Colours are checked as painted: halfway through a fade-in (the megamenu's panel) text is paler than it will
    # be, and axe reported that as a contrast failure about one run in three. Let transitions finish first.
    # An animation still going after 3 s (Wagtail's editor has some) is left alone: the page is checked as it is.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            "() => document.getAnimations().every(a => a.playState !== 'running'"
            " || (a.effect && a.effect.getComputedTiming().endTime === Infinity))",  # a spinner never ends
            timeout=3000,
        )
    results = _axe.run(page)
    violations = results.response["violations"]
    blocking = [v for v in violations if v["impact"] in ("serious", "critical")]
    details = "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']} → {[n['target'] for n in v['nodes']][:3]}" for v in blocking
    )
    assert not blocking, f"axe found serious/critical violations on {label or page.url}:\n{details}"
    return [v for v in violations if v not in blocking]
