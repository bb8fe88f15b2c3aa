"""Light pages (docs/phone.md): what a phone downloads, measured in Chromium with an empty
cache, against the budget: each questionnaire page under 60 KB transferred, the first visit
under 200 KB, and no request to anything outside the app."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Request

from readiness.core.definitions import AssessmentDefinition
from readiness.services.accounts import find_user
from readiness.services.assessments import start_assessment
from readiness.services.demo import answer_pages
from readiness.state import current_state
from tests.fixtures.browser import PHONE, LiveServer, new_context, sign_in, sign_up

pytestmark = pytest.mark.browser

PAGE_BUDGET = 60 * 1024
FIRST_VISIT_BUDGET = 200 * 1024


def transferred(requests: list[Request]) -> int:
    """Bytes over the wire (headers and compressed bodies), as the network panel counts."""
    total = 0
    for request in requests:
        response = request.response()
        if response is None:
            continue
        sizes = request.sizes()
        total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
    return total


def recorded(context: Any) -> list[Request]:
    requests: list[Request] = []
    context.on("requestfinished", lambda request: requests.append(request))
    return requests


def test_the_first_visit_stays_under_its_budget_and_inside_the_app(
    live_server: LiveServer, browser: Browser
) -> None:
    context = new_context(browser, PHONE)
    requests = recorded(context)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    assert requests
    outside = [r.url for r in requests if not r.url.startswith(live_server.url)]
    assert not outside
    weight = transferred(requests)
    print(f"first visit: {weight} bytes in {len(requests)} requests")
    assert weight < FIRST_VISIT_BUDGET
    context.close()


@pytest.mark.parametrize("locale", ["vi", "my"])
def test_each_questionnaire_page_stays_under_its_budget(
    live_server: LiveServer,
    browser: Browser,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
    locale: str,
) -> None:
    setup = new_context(browser, PHONE)
    username = f"weight-{locale}"
    sign_up(setup.new_page(), live_server.url, username)
    setup.close()
    with live_server.app.app_context():
        user = find_user(username)
        user.locale = locale
        assessment = start_assessment(user, current_state().definitions.default)
        answer_pages(assessment, current_state().definitions.default, full_answers)
        assessment_id = assessment.id
    heaviest = 0
    for shown in definition.visible_pages(full_answers):
        context = new_context(browser, PHONE)
        page = context.new_page()
        sign_in(page, live_server, username, "correct horse battery")
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # style and script too
        requests = recorded(context)
        page.goto(f"{live_server.url}/assessments/{assessment_id}/pages/{shown.id}")
        page.wait_for_load_state("networkidle")
        assert not [r.url for r in requests if not r.url.startswith(live_server.url)]
        heaviest = max(heaviest, transferred(requests))
        context.close()
    print(f"heaviest questionnaire page ({locale}): {heaviest} bytes")
    assert 0 < heaviest < PAGE_BUDGET
