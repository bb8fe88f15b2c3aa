"""Bad and hostile input on questionnaire pages: a clear message, and no answer lost."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import select

from readiness.extensions import db
from readiness.models import Answer, Assessment
from tests.fixtures.html import csrf_token, hidden_value, is_checked
from tests.fixtures.interns import InternBrowser


@pytest.fixture
def started(intern: InternBrowser, full_answers: dict[str, Any]) -> int:
    """An assessment with the profile page saved; the next page is trade_skills."""
    assessment_id = intern.start()
    profile = {
        q.id: full_answers[q.id]
        for q in intern.definition.pages["profile"].questions
        if q.id in full_answers
    }
    assert intern.post_page(assessment_id, "profile", profile).status_code == 303
    return assessment_id


def snapshot(app: Flask, assessment_id: int) -> tuple[dict[str, str], str]:
    with app.app_context():
        rows = db.session.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
        assessment = db.session.get(Assessment, assessment_id)
        return {r.question_id: r.value_json for r in rows}, assessment.saved_pages_json


def japanese(full_answers: dict[str, Any], **changes: Any) -> dict[str, Any]:
    values = {
        k: full_answers[k]
        for k in (
            "jlpt",
            "jft",
            "understand_instructions",
            "phone_japanese",
            "read_notices",
            "study_hours",
            "next_test",
        )
        if k in full_answers
    }
    values.update(changes)
    return values


def test_required_question_left_empty_is_marked(
    app: Flask, intern: InternBrowser, started: int
) -> None:
    before = snapshot(app, started)
    response = intern.post_page(started, "trade_skills", {"trade_confidence": 4})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please answer this question." in html
    assert is_checked(html, "trade_confidence", "4")  # what was typed is kept
    assert snapshot(app, started) == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "Enter a number, for example 150,000."),
        ("61", "Enter a number from 0 to 60"),
        ("60.5", "Enter a number from 0 to 60"),
        ("NaN", "Enter a number, for example 150,000."),
        ("1e309", "Enter a number, for example 150,000."),
        ("99999999999999999999999", "Enter a number from 0 to 60"),
    ],
)
def test_bad_numbers_get_a_message_beside_the_field(
    app: Flask,
    intern: InternBrowser,
    answered: int,
    full_answers: dict[str, Any],
    value: str,
    message: str,
) -> None:
    assessment_id = answered
    before = snapshot(app, assessment_id)
    response = intern.post_page(
        assessment_id, "japanese", japanese(full_answers), study_hours=value
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert snapshot(app, assessment_id) == before


@pytest.mark.parametrize(("typed", "stored"), [("１２", 12), ("1,000", None), (" 7 ", 7)])
def test_phone_keyboards_digits_are_accepted(
    app: Flask,
    intern: InternBrowser,
    answered: int,
    full_answers: dict[str, Any],
    typed: str,
    stored: int | None,
) -> None:
    """Full-width (IME) digits, thousands commas and spaces are read as numbers."""
    assessment_id = answered
    response = intern.post_page(
        assessment_id, "japanese", japanese(full_answers), study_hours=typed
    )
    if stored is None:  # 1,000 hours a week is read as 1000: over the limit, said clearly
        assert "Enter a number from 0 to 60" in response.get_data(as_text=True)
        return
    assert response.status_code == 303
    assert json.loads(snapshot(app, assessment_id)[0]["study_hours"]) == stored


def test_option_not_offered_is_refused(
    app: Flask, intern: InternBrowser, started: int, full_answers: dict[str, Any]
) -> None:
    intern.answer_all(started, full_answers)
    before = snapshot(app, started)
    response = intern.post_page(started, "japanese", japanese(full_answers, jlpt="n0"))
    assert response.status_code == 422
    assert "not one of the options" in response.get_data(as_text=True)
    assert snapshot(app, started) == before


def test_unknown_question_in_a_post_saves_nothing(
    app: Flask, intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    assessment_id = answered
    before = snapshot(app, assessment_id)
    response = intern.post_page(
        assessment_id, "japanese", japanese(full_answers, jlpt="n1"), extra=[("is_admin", "1")]
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was saved" in html
    assert is_checked(html, "jlpt", "n1")
    assert snapshot(app, assessment_id) == before


def test_two_values_for_a_single_answer_are_refused(
    app: Flask, intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    assessment_id = answered
    before = snapshot(app, assessment_id)
    response = intern.post_page(
        assessment_id, "japanese", japanese(full_answers), extra=[("jlpt", "n1")]
    )
    assert response.status_code == 400
    assert snapshot(app, assessment_id) == before


def test_oversized_text_is_refused_with_its_limit(
    app: Flask, intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    assessment_id = answered
    network = {q.id: full_answers.get(q.id) for q in intern.definition.pages["network"].questions}
    response = intern.post_page(
        assessment_id, "network", {**network, "coordinator_note": "x" * 2001}
    )
    assert response.status_code == 422
    assert "under 2,000 characters" in response.get_data(as_text=True)
    assert "coordinator_note" not in snapshot(app, assessment_id)[0]


def test_a_huge_body_gets_413(intern: InternBrowser, started: int) -> None:
    response = intern.client.post(
        f"/assessments/{started}/pages/trade_skills",
        data={"coordinator_note": "x" * (2 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_skipping_ahead_is_sent_back_to_the_right_page(
    app: Flask, intern: InternBrowser, started: int
) -> None:
    """Posting the last page before the earlier ones goes back to where the intern stopped."""
    before = snapshot(app, started)
    response = intern.client.post(
        f"/assessments/{started}/pages/network", data={"mentor": "yes", "action": "next"}
    )
    assert response.status_code == 303
    assert response.location.endswith(f"/assessments/{started}")
    assert snapshot(app, started) == before
    target = intern.client.get(response.location).location
    assert target.endswith("/pages/trade_skills")


def test_expired_csrf_token_keeps_what_was_typed(
    app: Flask, intern: InternBrowser, started: int
) -> None:
    """A page sent with a stale token is shown again with its values and a fresh token."""
    before = snapshot(app, started)
    response = intern.post_page(
        started, "trade_skills", {"trade_confidence": 5, "can_teach": 2}, csrf_token="stale"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "page had to be refreshed" in html
    assert is_checked(html, "trade_confidence", "5")
    assert snapshot(app, started) == before


def test_questionnaire_changed_while_the_page_was_open(intern: InternBrowser, started: int) -> None:
    response = intern.post_page(
        started, "trade_skills", {"trade_confidence": 5}, definition_hash="0" * 64
    )
    assert response.status_code == 400
    assert "questionnaire was updated" in response.get_data(as_text=True)


def test_soft_required_question_warns_once_then_lets_go(
    app: Flask, intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    """Certificates is soft-required: first Next warns, the second Next skips it."""
    assessment_id = answered
    trade = {
        q.id: full_answers.get(q.id)
        for q in intern.definition.pages["trade_skills"].questions
        if full_answers.get(q.id) is not None and q.id != "certificates"
    }
    first = intern.post_page(assessment_id, "trade_skills", trade)
    assert first.status_code == 200
    assert "You skipped this question" in first.get_data(as_text=True)
    assert "certificates" in snapshot(app, assessment_id)[0]  # nothing changed yet
    url = f"/assessments/{assessment_id}/pages/trade_skills"
    html = first.get_data(as_text=True)
    data = [
        ("csrf_token", csrf_token(html)),
        ("action", "next"),
        ("definition_hash", hidden_value(html, "definition_hash")),
        ("soft_ack", hidden_value(html, "soft_ack")),
    ]
    data += [(k, str(v)) for k, v in trade.items()]
    second = intern.client.post(url, data=dict(data))
    assert second.status_code == 303
    assert "certificates" not in snapshot(app, assessment_id)[0]


def test_exclusive_option_cannot_be_combined(
    intern: InternBrowser, started: int, full_answers: dict[str, Any]
) -> None:
    trade = {
        q.id: full_answers.get(q.id)
        for q in intern.definition.pages["trade_skills"].questions
        if full_answers.get(q.id) is not None
    }
    response = intern.post_page(
        started, "trade_skills", {**trade, "certificates": ["forklift", "none"]}
    )
    assert response.status_code == 422
    assert "cannot be combined" in response.get_data(as_text=True)


def test_back_and_save_for_later_keep_the_answers(
    app: Flask, intern: InternBrowser, started: int
) -> None:
    """'Save for later' stores a half-filled page without asking for the rest."""
    response = intern.post_page(started, "trade_skills", {"trade_confidence": 5}, action="save")
    assert response.status_code == 303
    assert response.location.endswith("/me")
    assert json.loads(snapshot(app, started)[0]["trade_confidence"]) == 5
    back = intern.post_page(started, "trade_skills", {"trade_confidence": 4}, action="back")
    assert back.location.endswith("/pages/profile")
    assert json.loads(snapshot(app, started)[0]["trade_confidence"]) == 4


def test_submitting_an_incomplete_assessment_goes_to_the_review(
    app: Flask, intern: InternBrowser, started: int
) -> None:
    html = intern.client.get(f"/assessments/{started}/review").get_data(as_text=True)
    assert "still need an answer" in html
    response = intern.submit(started)
    assert response.location.endswith(f"/assessments/{started}/review")
    with app.app_context():
        assert db.session.get(Assessment, started).status == "draft"


def test_a_wrong_submit_token_is_refused(intern: InternBrowser, started: int) -> None:
    html = intern.client.get(f"/assessments/{started}/review").get_data(as_text=True)
    response = intern.client.post(
        f"/assessments/{started}/submit", data={"csrf_token": csrf_token(html), "submit_token": "x"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/assessments/{id}",
        "/assessments/{id}/review",
        "/assessments/{id}/result",
        "/assessments/{id}/pages/profile",
    ],
)
def test_another_interns_assessment_is_404(
    app: Flask, intern: InternBrowser, started: int, path: str
) -> None:
    other = InternBrowser(app.test_client(), intern.definition)
    other.sign_up("intern-b")
    assert other.client.get(path.format(id=started)).status_code == 404
    assert other.client.get(path.format(id=99999999999999999999)).status_code == 404


def test_unknown_page_is_404(intern: InternBrowser, started: int) -> None:
    assert intern.client.get(f"/assessments/{started}/pages/nope").status_code == 404


def test_a_json_page_save_is_refused_and_saves_nothing(
    app: Flask, intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    """A JSON body would skip the page's checks on the posted form (issue 15): 415."""
    before = snapshot(app, answered)
    page = intern.client.get(intern.page_url(answered, "japanese")).text
    body = {**japanese(full_answers, jlpt="n1"), "csrf_token": csrf_token(page), "x": "y"}
    response = intern.client.post(
        intern.page_url(answered, "japanese"),
        json=body,
        headers={"X-CSRFToken": csrf_token(page)},
    )
    assert response.status_code == 415
    assert "only takes forms sent from its own pages" in response.text
    assert snapshot(app, answered) == before


def test_a_file_where_an_answer_is_expected_saves_nothing(
    app: Flask, intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    before = snapshot(app, answered)
    page = intern.client.get(intern.page_url(answered, "japanese")).text
    fields: dict[str, Any] = {
        "csrf_token": csrf_token(page),
        "definition_hash": hidden_value(page, "definition_hash"),
        "jlpt": (io.BytesIO(b"n1"), "answer.txt"),
    }
    response = intern.client.post(
        intern.page_url(answered, "japanese"), data=fields, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.text
    assert snapshot(app, answered) == before


def _chunked(intern: InternBrowser, url: str, body: bytes) -> Any:
    return intern.client.post(
        url,
        input_stream=io.BytesIO(body),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_gets_413_and_a_small_one_is_read_whole(
    app: Flask, intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    url = intern.page_url(answered, "japanese")
    page = intern.client.get(url).text
    token = csrf_token(page)
    limit = app.config["MAX_CONTENT_LENGTH"]
    too_large = _chunked(intern, url, f"csrf_token={token}&x=".encode() + b"a" * limit)
    assert too_large.status_code == 413
    fields = [
        ("csrf_token", token),
        ("definition_hash", hidden_value(page, "definition_hash")),
        *[(k, str(v)) for k, v in japanese(full_answers, jlpt="n1").items() if v is not None],
    ]
    small = _chunked(intern, url, urlencode(fields).encode())
    assert small.status_code == 303  # every field arrived: the page was saved
    assert snapshot(app, answered)[0]["jlpt"] == '"n1"'


def test_over_the_limit_is_413_whatever_the_type_route_or_method(app: Flask, client: Any) -> None:
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    for method, path, content_type in [
        ("POST", "/auth/signin", "application/json"),
        ("POST", "/no-such-page", "text/plain"),
        ("GET", "/healthz", "application/x-www-form-urlencoded"),
        ("PUT", "/me", "application/octet-stream"),
    ]:
        response = client.open(path, method=method, data=body, content_type=content_type)
        assert response.status_code == 413, (method, path, content_type)


def test_a_nul_character_anywhere_is_refused_with_400(
    app: Flask, intern: InternBrowser, answered: int, full_answers: dict[str, Any]
) -> None:
    """No person types one, and PostgreSQL refuses it in text: 400, nothing saved."""
    before = snapshot(app, answered)
    assert intern.client.get("/coordinator/?country=vn%00").status_code == 400
    assert intern.client.get("/auth/join/abc%00def").status_code == 400
    page = intern.client.get(intern.page_url(answered, "network")).text
    response = intern.client.post(
        intern.page_url(answered, "network"),
        data={"csrf_token": csrf_token(page), "coordinator_note": "a\x00b"},
    )
    assert response.status_code == 400
    assert snapshot(app, answered) == before
