"""Bulk-report benchmark: seconds per report in a ZIP of N against one plan PDF rendered alone.

Both in one run, with the app's render worker processes (one per core for the
ZIP, one for the single PDF), the PDF cache empty. Usage:
.venv/bin/python bench/bulk.py [--interns 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

from readiness import create_app
from readiness.config import PROJECT_ROOT
from readiness.extensions import db
from readiness.models import INTERN, ReportJob, User
from readiness.reports.pool import RenderPool, cpu_workers
from readiness.services.accounts import create_user
from readiness.services.assessments import start_assessment, submit_assessment
from readiness.services.bulk_reports import build_zip
from readiness.services.demo import answer_pages, demo_answer_sets
from readiness.services.organisations import create_organisation
from readiness.services.report_store import report_cache_key, report_data
from readiness.state import state_of


def make_interns(app, count: int) -> tuple[int, list[int]]:
    state = state_of(app)
    definition = state.definitions.default
    organisation = create_organisation("Bulk")
    ids = []
    answers = demo_answer_sets()["base"]
    for n in range(count):
        user = create_user(
            f"bulk-{n:03d}",
            "bench-password",
            role=INTERN,
            organisation_id=organisation.id,
            display_name=f"Intern {n:03d}",
        )
        db.session.commit()
        assessment = start_assessment(user, definition)
        answer_pages(assessment, definition, {**answers, "savings": 100_000 * (n + 1)})
        submit_assessment(assessment, state.scorers[definition.id], dt.date.today())
        ids.append(user.id)
    return organisation.id, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interns", type=int, default=100)
    count = parser.parse_args().interns
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'b.db'}",
                "SECRET_KEY": "bench-" + "x" * 32,
                "JOBS_DIR": folder,
                # These accounts never sign in: hash their passwords cheaply, as tests do.
                "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            }
        )
        with app.app_context():
            db.create_all()
            organisation_id, ids = make_interns(app, count)
            alone = _one_pdf_alone(app, ids[0])
            per_report, failed = _per_report_in_a_zip(app, organisation_id, ids, Path(folder))
            db.engine.dispose()
    print(f"one plan PDF alone:        {alone * 1000:6.0f} ms")
    print(
        f"ZIP of {count} plans: {per_report * 1000:6.0f} ms per report with {cpu_workers()} "
        f"worker(s) -> {per_report / alone:.2f}x a PDF alone (aim: <= 1.2x), {failed} failed"
    )


def _one_pdf_alone(app, user_id: int) -> float:
    """Median seconds to render one intern's plan on a single warm worker."""
    state = state_of(app)
    assessment = db.session.get(User, user_id).assessments[0]
    definition = state.definitions.default
    key = report_cache_key(assessment, definition, state.renderer.version, "ja")
    data = report_data(assessment, definition, "ja", key)
    single = RenderPool(PROJECT_ROOT / "templates", PROJECT_ROOT / "static")
    single.render(data)  # warm the worker
    alone = statistics.median(_timed(lambda: single.render(data)) for _ in range(5))
    single.close()
    state.bulk_pool.render(data)  # warm every bulk worker for the next measure
    return alone


def _per_report_in_a_zip(
    app, organisation_id: int, ids: list[int], folder: Path
) -> tuple[float, int]:
    """Seconds per report of a ZIP of every intern's plan, and how many failed."""
    state = state_of(app)
    job = ReportJob(
        organisation_id=organisation_id,
        user_ids_json=json.dumps(ids),
        locale="ja",
        total=len(ids),
        status="running",
    )
    db.session.add(job)
    db.session.commit()
    started = time.perf_counter()
    build_zip(job, state, folder)
    per_report = (time.perf_counter() - started) / len(ids)
    state.bulk_pool.close()
    return per_report, len(job.errors)


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
