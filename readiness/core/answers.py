"""Whether an answer is one a question can take: the one check for every way in.

The web form, ``flask score``, the demo data and the preview page all ask
:func:`check_answer` (or :func:`check_answers` for a whole set). A problem is a code and
its details; :meth:`AnswerProblem.english` words it for the command line, and the web
says it in the page's language from the same code.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from readiness.core.checks import answer_options
from readiness.core.definitions import AssessmentDefinition
from readiness.core.errors import ErrorCode, IssueList, did_you_mean
from readiness.core.model import (
    DEFAULT_LOCALE,
    ChoiceQuestion,
    DateQuestion,
    NumberQuestion,
    Question,
    TextQuestion,
    parse_iso_date,
)
from readiness.core.readings import EARLIEST_DATE, LATEST_DATE, NumberReading, read_number
from readiness.core.yamlsource import (
    MAX_ANSWER_FILE_BYTES,
    YamlDocument,
    decode_definition_bytes,
    read_yaml_text,
)

#: The most options one multiple-choice answer may hold (a tampered post may send more).
MAX_CHOICES = 100

NOT_AN_OPTION, NEEDS_A_LIST, TOO_MANY = "not_an_option", "needs_a_list", "too_many"
NOT_ALONE, NOT_A_NUMBER, NOT_WHOLE = "exclusive_not_alone", "not_a_number", "not_whole"
OUT_OF_RANGE, NOT_A_DATE, YEAR_OUT_OF_RANGE = "out_of_range", "not_a_date", "year_out_of_range"
DATE_PASSED, DATE_AHEAD, NOT_TEXT, TOO_LONG = "date_passed", "date_ahead", "not_text", "too_long"
UNKNOWN_QUESTION, READS_TWO_WAYS = "unknown_question", "reads_two_ways"

_ENGLISH = {
    NOT_AN_OPTION: "'{value}' is not an answer (answers: {answers})",
    NEEDS_A_LIST: "needs a list of option ids",
    TOO_MANY: "has more than {limit} answers",
    NOT_ALONE: "'{option}' cannot be combined with other answers",
    NOT_A_NUMBER: "needs a number{found}",
    READS_TWO_WAYS: "'{typed}' reads two ways ({first} or {second}); write the number plainly",
    NOT_WHOLE: "needs a whole number",
    OUT_OF_RANGE: "must be between {low} and {high}",
    NOT_A_DATE: "needs a date written YYYY-MM-DD",
    YEAR_OUT_OF_RANGE: "must be a date from {earliest} to {latest}",
    DATE_PASSED: "is a date that has passed; give one from {today} on",
    DATE_AHEAD: "is a date in the future; give {today} or earlier",
    NOT_TEXT: "needs text",
    TOO_LONG: "is longer than {limit} characters",
    UNKNOWN_QUESTION: "is not a question of this questionnaire{hint}",
}


@dataclass(frozen=True)
class AnswerProblem:
    """Why an answer was refused: a code, and what the message needs to say it."""

    code: str
    details: dict[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        return _ENGLISH[self.code].format(**self.details)


def check_answer(question: Question, value: Any, today: dt.date) -> AnswerProblem | None:
    """What is wrong with ``value`` as an answer to ``question`` on ``today``, if anything.

    ``value`` is in the core's form: option ids, numbers, ``YYYY-MM-DD`` text, text.
    """
    if isinstance(question, ChoiceQuestion) and question.type == "multiple_choice":
        return _check_choices(question, value)
    if isinstance(question, NumberQuestion):
        return _check_number(question, value)
    if isinstance(question, DateQuestion):
        return _check_date(question, value, today)
    if isinstance(question, TextQuestion):
        if not isinstance(value, str):
            return AnswerProblem(NOT_TEXT)
        if len(value) > question.length_limit:
            return AnswerProblem(TOO_LONG, {"limit": question.length_limit})
        return None
    return _check_options(question, [value])


def _check_options(question: Question, values: list[Any]) -> AnswerProblem | None:
    allowed = answer_options(question) or []
    wrong = [v for v in values if isinstance(v, bool) or v not in allowed]
    if wrong:
        shown = ", ".join(str(a) for a in allowed)
        return AnswerProblem(NOT_AN_OPTION, {"value": wrong[0], "answers": shown})
    return None


def _check_choices(question: ChoiceQuestion, value: Any) -> AnswerProblem | None:
    if not isinstance(value, list):
        return AnswerProblem(NEEDS_A_LIST)
    if len(value) > MAX_CHOICES:
        return AnswerProblem(TOO_MANY, {"limit": MAX_CHOICES})
    problem = _check_options(question, value)
    if problem is None and question.exclusive in value and len(value) > 1:
        label = next(o.label for o in question.options if o.id == question.exclusive)
        return AnswerProblem(NOT_ALONE, {"option": question.exclusive, "label": label})
    return problem


def _check_number(question: NumberQuestion, value: Any) -> AnswerProblem | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return AnswerProblem(NOT_A_NUMBER, {"found": f" (found {value!r})"})
    if question.integer and value != int(value):
        return AnswerProblem(NOT_WHOLE)
    if (question.min is not None and value < question.min) or (
        question.max is not None and value > question.max
    ):
        return _out_of_range(question)
    return None


def _out_of_range(question: NumberQuestion) -> AnswerProblem:
    return AnswerProblem(OUT_OF_RANGE, {"low": question.min, "high": question.max})


def _check_date(question: DateQuestion, value: Any, today: dt.date) -> AnswerProblem | None:
    day = parse_iso_date(value) if isinstance(value, str) else None
    if day is None:
        return AnswerProblem(NOT_A_DATE)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return AnswerProblem(
            YEAR_OUT_OF_RANGE, {"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year}
        )
    if question.when == "future" and day < today:
        return AnswerProblem(DATE_PASSED, {"today": today.isoformat()})
    if question.when == "past" and day > today:
        return AnswerProblem(DATE_AHEAD, {"today": today.isoformat()})
    return None


def read_typed_number(question: NumberQuestion, text: str, locale: str) -> NumberReading:
    """What ``text`` typed for ``question`` means in ``locale``: read against the question's
    limits and with its unit (in any language) allowed after the number."""
    return read_number(
        text,
        locale,
        integer=question.integer,
        low=question.min,
        high=question.max,
        units=question.unit.values() if question.unit else (),
    )


def _typed_number(question: NumberQuestion, text: str) -> tuple[Any, AnswerProblem | None]:
    """A number written as text in a file (``"900.000"``, ``"1,5"``, ``"¥900,000"``), read
    the way the web form reads it, by either convention; a text that reads two ways for
    this question is refused rather than guessed."""
    reading = read_typed_number(question, text, DEFAULT_LOCALE)
    if reading.value is not None:
        return reading.value, None
    if reading.ambiguous:
        first, second = reading.choices[:2]
        return text, AnswerProblem(
            READS_TWO_WAYS, {"typed": text, "first": f"{first:g}", "second": f"{second:g}"}
        )
    if reading.problem == NOT_WHOLE:
        return text, AnswerProblem(NOT_WHOLE)
    if reading.problem == OUT_OF_RANGE:
        return text, _out_of_range(question)
    return text, AnswerProblem(NOT_A_NUMBER, {"found": f" (found {text!r})"})


def normalize_answer(question: Question, value: Any) -> Any:
    """An answer from a file in the core's form: YAML's true/false for yes/no, a date as text."""
    if question.type == "yes_no" and isinstance(value, bool):
        return "yes" if value else "no"
    if question.type == "date" and isinstance(value, dt.date):
        return value.isoformat()
    return value


def check_answers(
    definition: AssessmentDefinition, answers: dict[str, Any], today: dt.date
) -> tuple[dict[str, Any], dict[str, AnswerProblem]]:
    """The answers in the core's form, and what is wrong with any of them, by question id.

    An id that is no question of the definition is a problem too; ``None`` means unanswered.
    """
    clean: dict[str, Any] = {}
    problems: dict[str, AnswerProblem] = {}
    for question_id, value in answers.items():
        question = definition.questions.get(str(question_id))
        if question is None:
            hint = did_you_mean(question_id, definition.questions)
            problems[str(question_id)] = AnswerProblem(UNKNOWN_QUESTION, {"hint": hint})
            continue
        if value is None:
            continue
        value = normalize_answer(question, value)
        if isinstance(question, NumberQuestion) and isinstance(value, str):
            value, problem = _typed_number(question, value)
        else:
            problem = check_answer(question, value, today)
        if problem is None:
            clean[question.id] = value
        else:
            problems[question.id] = problem
    return clean, problems


def read_answer_file(raw: bytes, path: str, issues: IssueList) -> YamlDocument | None:
    """A YAML file of answers (question id -> answer), read as strictly as a definition.

    A file with a YAML surprise in one answer (``no`` unquoted) is still returned, with the
    problem in ``issues``, so every other answer is checked in the same run; None when the
    file cannot be read as a mapping at all.
    """
    found = IssueList()
    text = decode_definition_bytes(raw, path, found, MAX_ANSWER_FILE_BYTES)
    document = read_yaml_text(text, path, found) if text is not None else None
    if document is not None and not isinstance(document.data, dict):
        found.add(
            ErrorCode.ANSWER_001, document.locate(()), "the file must map question ids to answers"
        )
        document = None
    issues.extend(found)
    return document


def checked_answer_file(
    definition: AssessmentDefinition, document: YamlDocument, today: dt.date, issues: IssueList
) -> dict[str, Any] | None:
    """The answers of a file read by :func:`read_answer_file`, or None with each refused
    answer in ``issues`` at its line (and None when reading the file found errors)."""
    clean, problems = check_answers(definition, document.data, today)
    for question_id, problem in problems.items():
        issues.add(
            ErrorCode.ANSWER_001,
            document.locate((question_id,), key=True),
            f"'{question_id}' {problem.english()}",
        )
    misread = any(issue.location.path == document.path for issue in issues.errors)
    return None if problems or misread else clean
