"""A small questionnaire and rule set written inline, easy to break one line at a time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from readiness.core.definitions import AssessmentDefinition, load_definitions
from readiness.core.errors import IssueList

MINI_QUESTIONNAIRE = """\
kind: questionnaire
id: mini
version: "1"
title: {en: Mini, ja: ミニ}
pages:
  - id: p1
    title: {en: One}
    questions:
      - id: programme
        type: single_choice
        label: {en: Programme, ja: 在留資格}
        options:
          - {id: titp, label: {en: TITP}}
          - {id: ssw, label: {en: SSW}}
      - id: ssw_test
        type: yes_no
        show_if: {question: programme, equals: ssw}
        label: {en: Passed the SSW test}
      - id: savings
        type: number
        label: {en: Savings}
        min: 0
        max: 10000000
      - id: capital
        type: number
        requirement: optional
        label: {en: Capital}
        min: 0
        max: 100000000
  - id: p2
    title: {en: Two}
    questions:
      - id: jlpt
        type: single_choice
        label: {en: JLPT}
        options:
          - {id: none, label: {en: None}}
          - {id: n4, label: {en: N4}}
          - {id: n3, label: {en: N3}}
      - id: confidence
        type: likert
        label: {en: Confident}
        low: {en: Not at all}
        high: {en: Very}
      - id: certs
        type: multiple_choice
        requirement: soft
        exclusive: none
        label: {en: Certificates}
        options:
          - {id: forklift, label: {en: Forklift}}
          - {id: welding, label: {en: Welding}}
          - {id: none, label: {en: None}}
      - id: return_date
        type: date
        requirement: optional
        label: {en: Return}
      - id: note
        type: long_text
        requirement: optional
        label: {en: Note}
"""

MINI_RULES = """\
kind: rules
id: mini_rules
version: "1"
questionnaire: mini
dimensions:
  - {id: skills, weight: 50, label: {en: Skills}}
  - {id: language, weight: 20, label: {en: Language}}
  - {id: financing, weight: 30, label: {en: Financing}}
bands:
  - {id: low, min: 0, max: 40, label: {en: Low}}
  - {id: mid, min: 40, max: 70, label: {en: Mid}}
  - {id: high, min: 70, max: 100, label: {en: High}}
rules:
  - id: ssw_test
    dimension: skills
    weight: 50
    question: ssw_test
    points: {"yes": 100, "no": 0}
    explain: {en: SSW test}
  - id: certs
    dimension: skills
    weight: 30
    question: certs
    points: {forklift: 50, welding: 100, none: 0}
    cap: 100
    explain: {en: Certificates}
  - id: confidence
    dimension: skills
    weight: 20
    question: confidence
    points: {1: 0, 2: 25, 3: 50, 4: 75, 5: 100}
    explain: {en: Confidence}
  - id: jlpt
    dimension: language
    weight: 100
    question: jlpt
    points: {none: 0, n4: 50, n3: 100}
    explain: {en: JLPT}
    option_explain:
      n4: {en: N4 is enough for SSW (i).}
  - id: coverage
    dimension: financing
    weight: 100
    value:
      ratio: [{answer: savings}, {answer: capital}]
    ranges:
      - {max: 0.5, points: 0}
      - {min: 0.5, max: 1, points: 50}
      - {min: 1, points: 100}
    explain: {en: Coverage}
"""

Writer = Callable[..., Path]


def _edit(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text, f"fixture text not found: {old!r}"
        text = text.replace(old, new, 1)
    return text


@pytest.fixture
def write_definitions(tmp_path: Path) -> Writer:
    """Write the mini files (with replacements) into a folder and return it."""

    def write(
        questionnaire: dict[str, str] | None = None, rules: dict[str, str] | None = None
    ) -> Path:
        folder = tmp_path / "defs"
        folder.mkdir(exist_ok=True)
        (folder / "mini.yaml").write_text(
            _edit(MINI_QUESTIONNAIRE, questionnaire or {}), encoding="utf-8"
        )
        (folder / "mini.rules.yaml").write_text(_edit(MINI_RULES, rules or {}), encoding="utf-8")
        return folder

    return write


@pytest.fixture
def load_issues(write_definitions: Writer) -> Callable[..., IssueList]:
    """Load the mini files with replacements and return every issue found."""

    def load(
        questionnaire: dict[str, str] | None = None, rules: dict[str, str] | None = None
    ) -> IssueList:
        _, issues = load_definitions(write_definitions(questionnaire, rules))
        return issues

    return load


@pytest.fixture
def mini(write_definitions: Writer) -> AssessmentDefinition:
    definitions, issues = load_definitions(write_definitions())
    assert definitions is not None, [str(i) for i in issues.items]
    return definitions.default
