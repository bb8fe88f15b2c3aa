"""The coordinator sees the person: the intern's note first, their answers by page in the
coordinator's language, and how far they are with the plan; each opening is logged."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import localize
from readiness.extensions import db
from readiness.models import AccessLog, User
from readiness.services.privacy import VIEW_INTERN
from tests.fixtures.accounts import Join, MakeUser, SignedIn, invite
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser

NOTE = "My mother is ill, I want to return early.\nPlease call me. <script>alert(1)</script>"


@pytest.fixture
def noted(
    app: Flask,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
    make_user: MakeUser,
    signed_in: SignedIn,
    join: Join,
) -> tuple[int, InternBrowser]:
    """An intern of Org A who wrote a note to the coordinator and submitted."""
    make_user("coord-a", "coordinator", "Org A")
    path = invite(signed_in("coord-a"), display_name="Intern Noted", home_country="vn")
    intern = InternBrowser(join(path, "intern-noted"), definition)
    assessment_id = intern.start()
    intern.answer_all(assessment_id, {**full_answers, "coordinator_note": NOTE})
    assert intern.submit(assessment_id).status_code == 303
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "intern-noted"))
    assert user_id is not None
    return user_id, intern


def test_the_note_comes_first_escaped_with_its_line_breaks(
    noted: tuple[int, InternBrowser], signed_in: SignedIn
) -> None:
    user_id, _ = noted
    page = signed_in("coord-a").get(f"/coordinator/interns/{user_id}").text
    note = page.index('class="card intern-note"')
    assert note < page.index('class="chart"')  # before the scores
    assert "My mother is ill, I want to return early.\nPlease call me." in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_the_answers_show_as_labels_in_the_coordinators_language(
    noted: tuple[int, InternBrowser],
    signed_in: SignedIn,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
) -> None:
    user_id, _ = noted
    page = signed_in("coord-a").get(f"/coordinator/interns/{user_id}").text
    found = re.search(r'<html lang="([a-z]+)">', page)
    assert found
    locale = found.group(1)  # the coordinator's language
    answers = page[page.index('class="card answers"') :]
    for shown in definition.visible_pages(full_answers):
        assert localize(shown.title, locale) in answers
    country = definition.questions["home_country"]
    assert f"<dd>{localize(country.options[0].label, locale)}</dd>" in answers  # vn's label
    assert "<dd>vn</dd>" not in answers
    field = definition.questions["field"]
    label = next(o.label for o in field.options if o.id == full_answers["field"])
    assert f"<dd>{localize(label, locale)}</dd>" in answers


def test_the_plans_progress_follows_the_interns_ticks(
    noted: tuple[int, InternBrowser], signed_in: SignedIn
) -> None:
    user_id, intern = noted
    coordinator = signed_in("coord-a")

    def progress() -> str:
        html = coordinator.get(f"/coordinator/interns/{user_id}").text
        return html[html.index('class="card plan-progress"') :][:300]

    before = progress()
    home = intern.client.get("/me").text
    found = re.search(r"/assessments/(\d+)/result#step-([a-z0-9_]+)", home)
    assert found
    assessment_id, step_id = found.groups()
    result = intern.client.get(f"/assessments/{assessment_id}/result").text
    intern.client.post(
        f"/assessments/{assessment_id}/steps/{step_id}",
        data={"csrf_token": csrf_token(result), "done": "1"},
    )
    assert re.search(r"\b0\b", before)
    assert progress() != before
    # The step itself is marked done in the plan the coordinator reads, without a button.
    page = coordinator.get(f"/coordinator/interns/{user_id}").text
    step = page[page.index(f'id="step-{step_id}"') :][:1500]
    assert "Done on" in step
    assert "/steps/" not in page  # the coordinator cannot tick for the intern


def test_opening_an_interns_page_is_logged(
    app: Flask, noted: tuple[int, InternBrowser], signed_in: SignedIn
) -> None:
    user_id, _ = noted
    signed_in("coord-a").get(f"/coordinator/interns/{user_id}")
    with app.app_context():
        entries = db.session.scalars(select(AccessLog).where(AccessLog.action == VIEW_INTERN)).all()
    assert [entry.subject_id for entry in entries] == [user_id]


def note_page_of(
    browser: InternBrowser, definition: AssessmentDefinition, answers: dict[str, Any]
) -> str:
    """Answer every page before the one with the note question; return that page's HTML."""
    assessment_id = browser.start()
    pages = definition.visible_pages(answers)
    last = next(p for p in pages if any(q.id == "coordinator_note" for q in p.questions))
    for page in pages[: pages.index(last)]:
        shown = {
            q.id: answers[q.id]
            for q in definition.visible_questions(page, answers)
            if q.id in answers
        }
        assert browser.post_page(assessment_id, page.id, shown).status_code == 303
    return browser.client.get(browser.page_url(assessment_id, last.id)).get_data(as_text=True)


def test_the_question_says_who_will_read_the_note(
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
    make_user: MakeUser,
    signed_in: SignedIn,
    join: Join,
) -> None:
    make_user("coord-a", "coordinator", "Org A")
    path = invite(signed_in("coord-a"), display_name="Intern Asking", home_country="vn")
    html = note_page_of(
        InternBrowser(join(path, "intern-asking"), definition), definition, full_answers
    )
    assert "The coordinators of Org A will read this on your page." in html


def test_an_intern_without_an_organisation_is_told_nobody_reads_it(
    app: Flask, definition: AssessmentDefinition, full_answers: dict[str, Any]
) -> None:
    loner = InternBrowser(app.test_client(), definition)
    loner.sign_up("intern-alone")
    html = note_page_of(loner, definition, full_answers)
    assert "no coordinator will read this yet" in html
