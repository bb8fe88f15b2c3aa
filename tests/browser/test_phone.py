"""The intern's phone at 360x740: errors you can reach, honest progress and resume."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from readiness.core.definitions import AssessmentDefinition
from tests.fixtures.browser import LiveServer, current_page_id, fill_page_with_mouse, sign_up

pytestmark = pytest.mark.browser


def test_a_refused_next_opens_at_a_summary_that_links_to_each_problem(
    live_server: LiveServer, phone: Page
) -> None:
    base = live_server.url
    sign_up(phone, base, "phone-errors")
    phone.click("form[action$='/assessments'] button")
    phone.click(".buttons button[value=next]")  # nothing answered
    summary = phone.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    box = summary.bounding_box()
    assert box is not None
    assert box["y"] < 740  # on the first screen, not 3,000 px further down
    links = summary.locator("a")
    count = links.count()
    assert count >= 2
    expect(summary.locator("h2")).to_contain_text(f"{count} problems")
    last = links.nth(count - 1)
    target = last.get_attribute("href")
    assert target
    assert target.startswith("#")
    last.click()
    focused = phone.evaluate("document.activeElement.id")
    assert focused == target[1:]
    field_box = phone.locator(target).bounding_box()
    assert field_box is not None
    assert 0 <= field_box["y"] < 740  # the field is on screen
    assert re.search(r"/pages/", phone.url)


def test_continue_resumes_a_half_finished_page_and_the_review_round_trip(
    live_server: LiveServer,
    phone: Page,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
) -> None:
    base = live_server.url
    sign_up(phone, base, "phone-resume")
    phone.click("form[action$='/assessments'] button")
    pages = definition.visible_pages(full_answers)
    for _ in pages[:2]:
        fill_page_with_mouse(phone, definition, full_answers)
        phone.click(".buttons button[value=next]")
    third = current_page_id(phone, definition)
    phone.click(".buttons button[value=save]")  # stop with the third page unanswered
    expect(phone).to_have_url(re.compile(r"/me$"))
    expect(phone.locator("main")).to_contain_text("questions answered")
    phone.click("a.button.primary")  # Continue
    assert current_page_id(phone, definition) == third  # not skipped

    while "/pages/" in phone.url:
        fill_page_with_mouse(phone, definition, full_answers)
        phone.click(".buttons button[value=next]")
        if phone.locator("#error-summary").count():  # a soft warning: Next again skips it
            phone.click(".buttons button[value=next]")
    expect(phone).to_have_url(re.compile(r"/review$"))
    phone.locator("a", has_text="Change").first.click()
    assert "from=review" in phone.url
    phone.click(".buttons button[value=next]")
    expect(phone).to_have_url(re.compile(r"/review$"))  # back to the review, not page 2
