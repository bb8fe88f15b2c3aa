"""Checklist item T20 (logging) of docs/security.md: security events are logged, one
line each, in UTC, with ids but never a name, password or answer, and a CR/LF in what a
visitor typed cannot forge a line."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from readiness import create_app
from readiness.extensions import db
from tests.fixtures.database import EnglishBrowserClient
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser

FORGED_NAME = "bob\r\nINFO sign_in admin"
HOSTILE_PATHS = (
    '/x"y\\z%22%5C?q=%0A%7B%22forged%22%3A1%7D',
    "/esc%1B%5B31m%7F%C2%85%E2%80%A8",
    "/bytes%ED%A0%80%FF",
)
CANARIES = ("Canary Province", "987654", "bob", "correct horse", "wrong-password-42")


def logged_app(tmp_path: Path, log_format: str) -> Flask:
    app = create_app(
        {
            "SECRET_KEY": "t20-" + "k" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 't20.db'}",
            "LOG_FORMAT": log_format,
            "LOG_REQUESTS": True,
        }
    )
    app.test_client_class = EnglishBrowserClient
    with app.app_context():
        db.create_all()
    return app


def visit(app: Flask, definition: Any, full_answers: dict[str, Any]) -> None:
    """A wrong sign-in with a forged name, an intern's work, a CSRF-less post, a 403."""
    stranger = app.test_client()
    page = stranger.get("/auth/signin").text
    forged = {"username": FORGED_NAME, "password": "wrong-password-42"}
    stranger.post("/auth/signin", data={"csrf_token": csrf_token(page), **forged})
    stranger.get("/nowhere%0D%0AINFO%20forged%20line")  # CR LF in a logged path
    for hostile in HOSTILE_PATHS:  # quotes, backslashes, controls, a lone surrogate's bytes
        stranger.get(hostile, headers={"User-Agent": 'ua"\\ {"forged": 1}'})
    intern = InternBrowser(app.test_client(), definition)
    intern.sign_up()
    assessment_id = intern.start()
    intern.answer_all(
        assessment_id, {**full_answers, "home_region": "Canary Province", "savings": 987654}
    )
    intern.client.post("/assessments", data={})  # no CSRF token
    intern.client.get("/coordinator/")  # not a coordinator: 403
    intern.client.post(
        "/auth/signout", data={"csrf_token": csrf_token(intern.client.get("/me").text)}
    )


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_t20_security_events_are_logged_without_personal_values(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    definition: Any,
    full_answers: dict[str, Any],
    log_format: str,
) -> None:
    app = logged_app(tmp_path, log_format)
    visit(app, definition, full_answers)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines
    assert not [line for line in lines if line.startswith("INFO forged")]  # no forged line
    assert all(line.isascii() or log_format == "text" for line in lines)
    assert not [line for line in lines if re.search("[\x00-\x08\x0b-\x1f\x7f\x85\u2028]", line)]
    for canary in CANARIES:
        assert not [line for line in lines if canary in line], canary
    if log_format == "json":
        records = [json.loads(line) for line in lines]  # every line is one whole record
        assert not [r for r in records if r.get("forged")]
        paths = [r.get("path", "") for r in records]
        assert any("\x1b" in path for path in paths)  # kept as data, escaped in the line
        events = [r.get("event") for r in records]
        assert all(r["time"].endswith("Z") for r in records)
    else:
        assert all(re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+Z ", line) for line in lines)
        events = [
            m.group(1)
            for line in lines
            if (m := re.search(r"readiness\.security \[[^]]*\] (\w+)", line))
        ]
    for event in ("sign_in_refused", "csrf_refused", "access_refused", "sign_out"):
        assert event in events, (event, events)
