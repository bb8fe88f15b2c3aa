"""Real gunicorn servers on one database (PostgreSQL when TEST_DATABASE_URL is set, as in CI;
else one SQLite file).

- Two servers with the same secret key, and two phones: a draft saved through one server
  is resumed through the other (the multi-machine setup of the production issue in small).
- One server whose worker is killed (SIGKILL) while interns save pages: no save the
  server acknowledged is lost, and the server goes on serving.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from readiness import create_app
from readiness.config import normalise_database_url
from readiness.extensions import db
from readiness.models import Answer

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


def start_server(database: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """A real gunicorn with readiness's settings on a free loopback port: (process, base URL)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "READINESS_SECRET_KEY": SECRET,
        "READINESS_BIND": f"127.0.0.1:{port}",
        "READINESS_WORKERS": str(workers),
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "-c", "python:readiness.gunicorn_conf", "readiness.wsgi:app"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return server, f"http://127.0.0.1:{port}"


@pytest.fixture
def migrated_database(tmp_path: Path) -> Iterator[str]:
    """PostgreSQL when TEST_DATABASE_URL is set (as in CI), else a SQLite file; emptied after."""
    database = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'shared.db'}"
    )
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        empty_database()
        upgrade()
    yield database
    with app.app_context():
        db.session.remove()
        empty_database()
        db.engine.dispose()


@contextmanager
def servers(database: str, count: int, workers: int) -> Iterator[list[tuple[Any, str]]]:
    """``count`` gunicorn servers, ready: [(process, base URL)], stopped after."""
    started = [start_server(database, workers) for _ in range(count)]
    try:
        for _, base in started:
            assert wait_for_json(base + "/readyz", seconds=60)["database"] == "ok"
        yield started
    finally:
        for server, _ in started:
            server.terminate()
            server.wait(timeout=30)


@pytest.fixture
def two_servers(migrated_database: str) -> Iterator[tuple[str, str]]:
    with servers(migrated_database, count=2, workers=1) as started:
        yield started[0][1], started[1][1]


def sign_up(phone: Phone, username: str) -> int:
    """Sign up, agree to the consent text and start an assessment; returns its id."""
    _, page = phone.get("/auth/signup")
    fields = {"username": username, "password": "correct horse", "confirm": "correct horse"}
    _, consent = phone.post(
        "/auth/signup", [("csrf_token", token(page)), *fields.items(), ("locale", "en")]
    )
    phone.post("/me/consent", [("csrf_token", token(consent)), ("agree", "y")])
    _, home = phone.get("/me")
    url, _ = phone.post("/assessments", [("csrf_token", token(home))])
    return int(re.search(r"/assessments/(\d+)", url).group(1))


def profile_post(
    phone: Phone, definition: Any, assessment_id: int, answers: dict[str, Any]
) -> tuple[str, list[tuple[str, str]]]:
    """The profile page's path and the fields a browser would send to save ``answers``."""
    profile = definition.questionnaire.pages[0]
    path = f"/assessments/{assessment_id}/pages/{profile.id}"
    _, html = phone.get(path)
    fields = [
        ("csrf_token", token(html)),
        ("definition_hash", token(html, "definition_hash")),
        ("soft_ack", ""),
        ("action", "next"),
    ]
    for question in definition.visible_questions(profile, answers):
        fields += form_fields(question.type, question.id, answers.get(question.id))
    return path, fields


def test_a_draft_saved_on_one_server_is_resumed_on_the_other(
    two_servers: tuple[str, str], definition, full_answers: dict[str, Any]
) -> None:
    first, second = two_servers
    phone = Phone(first)
    assessment_id = sign_up(phone, "two-servers")
    path, fields = profile_post(phone, definition, assessment_id, full_answers)
    phone.post(path, fields)

    other_phone = Phone(second)
    _, page = other_phone.get("/auth/signin")
    other_phone.post(
        "/auth/signin",
        [("csrf_token", token(page)), ("username", "two-servers"), ("password", "correct horse")],
    )
    url, _ = other_phone.get(f"/assessments/{assessment_id}")
    assert not url.endswith(path)  # resumed after the saved page
    _, saved = other_phone.get(path)
    assert f'value="{full_answers["months_in_japan"]}"' in saved


def worker_pids(master: int) -> list[int]:
    """gunicorn's worker processes: the master's children (Linux /proc)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def keep_saving(
    phone: Phone, path: str, fields: list[tuple[str, str]], name: str, stop: threading.Event
) -> list[tuple[str, bool]]:
    """Save the profile page again and again, each time with a new marker in home_region.

    Returns every attempt as (marker, acknowledged): acknowledged when the server
    answered by sending the intern on to the next page.
    """
    attempts = []
    while not stop.is_set():
        marker = f"{name} save {len(attempts) + 1}"
        body = [(key, marker if key == "home_region" else value) for key, value in fields]
        try:
            url, _ = phone.post(path, body)
            attempts.append((marker, not url.endswith(path)))
        except (OSError, http.client.HTTPException):  # the connection died with the worker
            attempts.append((marker, False))
    return attempts


def test_killing_a_worker_mid_save_loses_no_acknowledged_save(
    migrated_database: str, definition, full_answers: dict[str, Any]
) -> None:
    with servers(migrated_database, count=1, workers=2) as [(server, base)]:
        interns = []
        for number in range(4):
            phone = Phone(base)
            assessment_id = sign_up(phone, f"kill-test-{number}")
            path, fields = profile_post(phone, definition, assessment_id, full_answers)
            interns.append((assessment_id, phone, path, fields))
        stop = threading.Event()
        with ThreadPoolExecutor(len(interns)) as pool:
            running = [
                pool.submit(keep_saving, phone, path, fields, f"intern {n}", stop)
                for n, (_, phone, path, fields) in enumerate(interns)
            ]
            time.sleep(1.5)
            victim = worker_pids(server.pid)[0]
            os.kill(victim, signal.SIGKILL)
            time.sleep(2.5)
            stop.set()
            outcomes = [future.result() for future in running]
        deadline = time.monotonic() + 30
        while victim in worker_pids(server.pid) or len(worker_pids(server.pid)) < 2:
            assert time.monotonic() < deadline, "gunicorn did not replace the killed worker"
            time.sleep(0.2)
        _, phone, path, fields = interns[0]
        url, _ = phone.post(path, fields)
        assert not url.endswith(path), "the server stopped saving after the kill"

    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": migrated_database})
    with app.app_context():
        for (assessment_id, *_), attempts in zip(interns, outcomes, strict=True):
            acknowledged = [i for i, (_, ok) in enumerate(attempts) if ok]
            assert acknowledged, "no save was acknowledged"
            stored = db.session.scalar(
                select(Answer.value_json).where(
                    Answer.assessment_id == assessment_id, Answer.question_id == "home_region"
                )
            )
            # The last acknowledged save, or a later one whose answer was lost on the way back.
            possible = [marker for marker, _ in attempts[acknowledged[-1] :]]
            if assessment_id == interns[0][0]:
                possible = [full_answers["home_region"]]  # the save after the kill came last
            assert json.loads(stored) in possible
        db.session.remove()
        db.engine.dispose()
