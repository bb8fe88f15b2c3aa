"""Check a set of answers against a questionnaire (for files of answers given to the CLI)."""

from __future__ import annotations

import math
from typing import Any

from readiness.core.checks import answer_options
from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import NumberQuestion, Question, TextQuestion, parse_iso_date


def normalize_answer(question: Question, value: Any) -> tuple[Any, str | None]:
    """Return (answer in the core's form, problem or None)."""
    if question.type == "yes_no" and isinstance(value, bool):
        value = "yes" if value else "no"
    if question.type == "multiple_choice":
        if not isinstance(value, list):
            return value, "needs a list of option ids"
        return _check_options(question, value)
    if isinstance(question, NumberQuestion):
        return _check_number(question, value)
    if question.type == "date":
        if not isinstance(value, str) or parse_iso_date(value) is None:
            return value, "needs a date written YYYY-MM-DD"
        return value, None
    if isinstance(question, TextQuestion):
        if not isinstance(value, str):
            return value, "needs text"
        if len(value) > question.length_limit:
            return value, f"is longer than {question.length_limit} characters"
        return value, None
    return _check_options(question, [value], single=True)


def _check_options(
    question: Question, values: list[Any], *, single: bool = False
) -> tuple[Any, str | None]:
    allowed = answer_options(question) or []
    wrong = [v for v in values if v not in allowed or isinstance(v, bool)]
    if wrong:
        shown = ", ".join(str(a) for a in allowed)
        return values, f"'{wrong[0]}' is not an answer (answers: {shown})"
    return (values[0] if single else values), None


def _check_number(question: NumberQuestion, value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return value, "needs a number"
    if question.integer and value != int(value):
        return value, "needs a whole number"
    if (question.min is not None and value < question.min) or (
        question.max is not None and value > question.max
    ):
        return value, f"must be between {question.min} and {question.max}"
    return value, None


def check_answers(
    definition: AssessmentDefinition, answers: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalise answers and collect problems by question id (unknown ids included)."""
    clean: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for question_id, value in answers.items():
        question = definition.questions.get(str(question_id))
        if question is None:
            problems[str(question_id)] = "is not a question of this questionnaire"
            continue
        if value is None:
            continue
        normalized, problem = normalize_answer(question, value)
        if problem:
            problems[question.id] = problem
        else:
            clean[question.id] = normalized
    return clean, problems
