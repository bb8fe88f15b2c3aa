"""Bulk plan reports: many interns' PDFs in one ZIP, built in the background with progress.

The job's state (status, how many done, which failed) is in the database, so a
page reload shows it and any app process can serve the finished ZIP. Jobs run
in this process on a background thread (the embedded default); PDFs are made
by the render pool's worker processes, one per core. A PDF that cannot be made
is listed in the job and in ``ERRORS.txt`` inside the ZIP, never silently
left out. (Running jobs on Redis workers when ``REDIS_URL`` is set comes with
the production issue.)
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_babel import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from readiness.extensions import db
from readiness.models import Assessment, ReportJob, User, utcnow
from readiness.operations import submitted_assessments
from readiness.reports.pool import RenderError, RenderPool
from readiness.reports.render import ReportData
from readiness.reports.service import cached_pdf, report_cache_key, report_data, store_pdf
from readiness.web.i18n import use_locale

if TYPE_CHECKING:
    from readiness.app import ReadinessState

LOGGER = logging.getLogger("readiness.jobs")
BATCH = 8
MAX_INTERNS_PER_JOB = 5000


def create_job(coordinator: User, user_ids: list[int], locale: str) -> ReportJob:
    job = ReportJob(
        organisation_id=coordinator.organisation_id,
        created_by_id=coordinator.id,
        user_ids_json=json.dumps(user_ids[:MAX_INTERNS_PER_JOB]),
        locale=locale,
        total=min(len(user_ids), MAX_INTERNS_PER_JOB),
    )
    db.session.add(job)
    db.session.commit()
    return job


def zip_entry_name(text: str) -> str:
    """Letters of any script, digits, '.', '_' and '-': no path, no control characters."""
    return re.sub(r"[^\w.-]+", "-", text).strip(".-")[:120] or "intern"


def pdf_name(user: User, used: set[str]) -> str:
    """A clear, safe, unique file name per intern inside the ZIP."""
    base = zip_entry_name(f"{user.name_on_reports}-{user.username}")
    name, number = f"{base}.pdf", 2
    while name in used:
        name, number = f"{base}-{number}.pdf", number + 1
    used.add(name)
    return name


class _Entry:
    """One intern of the job: the PDF from the cache, the data to render, or why neither."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.pdf: bytes | None = None
        self.data: ReportData | None = None
        self.key = ""
        self.assessment_id = 0
        self.problem: str | None = None


def _prepare(user: User, state: ReadinessState, locale: str) -> _Entry:
    entry = _Entry(user)
    assessments: list[Assessment] = submitted_assessments(user)
    if not assessments:
        entry.problem = _("has not submitted an assessment yet")
        return entry
    latest = assessments[0]
    definition = state.definitions.get(latest.questionnaire_id)
    if definition is None or definition.plan is None:
        entry.problem = _("the questionnaire of the latest assessment is not loaded")
        return entry
    version = state.renderer.version
    entry.key = report_cache_key(latest, definition, version, locale, state.rates)
    entry.assessment_id = latest.id
    cached = cached_pdf(latest.id, entry.key)
    if cached is not None:
        entry.pdf = cached[0]
    else:
        entry.data = report_data(latest, definition, locale, entry.key, state.rates)
    return entry


def _render_batch(entries: list[_Entry], pool: RenderPool) -> None:
    """Render what the cache did not have, on every worker at once, and store it."""
    todo = [e for e in entries if e.data is not None]
    for entry, pdf in zip(todo, pool.render_many([e.data for e in todo]), strict=True):
        if isinstance(pdf, RenderError):
            entry.problem = str(pdf)
        else:
            entry.pdf = pdf
            store_pdf(entry.assessment_id, entry.key, entry.data.report_id, pdf)


def build_zip(
    job: ReportJob,
    state: ReadinessState,
    out_dir: Path,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Put every intern's latest plan PDF into a ZIP; record progress and failures on the job.

    PDFs come from the cache or are rendered on ``state.bulk_pool``. Failures are written
    in the job's language (the coordinator's, when it was started).
    """
    with use_locale(job.locale):
        return _write_zip(job, state, out_dir, progress)


def _write_zip(
    job: ReportJob, state: ReadinessState, out_dir: Path, progress: Callable[[int], None] | None
) -> Path:
    user_ids = json.loads(job.user_ids_json)
    users = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_(user_ids), User.organisation_id == job.organisation_id)
        )
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"reports-{job.id}.zip"
    errors: list[str] = []
    used: set[str] = set()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for start in range(0, len(user_ids), BATCH):
            chunk = user_ids[start : start + BATCH]
            entries = [_prepare(users[i], state, job.locale) for i in chunk if i in users]
            _render_batch(entries, state.bulk_pool)
            for entry in entries:
                if entry.pdf is not None:
                    archive.writestr(pdf_name(entry.user, used), entry.pdf)
                else:
                    errors.append(
                        f"{entry.user.name_on_reports} ({entry.user.username}): {entry.problem}"
                    )
            job.done_count += len(chunk)
            job.errors_json = json.dumps(errors, ensure_ascii=False)
            db.session.commit()
            if progress:
                progress(len(chunk))
        if errors:
            archive.writestr("ERRORS.txt", "\n".join(errors) + "\n")
    return path


#: A job starts at most this many times; temporary failures in between are retried.
MAX_ATTEMPTS = 3
#: Seconds to wait before each retry (RQ and the in-process queue alike).
RETRY_DELAYS = (5.0, 30.0)
#: Failures worth another try: the database or Redis was briefly unreachable.
TRANSIENT = (OperationalError, RedisConnectionError)


class TemporaryJobError(RuntimeError):
    """The job hit a temporary failure and is marked ``retrying``; run it again later."""


def run_job(app: Flask, job_id: int) -> None:
    """Run one job inside an app context.

    A temporary failure (database or Redis unreachable) marks the job ``retrying`` and
    raises :class:`TemporaryJobError` while attempts remain; any other crash, or the last
    attempt, marks it failed with the reason.
    """
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        if job is None or job.status not in ("queued", "retrying"):
            return
        state = app.extensions["readiness"]
        job.status, job.attempts, job.done_count, job.errors_json = (
            "running",
            job.attempts + 1,
            0,
            "[]",
        )
        db.session.commit()
        try:
            path = build_zip(job, state, Path(app.config["JOBS_DIR"]))
        except TRANSIENT as exc:
            db.session.rollback()
            job = db.session.get(ReportJob, job_id)
            if job.attempts < MAX_ATTEMPTS:
                LOGGER.warning("report job %s: temporary failure, will retry: %s", job_id, exc)
                job.status = "retrying"
                db.session.commit()
                raise TemporaryJobError(str(exc)) from exc
            _mark_failed(job, exc)
        except Exception as exc:
            LOGGER.exception("report job %s failed", job_id)
            db.session.rollback()
            _mark_failed(db.session.get(ReportJob, job_id), exc)
        else:
            job.status, job.zip_path, job.finished_at = "done", str(path), utcnow()
            db.session.commit()


def _mark_failed(job: ReportJob, exc: Exception) -> None:
    job.status, job.finished_at = "failed", utcnow()
    with use_locale(job.locale):
        stopped = _("the job stopped: %(reason)s", reason=exc)
    job.errors_json = json.dumps([*job.errors, stopped], ensure_ascii=False)
    db.session.commit()


class InProcessQueue:
    """The embedded default: jobs run one at a time on a background thread of this process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-jobs")

    def enqueue(self, job_id: int) -> Any:
        return self.executor.submit(self._run, job_id)

    def _run(self, job_id: int) -> None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                run_job(self.app, job_id)
                return
            except TemporaryJobError:
                time.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])


class RedisQueue:
    """With ``REDIS_URL`` set: jobs wait in Redis and ``rq`` worker processes run them.

    Start workers with ``make worker`` (see docs/coordinators.md); they build the app from
    the same environment (``DATABASE_URL``, ``READINESS_*``) as the web processes.
    """

    def __init__(self, url: str, name: str) -> None:
        from redis import Redis
        from rq import Queue

        self.queue = Queue(name, connection=Redis.from_url(url))

    def enqueue(self, job_id: int) -> Any:
        from rq import Retry

        return self.queue.enqueue(
            run_job_in_worker,
            job_id,
            job_timeout=3600,
            retry=Retry(max=MAX_ATTEMPTS - 1, interval=list(RETRY_DELAYS)),
            description=f"readiness report job {job_id}",
        )


def run_job_in_worker(job_id: int) -> None:
    """What an RQ worker runs: the app, built from the environment, then the job."""
    from readiness import create_app  # the lazy factory: no import cycle with readiness.app

    app = create_app()
    try:
        run_job(app, job_id)
    finally:  # a worker lives long: give its database connections back
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def make_queue(app: Flask) -> InProcessQueue | RedisQueue:
    """Redis when ``REDIS_URL`` is configured, else this process (the embedded default)."""
    url = app.config.get("REDIS_URL")
    if url:
        return RedisQueue(url, app.config["JOB_QUEUE"])
    return InProcessQueue(app)


def cpu_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
