"""Property tests: any valid answer set scores within 0-100; hidden answers never count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.core.checks import answer_options
from readiness.core.definitions import AssessmentDefinition, require_definitions
from readiness.core.model import ChoiceQuestion, NumberQuestion, Question, TextQuestion
from readiness.core.points import whole
from readiness.core.scoring import Scorer
from tests.fixtures import QUESTIONNAIRES

DEFINITION: AssessmentDefinition = require_definitions(QUESTIONNAIRES).default
SCORER = Scorer(DEFINITION)
TODAY = dt.date(2026, 11, 24)


def answer_strategy(question: Question) -> st.SearchStrategy[Any]:
    if isinstance(question, ChoiceQuestion) and question.type == "multiple_choice":
        ids = [o.id for o in question.options]
        return st.lists(st.sampled_from(ids), min_size=1, unique=True)
    options = answer_options(question)
    if options is not None:
        return st.sampled_from(options)
    if isinstance(question, NumberQuestion):
        low = question.min if question.min is not None else -1e9
        high = question.max if question.max is not None else 1e9
        if question.integer:
            return st.integers(int(low), int(high))
        return st.floats(low, high, allow_nan=False)
    if question.type == "date":
        return st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)).map(dt.date.isoformat)
    assert isinstance(question, TextQuestion)
    return st.text(max_size=50)


@st.composite
def answer_sets(draw: st.DrawFn, *, drop_any: bool = True) -> dict[str, Any]:
    """Valid answers for every question; optional ones (or any, with drop_any) may be missing."""
    answers = {}
    for question in DEFINITION.questions.values():
        may_skip = drop_any or question.requirement != "required"
        if may_skip and draw(st.booleans()):
            continue
        answers[question.id] = draw(answer_strategy(question))
    return answers


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(answer_sets())
def test_every_score_is_between_0_and_100(answers: dict[str, Any]) -> None:
    card = SCORER.score(answers, TODAY)
    assert 0 <= card.overall <= 100
    for dimension in card.dimensions:
        assert 0 <= dimension.score <= 100
        shares = sum(c.share for c in dimension.contributions)
        # the why adds up to the score, rounded half up to a whole number (docs: scoring)
        assert dimension.score == whole(min(100.0, max(0.0, shares)))


@SETTINGS
@given(answer_sets(drop_any=False))
def test_optional_answers_may_be_missing(answers: dict[str, Any]) -> None:
    """Required answers only (optional ones dropped at random) still give a full card."""
    card = SCORER.score(answers, TODAY)
    assert {d.id for d in card.dimensions} >= {"skills", "language", "financing"}


@SETTINGS
@given(answer_sets(drop_any=False), st.data())
def test_hidden_questions_never_count(answers: dict[str, Any], data: st.DataObject) -> None:
    """Changing the answer of any hidden question leaves the score card unchanged."""
    shown_ids = DEFINITION.visibility(answers)[1]
    hidden = [q for q in DEFINITION.questions.values() if q.id not in shown_ids]
    before = SCORER.score(answers, TODAY)
    changed = dict(answers)
    for question in hidden:
        changed[question.id] = data.draw(answer_strategy(question))
    assert SCORER.score(changed, TODAY) == before


@SETTINGS
@given(answer_sets())
def test_scoring_is_deterministic(answers: dict[str, Any]) -> None:
    assert SCORER.score(dict(answers), TODAY) == SCORER.score(dict(answers), TODAY)
