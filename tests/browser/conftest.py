"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Playwright cannot download its own browser here: it runs /usr/bin/chromium (apt-get install chromium;
bin/test installs it when run as root). Tests need `@pytest.mark.django_db(transaction=True)`: the
live server answers from another thread and must see committed rows.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000


@pytest.fixture(autouse=True)
def allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; Django would then refuse the ORM calls
    of the test itself (fixtures, checks) as "called from an async context". Only for these tests."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(allow_orm_beside_playwright) -> Iterator:
    """One browser per test: Playwright's event loop must not outlive the test, or the next test in
    this process (browser or not) would find the ORM refused."""
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: apt-get install chromium (bin/test does it as root)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # The database connections the test opened while the event loop ran live in that loop's
        # context: closed here, or the test database could not be dropped at the end of the run.
        connections.close_all()


@pytest.fixture
def sign_in(browser, live_server):
    """A new browser context (its own cookies) signed in as the user, its browser set to a language
    (Russian, as most users' are, unless told); closed after the test."""
    contexts = []

    def open_as(user, language: str = "ru-RU"):
        context = browser.new_context(
            accept_downloads=True, locale=language, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "test-password")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Keep a full-page screenshot as a test artifact (test-artifacts/screenshots/<name>.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take
