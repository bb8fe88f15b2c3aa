"""Cross-checks that one file's schema cannot express.

Unique ids, references from conditions and rules to questions and options
that exist (and, for conditions, come earlier), operators that fit the
question type, weights that add up to 100, bands and ranges without gaps or
overlaps. Every finding is located in its YAML file.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from typing import Any

from readiness.core.errors import ErrorCode, IssueList
from readiness.core.model import (
    ChoiceQuestion,
    Condition,
    DateQuestion,
    Expression,
    LikertQuestion,
    NumberQuestion,
    Question,
    Questionnaire,
    RuleSet,
    YesNoQuestion,
    parse_iso_date,
)
from readiness.core.yamlsource import YamlDocument

_ORDERED = (NumberQuestion, LikertQuestion, DateQuestion)
_EQUALITY = (ChoiceQuestion, YesNoQuestion, LikertQuestion, NumberQuestion)
_WEIGHT_TOLERANCE = 1e-6


def answer_options(question: Question) -> list[str | int] | None:
    """The closed set of answers a question allows, or None for open answers."""
    if isinstance(question, ChoiceQuestion):
        return [o.id for o in question.options]
    if isinstance(question, YesNoQuestion):
        return ["yes", "no"]
    if isinstance(question, LikertQuestion):
        return list(range(1, question.scale + 1))
    return None


def normalize_operand(question: Question, value: Any) -> Any:
    """Let yes/no conditions say ``true``/``false`` as well as ``"yes"``/``"no"``."""
    if isinstance(question, YesNoQuestion) and isinstance(value, bool):
        return "yes" if value else "no"
    return value


class ReferenceChecker:
    """Checks shared by every definition kind: duplicate ids, conditions and their operands."""

    def __init__(self, issues: IssueList) -> None:
        self.issues = issues

    def duplicates(
        self, doc: YamlDocument, ids: Iterable[tuple[str, tuple[Any, ...]]], what: str
    ) -> None:
        items = list(ids)
        counts = Counter(i for i, _ in items)
        first: dict[str, Any] = {}
        for ident, path in items:
            if counts[ident] > 1:
                if ident in first:
                    self.issues.add(
                        ErrorCode.REF_001,
                        doc.locate(path),
                        f"{what} id '{ident}' is used twice (first at line {first[ident].line})",
                    )
                else:
                    first[ident] = doc.locate(path)

    def condition(
        self,
        doc: YamlDocument,
        cond: Condition,
        path: tuple[Any, ...],
        earlier: dict[str, Question],
        known: dict[str, Question],
    ) -> None:
        """Check a condition: questions known and earlier, operator and operands fitting."""
        operator = cond.operator
        if operator in ("all", "any"):
            for k, sub in enumerate(cond.operand):
                self.condition(doc, sub, (*path, operator, k), earlier, known)
            return
        if operator == "not":
            self.condition(doc, cond.operand, (*path, "not"), earlier, known)
            return
        qid = cond.question
        where = doc.locate((*path, "question"))
        if qid not in known:
            self.issues.add(ErrorCode.REF_002, where, f"unknown question '{qid}'")
            return
        if qid not in earlier:
            self.issues.add(
                ErrorCode.REF_004,
                where,
                f"question '{qid}' is asked later; a condition may only use "
                "answers given before it",
            )
            return
        self.operator_fits(doc, known[qid], operator, cond.operand, (*path, operator))

    def operator_fits(
        self,
        doc: YamlDocument,
        question: Question,
        operator: str,
        operand: Any,
        path: tuple[Any, ...],
    ) -> None:
        where = doc.locate(path)
        qtype = question.type
        if operator == "answered":
            return
        if operator in ("contains", "contains_any", "contains_all"):
            if qtype != "multiple_choice":
                self.issues.add(
                    ErrorCode.REF_005,
                    where,
                    f"'{operator}' needs a multiple_choice question; '{question.id}' is {qtype}",
                )
                return
            values = operand if isinstance(operand, list) else [operand]
            self.operands_allowed(doc, question, values, path)
            return
        if operator in ("gt", "gte", "lt", "lte"):
            self.ordered_operand(doc, question, operator, operand, path)
            return
        if not isinstance(question, _EQUALITY):
            self.issues.add(
                ErrorCode.REF_005,
                where,
                f"'{operator}' does not fit {qtype} question '{question.id}'",
            )
            return
        if qtype == "multiple_choice":
            self.issues.add(
                ErrorCode.REF_005,
                where,
                f"'{operator}' does not fit multiple_choice question "
                f"'{question.id}'; use contains, contains_any or contains_all",
            )
            return
        values = operand if isinstance(operand, list) else [operand]
        values = [normalize_operand(question, v) for v in values]
        self.operands_allowed(doc, question, values, path)

    def ordered_operand(
        self,
        doc: YamlDocument,
        question: Question,
        operator: str,
        operand: Any,
        path: tuple[Any, ...],
    ) -> None:
        where = doc.locate(path)
        if not isinstance(question, _ORDERED):
            self.issues.add(
                ErrorCode.REF_005,
                where,
                f"'{operator}' needs a number, likert or date question; "
                f"'{question.id}' is {question.type}",
            )
        elif isinstance(question, DateQuestion):
            if not isinstance(operand, str) or parse_iso_date(operand) is None:
                self.issues.add(
                    ErrorCode.REF_005,
                    where,
                    f"compare date question '{question.id}' with a date written YYYY-MM-DD",
                )
        elif isinstance(operand, str):
            self.issues.add(
                ErrorCode.REF_005, where, f"compare '{question.id}' with a number, not {operand!r}"
            )

    def operands_allowed(
        self, doc: YamlDocument, question: Question, values: list[Any], path: tuple[Any, ...]
    ) -> None:
        allowed = answer_options(question)
        if allowed is None:
            return
        for value in values:
            if value not in allowed or isinstance(value, bool):
                shown = ", ".join(str(a) for a in allowed)
                self.issues.add(
                    ErrorCode.REF_003,
                    doc.locate(path),
                    f"'{value}' is not an answer of '{question.id}' (answers: {shown})",
                )


def check_questionnaire(q: Questionnaire, doc: YamlDocument, issues: IssueList) -> None:
    """Check ids, numeric limits and conditions of one questionnaire."""
    checker = ReferenceChecker(issues)
    checker.duplicates(doc, ((p.id, ("pages", i, "id")) for i, p in enumerate(q.pages)), "page")
    checker.duplicates(
        doc,
        (
            (qu.id, ("pages", i, "questions", j, "id"))
            for i, p in enumerate(q.pages)
            for j, qu in enumerate(p.questions)
        ),
        "question",
    )
    known: dict[str, Question] = {}
    for page in q.pages:
        for question in page.questions:
            known.setdefault(question.id, question)  # a duplicate id is reported above
    earlier: dict[str, Question] = {}
    for i, page in enumerate(q.pages):
        if page.show_if is not None:
            checker.condition(doc, page.show_if, ("pages", i, "show_if"), earlier, known)
        for j, question in enumerate(page.questions):
            path = ("pages", i, "questions", j)
            _check_question(checker, doc, question, path)
            if question.show_if is not None:
                checker.condition(doc, question.show_if, (*path, "show_if"), earlier, known)
            earlier[question.id] = question


def _check_question(
    checker: ReferenceChecker, doc: YamlDocument, question: Question, path: tuple[Any, ...]
) -> None:
    if isinstance(question, ChoiceQuestion):
        checker.duplicates(
            doc,
            ((o.id, (*path, "options", k, "id")) for k, o in enumerate(question.options)),
            "option",
        )
        if question.exclusive is not None:
            if question.type != "multiple_choice":
                checker.issues.add(
                    ErrorCode.REF_003,
                    doc.locate((*path, "exclusive")),
                    "'exclusive' is only for multiple_choice questions",
                )
            elif question.exclusive not in {o.id for o in question.options}:
                checker.issues.add(
                    ErrorCode.REF_003,
                    doc.locate((*path, "exclusive")),
                    f"unknown option '{question.exclusive}'",
                )
    if isinstance(question, NumberQuestion):
        lo, hi = question.min, question.max
        if lo is not None and hi is not None and lo >= hi:
            checker.issues.add(
                ErrorCode.QUEST_001,
                doc.locate((*path, "min")),
                f"min ({lo}) must be below max ({hi})",
            )


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
            f"(known: {', '.join(questionnaires) or 'none'})",
        )
        return
    known = {qu.id: qu for p in reversed(questionnaire.pages) for qu in reversed(p.questions)}
    for i, rule in enumerate(rules.rules):
        path = ("rules", i)
        if rule.when is not None:
            checker.condition(doc, rule.when, (*path, "when"), known, known)
        if rule.question is not None:
            _check_choice_rule(checker, doc, rule, path, known)
        else:
            _check_expression(checker, doc, rule.value, (*path, "value"), known)
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
                f"unknown dimension '{rule.dimension}' (dimensions: {', '.join(dimension_ids)})",
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
    rule: Any,
    path: tuple[Any, ...],
    known: dict[str, Question],
) -> None:
    question = known.get(rule.question)
    where = doc.locate((*path, "question"))
    if question is None:
        checker.issues.add(ErrorCode.REF_002, where, f"unknown question '{rule.question}'")
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
    for mapping_name in ("points", "option_explain"):
        for key in getattr(rule, mapping_name) or {}:
            if key not in allowed:
                shown = ", ".join(str(a) for a in allowed)
                checker.issues.add(
                    ErrorCode.REF_003,
                    doc.locate((*path, mapping_name, key)),
                    f"'{key}' is not an answer of '{question.id}' (answers: {shown})",
                )
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
            checker.issues.add(ErrorCode.REF_002, where, f"unknown question '{qid}'")
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
    neg, pos = float("-inf"), float("inf")
    ordered = sorted(intervals, key=lambda t: neg if t[0] is None else t[0])
    for lo, hi, path in ordered:
        if lo is not None and hi is not None and lo >= hi:
            issues.add(
                ErrorCode.RULE_004 if not bands else ErrorCode.RULE_002,
                doc.locate(path),
                f"min ({lo}) must be below max ({hi})",
            )
    for (_, prev_hi, prev_path), (lo, _, path) in itertools.pairwise(ordered):
        prev_end = pos if prev_hi is None else prev_hi
        start = neg if lo is None else lo
        if start == prev_end:
            continue
        line = doc.locate(prev_path).line
        if start < prev_end:
            code = ErrorCode.RULE_002 if bands else ErrorCode.RULE_004
            issues.add(
                code,
                doc.locate(path),
                f"starts at {lo} but the one at line {line} runs to {prev_hi}: they overlap",
            )
        else:
            code = ErrorCode.RULE_003 if bands else ErrorCode.RULE_004
            issues.add(
                code,
                doc.locate(path),
                f"starts at {lo} but the one at line {line} ends at {prev_hi}: "
                f"scores from {prev_hi} to {lo} fall in no {'band' if bands else 'range'}",
            )
    if bands and ordered and (ordered[0][0] != 0 or ordered[-1][1] != 100):
        issues.add(
            ErrorCode.RULE_005,
            doc.locate(("bands",)),
            f"bands run from {ordered[0][0]} to {ordered[-1][1]}; they must run from 0 to 100",
        )
