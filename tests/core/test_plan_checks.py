"""Validation of the resource catalogue and the plan rules, located by file and line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from readiness.cli.definitions import check_command
from readiness.core.definitions import AssessmentDefinition, load_definitions
from readiness.core.errors import IssueList
from readiness.core.plan.builder import build_action_plan
from readiness.core.scoring import Scorer
from tests.fixtures import QUESTIONNAIRES
from tests.fixtures.home_care import HOME_CARE

PLAN = "entrepreneurship-readiness.plan.yaml"
CATALOGUE = "resources.yaml"
TODAY = dt.date(2026, 11, 26)


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
    _, issues = load_definitions(folder, dt.date(2026, 11, 26))
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
    assert all(r.source_urls for r in catalogue.resources)


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
    folder = copy(CATALOGUE, "last_checked: 2026-11-26", "last_checked: 2024-01-10")
    _, issues = load_definitions(folder, dt.date(2026, 11, 26))
    assert not issues.errors
    assert [i.code.name for i in issues.warnings] == ["PLAN_001"]
    assert "jitco_returnee_support" in issues.warnings[0].message
    result = CliRunner().invoke(check_command, [str(folder)])
    assert result.exit_code == 0
    assert "PLAN_001: warning: resource 'jitco_returnee_support': it was last checked" in (
        result.output
    )
    assert "1 warning(s)" in result.output


def test_an_entry_past_its_review_date_is_flagged(copy) -> None:
    folder = copy(
        CATALOGUE,
        "    last_checked: 2026-11-26\n",
        "    last_checked: 2026-11-26\n    review_by: 2026-11-25\n",
    )
    _, issues = load_definitions(folder, dt.date(2026, 11, 26))
    (warning,) = issues.warnings
    assert warning.code.name == "PLAN_001"
    assert "its review date 2026-11-25 has passed" in warning.message
    assert warning.location.line == line_of(folder, CATALOGUE, "review_by: 2026-11-25")


def without_first(folder: Path, key: str, next_key: str) -> Path:
    """The catalogue with the first entry's ``key`` section (up to ``next_key``) cut out."""
    path = folder / CATALOGUE
    text = path.read_text(encoding="utf-8")
    start = text.index(f"    {key}:\n")
    end = text.index(f"    {next_key}:", start)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    return folder


def test_an_entry_without_sources_or_a_date_is_refused_at_its_line(copy) -> None:
    """Both are errors: a programme nobody can trace, or nobody knows when it was checked."""
    folder = without_first(copy(CATALOGUE, "", ""), "sources", "last_checked")
    (error,) = errors(folder).errors
    assert "an entry needs its sources" in error.message
    assert error.location.path.endswith(CATALOGUE)
    assert error.location.line == line_of(folder, CATALOGUE, "- id: jitco_returnee_support")
    folder = copy(CATALOGUE, "    last_checked: 2026-11-26\n", "")
    messages = [str(i) for i in errors(folder).errors]
    assert len(messages) == 1
    assert "SCHEMA_003: missing field 'last_checked'" in messages[0]


def test_thin_entries_are_warned_about(copy) -> None:
    """No steps to apply (PLAN_004); a report listed before the official page (PLAN_005)."""
    folder = without_first(copy(CATALOGUE, "", ""), "how_to_apply", "cost")
    _, issues = load_definitions(folder, dt.date(2026, 11, 26))
    assert [i.code.name for i in issues.warnings] == ["PLAN_004"]
    assert "no how_to_apply steps" in issues.warnings[0].message
    folder = copy(CATALOGUE, "kind: official", "kind: secondary")
    folder_text = (folder / CATALOGUE).read_text(encoding="utf-8")
    assert "kind: official" in folder_text  # the entry still has an official page, second
    _, issues = load_definitions(folder, dt.date(2026, 11, 26))
    assert "PLAN_005" in [i.code.name for i in issues.warnings]


def test_the_catalogue_report_lists_countries_kinds_sites_and_gaps(copy) -> None:
    from readiness.cli.definitions import catalogue_command

    result = CliRunner().invoke(catalogue_command, [str(QUESTIONNAIRES), "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split()[:7] == [
        "country",
        "entries",
        "money",
        "training",
        "network",
        "information",
        "official",
    ]
    myanmar = next(line for line in lines if line.startswith("Myanmar (mm)"))
    assert "myanmardigitalnewspaper.com" in myanmar
    assert "no money" not in myanmar
    cambodia = next(line for line in lines if line.startswith("Cambodia (kh)"))
    assert "money closed to returnees" in cambodia  # its one loan is for growing firms only
    other = next(line for line in lines if line.startswith("Another country (other)"))
    assert "no money, no training, no network" in other
    # Remove Myanmar's only loan: the report shows the gap.
    folder = copy(
        CATALOGUE,
        "    countries: [mm]\n    fields: [any]\n    dimensions: [financing]",
        "    countries: [kh]\n    fields: [any]\n    dimensions: [financing]",
    )
    result = CliRunner().invoke(catalogue_command, [str(folder), "--as-of", "2026-11-26"])
    myanmar = next(line for line in result.output.splitlines() if line.startswith("Myanmar"))
    assert "no money" in myanmar
    later = CliRunner().invoke(catalogue_command, [str(QUESTIONNAIRES), "--as-of", "2028-01-01"])
    assert "review was due" in later.output


def test_a_plan_without_role_dimensions_keeps_its_meaning(
    copy, definition: AssessmentDefinition, full_answers: dict[str, Any]
) -> None:
    """A plan written before ``dimension:`` existed: the savings plan serves the one
    dimension whose rules read its questions (financing), the language goal that of the
    level question (language), and its plan is the same as with the keys written out."""
    copy(
        PLAN,
        "  # The dimension the savings plan and its loans serve.\n  dimension: financing\n",
        "",
    )
    folder = copy(
        PLAN,
        "  # The dimension the language goal and its courses serve.\n  dimension: language\n",
        "",
    )
    older, issues = load_definitions(folder, TODAY)
    assert older is not None, [str(i) for i in issues.items]
    assert older.default.plan.plan.savings.dimension is None
    assert not issues.items
    answers = {**full_answers, "savings": 100_000, "monthly_saving": 10_000}
    card = Scorer(definition).score(answers, TODAY)
    assert build_action_plan(older.default, card, answers, TODAY) == build_action_plan(
        definition, card, answers, TODAY
    )
    loans = build_action_plan(older.default, card, answers, TODAY).savings.loans
    catalogue = older.default.plan.resources
    helping = [r for r in loans if "financing" in catalogue[r.id].dimensions]
    assert helping
    assert all("helps Financing" in r.reason["en"] for r in helping), helping[0].reason


def test_a_role_read_by_several_dimensions_asks_which_one(tmp_path: Path) -> None:
    """When rules of two dimensions read the savings questions and the plan does not say
    which one its savings part serves, nothing is guessed: check warns at the section and
    says what to add, and the plan's loans name no dimension."""
    folder = tmp_path / "care"
    shutil.copytree(HOME_CARE, folder)
    plan = folder / "home-care.plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("  dimension: money\n", "", 1))
    rules = folder / "home-care.rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("value: {answer: years_in_care}", "value: {answer: put_aside}"))
    definitions, issues = load_definitions(folder, TODAY)
    assert definitions is not None, [str(i) for i in issues.errors]
    (warning,) = issues.warnings
    assert warning.code.name == "PLAN_003"
    assert warning.location.line == line_of(folder, plan.name, "savings:")
    assert "rules of 'care_skills', 'money' read the savings questions" in warning.message
    assert "add 'dimension: care_skills' (or another of them) under 'savings:'" in warning.message
    assert definitions.default.plan.savings_dimension is None  # nothing guessed


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
    definitions, issues = load_definitions(folder, dt.date(2026, 11, 26))
    assert issues.errors == []
    assert definitions is not None
    assert definitions.default.plan.plan.savings is None


def test_a_misspelt_catalogue_name_suggests_the_right_one(copy) -> None:
    folder = copy(PLAN, "catalogue: resources\n", "catalogue: resource\n")
    (issue,) = errors(folder).errors
    assert issue.code.name == "REF_007"
    assert "no catalogue 'resource' for this plan (did you mean 'resources'?)" in issue.message


def test_problems_in_the_rules_and_the_plan_are_reported_together(copy) -> None:
    """An author fixing a set sees every problem in one run, not one file at a time."""
    copy(
        "entrepreneurship-readiness.rules.yaml", "    question: jlpt\n", "    question: jlpt_lvl\n"
    )
    folder = copy(PLAN, "  dimension: financing\n", "  dimension: finance\n")
    codes = {(i.location.path.rsplit("/", 1)[-1], i.code.name) for i in errors(folder).errors}
    assert ("entrepreneurship-readiness.rules.yaml", "REF_002") in codes
    assert (PLAN, "REF_006") in codes
