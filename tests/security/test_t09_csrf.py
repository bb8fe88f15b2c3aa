"""Checklist item T9 (CSRF) of docs/security.md: every POST route in the URL map, sent by a
user who may use it, without a token and with another session's token: 400 and no change.
(A token older than an hour still works, and a refused page keeps what was typed:
tests/web/test_bad_input.py::test_expired_csrf_token_keeps_what_was_typed.)"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.accounts import INTERN_PASSWORD, MakeUser, SignedIn
from tests.fixtures.database import row_counts
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser
from tests.fixtures.organisations import route_url

#: Who would send each POST: the role the route is for (anonymous for signing in and up).
SENDER = {
    "auth.sign_in": "anonymous",
    "auth.sign_up": "anonymous",
    "auth.join": "anonymous",
    "auth.second_factor": "anonymous",
    "auth.reset_password": "anonymous",
}
SENDER_BY_BLUEPRINT = {
    "auth": "intern",
    "pages": "intern",
    "intern": "intern",
    "my_data": "intern",
    "coordinator": "coordinator",
    "admin": "admin",
}
#: Fields that would make each form valid, were the token right.
FIELDS = {
    "name": "Org X",
    "username": "csrf-victim",
    "password": "a long new password",
    "confirm": "a long new password",
    "current": INTERN_PASSWORD,
    "agree": "y",
    "action": "next",
    "locale": "vi",
    "code": "123456",
    "display_name": "X",
    "organisation_id": "1",
}


@pytest.fixture
def senders(
    app: Flask,
    definition: Any,
    two_organisations: dict[str, Any],
    make_user: MakeUser,
    signed_in: SignedIn,
) -> dict[str, Any]:
    make_user("admin-t9", "admin", None)
    intern = InternBrowser(signed_in("intern-a", INTERN_PASSWORD), definition)
    user_id, submitted = two_organisations["A"]
    return {
        "clients": {
            "anonymous": app.test_client(),
            "intern": intern.client,
            "coordinator": signed_in("coord-a"),
            "admin": signed_in("admin-t9"),
        },
        "values": {
            "user_id": user_id,
            "assessment_id": intern.start(),  # a draft: its pages take answers
            "page_id": definition.questionnaire.pages[0].id,
            "step_id": "take_skills_test",  # refused for its token before the step is looked up
            "job_id": 1,
            "code": "no-such-code",
        },
        "submitted": submitted,
    }


def post_rules(app: Flask) -> list[Any]:
    return sorted(
        (r for r in app.url_map.iter_rules() if "POST" in r.methods), key=lambda r: r.endpoint
    )


def test_t9_every_post_route_refuses_a_missing_or_foreign_token(
    app: Flask, senders: dict[str, Any]
) -> None:
    rules = post_rules(app)
    assert len(rules) >= 15  # the URL map was read
    foreign = csrf_token(app.test_client().get("/auth/signin").text)  # another session's
    wrong = []
    for rule in rules:
        who = SENDER.get(rule.endpoint) or SENDER_BY_BLUEPRINT[rule.endpoint.split(".")[0]]
        client: FlaskClient = senders["clients"][who]
        with app.test_request_context():
            url = route_url(rule, senders["values"])
        for token in (None, foreign):
            fields = FIELDS if token is None else {**FIELDS, "csrf_token": token}
            with app.app_context():
                before = row_counts()
            status = client.post(url, data=fields).status_code
            with app.app_context():
                changed = row_counts() != before
            if status != 400 or changed:
                wrong.append(f"{who} POST {url} token={token and 'foreign'}: {status}, {changed=}")
    assert not wrong, "\n".join(wrong)
    assert senders["clients"]["intern"].get("/me").status_code == 200  # sign-out was refused
