"""With REDIS_URL set, bulk-report jobs go to Redis and an RQ worker runs them."""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Queue
from rq.worker import SimpleWorker
from sqlalchemy import select

from readiness.extensions import db
from readiness.models import ReportJob, User
from readiness.queue import RedisQueue
from readiness.state import state_of
from tests.fixtures.accounts import Join, MakeUser, SignedIn, invite
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_or_skip() -> Redis:
    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (the embedded default needs none)")
    return connection


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """This module's app sends jobs to Redis, on a database other processes can read."""
    redis_or_skip()
    return make_app(REDIS_URL=REDIS_URL, JOB_QUEUE=f"readiness-test-{uuid.uuid4().hex[:8]}")


def test_a_job_waits_in_redis_until_a_worker_runs_it(
    app: Flask,
    definition,
    full_answers: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_user: MakeUser,
    signed_in: SignedIn,
    join: Join,
) -> None:
    """From the coordinator's click to the worker's ZIP through a real Redis: one journey whose
    steps depend on each other, so one test (over 40 lines)."""
    connection = redis_or_skip()
    queue_name = app.config["JOB_QUEUE"]
    assert isinstance(state_of(app).queue, RedisQueue)
    # The worker builds its own app from the environment, as `make worker` does.
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("READINESS_SECRET_KEY", app.config["SECRET_KEY"])
    monkeypatch.setenv("READINESS_JOBS_DIR", str(tmp_path / "jobs"))
    try:
        make_user("coord-r", "coordinator", "Org R")
        coordinator = signed_in("coord-r")
        intern = InternBrowser(
            join(invite(coordinator, display_name="Red Is"), "redis"), definition
        )
        assessment_id = intern.start()
        intern.answer_all(assessment_id, full_answers)
        intern.submit(assessment_id)
        page = coordinator.get("/coordinator/").text
        response = coordinator.post("/coordinator/reports", data={"csrf_token": csrf_token(page)})
        job_id = int(response.location.rstrip("/").split("/")[-1])
        queue = Queue(queue_name, connection=connection)
        assert queue.count == 1
        with app.app_context():
            assert db.session.get(ReportJob, job_id).status == "queued"
        assert "Waiting to start" in coordinator.get(f"/coordinator/reports/{job_id}").text
        SimpleWorker([queue], connection=connection).work(burst=True)
        with app.app_context():
            job = db.session.get(ReportJob, job_id)
            assert (job.status, job.done_count, job.errors) == ("done", 1, [])
            assert zipfile.ZipFile(job.zip_path).namelist() == ["Red-Is-redis.pdf"]
            assert db.session.scalar(select(User.id).where(User.username == "redis"))
    finally:
        Queue(queue_name, connection=connection).delete(delete_jobs=True)
