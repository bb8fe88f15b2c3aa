"""Another programme's definitions (tests/data/home_care: other dimension, question and
option ids, every question type, no language goal) work from sign-up to the PDF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from readiness.core.definitions import AssessmentDefinition, require_definitions
from tests.fixtures.home_care import HOME_CARE, home_care_answers
from tests.fixtures.interns import InternBrowser
from tests.fixtures.pdf import pdf_text


@pytest.fixture
def home_care() -> AssessmentDefinition:
    return require_definitions(HOME_CARE).default


def test_another_programme_goes_from_sign_up_to_the_pdf(
    make_app: Callable[..., Flask], home_care: AssessmentDefinition
) -> None:
    app = make_app(QUESTIONNAIRE_DIR=str(HOME_CARE))
    intern = InternBrowser(app.test_client(), home_care)
    intern.sign_up("care-worker")
    assessment_id = intern.start()
    intern.answer_all(assessment_id, home_care_answers())
    assert intern.submit(assessment_id).status_code == 303
    result = intern.client.get(f"/assessments/{assessment_id}/result")
    assert result.status_code == 200
    page = result.text
    for text in ("Care skills", "Money", "Standing", "Returnee care business loan"):
        assert text in page
    assert "Japanese-language target" not in page  # this programme sets no language goal
    pdf = intern.client.get(f"/assessments/{assessment_id}/plan.pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF-")
    text = pdf_text(pdf.data)
    assert "Care skills" in text
    assert "Keep care records in your own words" in text
