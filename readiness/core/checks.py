"""Cross-checks that one file's schema cannot express, shared by every definition kind.

Unique ids, and conditions whose questions exist and come earlier, with operators
and operands that fit the question type. Rules files have more checks in
:mod:`readiness.core.rule_checks`; plans and catalogues in :mod:`readiness.core.plan.checks`.
Every finding is located in its YAML file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from readiness.core.errors import ErrorCode, IssueList, did_you_mean, unknown
from readiness.core.locales import LOCALES
from readiness.core.model import (
    DEFAULT_LOCALE,
    ChoiceQuestion,
    Condition,
    DateQuestion,
    LikertQuestion,
    NumberQuestion,
    Question,
    Questionnaire,
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
            self.issues.add(ErrorCode.REF_002, where, unknown("question", qid, known))
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
        if operator == "answered":
            return
        if operator in ("contains", "contains_any", "contains_all"):
            self._membership_fits(doc, question, operator, operand, path)
        elif operator in ("gt", "gte", "lt", "lte"):
            self.ordered_operand(doc, question, operator, operand, path)
        else:
            self._equality_fits(doc, question, operator, operand, path)

    def _membership_fits(
        self,
        doc: YamlDocument,
        question: Question,
        operator: str,
        operand: Any,
        path: tuple[Any, ...],
    ) -> None:
        """contains, contains_any and contains_all: a multiple-choice question's options."""
        if question.type != "multiple_choice":
            self.issues.add(
                ErrorCode.REF_005,
                doc.locate(path),
                f"'{operator}' needs a multiple_choice question; "
                f"'{question.id}' is {question.type}",
            )
            return
        values = operand if isinstance(operand, list) else [operand]
        self.operands_allowed(doc, question, values, path)

    def _equality_fits(
        self,
        doc: YamlDocument,
        question: Question,
        operator: str,
        operand: Any,
        path: tuple[Any, ...],
    ) -> None:
        """equals, not_equals, in and not_in: one answer compared with allowed values."""
        if not isinstance(question, _EQUALITY):
            message = f"'{operator}' does not fit {question.type} question '{question.id}'"
        elif question.type == "multiple_choice":
            message = (
                f"'{operator}' does not fit multiple_choice question "
                f"'{question.id}'; use contains, contains_any or contains_all"
            )
        else:
            values = operand if isinstance(operand, list) else [operand]
            values = [normalize_operand(question, v) for v in values]
            self.operands_allowed(doc, question, values, path)
            return
        self.issues.add(ErrorCode.REF_005, doc.locate(path), message)

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
                    f"'{value}' is not an answer of '{question.id}' (answers: {shown})"
                    f"{did_you_mean(value, allowed)}",
                )


def _check_languages(q: Questionnaire, doc: YamlDocument, issues: IssueList) -> None:
    """Declared languages are ones readiness speaks, and English (the fallback) is one."""
    for k, code in enumerate(q.languages or []):
        if code not in LOCALES:
            issues.add(
                ErrorCode.I18N_003,
                doc.locate(("languages", k)),
                f"{unknown('language', code, LOCALES)}; readiness speaks {', '.join(LOCALES)}",
            )
    if q.languages is not None and DEFAULT_LOCALE not in q.languages:
        issues.add(
            ErrorCode.I18N_003,
            doc.locate(("languages",)),
            f"'{DEFAULT_LOCALE}' must be one of the languages: it is the text shown when a "
            "language has none",
        )


def check_questionnaire(q: Questionnaire, doc: YamlDocument, issues: IssueList) -> None:
    """Check ids, numeric limits and conditions of one questionnaire."""
    _check_languages(q, doc, issues)
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
                    unknown("option", question.exclusive, [o.id for o in question.options]),
                )
    if isinstance(question, NumberQuestion):
        lo, hi = question.min, question.max
        if lo is not None and hi is not None and lo >= hi:
            checker.issues.add(
                ErrorCode.QUEST_001,
                doc.locate((*path, "min")),
                f"min ({lo}) must be below max ({hi})",
            )
