"""Two app servers on one database: a draft saved through one is resumed through the other.

This is the multi-machine setup of the production issue in small: two gunicorn
processes (on PostgreSQL when TEST_DATABASE_URL is set, as in CI; else one SQLite file)
with the same secret key, and two phones.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask_migrate import upgrade

from readiness import create_app
from readiness.config import normalise_database_url
from readiness.extensions import db

from .conftest import empty_database, form_fields
from .web.test_production import free_port, wait_for_json

SECRET = "two-servers-" + "k" * 30


class Phone:
    """A browser with its own cookies, talking to one server."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, fields: list[tuple[str, str]]) -> tuple[str, str]:
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.base + path, data=data, timeout=30) as response:
            return response.geturl(), response.read().decode()


def token(html: str, name: str = "csrf_token") -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"no {name} in the page"
    return match.group(1)


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    database = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'shared.db'}"
    )
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        empty_database()
        upgrade()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    servers, bases = [], []
    for _ in range(2):
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "READINESS_SECRET_KEY": SECRET,
            "READINESS_BIND": f"127.0.0.1:{port}",
            "READINESS_WORKERS": "1",
        }
        servers.append(
            subprocess.Popen(
                [gunicorn, "-c", "python:readiness.gunicorn_conf", "readiness.wsgi:app"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            assert wait_for_json(base + "/readyz", seconds=60)["database"] == "ok"
        yield bases[0], bases[1]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        with app.app_context():
            db.session.remove()
            empty_database()
            db.engine.dispose()


def test_a_draft_saved_on_one_server_is_resumed_on_the_other(
    two_servers: tuple[str, str], definition, full_answers: dict[str, Any]
) -> None:
    first, second = two_servers
    phone = Phone(first)
    _, page = phone.get("/auth/signup")
    fields = {"username": "two-servers", "password": "correct horse", "confirm": "correct horse"}
    phone.post("/auth/signup", [("csrf_token", token(page)), *fields.items(), ("locale", "en")])
    _, home = phone.get("/me")
    url, _ = phone.post("/assessments", [("csrf_token", token(home))])
    assessment_id = int(re.search(r"/assessments/(\d+)", url).group(1))
    profile = definition.questionnaire.pages[0]
    path = f"/assessments/{assessment_id}/pages/{profile.id}"
    _, html = phone.get(path)
    answers = [
        pair
        for question in definition.visible_questions(profile, full_answers)
        for pair in form_fields(question.type, question.id, full_answers.get(question.id))
    ]
    phone.post(
        path,
        [
            ("csrf_token", token(html)),
            ("definition_hash", token(html, "definition_hash")),
            ("soft_ack", ""),
            *answers,
            ("action", "next"),
        ],
    )

    other_phone = Phone(second)
    _, page = other_phone.get("/auth/signin")
    other_phone.post(
        "/auth/signin",
        [("csrf_token", token(page)), ("username", "two-servers"), ("password", "correct horse")],
    )
    url, _ = other_phone.get(f"/assessments/{assessment_id}")
    assert not url.endswith(f"/pages/{profile.id}")  # resumed after the saved page
    _, saved = other_phone.get(path)
    assert f'value="{full_answers["months_in_japan"]}"' in saved
