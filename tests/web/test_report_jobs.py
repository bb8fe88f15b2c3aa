"""Bulk plan reports: a background job with progress, clear names, failures reported."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from readiness import queue
from readiness.extensions import db
from readiness.models import ReportJob, User
from readiness.services import bulk_reports
from readiness.services.bulk_reports import pdf_name, zip_entry_name
from tests.fixtures.accounts import Join, MakeUser, SignedIn, invite
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """This module's app commits for real: jobs run on a background thread of their own."""
    return make_app()


def wait_for(app: Flask, job_id: int, seconds: float = 120) -> ReportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(ReportJob, job_id)
            if job.status in ("done", "failed"):
                return job
        time.sleep(0.2)
    raise AssertionError("the job did not finish in time")


@pytest.fixture
def cohort(
    app: Flask,
    definition,
    full_answers: dict[str, Any],
    join: Join,
    make_user: MakeUser,
    signed_in: SignedIn,
) -> dict[str, Any]:
    """Org A: two interns who submitted (one with a Vietnamese name) and one who did not."""
    make_user("coord-a", "coordinator", "Org A")
    make_user("coord-b", "coordinator", "Org B")
    coordinator = signed_in("coord-a")
    ids = {}
    for username, name, submit in (
        ("hoa", "Trần Thị Hoa", True),
        ("budi", "Budi", True),
        ("late", "Late Starter", False),
    ):
        intern = InternBrowser(join(invite(coordinator, display_name=name), username), definition)
        if submit:
            assessment_id = intern.start()
            intern.answer_all(assessment_id, full_answers)
            intern.submit(assessment_id)
        with app.app_context():
            ids[username] = db.session.scalar(select(User.id).where(User.username == username))
    return {"coordinator": coordinator, "ids": ids}


def start(client: FlaskClient, **form: Any) -> int:
    page = client.get("/coordinator/").text
    response = client.post("/coordinator/reports", data={"csrf_token": csrf_token(page), **form})
    assert response.status_code == 303
    return int(response.location.rstrip("/").split("/")[-1])


def test_a_zip_of_the_filtered_interns(app: Flask, cohort: dict[str, Any]) -> None:
    client = cohort["coordinator"]
    job_id = start(client)  # no ticks: everyone the (empty) filter shows
    job = wait_for(app, job_id)
    assert (job.status, job.total, job.done_count) == ("done", 3, 3)
    assert job.errors == []  # not having submitted is not a failure...
    assert job.not_submitted == ["Late Starter (late): has not submitted an assessment yet"]
    page = client.get(f"/coordinator/reports/{job_id}").text
    assert "Finished: 2 PDFs." in page
    assert "1 intern has not submitted an assessment yet" in page  # ...said apart, calmly
    assert "Late Starter (late): has not submitted" in page
    assert 'class="alert"' not in page  # no red box: nothing failed
    assert 'http-equiv="refresh"' not in page  # finished: no more reloading
    with client.get(f"/coordinator/reports/{job_id}/download") as response:
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert names == ["Budi-budi.pdf", "NOT_SUBMITTED.txt", "Trần-Thị-Hoa-hoa.pdf"]
    assert archive.read("Budi-budi.pdf").startswith(b"%PDF-")
    assert "Late Starter" in archive.read("NOT_SUBMITTED.txt").decode()


def test_ticked_interns_only_and_never_another_organisations(
    app: Flask, cohort: dict[str, Any], make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("stranger", "intern", "Org B")
    with app.app_context():
        stranger = db.session.scalar(select(User.id).where(User.username == "stranger"))
    job_id = start(cohort["coordinator"], user_id=[cohort["ids"]["hoa"], stranger])
    job = wait_for(app, job_id)
    assert (job.total, job.errors) == (1, [])
    other = signed_in("coord-b")
    assert other.get(f"/coordinator/reports/{job_id}").status_code == 404
    assert other.get(f"/coordinator/reports/{job_id}/download").status_code == 404


def test_the_progress_page_reloads_while_the_job_runs(app: Flask, cohort: dict[str, Any]) -> None:
    with app.app_context():
        coordinator = db.session.scalar(select(User).where(User.username == "coord-a"))
        job = ReportJob(
            organisation_id=coordinator.organisation_id,
            user_ids_json="[1, 2, 3, 4]",
            total=4,
            done_count=1,
            status="running",
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    page = cohort["coordinator"].get(f"/coordinator/reports/{job_id}").text
    assert 'http-equiv="refresh"' in page
    assert "1 of 4 done" in page
    assert 'aria-valuenow="25"' in page
    assert cohort["coordinator"].get(f"/coordinator/reports/{job_id}/download").status_code == 404


def test_the_reports_command_writes_a_zip(app: Flask, cohort: dict[str, Any], tmp_path) -> None:
    output = tmp_path / "reports.zip"
    result = app.test_cli_runner().invoke(args=["reports", "--org", "Org A", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    assert "2 PDF(s), 0 not made, 1 not submitted yet" in result.output
    assert sorted(zipfile.ZipFile(output).namelist()) == [
        "Budi-budi.pdf",
        "NOT_SUBMITTED.txt",
        "Trần-Thị-Hoa-hoa.pdf",
    ]


def test_zip_entry_names_are_safe_and_unique() -> None:
    assert zip_entry_name("../../etc/passwd") == "etc-passwd"
    assert zip_entry_name('"; filename=x.exe') == "filename-x.exe"
    used: set[str] = set()
    user = User(username="a", display_name="Same Name")
    assert [pdf_name(user, used) for _ in range(3)] == [
        "Same-Name-a.pdf",
        "Same-Name-a-2.pdf",
        "Same-Name-a-3.pdf",
    ]


def test_a_temporary_failure_is_retried_and_the_attempts_are_visible(
    app: Flask, cohort: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_build_zip = bulk_reports.build_zip
    calls: list[int] = []

    def flaky(job: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(job.id)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, ConnectionError("database restarting"))
        return real_build_zip(job, *args, **kwargs)

    monkeypatch.setattr(bulk_reports, "build_zip", flaky)
    monkeypatch.setattr(queue, "RETRY_DELAYS", (0.01, 0.01))
    job = wait_for(app, start(cohort["coordinator"]))
    assert (job.status, job.attempts, len(calls)) == ("done", 2, 2)
    assert job.done_count == job.total  # the second attempt started the count again


def test_a_failure_that_persists_stops_after_the_last_attempt(
    app: Flask, cohort: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*_args: Any, **_kwargs: Any) -> Any:
        raise OperationalError("SELECT 1", {}, ConnectionError("database down"))

    monkeypatch.setattr(bulk_reports, "build_zip", down)
    monkeypatch.setattr(queue, "RETRY_DELAYS", (0.01, 0.01))
    job = wait_for(app, start(cohort["coordinator"]))
    assert (job.status, job.attempts) == ("failed", queue.MAX_ATTEMPTS)
    assert any("database down" in error for error in job.errors)


def test_the_job_page_says_when_a_job_is_being_retried(app: Flask, cohort: dict[str, Any]) -> None:
    client = cohort["coordinator"]
    job_id = wait_for(app, start(client)).id
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        job.status, job.attempts = "retrying", 1
        db.session.commit()
    page = client.get(f"/coordinator/reports/{job_id}").text
    assert "trying again (attempt 2 of 3)" in page
    assert '<meta http-equiv="refresh" content="2">' in page  # and it keeps watching
