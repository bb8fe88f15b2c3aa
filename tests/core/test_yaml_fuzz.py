"""Random mutations of the real definition files: a clean, located error or a valid load.

Hypothesis edits the shipped questionnaire, rules, plan and catalogue the way a hurried
author or an attacker might (lines deleted, repeated, swapped or re-indented; values
replaced by hostile ones: tags, aliases, YAML 1.1 surprises, template syntax, deep
nesting, control characters) and loads the set. The loader may accept the result or
refuse it, but it must never raise, and every error must name its file (and a line
when it has one) with a stable code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.core.definitions import load_definition_texts
from tests.fixtures import QUESTIONNAIRES

FILES = {path.name: path.read_bytes() for path in sorted(QUESTIONNAIRES.glob("*.yaml"))}
HOSTILE_VALUES = [
    "!!python/object/apply:os.system ['true']",
    "!custom value",
    "&anchor [1, 2]",
    "*anchor",
    "yes",
    "no",
    "on",
    "010",
    "1:30",
    "2026-02-30",
    "1e309",
    "-.inf",
    ".nan",
    "~",
    "''",
    "{{ config }}<script>alert(1)</script>",
    "[" * 200,
    "{a: {b: {c: {d: {e: {f: {g: {h: {i: {j: 1}}}}}}}}}}",
    '"\\x00\\u202e"',
    "|\n  block",
    "- a list item",
    "{}",
    "[]",
    "99999999999999999999999",
]
ISSUE = re.compile(r"^[^:\s][^:]*(:\d+:\d+)?: [A-Z0-9]+_\d{3}: ")


@dataclass
class Mutated:
    """A changed file; shown by its edits (a failing example would print 50 KB otherwise)."""

    name: str
    text: bytes
    edits: list[str]

    def __repr__(self) -> str:
        return f"Mutated({self.name!r}, edits={self.edits!r})"


@st.composite
def mutated_file(draw: st.DrawFn) -> Mutated:
    name = draw(st.sampled_from(sorted(FILES)))
    lines = FILES[name].decode().splitlines(keepends=True)
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(
            st.sampled_from(["delete", "repeat", "swap", "indent", "dedent", "value", "text"])
        )
        if kind == "delete":
            del lines[at]
        elif kind == "repeat":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "indent":
            lines[at] = draw(st.sampled_from(["  ", "\t", " "])) + lines[at]
        elif kind == "dedent":
            lines[at] = lines[at].lstrip(" ")
        elif kind == "value" and ":" in lines[at]:
            key = lines[at].split(":", 1)[0]
            lines[at] = f"{key}: {draw(st.sampled_from(HOSTILE_VALUES))}\n"
        else:
            lines.insert(at, draw(st.text(max_size=30)) + "\n")
        edits.append(f"{kind} at line {at + 1}: {lines[min(at, len(lines) - 1)]!r}")
    return Mutated(name, "".join(lines).encode("utf-8", "surrogatepass"), edits)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_file())
def test_a_mutated_definition_loads_or_fails_with_located_errors(sample: Mutated) -> None:
    definitions, issues = load_definition_texts({**FILES, sample.name: sample.text})
    if definitions is None:
        assert issues.errors, "refused without saying why"
    for issue in issues.items:
        shown = str(issue)
        assert ISSUE.match(shown), shown
        assert issue.location.path in FILES, shown


def test_the_real_files_load_unchanged() -> None:
    """The fuzz starts from a valid set: otherwise every mutation would 'fail cleanly'."""
    definitions, issues = load_definition_texts(FILES)
    assert definitions is not None, [str(i) for i in issues.errors]
