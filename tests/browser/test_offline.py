"""Offline first, in Chromium with the network switched off and on (Playwright's offline
mode): the app installs, opened pages work without a connection (a reload too), answers
given offline wait on the phone and are saved in order when the connection returns, and a
conflict with a newer save elsewhere is shown, never silently lost."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from readiness.core.definitions import AssessmentDefinition
from readiness.extensions import db
from readiness.models import Answer
from tests.fixtures.browser import PHONE, LiveServer, fill_page_with_mouse, new_context, sign_up

pytestmark = pytest.mark.browser


def stored(server: LiveServer, assessment_id: int, question_id: str) -> Any:
    with server.app.app_context():
        row = db.session.scalar(
            db.select(Answer.value_json).where(
                Answer.assessment_id == assessment_id, Answer.question_id == question_id
            )
        )
        return None if row is None else json.loads(row)


def controlled(page: Page) -> None:
    """Wait until the service worker looks after this page (it claims it when it starts).

    Polled from here: the page's CSP refuses the eval that wait_for_function would need."""
    for _ in range(100):
        if page.evaluate("() => Boolean(navigator.serviceWorker.controller)"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never took charge of the page")


def start_offline_ready(context: Any, base: str, username: str) -> tuple[Page, str, int]:
    """Sign up, let the service worker take charge, and open the first questionnaire page:
    the phone, that page's URL and the assessment id."""
    phone = context.new_page()
    sign_up(phone, base, username)
    controlled(phone)
    phone.click("form[action$='/assessments'] button")
    phone.wait_for_url(re.compile(r"/pages/"))
    page_url = phone.url
    return phone, page_url, int(re.search(r"/assessments/(\d+)/", page_url).group(1))


def first_text_question(definition: AssessmentDefinition, page_id: str) -> str:
    return next(
        q.id for q in definition.pages[page_id].questions if q.type in ("short_text", "number")
    )


def test_the_app_installs_with_a_manifest_and_a_service_worker(
    live_server: LiveServer, phone: Page
) -> None:
    phone.goto(live_server.url + "/")
    manifest = phone.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    controlled(phone)


def test_answers_given_offline_wait_on_the_phone_and_are_saved_when_the_connection_returns(
    live_server: LiveServer,
    browser: Browser,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
) -> None:
    context = new_context(browser, PHONE)
    phone, first_url, assessment_id = start_offline_ready(
        context, live_server.url, "offline-intern"
    )
    first = fill_page_with_mouse(phone, definition, full_answers)
    phone.click(".buttons button[value=next]")
    phone.wait_for_url(lambda url: "/pages/" in url and url != first_url)
    second_url = phone.url
    second = second_url.rsplit("/", 1)[1]
    phone.reload()  # opened once with the worker in charge: kept for offline use
    assert stored(live_server, assessment_id, first_text_question(definition, first)) is not None

    context.set_offline(True)
    fill_page_with_mouse(phone, definition, full_answers)
    phone.click(".buttons button[value=next]")
    status = phone.locator("#offline-status")
    expect(status).to_contain_text("waiting to be sent: 1")
    expect(status).to_be_in_viewport()  # pressed at the bottom: the notice comes into view
    expect(status).to_be_focused()
    phone.reload()  # offline: the page comes from the phone, the answers with it
    expect(phone).to_have_url(second_url)
    expect(phone.locator("#offline-status")).to_contain_text("waiting to be sent: 1")
    question = next(q for q in definition.pages[second].questions if q.id in full_answers)
    value = full_answers[question.id]
    shown = phone.locator(f'[name="{question.id}"][value="{value}"]')
    expect(shown).to_be_checked()  # the offline answer is back in the form
    assert stored(live_server, assessment_id, question.id) is None  # nothing reached the server

    context.set_offline(False)
    expect(phone.locator("#offline-status")).to_contain_text("saved", timeout=15_000)
    assert stored(live_server, assessment_id, question.id) == value
    context.close()


def test_a_conflict_with_a_newer_save_elsewhere_is_shown_not_lost(
    live_server: LiveServer,
    browser: Browser,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
) -> None:
    context = new_context(browser, PHONE)
    base = live_server.url
    phone, page_url, assessment_id = start_offline_ready(context, base, "offline-conflict")
    page_id = page_url.rsplit("/", 1)[1]
    question = first_text_question(definition, page_id)
    phone.reload()

    context.set_offline(True)
    fill_page_with_mouse(phone, definition, full_answers)
    phone.fill(f'[name="{question}"]', "11")
    phone.click(".buttons button[value=next]")
    expect(phone.locator("#offline-status")).to_contain_text("waiting to be sent: 1")

    laptop = new_context(browser, PHONE)  # the same intern, elsewhere, online
    other = laptop.new_page()
    other.goto(f"{base}/auth/signin")
    other.fill("#username", "offline-conflict")
    other.fill("#password", "correct horse battery")
    other.click("form button[type=submit].primary")
    other.goto(page_url)
    fill_page_with_mouse(other, definition, full_answers)
    other.fill(f'[name="{question}"]', "22")
    other.click(".buttons button[value=next]")
    expect(other).not_to_have_url(page_url)
    laptop.close()
    assert str(stored(live_server, assessment_id, question)) == "22"

    context.set_offline(False)
    expect(phone.locator("#offline-status")).to_contain_text(
        "Saved elsewhere while you were offline", timeout=15_000
    )
    assert str(stored(live_server, assessment_id, question)) == "22"  # not overwritten
    phone.locator("#offline-status a").click()
    expect(phone.locator(f'[name="{question}"]')).to_have_value("11")  # nor lost
    phone.click(".buttons button[value=next]")  # the intern chooses theirs
    expect(phone).not_to_have_url(page_url)
    assert str(stored(live_server, assessment_id, question)) == "11"
    context.close()
