"""Reading definition YAML safely (docs/security.md, Y1)."""

from __future__ import annotations

from pathlib import Path

import pytest

import readiness.core.yamlsource as source
from readiness.core.errors import IssueList
from readiness.core.yamlsource import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    decode_definition_bytes,
    read_yaml_text,
)
from tests.fixtures import QUESTIONNAIRES


def read(text: str) -> tuple[object, IssueList]:
    issues = IssueList()
    document = read_yaml_text(text, "x.yaml", issues)
    return document, issues


def codes(issues: IssueList) -> list[str]:
    return [i.code.name for i in issues.items]


def test_values_keep_their_line_and_column() -> None:
    """Every value and key is located, 1-based."""
    document, issues = read("a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert not issues.items
    assert document.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert str(document.locate(("b", 1, "c"))) == "x.yaml:4:9"
    assert str(document.locate(("b", 1, "c"), key=True)) == "x.yaml:4:6"


def test_locate_skips_steps_not_in_the_data() -> None:
    """Validation paths with union member names still find the nearest real node."""
    document, _ = read("q:\n  - id: a\n    min: x\n")
    assert document.locate(("q", 0, "NumberQuestion", "min")).line == 3


def test_aliases_are_refused() -> None:
    """An alias bomb is refused at the first alias, before any expansion (YAML_002)."""
    bomb = "a: &a ['x','x']\nb: &b [*a,*a]\nc: &c [*b,*b]\n"
    document, issues = read(bomb)
    assert document is None
    assert codes(issues) == ["YAML_002"]
    assert issues.items[0].location.line == 1


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    """!!python/object/apply is refused as a tag; nothing is executed (YAML_009)."""
    canary = tmp_path / "canary"
    document, issues = read(f'x: !!python/object/apply:os.system ["touch {canary}"]\n')
    assert document is None
    assert codes(issues) == ["YAML_009"]
    assert not canary.exists()


def test_deep_nesting_is_refused_cleanly() -> None:
    """10,000 nested brackets give a located error, not a RecursionError (YAML_004)."""
    document, issues = read("x: " + "[" * 10_000 + "]" * 10_000)
    assert document is None
    assert codes(issues) == ["YAML_004"]
    _, ok_issues = read("x: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2))
    assert not ok_issues.items


def test_duplicate_keys_report_both_lines() -> None:
    """A repeated key is an error naming the first and second line (YAML_005)."""
    _, issues = read("id: a\nweight: 1\nlabel: x\nweight: 2\n")
    assert codes(issues) == ["YAML_005"]
    issue = issues.items[0]
    assert issue.location.line == 4
    assert "line 2" in issue.message
    assert "line 4" in issue.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("answer: no", "'no' is read as a yes/no value"),
        ("answer: Yes", "'Yes' is read as a yes/no value"),
        ("code: 010", "'010' is read as the number 8"),
        ("time: 1:30", "'1:30' is read as the number 90"),
        ("n: 0x1F", "'0x1F' is read as the number 31"),
        ("on: 1", "'on' is read as a yes/no value"),
        ("points: {yes: 0, no: 100}", 'as a key, write it in quotes: "yes"'),
    ],
)
def test_yaml_11_surprises_are_reported(text: str, fragment: str) -> None:
    """YAML 1.1 turns these into booleans or odd numbers; we say so with the location."""
    _, issues = read(text + "\n")
    assert issues.errors, text
    assert fragment in issues.errors[0].message
    assert issues.errors[0].location.line == 1


def test_plain_values_are_typed() -> None:
    """Quoted text stays text; plain numbers and true/false are typed."""
    document, issues = read('a: "no"\nb: 10\nc: 2.5\nd: true\ne: 2026-01-01\nf: ~\n')
    assert not issues.items
    assert document.data == {"a": "no", "b": 10, "c": 2.5, "d": True, "e": "2026-01-01", "f": None}


def test_several_documents_and_empty_files_are_refused() -> None:
    _, issues = read("a: 1\n---\nb: 2\n")
    assert codes(issues) == ["YAML_008"]
    _, issues = read("# only a comment\n")
    assert codes(issues) == ["YAML_008"]


def test_syntax_errors_are_located_with_a_hint() -> None:
    _, issues = read("a: 1\nb: text: with colon\n")
    assert codes(issues) == ["YAML_001"]
    assert issues.items[0].location.line == 2
    assert "quotes" in issues.items[0].message


def test_tab_indentation_is_located() -> None:
    _, issues = read("a:\n\t- x\n")
    assert codes(issues) == ["YAML_001"]
    assert issues.items[0].location.line == 2


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("a: 1\n".encode("utf-16"), "UTF-16"),
        ("label: 貯金\n".encode("cp932"), "Shift_JIS"),
        (b"a: \xff\xfe\xfd\n", "not UTF-8"),
    ],
)
def test_non_utf8_files_are_named(raw: bytes, fragment: str) -> None:
    issues = IssueList()
    assert decode_definition_bytes(raw, "x.yaml", issues) is None
    assert codes(issues) == ["YAML_007"]
    assert fragment in issues.items[0].message


def test_utf8_bom_is_a_warning() -> None:
    issues = IssueList()
    assert decode_definition_bytes(b"\xef\xbb\xbfa: 1\n", "x.yaml", issues) == "a: 1\n"
    assert not issues.errors
    assert codes(issues) == ["YAML_007"]


def test_oversized_files_are_refused_before_parsing() -> None:
    issues = IssueList()
    assert decode_definition_bytes(b"a" * (MAX_FILE_BYTES + 1), "x.yaml", issues) is None
    assert codes(issues) == ["YAML_003"]


def test_control_characters_are_located_not_raised() -> None:
    """Found by the fuzz test: PyYAML's reader raised before parsing even started."""
    issues = IssueList()
    assert read_yaml_text("title: fine\nlabel: bad\x01 here\n", "q.yaml", issues) is None
    (issue,) = issues.errors
    assert str(issue).startswith("q.yaml:2:11: YAML_001: character U+0001")


def test_the_fast_and_the_strict_composer_read_the_same_documents() -> None:
    """libyaml's parser reads the big definition files; the pure-Python one diagnoses every
    file that fails. Where both read a file they give the same values at the same places."""
    files = [*QUESTIONNAIRES.glob("*.yaml"), *QUESTIONNAIRES.parent.glob("tests/data/**/*.yaml")]
    assert len(files) >= 4
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = source._FastComposer(text).get_single_node()
        strict = source._StrictComposer(text).get_single_node()
        assert fast is not None
        assert strict is not None
        fast_doc = source.YamlDocument(str(path), None)
        strict_doc = source.YamlDocument(str(path), None)
        fast_doc.data = source._NodeConverter(fast_doc, IssueList()).convert(fast, ())
        strict_doc.data = source._NodeConverter(strict_doc, IssueList()).convert(strict, ())
        assert fast_doc.data == strict_doc.data, path
        assert fast_doc.positions == strict_doc.positions, path
        assert fast_doc.key_positions == strict_doc.key_positions, path


def test_a_refused_construct_is_refused_whichever_composer_reads_first() -> None:
    for text, code in (
        ("a: &x 1\nb: *x\n", "YAML_002"),
        ("a: !!python/object:os.system x\n", "YAML_009"),
        ("a: [" * 60 + "]" * 60 + "\n", "YAML_004"),
        ("a: 1\x07\n", "YAML_001"),
    ):
        issues = IssueList()
        assert read_yaml_text(text, "x.yaml", issues) is None
        assert codes(issues) == [code], text
