"""Flask CLI commands that need the app and its database.

``init-db``, ``demo``, ``reproduce`` and ``report``; ``check``, ``score`` and
``export-schema`` are in :mod:`readiness.cli` (they run without the app).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
import flask_migrate as migrations
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, select

from readiness.demo import DEMO_PASSWORD, load_demo_data
from readiness.extensions import db
from readiness.jobs import build_zip
from readiness.models import ADMIN, Assessment, Organisation, ReportJob, User, utcnow
from readiness.operations import reproduce_scorecard, reset_second_factor
from readiness.passwords import guessable
from readiness.privacy import purge
from readiness.reports.service import report_pdf
from readiness.web.forms import USERNAME_PATTERN


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Bring the database to the newest schema (the migrations), adopting older databases."""
    upgrade_database()
    click.echo(f"database ready: {db.engine.url.render_as_string(hide_password=True)}")


#: The revision whose schema databases made before migrations have (by ``create_all``).
FIRST_REVISION = "0001"
#: Columns that migrations after the first one add ("table.column"): a database that lacks
#: only these is a first-revision database. Keep in step with readiness/migrations/versions.
ADDED_AFTER_FIRST = {
    "report_job.attempts",
    "user.consent_version",
    "user.totp_secret",
    "user.totp_last_step",
    "consent",
    "access_log",
}


def upgrade_database() -> None:
    """Apply every migration; a database made before migrations is stamped first.

    Such a database is adopted only when it has every table and column of the first
    revision (or of the newest one: made by ``create_all`` from these models); otherwise
    it is refused with what is missing, and nothing is changed.
    """
    tables = set(inspect(db.engine).get_table_names())
    if "alembic_version" not in tables and tables & set(db.metadata.tables):
        missing = missing_columns() + sorted(set(db.metadata.tables) - tables)
        if not missing:
            migrations.stamp(revision="head")
        elif not set(missing) <= ADDED_AFTER_FIRST:
            raise click.ClickException(
                "the database was made by an older version of readiness that had no "
                f"migrations, and lacks: {', '.join(missing)}. Back it up and start a new "
                "one (for the embedded SQLite database: delete instance/readiness.db; "
                "make run loads the demo data again)."
            )
        else:
            migrations.stamp(revision=FIRST_REVISION)
    migrations.upgrade()


def missing_columns() -> list[str]:
    """Columns the models have and the database tables lack ("table.column")."""
    inspector = inspect(db.engine)
    missing = []
    for table in db.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in present]
    return missing


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo interns (idempotent) and print their accounts."""
    upgrade_database()
    accounts = load_demo_data()
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for username, what in accounts:
        click.echo(f"  {username:<16} {what}")


@click.command("reproduce")
@click.argument("assessment_id", type=int)
@with_appcontext
def reproduce_command(assessment_id: int) -> None:
    """Score a submitted assessment again with the definitions stored for it; compare."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"no assessment {assessment_id}")
    try:
        card = reproduce_scorecard(assessment)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    stored = json.loads(assessment.scorecard_json or "{}")
    same = card.to_dict() == stored
    click.echo(json.dumps(card.to_dict(), ensure_ascii=False, indent=2))
    click.echo(f"identical to the stored result: {'yes' if same else 'NO'}", err=True)
    if not same:
        sys.exit(1)


@click.command("report")
@click.argument("assessment_id", type=int)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the PDF.",
)
@click.option("--locale", default="en", show_default=True, help="Language of the plan text.")
@with_appcontext
def report_command(assessment_id: int, output: Path, locale: str) -> None:
    """Render the action-plan PDF of a submitted assessment."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"no assessment {assessment_id}")
    state = current_app.extensions["readiness"]
    definition = state.definitions.get(assessment.questionnaire_id)
    if definition is None:
        raise click.ClickException(f"questionnaire '{assessment.questionnaire_id}' is not loaded")
    try:
        pdf, report_id = report_pdf(
            assessment, definition, state.renderer, locale, rates=state.rates
        )
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    output.write_bytes(pdf)
    click.echo(f"wrote {output} ({len(pdf):,} bytes, report {report_id})")


@click.command("create-admin")
@click.argument("username")
@click.password_option(help="The admin's password (asked twice when not given).")
@with_appcontext
def create_admin_command(username: str, password: str) -> None:
    """Create an administrator (there is no default admin account)."""
    if not USERNAME_PATTERN.fullmatch(username):
        raise click.BadParameter(
            "use 3 to 40 letters, digits, '.', '_' or '-'", param_hint="USERNAME"
        )
    if not 8 <= len(password) <= 128:
        raise click.BadParameter("use 8 to 128 characters", param_hint="--password")
    if guessable(password, username):
        raise click.BadParameter(
            "many people use this password: choose another", param_hint="--password"
        )
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise click.ClickException(f"user name '{username}' is taken")
    admin = User(username=username, role=ADMIN, locale="ja")
    admin.set_password(password)
    db.session.add(admin)
    db.session.commit()
    click.echo(f"admin '{username}' created: sign in at /auth/signin")


@click.command("reports")
@click.option("--org", "organisation_name", required=True, help="Organisation name (or id).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the ZIP.",
)
@click.option("--locale", default="ja", show_default=True, help="Language of the plans.")
@with_appcontext
def reports_command(organisation_name: str, output: Path, locale: str) -> None:
    """Write one ZIP with the latest plan PDF of every intern of an organisation."""
    organisation = db.session.scalar(
        select(Organisation).where(
            (Organisation.name == organisation_name)
            | (Organisation.id == (int(organisation_name) if organisation_name.isdigit() else -1))
        )
    )
    if organisation is None:
        raise click.ClickException(f"no organisation '{organisation_name}'")
    state = current_app.extensions["readiness"]
    user_ids = list(
        db.session.scalars(
            select(User.id)
            .where(User.organisation_id == organisation.id, User.role == "intern")
            .order_by(User.id)
        )
    )
    job = ReportJob(
        organisation_id=organisation.id,
        user_ids_json=json.dumps(user_ids),
        locale=locale,
        total=len(user_ids),
        status="running",
    )
    db.session.add(job)
    db.session.commit()
    with click.progressbar(length=len(user_ids), label="Making plan PDFs") as bar:
        path = build_zip(job, state, output.parent.resolve() / f".{output.name}.parts", bar.update)
    path.replace(output)
    path.parent.rmdir()
    job.status, job.zip_path, job.finished_at = "done", str(output.resolve()), utcnow()
    db.session.commit()
    for problem in job.errors:
        click.echo(f"not included: {problem}", err=True)
    click.echo(
        f"wrote {output}: {len(user_ids) - len(job.errors)} PDF(s), {len(job.errors)} not made"
    )


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
    interns, zips = purge((today or dt.datetime.now()).date(), months, zip_days)
    click.echo(
        f"deleted {interns} intern account(s) over {months} months past their return or "
        f"last activity, and {zips} report ZIP(s) over {zip_days} days old"
    )


@click.command("reset-totp")
@click.argument("username")
@with_appcontext
def reset_totp_command(username: str) -> None:
    """Forget a coordinator's or admin's authenticator (lost phone): they enrol again."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    reset_second_factor(user)
    click.echo(f"'{username}' will set up a new authenticator at the next sign-in")
