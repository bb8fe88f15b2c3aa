"""The shipped questionnaire and rules: valid, within the agreed size, schema docs current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from readiness.cli.definitions import schema_documents
from readiness.core.definitions import AssessmentDefinition, load_definitions
from readiness.core.model import QUESTION_TYPES
from tests.fixtures import PROJECT_ROOT, QUESTIONNAIRES


def test_every_shipped_file_loads_without_errors_or_warnings() -> None:
    definitions, issues = load_definitions(QUESTIONNAIRES)
    assert definitions is not None
    assert [str(i) for i in issues.items] == []


def test_default_content_covers_the_agreed_ground(definition: AssessmentDefinition) -> None:
    """35-60 questions; skills, language and financing scored; every text in en and ja."""
    assert 35 <= len(definition.questions) <= 60
    dimensions = {d.id for d in definition.rules.dimensions}
    assert {"skills", "language", "financing", "business_idea", "network"} <= dimensions
    types = {q.type for q in definition.questions.values()}
    assert types == set(QUESTION_TYPES)  # the default content uses every question type
    for question in definition.questions.values():
        assert {"en", "ja"} <= set(question.label), question.id
    for rule in definition.rules.rules:
        assert {"en", "ja"} <= set(rule.explain), rule.id
    assert definition.questionnaire.sources
    assert definition.rules.sources


def test_ssw_skills_test_is_asked_only_to_ssw_workers(definition: AssessmentDefinition) -> None:
    titp = definition.visibility({"programme": "titp2"})[1]
    ssw = definition.visibility({"programme": "ssw1"})[1]
    assert "ssw_test" not in titp
    assert "skills_test" in titp
    assert "ssw_test" in ssw
    assert "skills_test" not in ssw


def test_json_schema_in_docs_is_current() -> None:
    """docs/schema/ matches the models (run `make schema` after changing them)."""
    for name, text in schema_documents().items():
        assert (PROJECT_ROOT / "docs" / "schema" / name).read_text(encoding="utf-8") == text


def test_core_imports_no_web_or_database_library() -> None:
    """The domain core stays plain Python: importing it loads no Flask, SQLAlchemy or WeasyPrint."""
    code = (
        "import sys, readiness.core.scoring, readiness.core.definitions, readiness.core.progress, "
        "readiness.core.answers; bad = [m for m in ('flask', 'flask_sqlalchemy', 'sqlalchemy', "
        "'wtforms', 'weasyprint') if m in sys.modules]; print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(PROJECT_ROOT),
    )
    assert result.stdout.strip() == ""
