"""Checklist items T10 (safe GET), T12 (cookie content), T18 (template injection) and
T19 (errors and Host) of docs/security.md section 7; each test is named after its item."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask, url_for

from readiness import create_app
from readiness.extensions import db
from tests.fixtures.accounts import INTERN_PASSWORD, MakeUser, SignedIn
from tests.fixtures.database import row_counts
from tests.fixtures.html import session_payload
from tests.fixtures.interns import InternBrowser


#: Filled in for the URL rules' arguments (ids of organisation A's intern and assessment).
#: Written by GETs on purpose, and not state: a PDF download stores the rendered file (a
#: cache), and a coordinator's look at a record is written to the access log (P2's audit).
def get_urls(app: Flask, ids: dict[str, Any]) -> list[str]:
    user_id, assessment_id = ids["A"]
    values = {
        "user_id": user_id,
        "assessment_id": assessment_id,
        "page_id": "profile",
        "job_id": 1,
        "code": "no-such-code",
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        unknown = set(rule.arguments) - set(values)
        assert not unknown, f"{rule.rule}: give the test a value for {unknown}"
        urls.append(url_for(rule.endpoint, **{k: values[k] for k in rule.arguments}))
    return urls


def test_t10_no_get_request_changes_the_database(
    app: Flask,
    two_organisations: dict[str, Any],
    make_user: MakeUser,
    signed_in: SignedIn,
) -> None:
    make_user("admin-t10", "admin", None)
    visitors = {
        "anonymous": app.test_client(),
        "intern": signed_in("intern-a", INTERN_PASSWORD),
        "coordinator": signed_in("coord-a"),
        "admin": signed_in("admin-t10"),
    }
    with app.test_request_context():
        urls = get_urls(app, two_organisations)
    with app.app_context():
        before = row_counts()
    for name, client in visitors.items():
        for url in urls:
            status = client.get(url).status_code
            assert status < 500, f"{name} GET {url}: {status}"
    with app.app_context():
        assert row_counts() == before


def test_t10_a_get_on_a_post_only_route_is_refused(app: Flask) -> None:
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods or rule.arguments:
            continue
        assert client.get(rule.rule).status_code == 405, rule.rule


def test_t12_the_session_cookie_holds_no_personal_data(
    app: Flask, intern: InternBrowser, full_answers: dict[str, Any]
) -> None:
    assessment_id = intern.start()
    answers = {**full_answers, "home_region": "Canary Province", "savings": 987654}
    intern.answer_all(assessment_id, answers)
    cookie = intern.client.get_cookie("session")
    assert cookie is not None
    payload = session_payload(cookie.value)
    json.loads(payload)  # what was decoded is the whole session
    for personal in ("Canary", "987654", "intern-a", answers["planned_return"]):
        assert personal not in payload


TEMPLATE_SYNTAX = "{{ 7*7 }} {{ config }} {% for x in range(3) %}x{% endfor %}"


def test_t18_answers_are_never_templates(
    intern: InternBrowser, full_answers: dict[str, Any]
) -> None:
    assessment_id = intern.start()
    intern.answer_all(assessment_id, {**full_answers, "idea_description": TEMPLATE_SYNTAX})
    review = intern.client.get(f"/assessments/{assessment_id}/review").text
    assert TEMPLATE_SYNTAX in review  # shown as typed: a template would have run
    intern.submit(assessment_id)
    result = intern.client.get(f"/assessments/{assessment_id}/result").text
    assert "SECRET_KEY" not in review + result


@pytest.fixture
def production_like(tmp_path) -> Flask:
    """The app as it runs for real: not in testing mode, so errors are handled, not raised."""
    app = create_app(
        {
            "SECRET_KEY": "t19-" + "k" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 't19.db'}",
            "TRUSTED_HOSTS": ["readiness.example.org"],
        }
    )

    def explode() -> str:
        raise RuntimeError("secret detail: /srv/readiness/config.py line 42")

    app.add_url_rule("/explode", "explode", explode)
    with app.app_context():
        db.create_all()
    return app


def test_t19_an_unknown_host_is_refused(production_like: Flask) -> None:
    client = production_like.test_client()
    assert client.get("/auth/signin", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/auth/signin", headers={"Host": "readiness.example.org"}).status_code == 200


def test_t19_an_error_shows_a_generic_page_without_details(production_like: Flask) -> None:
    response = production_like.test_client().get(
        "/explode", headers={"Host": "readiness.example.org"}
    )
    assert response.status_code == 500
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text
    assert "<html" in response.text.lower()
