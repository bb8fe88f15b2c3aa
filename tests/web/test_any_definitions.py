"""Whatever passes check works in the app too: for generated definition sets (their own
ids, dimensions, question types, conditions and plan rules) an intern signs up, answers
every page, submits, and gets the result page and the PDF."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.core.definitions import require_definitions
from tests.fixtures.generated_definitions import GeneratedSet, answer_sets, definition_sets
from tests.fixtures.interns import InternBrowser
from tests.fixtures.pdf import pdf_text

pytestmark = pytest.mark.slow


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(definition_sets(), st.data())
def test_an_intern_gets_a_result_page_and_a_pdf_for_any_valid_set(
    make_app: Callable[..., Flask], tmp_path: Path, generated: GeneratedSet, data: st.DataObject
) -> None:
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    for name, text in generated.files.items():
        (folder / name).write_text(text, encoding="utf-8")
    definition = require_definitions(folder).default
    app = make_app(QUESTIONNAIRE_DIR=str(folder))
    intern = InternBrowser(app.test_client(), definition)
    intern.sign_up("generated")
    assessment_id = intern.start()
    intern.answer_all(assessment_id, data.draw(answer_sets(generated)))
    assert intern.submit(assessment_id).status_code == 303
    result = intern.client.get(f"/assessments/{assessment_id}/result")
    assert result.status_code == 200, result.text[:2000]
    for dimension in definition.rules.dimensions:
        assert dimension.id in result.text  # each dimension's section (id="dim-...")
    pdf = intern.client.get(f"/assessments/{assessment_id}/plan.pdf")
    assert pdf.status_code == 200, pdf.text[:2000]
    assert pdf.data.startswith(b"%PDF-")
    text = pdf_text(pdf.data)
    for dimension in definition.rules.dimensions:
        assert dimension.id in text  # the generated labels are the ids
