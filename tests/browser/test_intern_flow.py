"""An intern on a 360 x 740 phone: sign up, answer every page, leave, come back, submit, PDF."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from readiness.core.definitions import AssessmentDefinition
from tests.fixtures.browser import (
    LiveServer,
    current_page_id,
    fill_page_with_mouse,
    screenshot,
    sign_up,
)

pytestmark = pytest.mark.browser


def test_an_intern_signs_up_answers_leaves_resumes_submits_and_downloads_the_pdf(
    phone: Page,
    live_server: LiveServer,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
) -> None:
    """One journey, in the order a phone takes it: each step starts where the one before left off,
    so it is one test (and longer than 40 lines)."""
    base = live_server.url
    phone.goto(f"{base}/auth/signup")
    screenshot(phone, "signup-360")
    sign_up(phone, base, "browser-intern")
    screenshot(phone, "intern-home-360")
    phone.click("form[action$='/assessments'] button")

    pages = definition.visible_pages(full_answers)
    for number, expected in enumerate(pages[:3]):
        page_id = fill_page_with_mouse(phone, definition, full_answers)
        assert page_id == expected.id
        if number == 0:
            screenshot(phone, "page-360")
        phone.click(".buttons button[value=next]")

    # Leave mid-way (go elsewhere), come back later in a new tab: the draft resumes.
    # (Not page.close(): with Debian's chromium it hung now and then, never returning.)
    phone.goto("about:blank")
    later = phone.context.new_page()
    later.goto(f"{base}/me")
    expect(later.locator("text=Continue where you stopped")).to_be_visible()
    later.click("a.button.primary")
    assert current_page_id(later, definition) == pages[3].id
    later.goto(later.url.rsplit("/pages/", 1)[0] + f"/pages/{pages[0].id}")
    expect(later.locator('input[name="months_in_japan"]')).to_have_value(
        str(full_answers["months_in_japan"])
    )
    later.goto(later.url.rsplit("/pages/", 1)[0] + f"/pages/{pages[3].id}")

    for expected in pages[3:]:
        assert fill_page_with_mouse(later, definition, full_answers) == expected.id
        later.click(".buttons button[value=next]")

    expect(later).to_have_url(re.compile(r"/review$"))
    screenshot(later, "review-360")
    later.click("form[action$='/submit'] button[type=submit]")
    expect(later).to_have_url(re.compile(r"/result$"))
    # The first screen: the overall result, the next steps and the download; details folded.
    expect(later.locator("section.overall")).to_be_in_viewport()
    expect(later.locator("a.primary[href$='/plan.pdf']")).to_be_in_viewport()
    chart = later.locator("figure.chart")
    expect(chart).to_be_hidden()
    later.click("#scores-fold > summary")
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() >= len(definition.rules.dimensions)
    screenshot(later, "result-360")

    with later.expect_download() as download_info:
        later.click("a[href$='/plan.pdf']")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
