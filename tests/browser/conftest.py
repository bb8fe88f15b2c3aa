"""Browser tests: the real app on a loopback server, driven by Playwright in Debian's chromium.

The browser is /usr/bin/chromium (``scripts/check-system.sh`` installs it; no browser
download), or ``READINESS_CHROMIUM``. The server is the app with demo data on a SQLite
file, served by Werkzeug's threaded server on a free port. Screenshots of the main pages
go to ``test-artifacts/screenshots/`` (or ``READINESS_TEST_ARTIFACTS``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from readiness import create_app
from readiness.extensions import db
from readiness.services.demo import DEMO_PASSWORD, load_demo_data

from ..conftest import PROJECT_ROOT, authenticator_key

CHROMIUM = os.environ.get("READINESS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
ARTIFACTS = Path(os.environ.get("READINESS_TEST_ARTIFACTS", PROJECT_ROOT / "test-artifacts"))


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'browser.db'}",
            "SECRET_KEY": "browser-tests-" + "b" * 24,
            "JOBS_DIR": str(folder / "jobs"),
            "COHORT_CACHE_SECONDS": 0,
            "SIGNIN_LIMIT": "1000 per minute",
            "SIGNUP_LIMIT": "1000 per hour",
        }
    )
    with app.app_context():
        db.create_all()
        load_demo_data()
    with LiveServer(app) as server:
        yield server
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"no chromium at {CHROMIUM}: run scripts/check-system.sh as root (Debian package "
            "'chromium'), or set READINESS_CHROMIUM to a Chromium binary"
        )
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def new_context(
    browser: Browser, viewport: dict[str, int], locale: str = "en-US"
) -> BrowserContext:
    context = browser.new_context(viewport=viewport, locale=locale, accept_downloads=True)
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = new_context(browser, PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = new_context(browser, DESKTOP, locale="ja-JP")
    yield context.new_page()
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Keep a full-page screenshot of what the test sees, for people to look at."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(
    page: Page,
    server: LiveServer,
    username: str,
    password: str = DEMO_PASSWORD,
    on_code_page: Callable[[Page], None] | None = None,
) -> None:
    """Sign in; coordinators and admins then pass the second factor as their phone would."""
    page.goto(f"{server.url}/auth/signin")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form button[type=submit].primary")
    page.wait_for_url(lambda url: not url.endswith("/auth/signin"))
    if page.url.endswith("/auth/code"):
        if on_code_page:
            on_code_page(page)
        key = authenticator_key(server.app, username, page.content())
        page.fill("#code", pyotp.TOTP(key).now())
        page.click("form button[type=submit].primary")
        page.wait_for_url(lambda url: not url.endswith("/auth/code"))
