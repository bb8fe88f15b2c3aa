"""One progress model everywhere; "Continue" goes where work is left; the review round trip."""

from __future__ import annotations

import re
from typing import Any

from readiness.core.definitions import AssessmentDefinition
from readiness.core.progress import Progress
from tests.fixtures.interns import InternBrowser


def shown_on(html: str) -> tuple[str, str]:
    found = re.search(r"(\d+) of (\d+) questions answered", html)
    assert found, html[:2000]
    return found.group(1), found.group(2)


def page_answers(definition: AssessmentDefinition, page_id: str, answers: dict[str, Any]) -> dict:
    page = definition.pages[page_id]
    shown = {q.id for q in definition.visible_questions(page, answers)}
    return {q: v for q, v in answers.items() if q in shown}


def test_the_page_and_home_show_the_same_progress(
    intern: InternBrowser, full_answers: dict[str, Any], definition: AssessmentDefinition
) -> None:
    assessment_id = intern.start()
    first, second = definition.visible_pages(full_answers)[:2]
    intern.post_page(assessment_id, first.id, page_answers(definition, first.id, full_answers))
    on_page = shown_on(intern.client.get(intern.page_url(assessment_id, second.id)).text)
    at_home = shown_on(intern.client.get("/me").text)
    assert on_page == at_home
    answered, total = map(int, on_page)
    assert answered == len(page_answers(definition, first.id, full_answers))
    assert answered < total


def test_progress_counts_answered_questions_of_those_shown(
    definition: AssessmentDefinition, full_answers: dict[str, Any]
) -> None:
    nothing = Progress(definition, {}, frozenset())
    assert nothing.percent_done() == 0
    everything = Progress(definition, full_answers, frozenset(definition.pages))
    assert everything.answered_count == everything.question_count
    assert everything.percent_done() == 100
    assert everything.first_to_finish() is None


def test_continue_goes_to_a_half_finished_page_not_past_it(
    intern: InternBrowser, full_answers: dict[str, Any], definition: AssessmentDefinition
) -> None:
    assessment_id = intern.start()
    pages = definition.visible_pages(full_answers)
    for page in pages[:2]:
        intern.post_page(assessment_id, page.id, page_answers(definition, page.id, full_answers))
    third = pages[2]
    given = page_answers(definition, third.id, full_answers)
    required = [q.id for q in third.questions if q.requirement == "required" and q.id in given]
    assert required, "the third page needs a required question for this test"
    partial = {q: v for q, v in given.items() if q != required[-1]}
    saved = intern.post_page(assessment_id, third.id, partial, action="save")
    assert saved.status_code == 303
    resume = intern.client.get(f"/assessments/{assessment_id}")
    assert resume.location.endswith(intern.page_url(assessment_id, third.id))


def test_a_change_from_the_review_returns_to_the_review(
    intern: InternBrowser,
    answered: int,
    full_answers: dict[str, Any],
    definition: AssessmentDefinition,
) -> None:
    review = intern.client.get(f"/assessments/{answered}/review").text
    first = definition.visible_pages(full_answers)[0]
    change = f"/assessments/{answered}/pages/{first.id}?from=review"
    assert change in review.replace("&amp;", "&")
    page = intern.client.get(change).text
    assert 'name="return_to" value="review"' in page
    response = intern.post_page(
        answered,
        first.id,
        page_answers(definition, first.id, full_answers),
        extra=[("return_to", "review")],
    )
    assert response.status_code == 303
    # Back to the review, at the part just changed.
    assert response.location.endswith(f"/assessments/{answered}/review#review-{first.id}")
    review = intern.client.get(f"/assessments/{answered}/review").text
    assert f'id="review-{first.id}"' in review
    plain = intern.post_page(answered, first.id, page_answers(definition, first.id, full_answers))
    assert "/pages/" in plain.location  # without it, Next goes on to the next page
