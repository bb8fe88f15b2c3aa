"""What an RQ worker process runs (``make worker``): the app, built from the environment,
then one bulk-report job."""

from __future__ import annotations

from readiness.app import create_app
from readiness.extensions import db
from readiness.services.bulk_reports import run_job


def run_report_job(job_id: int) -> None:
    """Run report job ``job_id`` (raises TemporaryJobError for RQ to retry it later)."""
    app = create_app()
    try:
        run_job(app, job_id)
    finally:  # a worker lives long: give its database connections back
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
