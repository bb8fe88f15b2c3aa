"""The whole assessment with the keyboard alone: Tab, arrows, Space, typing and Enter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from readiness.core.definitions import AssessmentDefinition
from tests.fixtures.browser import LiveServer, fill_page_with_keyboard, sign_up, tab_to

pytestmark = pytest.mark.browser


def test_the_whole_assessment_can_be_done_with_the_keyboard_alone(
    phone: Page,
    live_server: LiveServer,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
) -> None:
    sign_up(phone, live_server.url, "keyboard-intern")
    tab_to(phone, "form[action$='/assessments'] button")
    phone.keyboard.press("Enter")
    for expected in definition.visible_pages(full_answers):
        expect(phone).to_have_url(re.compile(rf"/pages/{expected.id}$"))
        assert fill_page_with_keyboard(phone, definition, full_answers) == expected.id
        tab_to(phone, ".buttons button[value=next]")
        phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"/review$"))
    tab_to(phone, "form[action$='/submit'] button[type=submit]")
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"/result$"))
    tab_to(phone, "#scores-fold > summary")
    phone.keyboard.press("Enter")  # the folded scores open from the keyboard too
    expect(phone.locator("figure.chart")).to_be_visible()


def test_enter_in_a_text_field_means_next_not_back(
    phone: Page,
    live_server: LiveServer,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
) -> None:
    """Pressing Enter submits with the form's first button: it must be Next, even with a Back."""
    sign_up(phone, live_server.url, "enter-key-intern")
    phone.click("form[action$='/assessments'] button")
    pages = definition.visible_pages(full_answers)
    fill_page_with_keyboard(phone, definition, full_answers)
    phone.click(".buttons button[value=next]")
    expect(phone).to_have_url(re.compile(rf"/pages/{pages[1].id}$"))
    fill_page_with_keyboard(phone, definition, full_answers)
    text_page = next(
        p for p in pages[1:] if any(q.type in ("number", "short_text") for q in p.questions)
    )
    while not phone.url.endswith(f"/pages/{text_page.id}"):
        phone.click(".buttons button[value=next]")
        fill_page_with_keyboard(phone, definition, full_answers)
    field = next(q for q in text_page.questions if q.type in ("number", "short_text"))
    phone.focus(f'[name="{field.id}"]')
    phone.keyboard.press("Enter")
    following = pages[pages.index(text_page) + 1]
    expect(phone).to_have_url(re.compile(rf"/pages/{following.id}$"))
