"""``init-db`` (migrate to the newest schema) and ``purge`` (the retention rules)."""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from readiness.extensions import db
from readiness.services.assessments import fill_next_step_due
from readiness.services.database import SchemaError, upgrade_database
from readiness.services.privacy import purge

#: The migration that added User.next_step_due: databases from before it get it filled.
NEXT_STEP_DUE_REVISION = "0006"


def upgrade_or_explain() -> None:
    """Migrate the database; a database that cannot be adopted stops the command."""
    try:
        before = upgrade_database()
    except SchemaError as exc:
        raise click.ClickException(str(exc)) from exc
    if before is not None and before < NEXT_STEP_DUE_REVISION:
        filled = fill_next_step_due()
        click.echo(f"plan progress filled in for {filled} interns")


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Bring the database to the newest schema (the migrations), adopting older databases."""
    upgrade_or_explain()
    click.echo(f"database ready: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("purge")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Apply the rules as of this day (default: today).",
)
@with_appcontext
def purge_command(today: dt.datetime | None) -> None:
    """Delete what the retention rules say is no longer needed (run it daily)."""
    months = current_app.config["RETENTION_MONTHS"]
    zip_days = current_app.config["REPORT_ZIP_DAYS"]
    report = purge((today or dt.datetime.now()).date(), months, zip_days)
    click.echo(
        f"deleted {report.interns} intern account(s) over {months} months past their return "
        f"or last activity, and {report.zips} report ZIP(s) over {zip_days} days old"
    )
    if report.problems:
        for problem in report.problems:
            click.echo(f"purge: {problem}", err=True)
        click.echo(
            f"{len(report.problems)} row(s) could not be handled (above); everything else "
            "was. Fix or delete those rows by hand.",
            err=True,
        )
        sys.exit(1)
