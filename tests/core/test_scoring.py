"""The scoring engine on hand-computed cases (mini definitions: tests/fixtures/definitions.py)."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pytest

from readiness.core.dates import months_until
from readiness.core.definitions import AssessmentDefinition, require_definitions
from readiness.core.model import Expression
from readiness.core.points import reachable_points, whole
from readiness.core.scoring import ScoreCard, Scorer, evaluate_expression

TODAY = dt.date(2026, 11, 24)


def answers(**overrides: Any) -> dict[str, Any]:
    base = {
        "programme": "titp",
        "savings": 600_000,
        "capital": 1_000_000,
        "jlpt": "n4",
        "confidence": 4,
        "certs": ["forklift"],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def contribution(card: ScoreCard, dimension: str, rule: str) -> Any:
    return next(c for c in card.dimension(dimension).contributions if c.rule_id == rule)


def test_hand_computed_titp_case(mini: AssessmentDefinition) -> None:
    """TITP: the SSW-test rule is hidden, so certs (30) and confidence (20) share the dimension.

    skills = (30 x 50/100 + 20 x 75/100) / 50 x 100 = 60; language: N4 = 50;
    financing: 600,000 / 1,000,000 = 0.6 -> 50 points; overall = (50x60 + 20x50 + 30x50) / 100 = 55.
    """
    card = Scorer(mini).score(answers(), TODAY)
    assert [(d.id, d.score, d.band) for d in card.dimensions] == [
        ("skills", 60.0, "mid"),
        ("language", 50.0, "mid"),
        ("financing", 50.0, "mid"),
    ]
    assert (card.overall, card.overall_band) == (55.0, "mid")
    hidden = contribution(card, "skills", "ssw_test")
    assert (hidden.status, hidden.possible, hidden.share) == ("not_applicable", 0.0, 0.0)
    certs = contribution(card, "skills", "certs")
    assert (certs.points, certs.max_points, certs.possible, certs.share) == (50, 100, 60.0, 30.0)
    assert contribution(card, "language", "jlpt").detail == {"en": "N4 is enough for SSW (i)."}


def test_hand_computed_ssw_case(mini: AssessmentDefinition) -> None:
    """SSW with the test passed: skills = 50x1 + 30x0.5 + 20x0.75 = 80 (high)."""
    card = Scorer(mini).score(answers(programme="ssw", ssw_test="yes"), TODAY)
    assert (card.dimension("skills").score, card.dimension("skills").band) == (80.0, "high")
    assert card.overall == pytest.approx((50 * 80 + 20 * 50 + 30 * 50) / 100)


def test_hidden_answers_never_count(mini: AssessmentDefinition) -> None:
    """An SSW-test answer left over from an earlier choice of programme changes nothing."""
    scorer = Scorer(mini)
    assert scorer.score(answers(ssw_test="yes"), TODAY) == scorer.score(answers(), TODAY)


def test_multiple_choice_points_are_capped(mini: AssessmentDefinition) -> None:
    card = Scorer(mini).score(answers(certs=["forklift", "welding"]), TODAY)
    certs = contribution(card, "skills", "certs")
    assert (certs.points, certs.max_points) == (100.0, 100.0)


def test_missing_optional_answer_scores_zero_and_says_so(mini: AssessmentDefinition) -> None:
    card = Scorer(mini).score(answers(capital=None), TODAY)
    coverage = contribution(card, "financing", "coverage")
    assert (coverage.status, coverage.points, coverage.share) == ("missing", 0.0, 0.0)
    assert card.dimension("financing").score == 0.0


def test_missing_answer_can_be_left_out(write_definitions: Any) -> None:
    """With ``missing: skip`` an unanswered rule is left out and the others rescale."""
    explain = "    explain: {en: Certificates}\n"
    folder = write_definitions(rules={explain: explain + "    missing: skip\n"})
    card = Scorer(require_definitions(folder).default).score(answers(certs=None), TODAY)
    assert contribution(card, "skills", "certs").status == "not_applicable"
    assert card.dimension("skills").score == 75.0  # confidence alone: 4 of 5 = 75


def test_zero_capital_needed_means_fully_covered(mini: AssessmentDefinition) -> None:
    card = Scorer(mini).score(answers(capital=0), TODAY)
    coverage = contribution(card, "financing", "coverage")
    assert (coverage.points, coverage.answer) == (100.0, None)


@pytest.mark.parametrize(
    ("savings", "points"), [(499_999, 0.0), (500_000, 50.0), (999_999, 50.0), (1_000_000, 100.0)]
)
def test_range_edges_include_min_and_exclude_max(
    mini: AssessmentDefinition, savings: int, points: float
) -> None:
    card = Scorer(mini).score(answers(savings=savings), TODAY)
    assert contribution(card, "financing", "coverage").points == points


@pytest.mark.parametrize(("jlpt", "band"), [("none", "low"), ("n4", "mid"), ("n3", "high")])
def test_band_edges(mini: AssessmentDefinition, jlpt: str, band: str) -> None:
    """0 -> low; 50 -> mid (40 <= s < 70); 100 -> high (the top band includes 100)."""
    assert Scorer(mini).score(answers(jlpt=jlpt), TODAY).dimension("language").band == band


def test_band_lookup_at_thresholds(mini: AssessmentDefinition) -> None:
    scorer = Scorer(mini)
    assert [scorer.band_for(s).id for s in (0, 39.9, 40, 69.9, 70, 100)] == [
        "low",
        "low",
        "mid",
        "mid",
        "high",
        "high",
    ]


def test_scorecard_round_trips_through_json(mini: AssessmentDefinition) -> None:
    card = Scorer(mini).score(answers(), TODAY)
    again = ScoreCard.from_dict(json.loads(json.dumps(card.to_dict())))
    assert again == card
    assert again.content_hash == mini.content_hash
    assert again.as_of == "2026-11-24"


def test_scoring_is_deterministic(mini: AssessmentDefinition) -> None:
    first = Scorer(mini).score(answers(), TODAY).to_dict()
    assert all(Scorer(mini).score(answers(), TODAY).to_dict() == first for _ in range(5))


@pytest.mark.parametrize(
    ("target", "expected"),
    [("2027-07-31", 8), ("2027-07-24", 8), ("2027-07-23", 7), ("2026-11-30", 0), ("2025-01-01", 0)],
)
def test_months_until(target: str, expected: int) -> None:
    assert months_until(target, TODAY) == expected


def test_expressions_combine_answers() -> None:
    """(savings + monthly x months) - debt, and a ratio, as the financing rule uses them."""
    expr = Expression.model_validate(
        {
            "difference": [
                {"sum": [{"answer": "s"}, {"product": [{"answer": "m"}, {"months_until": "d"}]}]},
                {"answer": "debt"},
            ]
        }
    )
    values = {"s": 100.0, "m": 10.0, "d": "2027-07-31", "debt": 30.0}
    assert evaluate_expression(expr, values, TODAY) == 100 + 10 * 8 - 30
    assert evaluate_expression(expr, {"s": 1.0}, TODAY) is None
    ratio = Expression.model_validate({"ratio": [{"answer": "s"}, 0]})
    assert math.isinf(evaluate_expression(ratio, values, TODAY))


def test_the_real_rules_on_a_hand_checked_intern(
    definition: AssessmentDefinition, full_answers: dict[str, Any]
) -> None:
    """The demo TITP intern: savings 900,000 + 60,000 x 8 months = 1,380,000 of 3,000,000 (46%).

    46% falls in the 25-50% range (35 points) of a rule worth 35 of the financing dimension.
    """
    full_answers["planned_return"] = "2027-07-31"
    card = Scorer(definition).score(full_answers, TODAY)
    coverage = contribution(card, "financing", "capital_coverage")
    assert coverage.answer == pytest.approx(1_380_000 / 3_000_000)
    assert (coverage.points, coverage.possible) == (35.0, 35.0)
    assert coverage.share == pytest.approx(35 * 0.35)
    ssw = contribution(card, "skills", "ssw_test_level")
    assert ssw.status == "not_applicable"  # a TITP intern is not asked the SSW test
    assert all(0 <= d.score <= 100 for d in card.dimensions)


def test_a_multiple_choice_rule_is_scored_out_of_what_its_answers_can_give(
    write_definitions: Any,
) -> None:
    """The cap (200) is above what forklift and welding add up to (150): both earn it all."""
    folder = write_definitions(
        rules={
            "points: {forklift: 50, welding: 100, none: 0}\n    cap: 100": (
                "points: {forklift: 50, welding: 100, none: 0}\n    cap: 200"
            )
        }
    )
    card = Scorer(require_definitions(folder).default).score(
        answers(certs=["forklift", "welding"]), TODAY
    )
    certs = contribution(card, "skills", "certs")
    assert (certs.points, certs.max_points) == (150.0, 150.0)
    assert certs.share == pytest.approx(certs.possible)  # all of it, not 150 of 200


def test_the_exclusive_answer_counts_alone() -> None:
    """With an exclusive option, the best is the other options together, or it alone."""
    points = {"forklift": 50, "welding": 100, "none": 0}
    assert reachable_points(points, True, "none", None) == 150
    assert reachable_points({**points, "none": 200}, True, "none", None) == 200
    assert reachable_points(points, True, None, 120) == 120
    assert reachable_points({"a": 0, "b": 30}, False, None, None) == 30


@pytest.mark.parametrize(("raw", "shown"), [(49.49, 49), (49.5, 50), (50.5, 51), (99.5, 100)])
def test_scores_are_rounded_half_up_to_whole_numbers(raw: float, shown: int) -> None:
    assert whole(raw) == shown


def test_the_band_is_chosen_from_the_rounded_score(write_definitions: Any) -> None:
    """Confidence 3 of 5 weighs 99 and SSW test 'no' 1: 49.5 shows as 50, in band mid (40-70)."""
    folder = write_definitions(
        rules={
            "    weight: 50\n    question: ssw_test": "    weight: 1\n    question: ssw_test",
            "  - id: certs\n    dimension: skills\n    weight: 30": (
                "  - id: certs\n    dimension: language\n    weight: 30"
            ),
            "    weight: 20\n    question: confidence": "    weight: 99\n    question: confidence",
            "    weight: 100\n    question: jlpt": "    weight: 70\n    question: jlpt",
        }
    )
    card = Scorer(require_definitions(folder).default).score(
        answers(programme="ssw", ssw_test="no", confidence=3), TODAY
    )
    skills = card.dimension("skills")
    assert sum(c.share for c in skills.contributions) == pytest.approx(49.5)
    assert (skills.score, skills.band) == (50.0, "mid")


DEBT_QUESTION = {
    "      - id: capital\n": (
        "      - id: debt\n"
        "        type: number\n"
        "        show_if: {question: programme, equals: ssw}\n"
        "        label: {en: Debt}\n"
        "        min: 0\n"
        "      - id: capital\n"
    )
}
COVERAGE_VALUE = "      ratio: [{answer: savings}, {answer: capital}]\n"


def debt_rule(term: str) -> dict[str, str]:
    value = f"      ratio: [{{difference: [{{answer: savings}}, {term}]}}, {{answer: capital}}]\n"
    return {COVERAGE_VALUE: value}


def test_a_hidden_term_leaves_a_computed_rule_out_and_check_says_so(
    write_definitions: Any, load_issues: Any
) -> None:
    """Without ``otherwise`` a TITP intern (not asked the debt) gets no coverage rule at all,
    and its dimension is scored without it: check warns where the rule reads the debt."""
    folder = write_definitions(DEBT_QUESTION, debt_rule("{answer: debt}"))
    card = Scorer(require_definitions(folder).default).score(answers(), TODAY)
    assert contribution(card, "financing", "coverage").status == "not_applicable"
    (warning,) = load_issues(DEBT_QUESTION, debt_rule("{answer: debt}")).warnings
    assert warning.code.name == "RULE_010"
    assert "'debt' is asked only when its show_if holds" in warning.message
    assert "{answer: debt, otherwise: 0}" in warning.message


def test_otherwise_says_what_a_hidden_term_counts_as(
    write_definitions: Any, load_issues: Any
) -> None:
    """With ``otherwise: 0`` the TITP intern's debt counts as none: 600,000 / 1,000,000 = 0.6
    (50 points); an SSW worker's 200,000 of debt is taken off: 0.4 (0 points)."""
    rules = debt_rule("{answer: debt, otherwise: 0}")
    scorer = Scorer(require_definitions(write_definitions(DEBT_QUESTION, rules)).default)
    titp = contribution(scorer.score(answers(), TODAY), "financing", "coverage")
    assert (titp.status, titp.answer, titp.points) == ("scored", 0.6, 50.0)
    ssw = answers(programme="ssw", ssw_test="yes", debt=200_000)
    scored = contribution(scorer.score(ssw, TODAY), "financing", "coverage")
    assert (scored.answer, scored.points) == (0.4, 0.0)
    assert not load_issues(DEBT_QUESTION, rules).items


def test_otherwise_goes_only_with_a_single_answer(load_issues: Any) -> None:
    rules = {
        COVERAGE_VALUE: "      ratio: [{answer: savings}, {answer: capital}]\n      otherwise: 1\n"
    }
    (issue,) = load_issues(rules=rules).errors
    assert issue.code.name.startswith("SCHEMA")
    assert "'otherwise' goes with 'answer' or 'months_until'" in issue.message
