"""The loader reads each file's content once per process and answers later loads from that."""

from __future__ import annotations

from readiness.core.errors import IssueList
from readiness.core.loader import LoadedFile, load_definition_text
from readiness.core.model import Strict
from tests.fixtures.definitions import MINI_QUESTIONNAIRE, MINI_RULES


def load(raw: bytes, name: str) -> tuple[LoadedFile[Strict] | None, list[str]]:
    issues = IssueList()
    loaded = load_definition_text(raw, name, issues)
    return loaded, [str(issue) for issue in issues.items]


def test_a_file_read_again_gives_the_same_result_and_problems() -> None:
    broken = MINI_RULES.replace("weight: 50", "weight: fifty").encode()
    first_model, first_problems = load(broken, "rules.yaml")
    again_model, again_problems = load(broken, "rules.yaml")
    assert first_model is None
    assert again_model is None
    assert first_problems
    assert again_problems == first_problems  # reported every time, not only the first


def test_changed_content_is_read_anew() -> None:
    before, _ = load(MINI_QUESTIONNAIRE.encode(), "mini.yaml")
    after, _ = load(
        MINI_QUESTIONNAIRE.replace('version: "1"', 'version: "2"').encode(), "mini.yaml"
    )
    assert before.model.version == "1"  # type: ignore[attr-defined]
    assert after.model.version == "2"  # type: ignore[attr-defined]
    assert before.content_hash != after.content_hash  # type: ignore[attr-defined]


def test_the_same_content_under_another_name_is_located_in_that_file() -> None:
    broken = MINI_RULES.replace("weight: 50", "weight: fifty").encode()
    _, here = load(broken, "here.yaml")
    _, there = load(broken, "there.yaml")
    assert all(problem.startswith("here.yaml:") for problem in here)
    assert all(problem.startswith("there.yaml:") for problem in there)
