"""Checklist item P1 (consent) of docs/security.md: nothing before consent, in the
intern's language, nothing ticked in advance, a stored record, and a new version asks again."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from readiness.extensions import db
from readiness.models import Assessment, Consent, User
from readiness.services import privacy
from tests.fixtures.accounts import MakeUser, SignedIn, give_consent, invite, submit_sign_up
from tests.fixtures.html import csrf_token, hidden_value
from tests.fixtures.interns import InternBrowser, stored_answers

#: The consent page's heading in each complete locale.
HEADINGS = {
    "en": "Your data: please read before you start",
    "ja": "あなたのデータについて：始める前にお読みください",
    "vi": "Dữ liệu của bạn: vui lòng đọc trước khi bắt đầu",
    "id": "Data Anda: harap baca sebelum mulai",
}


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("locale", sorted(HEADINGS))
def test_p1_nothing_starts_before_consent_and_the_text_is_in_the_interns_language(
    app: Flask, client: FlaskClient, locale: str
) -> None:
    submit_sign_up(client, f"new-{locale}", "correct horse", locale)
    home = client.get("/me")
    assert home.status_code == 302
    assert home.location.endswith("/me/consent")
    page = client.get("/me/consent").text
    assert f'<html lang="{locale}' in page
    assert HEADINGS[locale] in page
    assert "Only you" in page or locale != "en"  # signed up alone: no coordinator sees it
    checkbox = re.search(r'<input[^>]*name="agree"[^>]*>', page).group(0)
    assert "checked" not in checkbox  # never ticked in advance
    started = client.post("/assessments", data={"csrf_token": csrf_token(page)})
    assert started.location.endswith("/me/consent")
    assert count(app, Assessment) == 0


def test_p1_not_ticking_the_box_is_not_consent(app: Flask, client: FlaskClient) -> None:
    submit_sign_up(client, "undecided", "correct horse")
    page = client.get("/me/consent").text
    response = client.post("/me/consent", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 422
    assert "Please tick the box to agree" in response.text
    assert count(app, Consent) == 0
    assert client.get("/me").status_code == 302


def test_p1_consent_is_recorded_with_version_language_and_time(
    app: Flask, client: FlaskClient
) -> None:
    submit_sign_up(client, "agreeing", "correct horse", "vi")
    give_consent(client)
    assert client.get("/me").status_code == 200
    with app.app_context():
        consent = db.session.scalar(select(Consent))
        user = db.session.get(User, consent.user_id)
        assert (consent.version, consent.locale) == (privacy.CONSENT_VERSION, "vi")
        assert consent.given_at is not None
        assert user.consent_version == privacy.CONSENT_VERSION


def test_p1_the_consent_page_names_the_organisation_that_sees_the_data(
    app: Flask, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("coord-p1", "coordinator", "Sakura Support Association")
    path = invite(signed_in("coord-p1"), display_name="Invited Intern")
    client = app.test_client()
    page = client.get(path).text
    client.post(
        path,
        data={
            "csrf_token": csrf_token(page),
            "username": "invited-p1",
            "password": "intern-password",
            "confirm": "intern-password",
        },
    )
    consent_page = client.get("/me/consent").text
    assert "the coordinators of Sakura Support Association" in consent_page
    assert "12 months after your planned return date" in consent_page  # RETENTION_MONTHS


def test_p1_a_new_version_asks_again_without_losing_a_page_in_flight(
    app: Flask,
    intern: InternBrowser,
    full_answers: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assessment_id = intern.start()
    page_id = intern.definition.questionnaire.pages[0].id
    url = intern.page_url(assessment_id, page_id)
    form = intern.client.get(url).text  # the intern opened the page before the text changed
    monkeypatch.setattr(privacy, "CONSENT_VERSION", "2099-01-01")
    questions = intern.definition.pages[page_id].questions
    data = [("csrf_token", csrf_token(form)), ("action", "next")]
    data += [(name, hidden_value(form, name)) for name in ("definition_hash", "soft_ack")]
    data += [(q.id, str(full_answers[q.id])) for q in questions if q.id in full_answers]
    saved = intern.client.post(url, data=MultiDict(data))
    assert saved.status_code == 303  # the save in flight is kept...
    assert stored_answers(app, assessment_id)
    home = intern.client.get("/me")  # ...and then the new text is asked for
    assert home.location.endswith("/me/consent")
    assert "You agreed to this text" not in intern.client.get("/me/consent").text
    give_consent(intern.client)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consent)) == 2
