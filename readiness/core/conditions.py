"""Evaluate declarative conditions through a closed table of operators.

Conditions are compiled once, at load time, into small closures; there is no
``eval``, no templating and no attribute lookup by a name taken from YAML.
An unanswered question fails every comparison except ``answered: false``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from readiness.core.checks import normalize_operand
from readiness.core.model import Condition, Question

Answers = Mapping[str, Any]
Predicate = Callable[[Answers], bool]

#: The only comparisons a condition may use: (answer, operand) -> bool.
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda answer, operand: answer == operand,
    "not_equals": lambda answer, operand: answer != operand,
    "in": lambda answer, operand: answer in operand,
    "not_in": lambda answer, operand: answer not in operand,
    "gt": lambda answer, operand: answer > operand,
    "gte": lambda answer, operand: answer >= operand,
    "lt": lambda answer, operand: answer < operand,
    "lte": lambda answer, operand: answer <= operand,
    "contains": lambda answer, operand: operand in answer,
    "contains_any": lambda answer, operand: any(o in answer for o in operand),
    "contains_all": lambda answer, operand: all(o in answer for o in operand),
}


def compile_condition(condition: Condition, questions: Mapping[str, Question]) -> Predicate:
    """Turn a checked condition into a predicate over an answers mapping."""
    operator = condition.operator
    if operator in ("all", "any"):
        parts = [compile_condition(c, questions) for c in condition.operand]
        combine = all if operator == "all" else any
        return lambda answers: combine(part(answers) for part in parts)
    if operator == "not":
        inner = compile_condition(condition.operand, questions)
        return lambda answers: not inner(answers)
    question_id = condition.question or ""  # the model validator guarantees a question here
    if operator == "answered":
        wanted = bool(condition.operand)
        return lambda answers: (question_id in answers) == wanted
    question = questions[question_id]
    operand = condition.operand
    if isinstance(operand, list):
        operand = [normalize_operand(question, v) for v in operand]
        if operator in ("in", "not_in"):
            operand = frozenset(operand)
    else:
        operand = normalize_operand(question, operand)
    compare = COMPARISONS[operator]

    def predicate(answers: Answers) -> bool:
        if question_id not in answers:
            return False
        try:
            return compare(answers[question_id], operand)
        except TypeError:  # an answer of an unexpected type never matches
            return False

    return predicate


def always(_answers: Answers) -> bool:
    """The predicate for a question or page without a condition."""
    return True


def condition_questions(condition: Condition) -> set[str]:
    """The question ids a condition reads."""
    operator = condition.operator
    if operator in ("all", "any"):
        return set().union(*(condition_questions(c) for c in condition.operand))
    if operator == "not":
        return condition_questions(condition.operand)
    return {condition.question} if condition.question else set()
