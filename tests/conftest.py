"""Shared fixtures: the app on a fresh database per test, a client, and an intern helper."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from readiness import create_app
from readiness.config import normalise_database_url
from readiness.core.definitions import AssessmentDefinition, require_definitions
from readiness.extensions import db
from readiness.models import Answer, User
from readiness.services.demo import demo_answer_sets

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = PROJECT_ROOT / "questionnaires"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's READINESS_* or DATABASE_URL settings."""
    for name in list(os.environ):
        if name.startswith("READINESS_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def definition() -> AssessmentDefinition:
    """The real default questionnaire with its rules."""
    return require_definitions(QUESTIONNAIRES).default


@pytest.fixture
def full_answers() -> dict[str, Any]:
    """A complete, valid answer set for the real questionnaire (a TITP intern from Vietnam)."""
    return dict(demo_answer_sets()["base"])


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    database = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"
    )
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + "x" * 16,
            "SQLALCHEMY_DATABASE_URI": database,
            "JOBS_DIR": str(tmp_path / "jobs"),
            "COHORT_CACHE_SECONDS": 0,  # tests change data between page loads
        }
    )
    app.test_client_class = EnglishBrowserClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        empty_database()
        db.engine.dispose()


class EnglishBrowserClient(FlaskClient):
    """A browser that asks for English, as most tests read English text.

    Interns then see English; coordinators and admins still see Japanese unless their
    profile says otherwise (tests in test_i18n.py cover both).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def empty_database() -> None:
    """Drop every table, the migrations' version table included (PostgreSQL runs share one)."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in page"
    return match.group(1)


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def is_checked(html: str, name: str, value: str) -> bool:
    """Whether the page shows the radio or checkbox ``name=value`` as checked."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    return False


def form_fields(question_type: str, question_id: str, value: Any) -> list[tuple[str, str]]:
    """How a browser sends one answer."""
    if value is None:
        return []
    if question_type == "multiple_choice":
        return [(question_id, v) for v in value]
    return [(question_id, str(value))]


def submit_sign_up(
    client: FlaskClient, username: str, password: str, locale: str = "en", display_name: str = ""
) -> Any:
    """Fill in and send the sign-up form; the response, unchecked."""
    page = client.get("/auth/signup").get_data(as_text=True)
    fields = {"username": username, "password": password, "confirm": password}
    fields |= {"locale": locale, "display_name": display_name}
    return client.post("/auth/signup", data={"csrf_token": csrf_token(page), **fields})


def submit_sign_in(client: FlaskClient, username: str, password: str) -> Any:
    """Fill in and send the sign-in form (the password step); the response, unchecked."""
    page = client.get("/auth/signin").get_data(as_text=True)
    fields = {"csrf_token": csrf_token(page), "username": username, "password": password}
    return client.post("/auth/signin", data=fields)


def authenticator_key(app: Flask, username: str, page: str) -> str:
    """The key a phone's authenticator holds for ``username``, ready for a new code.

    On the set-up page (first sign-in) it is the key the page shows. Otherwise it is the
    account's key, and the step the last code used is forgotten: each sign-in in a test is
    like a new device within the same 30 seconds (a code works once: T14 tests that).
    """
    shown = re.search(r'<span class="secret">([A-Z2-7 ]+)</span>', page)
    if shown:
        return shown[1].replace(" ", "")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        user.totp_last_step = None
        db.session.commit()
        return user.totp_secret


def give_consent(client: FlaskClient) -> None:
    """Tick the box on the consent page, as every intern does before starting (P1)."""
    page = client.get("/me/consent").get_data(as_text=True)
    response = client.post("/me/consent", data={"csrf_token": csrf_token(page), "agree": "y"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


class InternBrowser:
    """Drives the intern flow through the test client, as a phone browser would."""

    def __init__(self, client: FlaskClient, definition: AssessmentDefinition) -> None:
        self.client = client
        self.definition = definition

    def sign_up(
        self, username: str = "intern-a", password: str = "correct horse", display_name: str = ""
    ) -> None:
        response = submit_sign_up(self.client, username, password, display_name=display_name)
        assert response.status_code == 303, response.get_data(as_text=True)
        give_consent(self.client)

    def sign_in(self, username: str = "intern-a", password: str = "correct horse") -> None:
        assert submit_sign_in(self.client, username, password).status_code == 303

    def start(self) -> int:
        home = self.client.get("/me").get_data(as_text=True)
        response = self.client.post("/assessments", data={"csrf_token": csrf_token(home)})
        assert response.status_code == 303
        return int(re.search(r"/assessments/(\d+)", response.location).group(1))

    def page_url(self, assessment_id: int, page_id: str) -> str:
        return f"/assessments/{assessment_id}/pages/{page_id}"

    def post_page(
        self,
        assessment_id: int,
        page_id: str,
        answers: dict[str, Any],
        action: str = "next",
        extra: list[tuple[str, str]] | None = None,
        **overrides: str,
    ) -> Any:
        """GET the page for its tokens, then POST the given answers for its questions."""
        url = self.page_url(assessment_id, page_id)
        html = self.client.get(url).get_data(as_text=True)
        data = [
            ("csrf_token", csrf_token(html)),
            ("action", action),
            ("definition_hash", hidden_value(html, "definition_hash")),
            ("soft_ack", hidden_value(html, "soft_ack")),
        ]
        page = self.definition.pages[page_id]
        for question in page.questions:
            if question.id in answers:
                data += form_fields(question.type, question.id, answers[question.id])
        data += extra or []
        data = [(k, overrides.get(k, v)) for k, v in data]
        return self.client.post(url, data=MultiDict(data))

    def answer_all(self, assessment_id: int, answers: dict[str, Any]) -> None:
        """Answer every shown page in order with ``answers``."""
        for page in self.definition.visible_pages(answers):
            shown = {
                q.id: answers[q.id]
                for q in self.definition.visible_questions(page, answers)
                if q.id in answers
            }
            response = self.post_page(assessment_id, page.id, shown)
            assert response.status_code == 303, (page.id, response.get_data(as_text=True)[:3000])

    def submit(self, assessment_id: int) -> Any:
        html = self.client.get(f"/assessments/{assessment_id}/review").get_data(as_text=True)
        token = re.search(r'name="submit_token" value="([^"]+)"', html).group(1)
        return self.client.post(
            f"/assessments/{assessment_id}/submit",
            data={"csrf_token": csrf_token(html), "submit_token": token},
        )


@pytest.fixture
def intern(client: FlaskClient, definition: AssessmentDefinition) -> InternBrowser:
    browser = InternBrowser(client, definition)
    browser.sign_up()
    return browser


@pytest.fixture
def answered(intern: InternBrowser, full_answers: dict[str, Any]) -> int:
    """An assessment with every page answered (not submitted yet); returns its id."""
    assessment_id = intern.start()
    intern.answer_all(assessment_id, full_answers)
    return assessment_id


def stored_answers(app: Flask, assessment_id: int) -> dict[str, Any]:
    """The draft's answers as stored in the database, by question id."""
    with app.app_context():
        rows = db.session.execute(
            select(Answer.question_id, Answer.value_json).where(
                Answer.assessment_id == assessment_id
            )
        )
        return {question_id: json.loads(value) for question_id, value in rows}
