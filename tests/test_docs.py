"""The format guides work when copied: every YAML example in docs/ is read by the same
strict reader as a definition file and validated against what it shows.

Each example block says what it is after ``yaml`` on its opening fence:

- a file name (``questionnaire.yaml``): one file of the guide's worked example; the files
  of one guide are loaded together and must pass every check, translation coverage
  included, and ``answers.yaml`` must score and give a plan;
- ``file``: a whole definition file on its own (its ``kind`` says which);
- a fragment word from :data:`FRAGMENTS`: a list or mapping of that part of a file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from readiness.core.errors import IssueList
from readiness.core.loader import validate_document
from readiness.core.model import Condition, Dimension, LocalizedText, Question, Rule
from readiness.core.plan.model import Resource, Step
from readiness.core.preview import preview_definitions
from readiness.core.yamlsource import read_yaml_text
from tests.fixtures import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
BLOCK = re.compile(r"^```yaml(?:[ \t]+(?P<what>\S+))?[ \t]*\n(?P<body>.*?)^```", re.M | re.S)
#: The day the worked examples are checked on (their dates are written for it).
EXAMPLE_DAY = dt.date(2026, 12, 1)
FRAGMENTS: dict[str, TypeAdapter[Any]] = {
    "text": TypeAdapter(dict[str, LocalizedText]),
    "questions": TypeAdapter(list[Question]),
    "conditions": TypeAdapter(list[Condition]),
    "dimensions": TypeAdapter(list[Dimension]),
    "rules": TypeAdapter(list[Rule]),
    "resources": TypeAdapter(list[Resource]),
    "steps": TypeAdapter(list[Step]),
}


@dataclass(frozen=True)
class Example:
    doc: Path
    line: int
    what: str
    body: str

    def __str__(self) -> str:
        return f"{self.doc.name}:{self.line}"


def examples() -> list[Example]:
    found = []
    for doc in [*sorted(DOCS.glob("*.md")), PROJECT_ROOT / "README.md"]:
        text = doc.read_text(encoding="utf-8")
        for block in BLOCK.finditer(text):
            line = text.count("\n", 0, block.start()) + 1
            found.append(Example(doc, line, block["what"] or "", block["body"]))
    return found


EXAMPLES = examples()


def problems(example: Example, issues: IssueList) -> list[str]:
    """The issues found in an example, at their lines in the guide."""
    return [
        f"{example.doc.name}:{example.line + i.location.line}: {i.code.name}: {i.message}"
        for i in issues.items
    ]


def read(example: Example) -> Any:
    issues = IssueList()
    document = read_yaml_text(example.body, example.doc.name, issues)
    assert document is not None, problems(example, issues)
    assert not issues.items, problems(example, issues)
    return document


def test_the_guides_have_examples_and_each_says_what_it_is() -> None:
    assert len(EXAMPLES) >= 15
    known = set(FRAGMENTS) | {"file"}
    unnamed = [str(e) for e in EXAMPLES if e.what not in known and not e.what.endswith(".yaml")]
    assert not unnamed, f"say what these examples are (a fragment word or a file name): {unnamed}"


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_each_example_reads_and_has_the_shape_it_claims(example: Example) -> None:
    document = read(example)
    if example.what in FRAGMENTS:
        FRAGMENTS[example.what].validate_python(document.data)
    elif example.what == "file":
        issues = IssueList()
        assert validate_document(document, issues) is not None, problems(example, issues)


def worked_examples() -> dict[Path, dict[str, bytes]]:
    sets: dict[Path, dict[str, bytes]] = {}
    for example in EXAMPLES:
        if example.what.endswith(".yaml"):
            files = sets.setdefault(example.doc, {})
            assert example.what not in files, f"{example}: a second {example.what}"
            files[example.what] = example.body.encode("utf-8")
    return sets


@pytest.mark.parametrize(
    ("doc", "files"), list(worked_examples().items()), ids=lambda v: getattr(v, "name", "")
)
def test_a_worked_example_passes_every_check_and_gives_a_result(
    doc: Path, files: dict[str, bytes]
) -> None:
    answers = files.pop("answers.yaml", None)
    preview = preview_definitions(
        files, EXAMPLE_DAY, ("answers.yaml", answers) if answers else None
    )
    assert not preview.issues.items, [str(i) for i in preview.issues.sorted()]
    if answers:
        assert preview.card is not None
        assert preview.plan is not None


def test_the_first_programme_guide_holds_a_whole_set_and_quotes_its_true_result() -> None:
    guide = DOCS / "first-programme.md"
    files = worked_examples()[guide]
    answers = files.pop("answers.yaml")
    assert set(files) == {"questionnaire.yaml", "rules.yaml", "plan.yaml", "catalogue.yaml"}
    card = preview_definitions(files, EXAMPLE_DAY, ("answers.yaml", answers)).card
    assert card is not None
    money, japanese = (int(d.score) for d in card.dimensions)
    quoted = f"overall score ({int(card.overall)}: money {money}, Japanese {japanese})"
    assert quoted in " ".join(guide.read_text(encoding="utf-8").split())
