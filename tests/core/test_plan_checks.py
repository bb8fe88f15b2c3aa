"""Validation of the resource catalogue and the plan rules, located by file and line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from readiness.cli.definitions import check_command
from readiness.core.definitions import load_definitions
from readiness.core.errors import IssueList
from tests.fixtures import QUESTIONNAIRES

PLAN = "entrepreneurship-readiness.plan.yaml"
CATALOGUE = "resources.yaml"


@pytest.fixture
def copy(tmp_path: Path):
    """Copy the shipped definitions, apply one text replacement to a file, return the folder."""

    def edit(name: str, old: str, new: str) -> Path:
        folder = tmp_path / "defs"
        if not folder.exists():
            shutil.copytree(QUESTIONNAIRES, folder)
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return folder

    return edit


def errors(folder: Path) -> IssueList:
    _, issues = load_definitions(folder, dt.date(2026, 11, 24))
    return issues


def line_of(folder: Path, name: str, fragment: str) -> int:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if fragment in line)


def test_shipped_plan_and_catalogue_are_valid() -> None:
    issues = errors(QUESTIONNAIRES)
    assert [str(i) for i in issues.items] == []


def test_catalogue_covers_the_agreed_countries() -> None:
    definitions, _ = load_definitions(QUESTIONNAIRES)
    catalogue = definitions.default.plan.catalogue
    assert len(catalogue.resources) >= 25
    countries = {c for r in catalogue.resources for c in r.countries}
    assert {"any", "vn", "id", "ph", "mm", "np"} <= countries
    assert all(r.source for r in catalogue.resources)


def test_step_naming_an_unknown_resource(copy) -> None:
    folder = copy(PLAN, "resources: [jitco_returnee_support]", "resources: [jitco_seminar]")
    issues = errors(folder)
    assert [i.code.name for i in issues.errors] == ["REF_009"]
    assert issues.errors[0].location.line == line_of(folder, PLAN, "resources: [jitco_seminar]")


def test_resource_for_an_unknown_country(copy) -> None:
    folder = copy(CATALOGUE, "countries: [np]", "countries: [nepal]")
    issues = errors(folder)
    assert [i.code.name for i in issues.errors] == ["REF_003"]
    assert "'nepal' is not one of the countries" in issues.errors[0].message
    assert issues.errors[0].location.path.endswith(CATALOGUE)


def test_links_must_be_web_pages(copy) -> None:
    folder = copy(
        CATALOGUE,
        'contact: {url: "https://kur.jogjaprov.go.id/faq"}',
        'contact: {url: "javascript:alert(1)"}',
    )
    issues = errors(folder)
    assert [i.code.name for i in issues.errors] == ["SCHEMA_001"]
    assert issues.errors[0].location.line == line_of(folder, CATALOGUE, "javascript:alert(1)")


def test_step_condition_on_an_unknown_question(copy) -> None:
    folder = copy(
        PLAN, "when: {question: mentor, equals: false}", "when: {question: mentors, equals: false}"
    )
    assert [i.code.name for i in errors(folder).errors] == ["REF_002"]


def test_step_with_an_unknown_band(copy) -> None:
    folder = copy(PLAN, "bands: [not_yet, developing]", "bands: [not_yet, almost]")
    assert [i.code.name for i in errors(folder).errors] == ["REF_010"]


def test_profile_question_of_the_wrong_type(copy) -> None:
    folder = copy(PLAN, "return_date: planned_return", "return_date: months_in_japan")
    issues = errors(folder)
    assert [i.code.name for i in issues.errors] == ["REF_008"]
    assert "needs a date question" in issues.errors[0].message


def test_stale_entries_are_flagged_by_check(copy) -> None:
    """An entry last checked over a year ago is a warning in `check`, not an error."""
    folder = copy(CATALOGUE, "last_checked: 2026-11-24", "last_checked: 2024-01-10")
    _, issues = load_definitions(folder, dt.date(2026, 11, 24))
    assert not issues.errors
    assert [i.code.name for i in issues.warnings] == ["PLAN_001"]
    assert "jitco_returnee_support" in issues.warnings[0].message
    result = CliRunner().invoke(check_command, [str(folder)])
    assert result.exit_code == 0
    assert "PLAN_001: warning: resource 'jitco_returnee_support' was last checked" in result.output
    assert "1 warning(s)" in result.output


def test_the_roles_a_plan_names_are_checked_with_the_nearest_id(copy) -> None:
    """REF_006 for a savings or language dimension that the rules do not have; REF_002 for a
    role question that the questionnaire does not have; each suggests the nearest id."""
    folder = copy(PLAN, "  dimension: financing\n", "  dimension: finance\n")
    (issue,) = errors(folder).errors
    assert issue.code.name == "REF_006"
    assert "unknown dimension 'finance' (did you mean 'financing'?)" in issue.message
    assert issue.location.line == line_of(folder, PLAN, "dimension: finance")
    folder = copy(PLAN, "  question: jlpt\n", "  question: jlpt_lvl\n")
    messages = [str(i) for i in errors(folder).errors]
    assert any("REF_002" in m and "did you mean 'jlpt'?" in m for m in messages)


def test_a_plan_without_a_savings_plan_or_language_goal_is_valid(copy) -> None:
    """Both sections are optional: a programme without them leaves them out."""
    folder = copy(PLAN, "savings:\n", "unused_savings:\n")
    text = (folder / PLAN).read_text(encoding="utf-8")
    start, end = text.index("unused_savings:\n"), text.index("steps:\n")
    (folder / PLAN).write_text(text[:start] + text[end:], encoding="utf-8")
    definitions, issues = load_definitions(folder, dt.date(2026, 11, 24))
    assert issues.errors == []
    assert definitions is not None
    assert definitions.default.plan.plan.savings is None


def test_a_misspelt_catalogue_name_suggests_the_right_one(copy) -> None:
    folder = copy(PLAN, "catalogue: resources\n", "catalogue: resource\n")
    (issue,) = errors(folder).errors
    assert issue.code.name == "REF_007"
    assert "no catalogue 'resource' for this plan (did you mean 'resources'?)" in issue.message
