"""Browser tests: Debian's Chromium, driven by Playwright, against the portal served on localhost.

The portal runs in pytest-django's ``live_server`` thread, in this process: the test reads the
emails the portal sends from ``mail.outbox`` and checks the database with the ORM.

Playwright's sync API keeps an asyncio event loop marked as running in the test's thread, so
Django would refuse every ORM call made between two browser actions (SynchronousOnlyOperation).
Those calls never run while the loop does (the sync API blocks the loop until the test's code
hands back control), so the check guards against nothing here: ``DJANGO_ALLOW_ASYNC_UNSAFE`` is
set while the browser is open, for these tests only. Setting the data up before starting the
browser instead would forbid checking the database between the steps of a journey. While the
loop runs, Django gives the test a connection of its own, closed with the browser.

When a test fails, the screenshot taken at the end of each step of the journey, and one of every
page still open, are written to ``test-artifacts/screenshots/<test name>/``.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

# The member who pays offline, for every journey that starts from there.
from tests.browser.dues import offline_member  # noqa: F401
from tests.membership.stripe_fake import FakeStripe
from tests.migration_rows import restore_migration_rows

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a slow CI machine rendering the Wagtail admin, short enough to fail fast.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests after every other database test.

    They are transactional: the database is emptied after each, migrations' rows included (the
    default site and its home page), which the transactional tests of the other apps still need.
    """
    browser_dir = Path(__file__).parent
    browser = [item for item in items if browser_dir in Path(item.path).parents]
    others = [item for item in items if browser_dir not in Path(item.path).parents]
    items[:] = others + browser


@pytest.fixture(scope="module", autouse=True)
def migration_rows(django_db_setup, django_db_blocker) -> None:
    """Put back the rows the migrations wrote (default site, home page…), whatever the
    transactional tests before did to them."""
    with django_db_blocker.unblock():
        restore_migration_rows()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """On a failure, write the journey's screenshots while its pages are still open."""
    report = yield
    journey = getattr(item, "funcargs", {}).get("journey")
    if report.failed and journey is not None:
        folder = Path(item.config.rootpath) / "test-artifacts" / "screenshots" / item.name
        written = journey.write_screenshots(folder)
        if written:
            report.sections.append(("screenshots", f"{len(written)} captures dans {folder}"))
    return report


@pytest.fixture
def browser(monkeypatch) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see .ci/run).")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        # With the loop running, Django keeps the test's database connections apart from those
        # it opened before (asgiref's Local follows the loop): close those opened meanwhile, or
        # PostgreSQL refuses to drop the test database they still use.
        connections.close_all()
        browser.close()


def one_request_at_a_time(app):
    """A WSGI app that serves one request at a time, its body included."""
    lock = threading.Lock()

    def application(environ, start_response):
        with lock:
            result = app(environ, start_response)
            try:
                return list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()

    return application


@pytest.fixture
def portal_url(live_server, settings) -> Iterator[str]:
    """The live server's address, also used by the portal for the links in its emails and for
    Stripe's return URLs.

    On SQLite the live server shares the test's in-memory connection between its request
    threads, and Chromium sends requests in parallel (the admin's preview panel, a page and its
    favicon): two threads inside one SQLite connection fail with « database table is locked ».
    There the server answers one request at a time.
    """
    settings.SITE_URL = settings.WAGTAILADMIN_BASE_URL = live_server.url
    server = live_server.thread.httpd
    app = server.get_app()
    if connection.vendor == "sqlite":
        server.set_app(one_request_at_a_time(app))
    yield live_server.url
    server.set_app(app)


@pytest.fixture
def stripe_checkout(portal_url, settings) -> Iterator[FakeStripe]:
    """The fake Stripe with its hosted payment page, delivering webhooks to the live server."""
    fake = FakeStripe().start()
    fake.serve_hosted_pages(webhook_url=portal_url + reverse("stripe_webhook"))
    settings.PORTAIL_STRIPE_SECRET_KEY = fake.api_key
    settings.PORTAIL_STRIPE_WEBHOOK_SECRET = fake.webhook_secret
    settings.PORTAIL_STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()


class Journey:
    """People using the portal in their own browsers, and the steps they go through."""

    def __init__(self, browser: Browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.pages: dict[str, Page] = {}
        self.contexts: list[BrowserContext] = []
        self.screenshots: list[tuple[str, bytes]] = []
        self.step_name = ""

    def person(self, name: str) -> Page:
        """A browser window of its own (own cookies) for ``name``, in French, in Paris."""
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        self.pages[name] = page
        return page

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """A named step; every open page is captured at its end, whether it passed or not."""
        self.step_name = name
        try:
            yield
        finally:
            self._capture(name)

    def _capture(self, label: str) -> None:
        for person, page in self.pages.items():
            if page.is_closed():
                continue
            try:
                image = page.screenshot(full_page=True, timeout=5_000)
            except Exception:  # a page that cannot be captured must not hide the real failure
                continue
            self.screenshots.append((f"{label} - {person}", image))

    def write_screenshots(self, folder: Path) -> list[Path]:
        self._capture(f"échec - {self.step_name}")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for number, (label, image) in enumerate(self.screenshots, start=1):
            slug = re.sub(r"[^\w-]+", "-", label).strip("-").lower()
            path = folder / f"{number:02d}-{slug}.png"
            path.write_bytes(image)
            written.append(path)
        return written

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def journey(browser, portal_url) -> Iterator[Journey]:
    journey = Journey(browser, portal_url)
    yield journey
    journey.close()
