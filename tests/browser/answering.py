"""Answering questionnaire pages in a real browser, as an intern would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import Page

from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import Question


def current_page_id(page: Page, definition: AssessmentDefinition) -> str:
    path = page.url.split("?")[0]
    assert "/pages/" in path, f"not on a questionnaire page: {page.url}"
    page_id = path.rsplit("/", 1)[1]
    assert page_id in definition.pages
    return page_id


def to_answer(
    page: Page, definition: AssessmentDefinition, answers: dict[str, Any]
) -> tuple[str, list[tuple[Question, Any]]]:
    """The page the browser is on, and its visible questions that have an answer to give."""
    page_id = current_page_id(page, definition)
    questions = definition.visible_questions(definition.pages[page_id], answers)
    return page_id, [(q, answers[q.id]) for q in questions if answers.get(q.id) is not None]


def fill_page_with_mouse(
    page: Page, definition: AssessmentDefinition, answers: dict[str, Any]
) -> str:
    """Answer the visible questions of the page the browser is on; returns the page id."""
    page_id, given = to_answer(page, definition, answers)
    for question, value in given:
        name = question.id
        if question.type == "multiple_choice":
            for option in value:
                page.check(f'input[name="{name}"][value="{option}"]')
        elif question.type in ("single_choice", "yes_no", "likert"):
            page.check(f'input[name="{name}"][value="{value}"]')
        else:
            page.fill(f'[name="{name}"]', str(value))
    return page_id


def date_keys(value: str) -> str:
    """What to type into chromium's date field in an en-US browser: month, day, year."""
    day = dt.date.fromisoformat(value)
    return f"{day.month:02d}{day.day:02d}{day.year}"


def tab_to(page: Page, selector: str, most: int = 400) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only)."""
    for _ in range(most):
        if page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def fill_page_with_keyboard(
    page: Page, definition: AssessmentDefinition, answers: dict[str, Any]
) -> str:
    """Answer the visible questions with Tab, arrows, Space and typing only."""
    page_id, given = to_answer(page, definition, answers)
    for question, value in given:
        name = question.id
        if question.type == "multiple_choice":
            for option in value:
                tab_to(page, f'input[name="{name}"][value="{option}"]')
                page.keyboard.press("Space")
        elif question.type in ("single_choice", "yes_no", "likert"):
            values = page.eval_on_selector_all(
                f'input[name="{name}"]', "inputs => inputs.map(i => i.value)"
            )
            tab_to(page, f'input[name="{name}"]')
            page.keyboard.press("Space")  # selects the first option
            for _ in range(values.index(str(value))):
                page.keyboard.press("ArrowDown")  # moves the selection to the next option
        elif question.type == "date":
            tab_to(page, f'[name="{name}"]')
            page.keyboard.type(date_keys(str(value)))
        else:
            tab_to(page, f'[name="{name}"]')
            page.keyboard.type(str(value))
    return page_id
