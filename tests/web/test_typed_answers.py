"""Answers as people type them, read in the page's language, and checked the same way on
every way in: the form, ``flask score``, the demo data."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from readiness.cli.definitions import score_command
from readiness.core.definitions import AssessmentDefinition, require_definitions
from readiness.services.accounts import find_user
from readiness.services.assessments import start_assessment
from readiness.services.demo import answer_pages
from tests.fixtures import QUESTIONNAIRES
from tests.fixtures.accounts import give_consent, submit_sign_up
from tests.fixtures.home_care import HOME_CARE
from tests.fixtures.html import hidden_value
from tests.fixtures.interns import InternBrowser, stored_answers


def page_answers(definition: AssessmentDefinition, page_id: str, answers: dict[str, Any]) -> dict:
    return {q.id: answers[q.id] for q in definition.pages[page_id].questions if q.id in answers}


def intern_in(client: FlaskClient, definition: AssessmentDefinition, locale: str) -> InternBrowser:
    assert submit_sign_up(client, f"typist-{locale}", "correct horse", locale).status_code == 303
    give_consent(client)
    return InternBrowser(client, definition)


@pytest.mark.parametrize(
    ("locale", "savings", "hours"),
    [
        ("vi", "900.000", "1,5"),
        ("id", "900.000", "1,5"),
        ("en", "900,000", "1.5"),
        ("ja", "９０００００", "1.5"),
    ],
)
def test_money_and_hours_are_stored_as_meant_in_each_language(
    app: Flask,
    client: FlaskClient,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
    locale: str,
    savings: str,
    hours: str,
) -> None:
    intern = intern_in(client, definition, locale)
    assessment_id = intern.start()
    intern.answer_all(assessment_id, full_answers)
    typed = {**full_answers, "savings": savings, "study_hours": hours}
    for page in ("japanese", "financing"):
        response = intern.post_page(assessment_id, page, page_answers(definition, page, typed))
        assert response.status_code == 303, response.text[:2000]
    stored = stored_answers(app, assessment_id)
    assert (stored["savings"], stored["study_hours"]) == (900_000, 1.5)
    review = intern.client.get(f"/assessments/{assessment_id}/review").text
    shown, other = ("900.000", "900,000") if locale in ("vi", "id") else ("900,000", "900.000")
    assert shown in review  # read back the way it was typed
    assert other not in review


@pytest.fixture
def wide_years(tmp_path: Path) -> Path:
    """The home-care programme with years in care allowed up to 5,000: 1.500 reads two ways."""
    folder = tmp_path / "home_care"
    shutil.copytree(HOME_CARE, folder)
    questionnaire = folder / "home-care.yaml"
    text = questionnaire.read_text(encoding="utf-8")
    questionnaire.write_text(text.replace("        max: 40\n", "        max: 5000\n"), "utf-8")
    return folder


def test_a_number_that_reads_two_ways_is_asked_back_once(
    make_app: Callable[..., Flask], wide_years: Path
) -> None:
    definition = require_definitions(wide_years).default
    app = make_app(QUESTIONNAIRE_DIR=str(wide_years))
    intern = intern_in(app.test_client(), definition, "en")
    assessment_id = intern.start()
    first = {
        "origin": "np",
        "visa": "care_ssw",
        "trade": "facility",
        "going_home": (dt.date.today() + dt.timedelta(days=400)).isoformat(),
    }
    about = intern.post_page(assessment_id, "about_you", first)
    assert about.status_code == 303, about.text
    care = {"skills_held": ["meals"], "confidence": 3, "years_in_care": "1.500"}
    asked = intern.post_page(assessment_id, "care_work", care)
    assert asked.status_code == 200
    assert "We read this as 1.5. If you meant 1,500, write 1500 instead." in asked.text
    assert "years_in_care" not in stored_answers(app, assessment_id)  # nothing guessed
    kept = intern.post_page(
        assessment_id, "care_work", care, number_ack=hidden_value(asked.text, "number_ack")
    )
    assert kept.status_code == 303
    assert stored_answers(app, assessment_id)["years_in_care"] == 1.5
    changed = intern.post_page(assessment_id, "care_work", {**care, "years_in_care": "1500"})
    assert changed.status_code == 303
    assert stored_answers(app, assessment_id)["years_in_care"] == 1500


#: Answers that no way in may accept, and the words each way uses for them.
REFUSED = [
    ("savings", 1500.5, "needs a whole number", "Enter a whole number, without decimals."),
    ("planned_return", "2020-01-31", "has passed", "This date has passed"),
    ("business_training", ["none", "online_course"], "cannot be combined", "cannot be combined"),
    ("months_in_japan", 241, "must be between 0 and 240", "Enter a number from 0 to 240"),
]


@pytest.mark.parametrize(("question_id", "value", "cli_words", "page_words"), REFUSED)
def test_the_form_the_command_and_the_demo_refuse_the_same_answers(
    app: Flask,
    intern: InternBrowser,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
    tmp_path: Path,
    question_id: str,
    value: Any,
    cli_words: str,
    page_words: str,
) -> None:
    wrong = {**full_answers, question_id: value}
    assessment_id = intern.start()
    intern.answer_all(assessment_id, full_answers)
    page_id = definition.page_of[question_id]
    response = intern.post_page(assessment_id, page_id, page_answers(definition, page_id, wrong))
    assert response.status_code == 422
    assert page_words in response.text
    assert stored_answers(app, assessment_id)[question_id] == full_answers[question_id]

    answers_file = tmp_path / "answers.yaml"
    lines = [f"{k}: {v!r}" if not isinstance(v, list) else f"{k}: {v}" for k, v in wrong.items()]
    answers_file.write_text("\n".join(lines).replace("'", '"') + "\n", encoding="utf-8")
    result = CliRunner().invoke(score_command, [str(answers_file), "--dir", str(QUESTIONNAIRES)])
    assert result.exit_code == 1
    assert f"ANSWER_001: '{question_id}' " in result.output
    assert cli_words in result.output

    with app.app_context():
        draft = start_assessment(find_user("intern-a"), definition)
        with pytest.raises(ValueError, match=cli_words):
            answer_pages(draft, definition, wrong)
