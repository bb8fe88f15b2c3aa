"""Checklist item R7 (SQLite contention) of docs/security.md: the embedded default under
many writers. gunicorn with 2 workers x 4 threads on one SQLite file; 24 interns save pages
as fast as they can; then the whole server is SIGKILLed. Passes when no request failed
("database is locked" or any other error), the file passes PRAGMA integrity_check, and every
intern's last acknowledged save is stored. (Bounded: 24 writers for 8 s, not 50 for 60 s.)"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.fixtures.gunicorn import (
    Phone,
    keep_saving,
    phone_sign_up,
    profile_post,
    servers,
    worker_pids,
)

WRITERS, SECONDS = 24, 8.0

pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(
        bool(os.environ.get("TEST_DATABASE_URL")), reason="R7 is about the SQLite default"
    ),
]


@pytest.mark.slow
def test_r7_many_writers_on_sqlite_lose_nothing_and_survive_a_kill(
    migrated_database: str,
    definition: Any,
    full_answers: dict[str, Any],
) -> None:
    with servers(migrated_database, count=1, workers=2) as [(server, base)]:
        with ThreadPoolExecutor(WRITERS) as pool:
            interns = list(
                pool.map(lambda n: intern(base, n, definition, full_answers), range(WRITERS))
            )
            stop = threading.Event()
            running = [
                pool.submit(keep_saving, phone, path, fields, f"writer {n}", stop)
                for n, (_, phone, path, fields) in enumerate(interns)
            ]
            time.sleep(SECONDS)
            stop.set()
            outcomes = [future.result() for future in running]
        for pid in [*worker_pids(server.pid), server.pid]:  # the whole server, mid-flight
            os.kill(pid, signal.SIGKILL)
        server.wait(timeout=10)

    saves = sum(len(attempts) for attempts in outcomes)
    failed = [marker for attempts in outcomes for marker, ok in attempts if not ok]
    assert saves > WRITERS * 5, f"only {saves} saves: the test did not load the server"
    assert failed == [], f"{len(failed)} of {saves} saves failed under contention"
    path = migrated_database.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for (assessment_id, *_), attempts in zip(interns, outcomes, strict=True):
            stored = connection.execute(
                "SELECT value_json FROM answer WHERE assessment_id = ? AND question_id = ?",
                (assessment_id, "home_region"),
            ).fetchone()
            assert json.loads(stored[0]) == attempts[-1][0]  # every save was acknowledged


def intern(
    base: str, number: int, definition: Any, answers: dict[str, Any]
) -> tuple[int, Phone, str, list[tuple[str, str]]]:
    phone = Phone(base)
    assessment_id = phone_sign_up(phone, f"writer-{number}")
    path, fields = profile_post(phone, definition, assessment_id, answers)
    return assessment_id, phone, path, fields
