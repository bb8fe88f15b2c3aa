"""Migrations: they build exactly the models' schema, go back down, and adopt old databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from readiness.core.scoring import Scorer
from readiness.extensions import db
from readiness.models import Assessment, Organisation, User, utcnow
from readiness.services.accounts import create_user
from readiness.services.assessments import (
    _write_answers,
    next_step_due,
    start_assessment,
    submit_assessment,
)
from readiness.services.demo import demo_answer_sets
from readiness.state import current_state


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


HEAD = "0007"


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


def test_0004_keeps_colliding_names_and_merges_duplicate_drafts(empty_app: Flask) -> None:
    """Data made before issue 15: two names that fold alike, two open drafts of one
    questionnaire. Both accounts stay; the newest draft stays open with every answer."""
    insert_user = text(
        'INSERT INTO "user" (username, password_hash, role, session_nonce, created_at, '
        "assessment_status) VALUES (:name, 'x', 'intern', :name, '2026-01-01', 'in_progress')"
    )
    insert_draft = text(
        "INSERT INTO assessment (id, user_id, questionnaire_id, status, saved_pages_json, "
        "submit_token, created_at, updated_at) VALUES (:id, 1, 'q', 'draft', '[]', :token, "
        "'2026-01-01', :updated)"
    )
    insert_answer = text(
        "INSERT INTO answer (assessment_id, question_id, value_json, updated_at) "
        "VALUES (:a, :q, :v, '2026-01-01')"
    )
    with empty_app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            for name in ("demo-ready", "DEMO-READY"):
                connection.execute(insert_user, {"name": name})
            connection.execute(insert_draft, {"id": 1, "token": "t1", "updated": "2026-01-01"})
            connection.execute(insert_draft, {"id": 2, "token": "t2", "updated": "2026-02-01"})
            connection.execute(insert_answer, {"a": 1, "q": "savings", "v": "100"})
            connection.execute(insert_answer, {"a": 1, "q": "field", "v": '"old"'})
            connection.execute(insert_answer, {"a": 2, "q": "field", "v": '"new"'})
        upgrade()
        with db.engine.connect() as connection:
            keys = connection.execute(
                text('SELECT username, username_key FROM "user" ORDER BY id')
            ).all()
            drafts = connection.execute(text("SELECT id, status FROM assessment ORDER BY id")).all()
            answers = connection.execute(
                text("SELECT question_id, value_json FROM answer WHERE assessment_id = 2")
            ).all()
    assert keys == [("demo-ready", "demo-ready"), ("DEMO-READY", "demo-ready#2")]
    assert drafts == [(1, "superseded"), (2, "draft")]
    assert sorted(answers) == [("field", '"new"'), ("savings", "100")]


def test_upgrading_past_0006_fills_in_the_plan_progress(empty_app: Flask) -> None:
    """Interns who submitted before User.next_step_due existed get it on init-db, so the
    dashboard's "overdue" holds for them too."""
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    with empty_app.app_context():
        definition = current_state().definitions.default
        user = create_user("before-0006", "long enough password 1")
        assessment = start_assessment(user, definition)
        answers = demo_answer_sets()["base"]
        _write_answers(assessment, definition.visible_answers(answers), utcnow())
        assert submit_assessment(assessment, Scorer(definition), dt.date(2026, 11, 1))
        assert user.next_step_due is not None
        db.session.remove()  # PostgreSQL: no open transaction may hold the tables it alters
        downgrade(revision="0005")
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "plan progress filled in for 1 interns" in result.output
    with empty_app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "before-0006"))
        assessment = db.session.get(Assessment, user.latest_assessment_id)
        assert user.next_step_due == next_step_due(assessment)
        assert user.next_step_due is not None
    again = runner.invoke(args=["init-db"])
    assert "plan progress" not in again.output  # once, right after that migration
