"""axe-core in chromium on the main pages, in English, Japanese and Vietnamese.

No serious or critical violation is allowed; every form control must have a label
(axe's ``label`` rule, at any impact); and a band is never shown by colour alone.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from readiness.core.definitions import AssessmentDefinition
from tests.fixtures.browser import (
    DESKTOP,
    PHONE,
    LiveServer,
    agree,
    fill_page_with_mouse,
    keep_recovery_codes,
    new_context,
    screenshot,
    sign_in,
)

AXE = Axe()
BLOCKING = {"serious", "critical"}

pytestmark = pytest.mark.browser


def violations(page: Page) -> list[str]:
    """axe's serious and critical findings on the page, plus any unlabelled control."""
    found = AXE.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in found
        if v["impact"] in BLOCKING or v["id"] == "label"
    ]


def check(page: Page, name: str, problems: dict[str, list[str]]) -> None:
    screenshot(page, name)
    found = violations(page)
    if found:
        problems[f"{name} ({page.url})"] = found


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["en", "ja", "vi"])
def test_intern_pages_have_no_serious_accessibility_violations(
    browser: Browser,
    live_server: LiveServer,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
    locale: str,
) -> None:
    base = live_server.url
    context = new_context(browser, PHONE)
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    page.goto(f"{base}/auth/signin")
    check(page, f"a11y-signin-{locale}", problems)
    page.goto(f"{base}/auth/signup")
    page.fill("#username", f"a11y-{locale}")
    page.fill("#password", "correct horse battery")
    page.fill("#confirm", "correct horse battery")
    page.select_option("#locale", locale)
    page.click("form button[type=submit].primary")
    expect(page).to_have_url(re.compile(r"/auth/recovery-codes$"))
    check(page, f"a11y-recovery-codes-{locale}", problems)
    keep_recovery_codes(page)
    expect(page.locator("html")).to_have_attribute("lang", re.compile(rf"^{locale}"))
    check(page, f"a11y-consent-{locale}", problems)
    agree(page)
    check(page, f"a11y-home-{locale}", problems)
    page.click("form[action$='/assessments'] button")
    check(page, f"a11y-page-{locale}", problems)
    page.click(".buttons button[value=next]")  # nothing answered: the page shows its errors
    expect(page.locator(".alert")).to_be_visible()
    check(page, f"a11y-page-errors-{locale}", problems)
    while "/pages/" in page.url:
        fill_page_with_mouse(page, definition, full_answers)
        page.click(".buttons button[value=next]")
    check(page, f"a11y-review-{locale}", problems)
    page.click("form[action$='/submit'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/result$"))
    check(page, f"a11y-result-{locale}", problems)
    page.goto(f"{base}/me/data")
    check(page, f"a11y-my-data-{locale}", problems)
    context.close()
    assert not problems, problems


@pytest.mark.parametrize("locale", ["ja", "en", "vi"])
def test_coordinator_pages_have_no_serious_accessibility_violations(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    context = new_context(browser, DESKTOP)
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    sign_in(
        page,
        live_server,
        "coord-minato",
        on_code_page=lambda code_page: check(code_page, f"a11y-second-factor-{locale}", problems),
    )
    page.select_option("form.lang select[name=locale]", locale)
    page.click("form.lang button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", re.compile(rf"^{locale}"))
    check(page, f"a11y-dashboard-{locale}", problems)
    page.click("table.interns tbody tr:has(.badge) a >> nth=0")
    check(page, f"a11y-coordinator-intern-{locale}", problems)
    page.goto(f"{live_server.url}/coordinator/invitations")
    check(page, f"a11y-invitations-{locale}", problems)
    context.close()
    assert not problems, problems


def test_a_band_is_never_shown_by_colour_alone(browser: Browser, live_server: LiveServer) -> None:
    """Every coloured band mark carries its band's name as text (visible or for screen readers)."""
    context = new_context(browser, DESKTOP, locale="en-US")
    page = context.new_page()
    sign_in(page, live_server, "coord-sakura")
    marks = page.locator("[class*='band-']")
    assert marks.count() > 0
    unnamed = page.eval_on_selector_all(
        "[class*='band-']",
        """marks => marks.filter(m => !(m.innerText || '').match(/\\p{L}/u)
                                      && !m.getAttribute('aria-label')).map(m => m.outerHTML)""",
    )
    assert not unnamed, unnamed[:5]
    context.close()
