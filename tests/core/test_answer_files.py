"""Answers from a file (flask score, the preview) are read as the web form reads them:
numbers written as text by either convention, refused with the line when they cannot be
meant, and never guessed when they read two ways."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from readiness.core.answers import check_answers, checked_answer_file, read_answer_file
from readiness.core.definitions import AssessmentDefinition, require_definitions
from readiness.core.errors import IssueList

TODAY = dt.date(2026, 11, 24)
#: mini's capital question, allowed fractions: 1.500 can be 1.5 or 1500.
FRACTIONS = {
    "        label: {en: Capital}\n": "        label: {en: Capital}\n        integer: false\n"
}


@pytest.mark.parametrize(
    "typed", ["900.000", "900,000", "900000", "¥900,000", "９０００００", "900 000 円"]
)
def test_numbers_written_as_text_are_read_as_the_form_reads_them(
    mini: AssessmentDefinition, typed: str
) -> None:
    clean, problems = check_answers(mini, {"savings": typed}, TODAY)
    assert (clean, problems) == ({"savings": 900_000}, {})


def test_a_number_that_reads_two_ways_is_refused_not_guessed(write_definitions: Any) -> None:
    definition = require_definitions(write_definitions(FRACTIONS)).default
    clean, problems = check_answers(definition, {"capital": "1.500"}, TODAY)
    assert clean == {}
    assert problems["capital"].english() == (
        "'1.500' reads two ways (1.5 or 1500); write the number plainly"
    )
    assert check_answers(definition, {"capital": "1,5"}, TODAY)[0] == {"capital": 1.5}


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("nine hundred", "needs a number (found 'nine hundred')"),
        ("1,5", "needs a whole number"),
        ("-5", "must be between 0 and 10000000"),
    ],
)
def test_text_that_cannot_be_the_number_says_why(
    mini: AssessmentDefinition, typed: str, words: str
) -> None:
    _, problems = check_answers(mini, {"savings": typed}, TODAY)
    assert problems["savings"].english() == words


def test_a_yaml_surprise_in_one_answer_does_not_hide_the_others(mini: AssessmentDefinition) -> None:
    issues = IssueList()
    raw = b"programme: titp\nssw_test: no\njlpt: n9\nsavings: lots\n"
    document = read_answer_file(raw, "answers.yaml", issues)
    assert document is not None
    assert checked_answer_file(mini, document, TODAY, issues) is None
    found = sorted((i.location.line, i.code.name) for i in issues.errors)
    assert found == [(2, "YAML_006"), (3, "ANSWER_001"), (4, "ANSWER_001")]
