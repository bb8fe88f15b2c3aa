"""The intern's whole flow through the test client: sign up, answer, resume, submit, result."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from readiness import create_app
from readiness.core.definitions import AssessmentDefinition
from readiness.extensions import db
from readiness.models import Assessment
from readiness.reports.formatting import format_date
from readiness.services.assessments import reproduce_scorecard
from readiness.state import state_of
from tests.fixtures import QUESTIONNAIRES
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser, stored_answers


def test_complete_assessment_shows_explained_scores(
    app: Flask, intern: InternBrowser, answered: int
) -> None:
    assessment_id = answered
    review = intern.client.get(f"/assessments/{assessment_id}/review").get_data(as_text=True)
    assert "Review your answers" in review
    assert "Vietnam" in review
    planned = stored_answers(app, assessment_id)["planned_return"]
    shown = format_date(planned, "en")  # e.g. "Jul 24, 2027", as every other page writes it
    assert shown in review
    assert planned not in review
    response = intern.submit(assessment_id)
    assert response.status_code == 303
    assert response.location.endswith(f"/assessments/{assessment_id}/result")
    result = intern.client.get(response.location).get_data(as_text=True)
    for label in ("Skills", "Japanese language", "Financing", "Business idea", "Network"):
        assert label in result
    assert "<svg" in result
    assert "Why this score" in result
    assert "JLPT N4 is the level SSW (i) asks for" in result  # a rule's explanation
    assert "Your answer: N4" in result
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment.status == "submitted"
        assert assessment.questionnaire_version == "1.0.0"
        assert assessment.rules_version == "1.0.0"
        assert len(assessment.content_hash) == 64
        card = json.loads(assessment.scorecard_json)
        assert card["content_hash"] == assessment.content_hash
        assert json.loads(assessment.answers_json)["jlpt"] == "n4"


def test_leaving_and_coming_back_resumes_where_the_intern_stopped(
    app: Flask, intern: InternBrowser, full_answers: dict[str, Any]
) -> None:
    """Two pages saved, the phone closed; a new browser signs in and lands on page three."""
    assessment_id = intern.start()
    pages = intern.definition.visible_pages(full_answers)
    for page in pages[:2]:
        shown = {q.id: full_answers[q.id] for q in page.questions if q.id in full_answers}
        assert intern.post_page(assessment_id, page.id, shown).status_code == 303
    other_phone = InternBrowser(app.test_client(), intern.definition)
    other_phone.sign_in()
    home = other_phone.client.get("/me").get_data(as_text=True)
    assert "Continue where you stopped" in home
    response = other_phone.client.get(f"/assessments/{assessment_id}")
    assert response.location.endswith(f"/pages/{pages[2].id}")
    page_one = other_phone.client.get(f"/assessments/{assessment_id}/pages/{pages[0].id}")
    assert 'value="26"' in page_one.get_data(as_text=True)  # months in Japan, saved earlier


def test_saving_one_page_never_wipes_another(
    app: Flask, intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    assessment_id = answered
    before = stored_answers(app, assessment_id)
    changed = {q.id: full_answers.get(q.id) for q in intern.definition.pages["japanese"].questions}
    changed["jlpt"] = "n3"
    assert intern.post_page(assessment_id, "japanese", changed).status_code == 303
    after = stored_answers(app, assessment_id)
    assert after["jlpt"] == "n3"
    assert {k: v for k, v in after.items() if k != "jlpt"} == {
        k: v for k, v in before.items() if k != "jlpt"
    }


def test_submitting_twice_makes_one_result(
    app: Flask, intern: InternBrowser, answered: int
) -> None:
    assessment_id = answered
    html = intern.client.get(f"/assessments/{assessment_id}/review").get_data(as_text=True)
    token = re.search(r'name="submit_token" value="([^"]+)"', html).group(1)
    csrf = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf, "submit_token": token}
    first = intern.client.post(f"/assessments/{assessment_id}/submit", data=data)
    second = intern.client.post(f"/assessments/{assessment_id}/submit", data=data)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Assessment))
        submitted_at = db.session.get(Assessment, assessment_id).submitted_at
    assert count == 1
    third = intern.client.post(f"/assessments/{assessment_id}/submit", data=data)
    assert third.status_code == 303
    with app.app_context():
        assert db.session.get(Assessment, assessment_id).submitted_at == submitted_at


def test_a_submitted_assessment_cannot_change(
    app: Flask, intern: InternBrowser, answered: int
) -> None:
    assessment_id = answered
    intern.submit(assessment_id)
    with app.app_context():
        frozen = db.session.get(Assessment, assessment_id).answers_json
    page = intern.client.post(
        f"/assessments/{assessment_id}/pages/japanese", data={"jlpt": "n1", "action": "next"}
    )
    assert page.status_code == 303
    assert page.location.endswith("/result")
    with app.app_context():
        assert db.session.get(Assessment, assessment_id).answers_json == frozen
    assert stored_answers(app, assessment_id)["jlpt"] == "n4"


def test_taking_it_again_compares_with_the_earlier_result(
    intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    first = intern.start()
    intern.answer_all(first, {**full_answers, "jlpt": "n5"})
    intern.submit(first)
    second = intern.start()
    assert second != first
    intern.answer_all(second, full_answers)
    result = intern.client.get(intern.submit(second).location).get_data(as_text=True)
    assert "since" in result
    assert re.search(r'class="delta up">\+\d+</span>', result)  # language went up
    home = intern.client.get("/me").get_data(as_text=True)
    results = home[home.index('<ul class="results">') :]
    assert results[: results.index("</ul>")].count("/result") == 2


def test_starting_twice_opens_the_same_draft(intern: InternBrowser) -> None:
    assert intern.start() == intern.start()


def test_the_ssw_question_is_shown_only_to_ssw_workers(
    intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    assessment_id = intern.start()
    profile = {
        q.id: full_answers[q.id]
        for q in intern.definition.pages["profile"].questions
        if q.id in full_answers
    }
    intern.post_page(assessment_id, "profile", profile)
    titp_page = intern.client.get(f"/assessments/{assessment_id}/pages/trade_skills").text
    assert 'name="skills_test"' in titp_page
    assert 'name="ssw_test"' not in titp_page
    intern.post_page(assessment_id, "profile", {**profile, "programme": "ssw1"})
    ssw_page = intern.client.get(f"/assessments/{assessment_id}/pages/trade_skills").text
    assert 'name="ssw_test"' in ssw_page
    assert 'name="skills_test"' not in ssw_page


def test_an_answer_hidden_by_the_same_page_is_kept_but_not_scored(
    app: Flask, intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    """Debt amount typed, then 'no debt' chosen: the amount is not counted."""
    assessment_id = answered
    money = {q.id: full_answers.get(q.id) for q in intern.definition.pages["financing"].questions}
    response = intern.post_page(assessment_id, "financing", {**money, "has_debt": "no"})
    assert response.status_code == 303
    intern.submit(assessment_id)
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        frozen = json.loads(assessment.answers_json)
        card = json.loads(assessment.scorecard_json)
    assert "debt_remaining" not in frozen
    financing = next(d for d in card["dimensions"] if d["id"] == "financing")
    debt_rule = next(c for c in financing["contributions"] if c["rule_id"] == "debt_vs_savings")
    assert debt_rule["status"] == "not_applicable"


def test_a_result_is_reproduced_after_the_yaml_changes(
    make_app: Callable[..., Flask],
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
    tmp_path: Path,
) -> None:
    """The files a result was scored with are stored; scoring again with them gives the same card,
    even when the app now runs on changed rules. (Over 40 lines: the result, the changed
    rules and the second app are one story.)"""
    app = make_app()  # committed: the app with the changed rules reads the result
    intern = InternBrowser(app.test_client(), definition)
    intern.sign_up()
    assessment_id = intern.start()
    intern.answer_all(assessment_id, full_answers)
    intern.submit(assessment_id)
    changed = tmp_path / "changed"
    shutil.copytree(QUESTIONNAIRES, changed)
    rules = changed / "entrepreneurship-readiness.rules.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            "points: {none: 0, n5: 20, n4: 45, n3: 70, n2: 90, n1: 100}",
            "points: {none: 0, n5: 10, n4: 30, n3: 70, n2: 90, n1: 100}",
        ),
        encoding="utf-8",
    )
    new_app = create_app({**app.config, "QUESTIONNAIRE_DIR": str(changed)})
    with new_app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        stored = json.loads(assessment.scorecard_json)
        assert reproduce_scorecard(assessment).to_dict() == stored
        state = state_of(new_app)
        rescored = state.scorers[assessment.questionnaire_id].score(
            assessment.answer_values(), dt.date.fromisoformat(stored["as_of"])
        )
        assert rescored.content_hash != stored["content_hash"]
        assert rescored.dimension("language").score < stored["dimensions"][1]["score"]
    result = new_app.test_cli_runner().invoke(args=["reproduce", str(assessment_id)])
    assert result.exit_code == 0
    assert "identical to the stored result: yes" in result.output
    with new_app.app_context():
        db.session.remove()
        db.engine.dispose()
        db.engine.dispose()  # a second app on the same database: close its connections too


def test_thirty_parallel_starts_open_one_draft(
    make_app: Callable[..., Flask], definition: AssessmentDefinition
) -> None:
    """Issue 15: the database holds one open draft per intern and questionnaire, so every
    racing request is sent to the same one (real commits: an app of its own)."""
    app = make_app()
    intern = InternBrowser(app.test_client(), definition)
    intern.sign_up("racer")
    cookie = intern.client.get_cookie("session")
    assert cookie is not None
    token = csrf_token(intern.client.get("/me").text)

    def start(_: int) -> tuple[int, str]:
        client = app.test_client()
        client.set_cookie("session", cookie.value)
        response = client.post("/assessments", data={"csrf_token": token})
        return response.status_code, response.location

    with ThreadPoolExecutor(max_workers=30) as pool:
        results = list(pool.map(start, range(30)))
    assert {status for status, _ in results} == {303}
    assert len({location for _, location in results}) == 1
    with app.app_context():
        drafts = db.session.scalar(select(func.count()).select_from(Assessment))
    assert drafts == 1


def test_the_database_itself_refuses_a_second_open_draft(app: Flask, intern: InternBrowser) -> None:
    first = intern.start()
    with app.app_context():
        user_id = db.session.get(Assessment, first).user_id
        db.session.add(Assessment(user_id=user_id, questionnaire_id=intern.definition.id))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        submitted = Assessment(
            user_id=user_id, questionnaire_id=intern.definition.id, status="submitted"
        )
        db.session.add(submitted)
        db.session.flush()  # submitted ones are not limited
        db.session.rollback()
