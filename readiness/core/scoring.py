"""Score answers against rules: per-dimension scores, bands and the reasons behind them.

Plain Python, deterministic, no I/O. Each rule gives a fraction of its
points; a dimension's score is the weighted mean of its rules' fractions on
0-100, over the rules that apply (a rule on a hidden question, or whose
``when`` does not hold, is left out and the others' weights rescale). Every
rule's result is kept as a :class:`Contribution`, which is the "why".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from readiness.core.conditions import compile_condition
from readiness.core.dates import months_until
from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import Band, ChoiceQuestion, Expression, Rule
from readiness.core.points import reachable_points, whole

SCORED, MISSING, NOT_APPLICABLE = "scored", "missing", "not_applicable"


class Contribution(NamedTuple):
    """What one rule added to its dimension, and why (a tuple: scoring builds many)."""

    rule_id: str
    status: str
    #: The answer the rule looked at (option ids, a number) or the computed value.
    answer: Any
    points: float
    max_points: float
    #: Points on the dimension's 0-100 scale this rule gave, and could have given.
    share: float
    possible: float
    explain: dict[str, str]
    detail: dict[str, str] | None
    #: "number" or "percent": how to show a computed value.
    display: str = "number"
    #: The question a choice rule reads (for showing the answer's label), else None.
    question: str | None = None

    @property
    def gap(self) -> float:
        """Points on the dimension's scale this rule could still add: the biggest gaps first."""
        return self.possible - self.share


@dataclass(slots=True)
class DimensionScore:
    id: str
    label: dict[str, str]
    score: float
    band: str
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class ScoreCard:
    """The result of one assessment, with everything needed to explain and reproduce it."""

    questionnaire_id: str
    questionnaire_version: str
    rules_version: str
    content_hash: str
    as_of: str
    overall: float
    overall_band: str
    dimensions: tuple[DimensionScore, ...]
    #: The bands used, with labels and advice, so the card explains itself later.
    bands: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (lists, not tuples), as stored; :meth:`from_dict` reads it back."""
        data = asdict(self)
        data["bands"] = [dict(b) for b in self.bands]
        data["dimensions"] = [
            {**dim, "contributions": [c._asdict() for c in source.contributions]}
            for dim, source in zip(data["dimensions"], self.dimensions, strict=True)
        ]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreCard:
        dims = tuple(
            DimensionScore(
                **{**d, "contributions": tuple(Contribution(**c) for c in d["contributions"])}
            )
            for d in data["dimensions"]
        )
        return cls(**{**data, "dimensions": dims, "bands": tuple(data.get("bands", ()))})

    def band(self, band_id: str) -> dict[str, Any]:
        """A band's data (label, advice, limits) by id."""
        return next((b for b in self.bands if b["id"] == band_id), {"id": band_id})

    def dimension(self, dimension_id: str) -> DimensionScore:
        """The dimension's score; :raises KeyError: when the card has no such dimension."""
        found = self.find_dimension(dimension_id)
        if found is None:
            raise KeyError(dimension_id)
        return found

    def find_dimension(self, dimension_id: str) -> DimensionScore | None:
        """The dimension's score, or None (a card scored with other rules may lack it)."""
        return next((d for d in self.dimensions if d.id == dimension_id), None)


class _MissingAnswerError(Exception):
    """An expression needs an answer that was not given."""


ValueFunction = Callable[[Mapping[str, Any], dt.date], float]

_COMBINE: dict[str, Callable[[list[float]], float]] = {
    "sum": math.fsum,
    "product": math.prod,
    "difference": lambda values: values[0] - values[1],
    # a zero denominator means nothing is needed: fully covered
    "ratio": lambda values: math.inf if values[1] == 0 else values[0] / values[1],
}


def compile_expression(expr: Expression | int | float) -> ValueFunction:
    """Turn an expression into a function of (answers, as_of); it raises _MissingAnswerError."""
    if not isinstance(expr, Expression):
        constant = float(expr)
        return lambda _answers, _as_of: constant
    form = expr.form
    if form in ("answer", "months_until"):
        question_id, otherwise = getattr(expr, form), expr.otherwise
        to_number: Callable[[Any, dt.date], float] = (
            (lambda value, _as_of: float(value))
            if form == "answer"
            else (lambda value, as_of: float(months_until(value, as_of)))
        )

        def read(answers: Mapping[str, Any], as_of: dt.date) -> float:
            if answers.get(question_id) is None:
                if otherwise is not None:
                    return float(otherwise)
                raise _MissingAnswerError
            return to_number(answers[question_id], as_of)

        return read
    parts = [compile_expression(part) for part in getattr(expr, form)]
    combine = _COMBINE[form]
    return lambda answers, as_of: combine([part(answers, as_of) for part in parts])


def evaluate_expression(
    expr: Expression | int | float, answers: Mapping[str, Any], as_of: dt.date
) -> float | None:
    """Compute an expression's value, or None when an answer it needs is missing."""
    try:
        return compile_expression(expr)(answers, as_of)
    except _MissingAnswerError:
        return None


Outcome = tuple[str, Any, float, "dict[str, str] | None"]


class _CompiledRule:
    """A rule prepared once into plain attributes, predicates and closures (the hot path)."""

    def __init__(self, rule: Rule, definition: AssessmentDefinition) -> None:
        self.id = rule.id
        self.weight = float(rule.weight)
        self.explain = dict(rule.explain)
        self.display = rule.display
        self.skip_missing = rule.missing == "skip"
        self.when = compile_condition(rule.when, definition.questions) if rule.when else None
        self.question = rule.question
        #: The question whose answer explains the rule: its own, or the one a value reads.
        value = rule.value
        single_answer = value.answer if value is not None and value.form == "answer" else None
        self.display_question = rule.question or single_answer
        self.points = dict(rule.points or {})
        self.details = {k: dict(v) for k, v in (rule.option_explain or {}).items()}
        self.multi = False
        if rule.question is not None:
            self._prepare_choice(rule.question, rule.cap, definition)
        elif value is not None:
            self._prepare_value(value, rule)
        else:  # the rules schema requires one of the two
            raise ValueError(f"rule '{rule.id}' has neither a question nor a value")
        #: Single-answer rules: answer -> (points, detail), looked up once per scoring.
        self.single_outcomes = {
            answer: (float(points), self.details.get(answer))
            for answer, points in self.points.items()
        }
        #: Fraction of the rule's weight one point is worth.
        self.per_point = 1.0 / self.max_points if self.max_points else 0.0

    def _prepare_choice(
        self, question_id: str, cap: float | None, definition: AssessmentDefinition
    ) -> None:
        """A rule on one question's answers: points per answer (summed for multiple choice)."""
        question = definition.questions[question_id]
        self.reads = [question_id]
        self.multi = question.type == "multiple_choice"
        exclusive = question.exclusive if isinstance(question, ChoiceQuestion) else None
        self.max_points = float(reachable_points(self.points, self.multi, exclusive, cap))

    def _prepare_value(self, value: Expression, rule: Rule) -> None:
        """A rule on a computed value: points by the range the value falls in."""
        self.reads = value.question_ids(needed_only=True)
        self.value = compile_expression(value)
        self.ranges = [
            (
                -math.inf if r.min is None else r.min,
                math.inf if r.max is None else r.max,
                float(r.points),
                dict(r.explain) if r.explain else None,
            )
            for r in rule.ranges or []
        ]
        self.max_points = max(r[2] for r in self.ranges)

    def evaluate(self, shown: Mapping[str, Any], shown_ids: set[str], as_of: dt.date) -> Outcome:
        """Return (status, answer or value, points, detail text) for the shown answers."""
        if self.when is not None and not self.when(shown):
            return NOT_APPLICABLE, None, 0.0, None
        for question_id in self.reads:
            if question_id not in shown_ids:  # hidden questions never count
                return NOT_APPLICABLE, None, 0.0, None
        if self.question is not None:
            return self._choice(shown.get(self.question))
        try:
            value = self.value(shown, as_of)
        except _MissingAnswerError:
            return self._missing()
        for low, high, points, detail in self.ranges:
            if low <= value < high or (value == high == math.inf):
                return SCORED, _finite(value), points, detail
        return SCORED, _finite(value), 0.0, None

    def _choice(self, answer: Any) -> Outcome:
        if answer is None or answer == []:
            return self._missing()
        if self.multi:
            total = sum(self.points.get(option, 0) for option in answer)
            detail = next((self.details[o] for o in answer if o in self.details), None)
            return SCORED, list(answer), float(min(total, self.max_points)), detail
        points, detail = self.single_outcomes.get(answer, (0.0, None))
        return SCORED, answer, points, detail

    def _missing(self) -> Outcome:
        if self.skip_missing:
            return NOT_APPLICABLE, None, 0.0, None
        return MISSING, None, 0.0, None


def _finite(value: float) -> float | None:
    """JSON has no infinity: an unbounded ratio is stored as None."""
    return value if math.isfinite(value) else None


class Scorer:
    """Scores answer sets for one definition; build once, call many times."""

    def __init__(self, definition: AssessmentDefinition) -> None:
        self.definition = definition
        rules = definition.rules
        self.bands = sorted(rules.bands, key=lambda b: b.min)
        self.band_data = tuple(b.model_dump(exclude_none=True) for b in self.bands)
        self.dimensions = [
            (
                dim.id,
                dict(dim.label),
                float(dim.weight),
                [_CompiledRule(r, definition) for r in rules.rules if r.dimension == dim.id],
            )
            for dim in rules.dimensions
        ]
        self.total_weight = math.fsum(d[2] for d in self.dimensions)

    def band_for(self, score: float) -> Band:
        """The band a 0-100 score falls in; the top band includes 100."""
        for band in self.bands:
            if band.min <= score < band.max:
                return band
        return self.bands[-1] if score >= self.bands[-1].min else self.bands[0]

    def score(self, answers: Mapping[str, Any], as_of: dt.date) -> ScoreCard:
        """Score ``answers`` (question id -> value) as of a date (for months-left rules)."""
        definition = self.definition
        shown, shown_ids = definition.visibility(answers)
        dimensions = [
            self._dimension(dim_id, label, rules, shown, shown_ids, as_of)
            for dim_id, label, _weight, rules in self.dimensions
        ]
        overall = float(
            whole(
                math.fsum(
                    weight * d.score
                    for (_, _, weight, _), d in zip(self.dimensions, dimensions, strict=True)
                )
                / self.total_weight
            )
        )
        return ScoreCard(
            questionnaire_id=definition.id,
            questionnaire_version=definition.questionnaire.version,
            rules_version=definition.rules.version,
            content_hash=definition.content_hash,
            as_of=as_of.isoformat(),
            overall=overall,
            overall_band=self.band_for(overall).id,
            dimensions=tuple(dimensions),
            bands=self.band_data,
        )

    def _dimension(
        self,
        dim_id: str,
        label: dict[str, str],
        rules: list[_CompiledRule],
        shown: Mapping[str, Any],
        shown_ids: set[str],
        as_of: dt.date,
    ) -> DimensionScore:
        outcomes = []
        total_weight = 0.0
        for rule in rules:
            outcome = rule.evaluate(shown, shown_ids, as_of)
            outcomes.append(outcome)
            if outcome[0] is not NOT_APPLICABLE:
                total_weight += rule.weight
        scale = 100.0 / total_weight if total_weight else 0.0
        contributions = []
        raw_score = 0.0
        for rule, (status, answer, points, detail) in zip(rules, outcomes, strict=True):
            possible = 0.0 if status is NOT_APPLICABLE else rule.weight * scale
            share = possible * points * rule.per_point
            raw_score += share
            contributions.append(
                Contribution(
                    rule.id,
                    status,
                    answer,
                    points,
                    rule.max_points,
                    share,
                    possible,
                    rule.explain,
                    detail,
                    rule.display,
                    rule.display_question,
                )
            )
        score = float(whole(min(100.0, max(0.0, raw_score))))
        return DimensionScore(dim_id, label, score, self.band_for(score).id, tuple(contributions))
