"""The intern's phone at 360x740: errors you can reach, honest progress and resume."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from readiness.core.definitions import AssessmentDefinition
from readiness.core.locales import LOCALES
from readiness.extensions import db
from readiness.models import User
from readiness.services.accounts import find_user
from readiness.services.assessments import start_assessment
from readiness.services.demo import answer_pages
from readiness.state import current_state
from tests.fixtures.browser import (
    LiveServer,
    current_page_id,
    fill_page_with_mouse,
    sign_in,
    sign_up,
)

#: A phone screen (360x740): no questionnaire page is longer than about three of them, and
#: the chrome that stays on screen (header, the sticky Back/Next bar) takes at most 15%.
SCREEN = 740
MOST_SCREENS = 3.05
MOST_CHROME = 0.15

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
    phone.wait_for_url(re.compile(r"/pages/"))
    pages = definition.visible_pages(full_answers)
    for shown, following in itertools.pairwise(pages[:3]):
        assert fill_page_with_mouse(phone, definition, full_answers) == shown.id
        phone.click(".buttons button[value=next]")
        phone.wait_for_url(re.compile(rf"/pages/{following.id}$"))
    third = current_page_id(phone, definition)
    phone.click("button[value=save]")  # stop with the third page unanswered
    expect(phone).to_have_url(re.compile(r"/me$"))
    expect(phone.locator("main")).to_contain_text("questions answered")
    phone.click("a.button.primary")  # Continue
    assert current_page_id(phone, definition) == third  # not skipped

    while "/pages/" in phone.url:
        before = phone.url
        fill_page_with_mouse(phone, definition, full_answers)
        phone.click(".buttons button[value=next]")
        phone.wait_for_load_state()
        if phone.url == before and phone.locator("#error-summary").count():
            phone.click(".buttons button[value=next]")  # a soft warning: Next again skips it
        phone.wait_for_url(lambda url, before=before: url != before)
    expect(phone).to_have_url(re.compile(r"/review$"))
    phone.locator("a", has_text="Change").first.click()
    assert "from=review" in phone.url
    phone.click(".buttons button[value=next]")
    expect(phone).to_have_url(re.compile(r"/review#review-"))  # back to the review, not page 2


def test_every_page_fits_about_three_screens_and_the_chrome_stays_small_in_every_locale(
    live_server: LiveServer, phone: Page, full_answers: dict[str, Any]
) -> None:
    base = live_server.url
    sign_up(phone, base, "phone-lengths")
    with live_server.app.app_context():
        user = find_user("phone-lengths")
        definition = current_state().definitions.default
        assessment = start_assessment(user, definition)
        answer_pages(assessment, definition, full_answers)  # every page saved, not submitted
        pages = [p.id for p in definition.visible_pages(full_answers)]
        assessment_id, user_id = assessment.id, user.id
    too_long, too_much_chrome = [], []
    for locale in LOCALES:
        with live_server.app.app_context():
            db.session.get(User, user_id).locale = locale
            db.session.commit()
        for page_id in pages:
            phone.goto(f"{base}/assessments/{assessment_id}/pages/{page_id}")
            height = phone.evaluate("document.documentElement.scrollHeight")
            if height > MOST_SCREENS * SCREEN:
                too_long.append((locale, page_id, height))
            header = phone.locator("header.topbar").bounding_box()
            bar = phone.locator(".buttons").bounding_box()
            assert header is not None
            assert bar is not None
            if header["height"] + bar["height"] > MOST_CHROME * SCREEN:
                too_much_chrome.append((locale, page_id, header["height"], bar["height"]))
    assert not too_long, too_long
    assert not too_much_chrome, too_much_chrome


UNBROKEN_AMOUNTS = """() => [...document.querySelectorAll('table.figures td')].every(td => {
  const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (range.getClientRects().length !== 1) return false;
  }
  return true;
})"""


@pytest.mark.parametrize("locale", ["vi", "my"])
def test_the_result_opens_with_what_matters_now_and_amounts_stay_whole(
    live_server: LiveServer, phone: Page, locale: str
) -> None:
    with live_server.app.app_context():
        db.session.get(User, find_user("demo-submitted").id).locale = locale
        db.session.commit()
    sign_in(phone, live_server, "demo-submitted")
    phone.locator("a[href$='/result']").first.click()  # a result, not a step inside it
    expect(phone).to_have_url(re.compile(r"/result"))
    for what in ("section.overall", "a.primary[href$='/plan.pdf']", ".next-steps ol.steps"):
        expect(phone.locator(what).first).to_be_in_viewport()
    expect(phone.locator("#plan-fold")).not_to_have_attribute("open", "")
    assert phone.evaluate("document.documentElement.scrollHeight") < 2 * SCREEN  # folded
    phone.click("#plan-fold > summary")
    expect(phone.locator("table.figures")).to_be_visible()
    assert phone.evaluate(UNBROKEN_AMOUNTS)
