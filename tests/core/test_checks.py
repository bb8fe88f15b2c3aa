"""Validation of questionnaire and rules files: schema and cross-file checks, all located."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from readiness import create_app
from readiness.core.definitions import load_definitions
from readiness.core.errors import DefinitionError, IssueList
from tests.fixtures.definitions import MINI_QUESTIONNAIRE, MINI_RULES

Load = Callable[..., IssueList]


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing ``fragment``."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    return hits[occurrence - 1]


def only(issues: IssueList) -> tuple[str, str, int, str]:
    assert len(issues.errors) == 1, [str(i) for i in issues.items]
    issue = issues.errors[0]
    return issue.code.name, Path(issue.location.path).name, issue.location.line, issue.message


def test_mini_definitions_are_valid(load_issues: Load) -> None:
    assert load_issues().items == []


def test_typo_in_a_field_name_suggests_the_right_one(load_issues: Load) -> None:
    """SCHEMA_002: unknown field, with a 'did you mean'."""
    issues = load_issues(rules={"    weight: 30\n": "    wieght: 30\n"})
    messages = [str(i) for i in issues.errors]
    assert any(
        "SCHEMA_002" in m and "'wieght'" in m and "did you mean 'weight'" in m for m in messages
    )
    typo = next(i for i in issues.errors if i.code.name == "SCHEMA_002")
    assert typo.location.line == line_of(MINI_RULES, "    weight: 30")


def test_missing_field_is_named(load_issues: Load) -> None:
    """SCHEMA_003: a question without its label."""
    code, name, line, message = only(
        load_issues(questionnaire={"        label: {en: Savings}\n": ""})
    )
    assert (code, name) == ("SCHEMA_003", "mini.yaml")
    assert message == "missing field 'label'"
    assert line == line_of(MINI_QUESTIONNAIRE, "- id: savings")


def test_unknown_question_type(load_issues: Load) -> None:
    code, _, line, message = only(load_issues(questionnaire={"type: long_text": "type: essay"}))
    assert code == "SCHEMA_001"
    assert "unknown type 'essay'" in message
    assert line == line_of(MINI_QUESTIONNAIRE, "- id: note")


def test_version_as_a_number_is_refused(load_issues: Load) -> None:
    """`version: 1.0` would become the float 1.0: the schema wants text."""
    code, _, line, message = only(load_issues(questionnaire={'version: "1"': "version: 1.0"}))
    expected = 'Input should be text (found 1.0); write it in quotes: "1.0"'
    assert (code, message, line) == ("SCHEMA_001", expected, 3)


def test_text_needs_the_fallback_locale(load_issues: Load) -> None:
    code, _, line, message = only(
        load_issues(questionnaire={"label: {en: Programme, ja: 在留資格}": "label: {ja: 在留資格}"})
    )
    assert code == "SCHEMA_001"
    assert "'en'" in message
    assert line == line_of(MINI_QUESTIONNAIRE, "label: {en: Programme")


def test_duplicate_question_id(load_issues: Load) -> None:
    code, _, line, message = only(load_issues(questionnaire={"- id: note": "- id: jlpt"}))
    assert code == "REF_001"
    assert "'jlpt'" in message
    assert line == line_of(MINI_QUESTIONNAIRE, "- id: note")


def test_condition_on_a_later_question(load_issues: Load) -> None:
    """REF_004: a condition may only read answers given before it."""
    code, _, line, message = only(
        load_issues(
            questionnaire={"{question: programme, equals: ssw}": "{question: jlpt, equals: n4}"}
        )
    )
    assert code == "REF_004"
    assert "'jlpt' is asked later" in message
    assert line == line_of(MINI_QUESTIONNAIRE, "show_if:")


def test_condition_with_an_unknown_option(load_issues: Load) -> None:
    code, _, _, message = only(load_issues(questionnaire={"equals: ssw}": "equals: ssw2}"}))
    assert code == "REF_003"
    assert "'ssw2' is not an answer of 'programme'" in message


def test_operator_that_does_not_fit_the_question(load_issues: Load) -> None:
    code, _, _, message = only(load_issues(questionnaire={"equals: ssw}": "gte: 3}"}))
    assert code == "REF_005"
    assert "number, likert or date" in message


def test_condition_needs_exactly_one_operator(load_issues: Load) -> None:
    code, _, _, message = only(
        load_issues(questionnaire={"equals: ssw}": "equals: ssw, in: [titp]}"})
    )
    assert code == "SCHEMA_001"
    assert "exactly one operator" in message


def test_rule_on_an_unknown_question(load_issues: Load) -> None:
    code, name, line, message = only(load_issues(rules={"question: jlpt": "question: jlptt"}))
    assert (code, name) == ("REF_002", "mini.rules.yaml")
    assert "unknown question 'jlptt'" in message
    assert line == line_of(MINI_RULES, "question: jlpt")


def test_rule_with_an_unknown_option(load_issues: Load) -> None:
    code, _, line, message = only(
        load_issues(
            rules={
                "points: {none: 0, n4: 50, n3: 100}": "points: {none: 0, n4: 50, n3: 100, n9: 1}"
            }
        )
    )
    assert code == "REF_003"
    assert "'n9' is not an answer of 'jlpt'" in message
    assert line == line_of(MINI_RULES, "n4: 50")


def test_rule_forgetting_an_option(load_issues: Load) -> None:
    code, _, _, message = only(
        load_issues(rules={"points: {none: 0, n4: 50, n3: 100}": "points: {none: 0, n4: 50}"})
    )
    assert code == "RULE_006"
    assert "n3" in message


def test_a_rule_whose_answers_give_no_points_is_refused(load_issues: Load) -> None:
    """RULE_008: a rule that can only score 0 would hold its dimension below 100 forever."""
    code, _, line, message = only(
        load_issues(rules={"points: {none: 0, n4: 50, n3: 100}": "points: {none: 0, n4: 0, n3: 0}"})
    )
    assert code == "RULE_008"
    assert "no answer gives any points" in message
    assert line == line_of(MINI_RULES, "points: {none: 0, n4: 50, n3: 100}")
    code, _, _, message = only(
        load_issues(
            rules={
                "      - {min: 1, points: 100}": "      - {min: 1, points: 0}",
                "{min: 0.5, max: 1, points: 50}": "{min: 0.5, max: 1, points: 0}",
            }
        )
    )
    assert (code, "no range gives any points" in message) == ("RULE_008", True)


def test_a_cap_above_what_the_answers_add_up_to_is_a_warning(load_issues: Load) -> None:
    """RULE_009: forklift and welding add up to 150; a cap of 200 is lowered to 150."""
    issues = load_issues(rules={"    cap: 100\n": "    cap: 200\n"})
    assert issues.errors == []
    (warning,) = issues.warnings
    assert warning.code.name == "RULE_009"
    assert "above what the answers can add up to (150)" in warning.message
    assert warning.location.line == line_of(MINI_RULES, "    cap: 100")


def test_rule_weights_that_do_not_add_up(load_issues: Load) -> None:
    """RULE_001: rule weights per dimension, and dimension weights, add up to 100."""
    code, _, line, message = only(load_issues(rules={"    weight: 30\n": "    weight: 25\n"}))
    assert code == "RULE_001"
    assert "'skills' add up to 95, not 100" in message
    assert line == line_of(MINI_RULES, "{id: skills")
    code, _, _, message = only(
        load_issues(rules={"{id: language, weight: 20": "{id: language, weight: 10"})
    )
    assert code == "RULE_001"
    assert "dimension weights add up to 90" in message


@pytest.mark.parametrize(
    ("old", "new", "code", "fragment"),
    [
        ("{id: mid, min: 40, max: 70", "{id: mid, min: 35, max: 70", "RULE_002", "overlap"),
        ("{id: mid, min: 40, max: 70", "{id: mid, min: 45, max: 70", "RULE_003", "fall in no band"),
        (
            "{id: high, min: 70, max: 100",
            "{id: high, min: 70, max: 90",
            "RULE_005",
            "from 0 to 100",
        ),
    ],
)
def test_bands_must_tile_0_to_100(
    load_issues: Load, old: str, new: str, code: str, fragment: str
) -> None:
    found, _, _, message = only(load_issues(rules={old: new}))
    assert found == code
    assert fragment in message


def test_ranges_must_not_overlap(load_issues: Load) -> None:
    code, _, line, message = only(
        load_issues(rules={"{min: 0.5, max: 1, points: 50}": "{min: 0.4, max: 1, points: 50}"})
    )
    assert code == "RULE_004"
    assert "overlap" in message
    assert line == line_of(MINI_RULES, "points: 50}")


def test_rule_on_an_unknown_dimension(load_issues: Load) -> None:
    issues = load_issues(rules={"dimension: language": "dimension: langauge"})
    assert {i.code.name for i in issues.errors} == {"REF_006", "RULE_007"}


def test_scoring_a_text_question_is_refused(load_issues: Load) -> None:
    code, _, _, message = only(load_issues(rules={"question: confidence": "question: note"}))
    assert code == "REF_008"
    assert "long_text" in message


def test_rules_for_an_unknown_questionnaire(load_issues: Load) -> None:
    issues = load_issues(rules={"questionnaire: mini": "questionnaire: maxi"})
    assert {i.code.name for i in issues.errors} == {"REF_007", "SET_002"}
    assert "known: mini" in str(issues.errors)


def test_all_errors_are_reported_at_once(load_issues: Load) -> None:
    """Unrelated mistakes in both files are all reported, located, in one run."""
    issues = load_issues(
        questionnaire={"- id: note": "- id: jlpt", "max: 10000000": "max: ten"},
        rules={
            "question: jlpt": "question: jlptt",
            "    weight: 30\n": "    wieght: 30\n",
            "cap: 100": "cap: -1",
        },
    )
    found = sorted((i.code.name, Path(i.location.path).name) for i in issues.errors)
    assert found == [
        ("SCHEMA_001", "mini.rules.yaml"),
        ("SCHEMA_001", "mini.yaml"),
        ("SCHEMA_002", "mini.rules.yaml"),
        ("SCHEMA_003", "mini.rules.yaml"),
    ]
    number = next(i for i in issues.errors if i.location.path.endswith("mini.yaml"))
    assert number.message == "Input should be a number (found 'ten')"
    assert all(i.location.line > 0 for i in issues.errors)
    issues = load_issues(
        questionnaire={"- id: note": "- id: jlpt"},
        rules={"question: jlpt": "question: jlptt", "dimension: language": "dimension: langauge"},
    )
    assert {i.code.name for i in issues.errors} == {"REF_001", "REF_002", "REF_006", "RULE_007"}


def test_issue_text_reads_file_line_column_code(load_issues: Load) -> None:
    issues = load_issues(rules={"question: jlpt": "question: jlptt"})
    text = str(issues.errors[0])
    line = line_of(MINI_RULES, "question: jlpt")
    assert text.startswith(f"{issues.errors[0].location.path}:{line}:")
    assert ": REF_002: unknown question 'jlptt'" in text


def test_the_app_refuses_to_start_on_an_invalid_file(
    write_definitions: Callable[..., Path], tmp_path: Path
) -> None:
    folder = write_definitions(rules={"question: jlpt": "question: jlptt"})
    with pytest.raises(DefinitionError) as raised:
        create_app(
            {
                "QUESTIONNAIRE_DIR": str(folder),
                "SECRET_KEY": "k" * 32,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            }
        )
    assert "REF_002" in str(raised.value)
    assert "mini.rules.yaml" in str(raised.value)


def test_a_folder_without_questionnaires(tmp_path: Path) -> None:
    definitions, issues = load_definitions(tmp_path)
    assert definitions is None
    assert [i.code.name for i in issues.errors] == ["SET_001"]


def test_two_questionnaires_with_one_id(write_definitions: Callable[..., Path]) -> None:
    folder = write_definitions()
    (folder / "copy.yaml").write_text(MINI_QUESTIONNAIRE, encoding="utf-8")
    _, issues = load_definitions(folder)
    assert [i.code.name for i in issues.errors] == ["REF_001"]
    assert "also used in" in issues.errors[0].message


def test_an_unknown_question_in_a_condition_suggests_the_nearest(load_issues: Load) -> None:
    code, _, _, message = only(
        load_issues(questionnaire={"show_if: {question: programme": "show_if: {question: programe"})
    )
    assert code == "REF_002"
    assert message == "unknown question 'programe' (did you mean 'programme'?)"


def test_declared_languages_are_required_and_known(load_issues: Load) -> None:
    """I18N_003: a language readiness does not speak, or a list without English."""
    issues = load_issues(questionnaire={'version: "1"\n': 'version: "1"\nlanguages: [en, vn]\n'})
    (issue,) = issues.errors
    assert issue.code.name == "I18N_003"
    assert "unknown language 'vn' (did you mean 'vi'?)" in issue.message
    issues = load_issues(questionnaire={'version: "1"\n': 'version: "1"\nlanguages: [ja]\n'})
    assert [i.code.name for i in issues.errors] == ["I18N_003"]
    assert "'en' must be one of the languages" in issues.errors[0].message
