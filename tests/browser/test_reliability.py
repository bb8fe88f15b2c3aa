"""What a phone's real life does to an assessment: two tabs, a dropped connection on Next,
a connection cut after the server accepted the submit."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Route, expect
from sqlalchemy import func, select

from readiness.core.definitions import AssessmentDefinition
from readiness.extensions import db
from readiness.models import Assessment, User
from tests.fixtures.browser import LiveServer, fill_page_with_mouse, screenshot, sign_up

pytestmark = pytest.mark.browser


def click_and_fail(
    page: Page, button: str, url_pattern: str, network: Callable[[Route], None]
) -> None:
    """Click ``button`` while ``network`` handles matching requests; the navigation fails."""
    page.route(url_pattern, network)
    with pytest.raises(PlaywrightError, match="net::ERR_"), page.expect_navigation():
        page.click(button)
    page.unroute(url_pattern, network)


def open_again(page: Page, url: str) -> None:
    """Open ``url`` after a failed navigation (the browser may still be showing its error page)."""
    for attempt in range(3):
        try:
            page.goto(url)
            return
        except PlaywrightError as error:
            if "ERR_ABORTED" not in str(error) or attempt == 2:
                raise


def start(page: Page, base: str, username: str) -> str:
    """Sign up, start an assessment; returns the assessment's URL prefix."""
    sign_up(page, base, username)
    page.click("form[action$='/assessments'] button")
    return page.url.rsplit("/pages/", 1)[0]


def test_two_tabs_the_later_save_wins_and_the_intern_is_told(
    phone: Page,
    live_server: LiveServer,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
) -> None:
    prefix = start(phone, live_server.url, "two-tabs-intern")
    first = definition.questionnaire.pages[0]
    fill_page_with_mouse(phone, definition, full_answers)
    phone.click(".buttons button[value=next]")
    fill_page_with_mouse(phone, definition, full_answers)  # page 2 saved from tab A
    phone.click(".buttons button[value=next]")

    older = phone.context.new_page()  # tab B opened page 1 ...
    older.goto(f"{prefix}/pages/{first.id}")
    phone.goto(f"{prefix}/pages/{first.id}")  # ... then tab A saves page 1 again
    phone.fill('[name="home_region"]', "Saved in tab A")
    phone.click(".buttons button[value=next]")
    expect(phone.locator(".flash-warning")).to_have_count(0)

    older.fill('[name="home_region"]', "Saved in tab B")
    older.click(".buttons button[value=next]")
    expect(older.locator(".flash-warning")).to_contain_text("another tab")
    screenshot(older, "two-tabs-360")
    older.goto(f"{prefix}/pages/{first.id}")
    expect(older.locator('[name="home_region"]')).to_have_value("Saved in tab B")
    second = definition.questionnaire.pages[1]
    older.goto(f"{prefix}/pages/{second.id}")
    expect(
        older.locator(f'input[name="trade_confidence"][value="{full_answers["trade_confidence"]}"]')
    ).to_be_checked()


def test_a_dropped_connection_on_next_keeps_what_was_typed(
    phone: Page,
    live_server: LiveServer,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
) -> None:
    prefix = start(phone, live_server.url, "dropped-intern")
    fill_page_with_mouse(phone, definition, full_answers)
    phone.click(".buttons button[value=next]")
    second = definition.visible_pages(full_answers)[1]
    assert phone.url.endswith(f"/pages/{second.id}")

    fill_page_with_mouse(phone, definition, full_answers)

    def drop_posts(route: Route) -> None:
        if route.request.method == "POST":
            route.abort("internetdisconnected")  # the request never reaches the server
        else:
            route.continue_()

    click_and_fail(phone, ".buttons button[value=next]", "**/pages/**", drop_posts)
    open_again(phone, f"{prefix}/pages/{second.id}")  # the intern opens the page again
    expect(phone.locator(".restored")).to_be_visible()
    checked = f'input[name="trade_confidence"][value="{full_answers["trade_confidence"]}"]'
    expect(phone.locator(checked)).to_be_checked()
    screenshot(phone, "restored-after-drop-360")
    phone.click(".buttons button[value=next]")
    third = definition.visible_pages(full_answers)[2]
    expect(phone).to_have_url(re.compile(rf"/pages/{third.id}$"))
    phone.goto(f"{prefix}/pages/{second.id}")  # now saved on the server: nothing to restore
    expect(phone.locator(".restored")).to_have_count(0)
    expect(phone.locator(checked)).to_be_checked()


def test_a_submit_cut_after_the_server_committed_leaves_one_result(
    phone: Page,
    live_server: LiveServer,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
) -> None:
    prefix = start(phone, live_server.url, "cut-submit-intern")
    while "/pages/" in phone.url:
        fill_page_with_mouse(phone, definition, full_answers)
        phone.click(".buttons button[value=next]")
    review = phone.url
    form = {
        name: phone.input_value(f'form[action$="/submit"] input[name="{name}"]')
        for name in ("csrf_token", "submit_token")
    }

    def commit_then_cut(route: Route) -> None:
        route.fetch(max_redirects=0)  # the server receives the submit and commits it
        route.abort("connectionreset")  # ... and the answer never comes back

    click_and_fail(
        phone, "form[action$='/submit'] button[type=submit]", "**/submit", commit_then_cut
    )
    again = phone.context.request.post(f"{prefix}/submit", form=form, max_redirects=0)
    assert again.status == 303  # the same submit sent again: sent on to the one result
    assert again.headers["location"].endswith("/result")
    open_again(phone, review)  # the intern opens the review again
    expect(phone).to_have_url(re.compile(r"/result$"))  # already submitted: the result
    assert phone.url.startswith(prefix)
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == "cut-submit-intern"))
        count = db.session.scalar(
            select(func.count()).select_from(Assessment).where(Assessment.user_id == user.id)
        )
        db.session.remove()
    assert count == 1
