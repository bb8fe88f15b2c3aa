"""Another programme's definitions (tests/data/home_care: other dimension, question and
option ids, every question type, no language goal) work from sign-up to the PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from readiness.core.dates import add_months
from readiness.core.definitions import AssessmentDefinition, require_definitions
from tests.fixtures import PROJECT_ROOT
from tests.fixtures.interns import InternBrowser
from tests.fixtures.pdf import pdf_text

HOME_CARE = PROJECT_ROOT / "tests" / "data" / "home_care"


@pytest.fixture
def home_care() -> AssessmentDefinition:
    return require_definitions(HOME_CARE).default


def home_care_answers() -> dict[str, Any]:
    return {
        "origin": "ph",
        "visa": "epa",
        "trade": "home_visits",
        "going_home": add_months(dt.date.today(), 10).isoformat(),
        "kaigo_exam": "yes",
        "skills_held": ["bathing", "records"],
        "confidence": 4,
        "years_in_care": 2.5,
        "first_clients": "Older neighbours in Cebu",
        "put_aside": 500000,
        "per_month": 30000,
        "start_cost": 3000000,
        "story": "A home-care service for four families.",
    }


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
