"""Bulk plan reports: many interns' PDFs in one ZIP, built in the background with progress.

The job's state (status, how many done, which failed) is in the database, so a
page reload shows it and any app process can serve the finished ZIP. The job waits
in a queue (:mod:`readiness.queue`: a thread of this process by default, Redis and
``make worker`` processes when ``REDIS_URL`` is set); PDFs are made by the render
pool's worker processes, one per core. A PDF that cannot be made is listed in the job
and in ``ERRORS.txt`` inside the ZIP, never silently left out.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from readiness.extensions import db
from readiness.i18n import use_locale
from readiness.models import INTERN, Assessment, ReportJob, User, utcnow
from readiness.queue import MAX_ATTEMPTS, TemporaryJobError
from readiness.reports.pool import RenderError, RenderPool
from readiness.reports.render import ReportData
from readiness.services.assessments import submitted_assessments
from readiness.services.organisations import organisation_interns
from readiness.services.report_store import (
    cached_pdf,
    coordinator_copy,
    report_cache_key,
    report_data,
    store_pdf,
)
from readiness.state import ReadinessState, state_of

LOGGER = logging.getLogger(__name__)
BATCH = 8
MAX_INTERNS_PER_JOB = 5000


def create_job(
    coordinator: User | None,
    user_ids: list[int],
    locale: str,
    organisation_id: int | None = None,
    status: str = "queued",
) -> ReportJob:
    """A job for these interns (at most :data:`MAX_INTERNS_PER_JOB`), committed.

    A coordinator's job belongs to their organisation; the CLI names the organisation.
    Ids of anyone who is not an intern of that organisation are left out (T2).
    """
    owner = coordinator.organisation_id if coordinator else organisation_id
    own = set(
        db.session.scalars(
            select(User.id).where(
                User.id.in_(user_ids), User.organisation_id == owner, User.role == INTERN
            )
        )
    )
    user_ids = [i for i in dict.fromkeys(user_ids) if i in own][:MAX_INTERNS_PER_JOB]
    job = ReportJob(
        organisation_id=owner,
        created_by_id=coordinator.id if coordinator else None,
        user_ids_json=json.dumps(user_ids),
        locale=locale,
        total=len(user_ids),
        status=status,
    )
    db.session.add(job)
    db.session.commit()
    return job


def find_job(organisation_id: int | None, job_id: int) -> ReportJob | None:
    """One of the organisation's report jobs."""
    return db.session.scalar(
        select(ReportJob).where(
            ReportJob.id == job_id, ReportJob.organisation_id == organisation_id
        )
    )


def write_organisation_zip(
    organisation_id: int, locale: str, output: Path, progress: Callable[[int], None] | None
) -> ReportJob:
    """Every intern's latest plan in one ZIP at ``output``, made here and now (the CLI).

    The job is recorded like a coordinator's, so the access log and retention treat it
    the same; the ZIP is built beside ``output`` and moved there when complete.
    """
    user_ids = organisation_interns(organisation_id)
    job = create_job(None, user_ids, locale, organisation_id, status="running")
    parts = output.parent.resolve() / f".{output.name}.parts"
    path = build_zip(job, state_of(current_app), parts, progress)
    path.replace(output)
    path.parent.rmdir()
    finish_job(job, output.resolve())
    return job


def finish_job(job: ReportJob, zip_path: Path) -> None:
    job.status, job.zip_path, job.finished_at = "done", str(zip_path), utcnow()
    db.session.commit()


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
        #: No submitted assessment: nothing to make, which is not a failure.
        self.not_submitted = False


def _prepare(user: User, state: ReadinessState) -> _Entry:
    """The intern's entry; one whose data cannot be read becomes a line in ERRORS.txt
    (and the log) while the others' PDFs are still made."""
    try:
        return _prepare_entry(user, state)
    except TRANSIENT:
        raise  # the whole job is tried again
    except Exception:
        LOGGER.exception("report job: the plan of user %s could not be prepared", user.id)
        entry = _Entry(user)
        entry.problem = _("its data could not be read (the log says why)")
        return entry


def _prepare_entry(user: User, state: ReadinessState) -> _Entry:
    entry = _Entry(user)
    assessments: list[Assessment] = submitted_assessments(user)
    if not assessments:
        entry.problem = _("has not submitted an assessment yet")
        entry.not_submitted = True
        return entry
    latest = assessments[0]
    definition = state.definitions.get(latest.questionnaire_id)
    if definition is None or definition.plan is None:
        entry.problem = _("the questionnaire of the latest assessment is not loaded")
        return entry
    version = state.renderer.version
    # Each intern's plan in their own language with Japanese beside it, as one by one.
    locale, also = coordinator_copy(user)
    entry.key = report_cache_key(latest, definition, version, locale, state.rates, also)
    entry.assessment_id = latest.id
    cached = cached_pdf(latest.id, entry.key)
    if cached is not None:
        entry.pdf = cached[0]
    else:
        entry.data = report_data(latest, definition, locale, entry.key, state.rates, also)
    return entry


def _render_batch(entries: list[_Entry], pool: RenderPool) -> None:
    """Render what the cache did not have, on every worker at once, and store it."""
    todo = [(e, e.data) for e in entries if e.data is not None]
    rendered = pool.render_many([data for _, data in todo])
    for (entry, data), pdf in zip(todo, rendered, strict=True):
        if isinstance(pdf, RenderError):
            entry.problem = str(pdf)
        else:
            entry.pdf = pdf
            store_pdf(entry.assessment_id, entry.key, data.report_id, pdf)


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
    waiting: list[str] = []
    used: set[str] = set()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for start in range(0, len(user_ids), BATCH):
            chunk = user_ids[start : start + BATCH]
            entries = [_prepare(users[i], state) for i in chunk if i in users]
            _render_batch(entries, state.bulk_pool)
            for entry in entries:
                line = f"{entry.user.name_on_reports} ({entry.user.username}): {entry.problem}"
                if entry.pdf is not None:
                    archive.writestr(pdf_name(entry.user, used), entry.pdf)
                elif entry.not_submitted:
                    waiting.append(line)
                else:
                    errors.append(line)
            job.done_count += len(chunk)
            lines: list[Any] = [*errors, *({"not_submitted": line} for line in waiting)]
            job.errors_json = json.dumps(lines, ensure_ascii=False)
            db.session.commit()
            if progress:
                progress(len(chunk))
        if errors:
            archive.writestr("ERRORS.txt", "\n".join(errors) + "\n")
        if waiting:
            archive.writestr("NOT_SUBMITTED.txt", "\n".join(waiting) + "\n")
    return path


#: Failures worth another try: the database or Redis was briefly unreachable.
TRANSIENT = (OperationalError, RedisConnectionError)


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
        state = state_of(app)
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
            _after_failure(job_id, exc, temporary=True)
        except Exception as exc:
            LOGGER.exception("report job %s failed", job_id)
            _after_failure(job_id, exc, temporary=False)
        else:
            finish_job(job, path)


def _after_failure(job_id: int, exc: Exception, *, temporary: bool) -> None:
    """Roll back; retry a temporary failure while attempts remain, else mark it failed.

    :raises TemporaryJobError: when the job is marked ``retrying``.
    """
    db.session.rollback()
    job = db.session.get(ReportJob, job_id)
    if job is None:  # deleted meanwhile (its organisation was removed)
        return
    if temporary and job.attempts < MAX_ATTEMPTS:
        LOGGER.warning("report job %s: temporary failure, will retry: %s", job_id, exc)
        job.status = "retrying"
        db.session.commit()
        raise TemporaryJobError(str(exc)) from exc
    _mark_failed(job, exc)


def _mark_failed(job: ReportJob, exc: Exception) -> None:
    job.status, job.finished_at = "failed", utcnow()
    with use_locale(job.locale):
        stopped = _("the job stopped: %(reason)s", reason=exc)
    job.errors_json = json.dumps([*job.lines(), stopped], ensure_ascii=False)
    db.session.commit()
