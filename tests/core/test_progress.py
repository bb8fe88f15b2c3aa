"""Navigation over shown pages: order, reachability, what is still missing."""

from __future__ import annotations

from typing import Any

from readiness.core.definitions import AssessmentDefinition
from readiness.core.progress import Progress


def test_a_page_hidden_by_an_earlier_answer_is_skipped(
    definition: AssessmentDefinition, full_answers: dict[str, Any]
) -> None:
    """No plan to start a business: the business-idea page is not shown, and is not missing."""
    answers = {**full_answers, "start_intent": "no_plan"}
    saved = frozenset(p.id for p in definition.questionnaire.pages if p.id != "business_idea")
    progress = Progress(definition, answers, saved)
    assert "business_idea" not in [p.id for p in progress.pages]
    assert progress.next_page("financing").id == "network"
    assert progress.is_complete()
    assert not progress.is_reachable("business_idea")


def test_pages_open_in_order(
    definition: AssessmentDefinition, full_answers: dict[str, Any]
) -> None:
    progress = Progress(definition, full_answers, frozenset({"profile"}))
    assert progress.is_reachable("profile")
    assert progress.is_reachable("trade_skills")
    assert not progress.is_reachable("business_skills")
    assert progress.first_unsaved().id == "trade_skills"
    assert progress.previous_page("trade_skills").id == "profile"
    assert progress.previous_page("profile") is None
    # Answers on every page, but only "profile" saved: every answer given counts.
    assert progress.percent_done() == round(100 * progress.answered_count / progress.question_count)
    profile_only = {
        q.id: full_answers[q.id]
        for q in definition.pages["profile"].questions
        if q.id in full_answers
    }
    some = Progress(definition, profile_only, frozenset({"profile"}))
    assert 0 < some.percent_done() < 30
    assert some.answered_count == len(profile_only)


def test_missing_required_answers_are_listed_in_order(
    definition: AssessmentDefinition, full_answers: dict[str, Any]
) -> None:
    answers = {k: v for k, v in full_answers.items() if k not in ("jlpt", "mentor", "jft")}
    saved = frozenset(p.id for p in definition.questionnaire.pages)
    progress = Progress(definition, answers, saved)
    assert [q.id for _, q in progress.missing_required()] == ["jlpt", "mentor"]  # jft optional
    assert not progress.is_complete()
