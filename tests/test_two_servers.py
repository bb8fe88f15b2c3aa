"""Real gunicorn servers on one database (PostgreSQL when TEST_DATABASE_URL is set, as in CI;
else one SQLite file).

- Two servers with the same secret key, and two phones: a draft saved through one server
  is resumed through the other (the multi-machine setup of the production issue in small).
- One server whose worker is killed (SIGKILL) while interns save pages: no save the
  server acknowledged is lost, and the server goes on serving.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import select

from readiness import create_app
from readiness.extensions import db
from readiness.models import Answer
from tests.fixtures.gunicorn import (
    SECRET,
    Phone,
    keep_saving,
    phone_sign_up,
    profile_post,
    servers,
    worker_pids,
)
from tests.fixtures.html import csrf_token

pytestmark = pytest.mark.servers


@pytest.fixture
def two_servers(migrated_database: str) -> Iterator[tuple[str, str]]:
    with servers(migrated_database, count=2, workers=1) as started:
        yield started[0][1], started[1][1]


def test_a_draft_saved_on_one_server_is_resumed_on_the_other(
    two_servers: tuple[str, str], definition, full_answers: dict[str, Any]
) -> None:
    first, second = two_servers
    phone = Phone(first)
    assessment_id = phone_sign_up(phone, "two-servers")
    path, fields = profile_post(phone, definition, assessment_id, full_answers)
    phone.post(path, fields)

    other_phone = Phone(second)
    _, page = other_phone.get("/auth/signin")
    other_phone.post(
        "/auth/signin",
        [
            ("csrf_token", csrf_token(page)),
            ("username", "two-servers"),
            ("password", "correct horse"),
        ],
    )
    url, _ = other_phone.get(f"/assessments/{assessment_id}")
    assert not url.endswith(path)  # resumed after the saved page
    _, saved = other_phone.get(path)
    assert f'value="{full_answers["months_in_japan"]}"' in saved


@pytest.mark.slow
def test_killing_a_worker_mid_save_loses_no_acknowledged_save(
    migrated_database: str, definition, full_answers: dict[str, Any]
) -> None:
    """Interns save while a worker is killed, then every acknowledged save is looked for: the
    kill must happen mid-flight, so set-up, fault and check are one test (over 40 lines)."""
    with servers(migrated_database, count=1, workers=2) as [(server, base)]:
        interns = []
        for number in range(4):
            phone = Phone(base)
            assessment_id = phone_sign_up(phone, f"kill-test-{number}")
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
