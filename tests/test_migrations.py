"""Migrations: they build exactly the models' schema, go back down, and adopt old databases."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from readiness.extensions import db
from readiness.models import Organisation, User


@pytest.fixture
def empty_app(make_app: Callable[..., Flask]) -> Flask:
    """The app on an empty database (no create_all), dropped after the test."""
    return make_app(tables=False)


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def version() -> str | None:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def test_migrations_build_the_models_schema_and_take_it_down_again(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade()
        assert set(db.metadata.tables) <= tables()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []  # a model changed without a migration fails here
        downgrade(revision="base")
        assert tables() <= {"alembic_version"}


HEAD = "0003"


def test_init_db_migrates_an_empty_database(empty_app: Flask) -> None:
    result = empty_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert version() == HEAD
        assert set(db.metadata.tables) <= tables()


def test_init_db_adopts_a_database_made_before_migrations(empty_app: Flask) -> None:
    """A first-revision schema with no version table (what the code before migrations made)."""
    with empty_app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
            connection.execute(
                text("INSERT INTO organisation (name, created_at) VALUES ('Kept', '2026-01-01')")
            )
    result = empty_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert version() == HEAD  # stamped 0001, then migrated
        assert "attempts" in {c["name"] for c in inspect(db.engine).get_columns("report_job")}
        assert db.session.scalar(db.select(Organisation.name)) == "Kept"


def test_init_db_adopts_a_database_made_from_these_models(empty_app: Flask) -> None:
    with empty_app.app_context():
        db.create_all()
    result = empty_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert version() == HEAD


def test_init_db_refuses_an_old_database_it_cannot_adopt(empty_app: Flask) -> None:
    with empty_app.app_context():
        db.metadata.create_all(db.engine, tables=[Organisation.__table__, User.__table__])
    result = empty_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 1
    assert "older version of readiness" in result.output
    assert "assessment" in result.output  # says what is missing
    with empty_app.app_context():
        assert "alembic_version" not in tables()  # nothing was changed
