"""Cross-checks of a rules file against its questionnaire.

Weights that add up to 100, bands and ranges without gaps or overlaps, rules
that name questions, options and dimensions that exist, and expressions that
read number and date questions.
"""

from __future__ import annotations

import itertools
from typing import Any

from readiness.core.checks import ReferenceChecker, answer_options
from readiness.core.errors import ErrorCode, IssueList, did_you_mean, unknown
from readiness.core.model import (
    ChoiceQuestion,
    DateQuestion,
    Expression,
    NumberQuestion,
    Question,
    Questionnaire,
    Rule,
    RuleSet,
)
from readiness.core.points import reachable_points
from readiness.core.yamlsource import YamlDocument

_WEIGHT_TOLERANCE = 1e-6


def check_rules(
    rules: RuleSet,
    doc: YamlDocument,
    questionnaires: dict[str, Questionnaire],
    issues: IssueList,
    *,
    others_failed: bool = False,
) -> None:
    """Check one rule set against its questionnaire."""
    checker = ReferenceChecker(issues)
    checker.duplicates(
        doc, ((d.id, ("dimensions", i, "id")) for i, d in enumerate(rules.dimensions)), "dimension"
    )
    checker.duplicates(doc, ((b.id, ("bands", i, "id")) for i, b in enumerate(rules.bands)), "band")
    checker.duplicates(doc, ((r.id, ("rules", i, "id")) for i, r in enumerate(rules.rules)), "rule")
    _check_weights(rules, doc, issues)
    _check_intervals(
        doc, [(b.min, b.max, ("bands", i)) for i, b in enumerate(rules.bands)], issues, bands=True
    )
    questionnaire = questionnaires.get(rules.questionnaire)
    if questionnaire is None and others_failed:
        return  # the questionnaire file may be the one that failed; its errors say why
    if questionnaire is None:
        issues.add(
            ErrorCode.REF_007,
            doc.locate(("questionnaire",)),
            f"no questionnaire with id '{rules.questionnaire}' "
            f"(known: {', '.join(questionnaires) or 'none'})"
            f"{did_you_mean(rules.questionnaire, questionnaires)}",
        )
        return
    known = {qu.id: qu for p in reversed(questionnaire.pages) for qu in reversed(p.questions)}
    for i, rule in enumerate(rules.rules):
        _check_rule(checker, doc, rule, ("rules", i), known, issues)
    sometimes = {q.id for p in questionnaire.pages for q in p.questions if p.show_if or q.show_if}
    for i, rule in enumerate(rules.rules):
        _warn_sometimes_left_out(doc, rule, ("rules", i), sometimes, issues)


def _warn_sometimes_left_out(
    doc: YamlDocument, rule: Rule, path: tuple[Any, ...], sometimes: set[str], issues: IssueList
) -> None:
    """A computed rule that reads a question asked only sometimes is left out whenever that
    question is hidden, and its dimension is scored without it: said, unless the rule says
    when it applies or what the hidden question counts as."""
    if rule.value is None or rule.when is not None:
        return
    for question_id in dict.fromkeys(rule.value.question_ids(needed_only=True)):
        if question_id in sometimes:
            issues.add(
                ErrorCode.RULE_010,
                doc.locate((*path, "value")),
                f"'{question_id}' is asked only when its show_if holds; when it is hidden "
                f"this rule is left out and the other rules of '{rule.dimension}' share its "
                f"weight. Give the term what it counts as then ({{answer: {question_id}, "
                "otherwise: 0}), or say when the rule applies with 'when:'",
                severity="warning",
            )


def _check_rule(
    checker: ReferenceChecker,
    doc: YamlDocument,
    rule: Rule,
    path: tuple[Any, ...],
    known: dict[str, Question],
    issues: IssueList,
) -> None:
    """One rule's condition, and its question's options or its value and ranges."""
    if rule.when is not None:
        checker.condition(doc, rule.when, (*path, "when"), known, known)
    if rule.question is not None:
        _check_choice_rule(checker, doc, rule, path, known)
        return
    _check_expression(checker, doc, rule.value, (*path, "value"), known)
    if rule.ranges and max(r.points for r in rule.ranges) <= 0:
        issues.add(
            ErrorCode.RULE_008,
            doc.locate((*path, "ranges")),
            "no range gives any points, so this rule can only score 0; give the best "
            "range points, or remove the rule",
        )
    _check_intervals(
        doc,
        [(r.min, r.max, (*path, "ranges", k)) for k, r in enumerate(rule.ranges or [])],
        issues,
    )


def _check_weights(rules: RuleSet, doc: YamlDocument, issues: IssueList) -> None:
    total = sum(d.weight for d in rules.dimensions)
    if abs(total - 100) > _WEIGHT_TOLERANCE:
        issues.add(
            ErrorCode.RULE_001,
            doc.locate(("dimensions",)),
            f"dimension weights add up to {total:g}, not 100",
        )
    dimension_ids = [d.id for d in rules.dimensions]
    per_dimension: dict[str, float] = dict.fromkeys(dimension_ids, 0.0)
    first_rule: dict[str, int] = {}
    for i, rule in enumerate(rules.rules):
        if rule.dimension not in per_dimension:
            issues.add(
                ErrorCode.REF_006,
                doc.locate(("rules", i, "dimension")),
                f"{unknown('dimension', rule.dimension, dimension_ids)} "
                f"(dimensions: {', '.join(dimension_ids)})",
            )
            continue
        per_dimension[rule.dimension] += rule.weight
        first_rule.setdefault(rule.dimension, i)
    for k, dim in enumerate(rules.dimensions):
        if dim.id not in first_rule:
            issues.add(
                ErrorCode.RULE_007,
                doc.locate(("dimensions", k, "id")),
                f"dimension '{dim.id}' has no rules, so it cannot be scored",
            )
        elif abs(per_dimension[dim.id] - 100) > _WEIGHT_TOLERANCE:
            issues.add(
                ErrorCode.RULE_001,
                doc.locate(("dimensions", k, "id")),
                f"weights of the rules in dimension '{dim.id}' add up to "
                f"{per_dimension[dim.id]:g}, not 100",
            )


def _check_choice_rule(
    checker: ReferenceChecker,
    doc: YamlDocument,
    rule: Rule,
    path: tuple[Any, ...],
    known: dict[str, Question],
) -> None:
    """A rule on a choice question names its answers, and gives each of them points."""
    question = known.get(rule.question or "")
    where = doc.locate((*path, "question"))
    if question is None:
        checker.issues.add(ErrorCode.REF_002, where, unknown("question", rule.question, known))
        return
    allowed = answer_options(question)
    if allowed is None:
        checker.issues.add(
            ErrorCode.REF_008,
            where,
            f"'{rule.question}' is a {question.type} question; score it with "
            "'value' and 'ranges' (numbers, dates) or not at all (text)",
        )
        return
    _check_answer_keys(checker, doc, rule, path, question, allowed)
    unscored = [a for a in allowed if a not in (rule.points or {})]
    if unscored and question.type != "multiple_choice":
        checker.issues.add(
            ErrorCode.RULE_006,
            doc.locate((*path, "points")),
            f"answers without points: {', '.join(str(a) for a in unscored)}; "
            "give each answer points (0 is fine)",
        )
    if rule.cap is not None and question.type != "multiple_choice":
        checker.issues.add(
            ErrorCode.REF_008,
            doc.locate((*path, "cap")),
            "'cap' is only for multiple_choice questions",
        )
        return
    _check_reachable(checker, doc, rule, path, question)


def _check_reachable(
    checker: ReferenceChecker,
    doc: YamlDocument,
    rule: Rule,
    path: tuple[Any, ...],
    question: Question,
) -> None:
    """A rule is scored out of what its answers can really give: never out of nothing,
    and a cap above that is pointless (a warning: the lower figure is used)."""
    multi = question.type == "multiple_choice"
    exclusive = question.exclusive if isinstance(question, ChoiceQuestion) else None
    uncapped = reachable_points(rule.points or {}, multi, exclusive, None)
    if uncapped <= 0:
        checker.issues.add(
            ErrorCode.RULE_008,
            doc.locate((*path, "points")),
            "no answer gives any points, so this rule can only score 0; give the best "
            "answer points, or remove the rule",
        )
    elif rule.cap is not None and rule.cap > uncapped:
        checker.issues.add(
            ErrorCode.RULE_009,
            doc.locate((*path, "cap")),
            f"cap {rule.cap:g} is above what the answers can add up to ({uncapped:g}); "
            f"the rule is scored out of {uncapped:g}: lower the cap or remove it",
            severity="warning",
        )


def _check_answer_keys(
    checker: ReferenceChecker,
    doc: YamlDocument,
    rule: Rule,
    path: tuple[Any, ...],
    question: Question,
    allowed: list[Any],
) -> None:
    """Every answer that ``points`` or ``option_explain`` names is an answer of the question."""
    for mapping_name, mapping in (("points", rule.points), ("option_explain", rule.option_explain)):
        for key in mapping or {}:
            if key not in allowed:
                shown = ", ".join(str(a) for a in allowed)
                checker.issues.add(
                    ErrorCode.REF_003,
                    doc.locate((*path, mapping_name, key)),
                    f"'{key}' is not an answer of '{question.id}' (answers: {shown})"
                    f"{did_you_mean(key, allowed)}",
                )


def _check_expression(
    checker: ReferenceChecker,
    doc: YamlDocument,
    expr: Expression | float | int | None,
    path: tuple[Any, ...],
    known: dict[str, Question],
) -> None:
    if not isinstance(expr, Expression):
        return
    form = expr.form
    if form in ("answer", "months_until"):
        qid = getattr(expr, form)
        wanted = NumberQuestion if form == "answer" else DateQuestion
        question = known.get(qid)
        where = doc.locate((*path, form))
        if question is None:
            checker.issues.add(ErrorCode.REF_002, where, unknown("question", qid, known))
        elif not isinstance(question, wanted):
            checker.issues.add(
                ErrorCode.REF_008,
                where,
                f"'{form}' needs a {'number' if form == 'answer' else 'date'} "
                f"question; '{qid}' is {question.type}",
            )
        return
    for k, part in enumerate(getattr(expr, form)):
        _check_expression(checker, doc, part, (*path, form, k), known)


def _check_intervals(
    doc: YamlDocument,
    intervals: list[tuple[Any, Any, tuple[Any, ...]]],
    issues: IssueList,
    *,
    bands: bool = False,
) -> None:
    """Intervals [min, max) must be contiguous: no overlap, no gap; bands span 0-100."""
    neg = float("-inf")
    ordered = sorted(intervals, key=lambda t: neg if t[0] is None else t[0])
    for lo, hi, path in ordered:
        if lo is not None and hi is not None and lo >= hi:
            issues.add(
                ErrorCode.RULE_004 if not bands else ErrorCode.RULE_002,
                doc.locate(path),
                f"min ({lo}) must be below max ({hi})",
            )
    for previous, following in itertools.pairwise(ordered):
        _check_neighbours(doc, previous, following, issues, bands=bands)
    if bands and ordered and (ordered[0][0] != 0 or ordered[-1][1] != 100):
        issues.add(
            ErrorCode.RULE_005,
            doc.locate(("bands",)),
            f"bands run from {ordered[0][0]} to {ordered[-1][1]}; they must run from 0 to 100",
        )


def _check_neighbours(
    doc: YamlDocument,
    previous: tuple[Any, Any, tuple[Any, ...]],
    following: tuple[Any, Any, tuple[Any, ...]],
    issues: IssueList,
    *,
    bands: bool,
) -> None:
    """Two intervals next to each other in order: the second starts where the first ends."""
    (_, prev_hi, prev_path), (lo, _, path) = previous, following
    prev_end = float("inf") if prev_hi is None else prev_hi
    start = float("-inf") if lo is None else lo
    if start == prev_end:
        return
    line = doc.locate(prev_path).line
    if start < prev_end:
        issues.add(
            ErrorCode.RULE_002 if bands else ErrorCode.RULE_004,
            doc.locate(path),
            f"starts at {lo} but the one at line {line} runs to {prev_hi}: they overlap",
        )
    else:
        issues.add(
            ErrorCode.RULE_003 if bands else ErrorCode.RULE_004,
            doc.locate(path),
            f"starts at {lo} but the one at line {line} ends at {prev_hi}: "
            f"scores from {prev_hi} to {lo} fall in no {'band' if bands else 'range'}",
        )
