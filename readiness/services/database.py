"""The database itself: whether it answers, and bringing it to the newest migration.

Databases made before migrations existed (by ``create_all``) are adopted: stamped
with the revision whose schema they have, then upgraded. One that matches no revision
is refused with what it lacks, and nothing is changed.
"""

from __future__ import annotations

import logging

import flask_migrate as migrations
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from readiness.extensions import db

LOGGER = logging.getLogger("readiness.database")
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
    "user.username_key",
    "user.totp_pending_secret",
    "user.totp_enrolment_hash",
    "user.totp_enrolment_expires",
    "rate_limit",
    "step_done",
    "user.next_step_due",
    "user.reset_code_hash",
    "user.reset_code_expires",
    "recovery_code",
}


class SchemaError(RuntimeError):
    """The database cannot be adopted; the message says what it lacks and what to do."""


def database_answers() -> bool:
    """Whether the database answers a trivial query (the readiness probe); logs why not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        LOGGER.exception("readyz: the database does not answer")
        db.session.rollback()
        return False
    return True


def schema_revision() -> str | None:
    """The migration the database is at (None: a new database, or one made before them)."""
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_database() -> str | None:
    """Apply every migration; a database made before migrations is stamped first.

    Such a database is adopted only when it has every table and column of the first
    revision (or of the newest one: made by ``create_all`` from these models). Returns the
    revision the database was at before (None for a new one), for data that a new column
    must be filled with.

    :raises SchemaError: when it has neither; nothing is changed.
    """
    tables = set(inspect(db.engine).get_table_names())
    if "alembic_version" not in tables and tables & set(db.metadata.tables):
        missing = missing_columns() + sorted(set(db.metadata.tables) - tables)
        if not missing:
            migrations.stamp(revision="head")
        elif not set(missing) <= ADDED_AFTER_FIRST:
            raise SchemaError(
                "the database was made by an older version of readiness that had no "
                f"migrations, and lacks: {', '.join(missing)}. Back it up and start a new "
                "one (for the embedded SQLite database: delete instance/readiness.db; "
                "make run loads the demo data again)."
            )
        else:
            migrations.stamp(revision=FIRST_REVISION)
    before = schema_revision()
    db.session.rollback()  # end the read transaction before the migrations
    migrations.upgrade()
    return before


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
