"""The Flask application factory: configuration, extensions, state, web and commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext
from sqlalchemy import event
from sqlalchemy.engine import Engine

from readiness.cli import register_commands
from readiness.config import (
    PROJECT_ROOT,
    apply_production_defaults,
    check_production,
    default_config,
    ensure_secret_key,
    environment_overrides,
    load_currency_rates,
    trusted_hosts,
)
from readiness.core.definitions import require_definitions
from readiness.core.locales import TRANSLATIONS
from readiness.extensions import babel, csrf, db, limiter, login_manager, migrate
from readiness.i18n import DEFAULT_LOCALE, babel_locale
from readiness.logs import configure_logging
from readiness.queue import make_queue
from readiness.rate_store import storage_uri
from readiness.services.bulk_reports import run_job
from readiness.state import EXTENSION_KEY, ReadinessState
from readiness.web import register_web

#: Alembic migration scripts (``flask --app readiness db upgrade`` applies them).
MIGRATIONS = PROJECT_ROOT / "readiness" / "migrations"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, instance file, ``READINESS_*`` environment, then ``config``.

    Refuses to start (raises :class:`~readiness.core.errors.DefinitionError` or
    :class:`~readiness.config.ConfigError`) when a definition file or a setting is wrong.
    """
    app = Flask(
        "readiness",
        root_path=str(PROJECT_ROOT / "readiness"),
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, config or {})
    _load_state(app)
    configure_logging(app)
    _init_extensions(app)
    register_web(app)
    register_commands(app)
    return app


def _configure(app: Flask, overrides: dict[str, Any]) -> None:
    instance = Path(app.instance_path)
    app.config.from_mapping(default_config(instance))
    app.config.from_pyfile(str(instance / "config.py"), silent=True)
    app.config.from_mapping(environment_overrides())
    app.config.from_mapping(overrides)
    ensure_secret_key(app.config, instance)
    apply_production_defaults(app.config)
    trusted_hosts(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        instance.mkdir(parents=True, exist_ok=True)


def _load_state(app: Flask) -> None:
    """The checked definitions, rates and job queue, kept on the app for its lifetime."""
    app.extensions[EXTENSION_KEY] = ReadinessState(
        require_definitions(Path(app.config["QUESTIONNAIRE_DIR"])),
        app.config,
        load_currency_rates(app.config, Path(app.instance_path)),
        make_queue(app, run_job),
    )


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        # Shared by every worker and process: Redis when configured, else the database.
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or storage_uri(
            app.config["SQLALCHEMY_DATABASE_URI"]
        )
    check_production(app.config)
    limiter.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = lazy_gettext("Please sign in to continue.")
    babel.init_app(
        app,
        locale_selector=babel_locale,
        default_locale=DEFAULT_LOCALE,
        default_translation_directories=str(TRANSLATIONS),
    )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and a busy timeout so concurrent interns do not hit 'database is locked'."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
