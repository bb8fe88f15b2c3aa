"""The Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from readiness.cli import register_commands
from readiness.config import (
    PROJECT_ROOT,
    apply_production_defaults,
    default_config,
    ensure_secret_key,
    environment_overrides,
    load_currency_rates,
)
from readiness.core.definitions import DefinitionSet, require_definitions
from readiness.core.locales import TRANSLATIONS
from readiness.core.money import ExchangeRates
from readiness.core.scoring import Scorer
from readiness.dashboard import CohortCache
from readiness.extensions import babel, csrf, db, limiter, login_manager, migrate
from readiness.jobs import cpu_workers, make_queue
from readiness.reports.pool import RenderPool, shared_pool
from readiness.reports.render import ReportRenderer
from readiness.web import admin, auth, coordinator, errors, intern, my_data, pages, security
from readiness.web.i18n import (
    DEFAULT_LOCALE,
    LOCALES,
    STATUS_LABELS,
    babel_locale,
    display_answer,
    display_value,
    plan_template_helpers,
    ruby,
    select_locale,
    translate,
)
from readiness.web.logs import configure_logging

#: Alembic migration scripts (``flask --app readiness db upgrade`` applies them).
MIGRATIONS = PROJECT_ROOT / "readiness" / "migrations"


class ReadinessState:
    """What the app loads once: the checked definitions, a scorer for each, the PDF renderer."""

    def __init__(self, definitions: DefinitionSet, config: dict[str, Any]) -> None:
        self.definitions = definitions
        self.pdf_limits = (float(config["PDF_TIMEOUT"]), int(config["PDF_MEMORY_MB"]))
        self.scorers = {qid: Scorer(d) for qid, d in definitions.definitions.items()}
        self.cohort_cache = CohortCache(float(config["COHORT_CACHE_SECONDS"]))
        #: Exchange rates for home-currency amounts (None: yen only).
        self.rates: ExchangeRates | None = None
        self._renderer: ReportRenderer | None = None

    @property
    def renderer(self) -> ReportRenderer:
        """Built on first use: WeasyPrint and its fonts take a moment to load."""
        if self._renderer is None:
            self._renderer = ReportRenderer(PROJECT_ROOT / "templates", PROJECT_ROOT / "static")
        return self._renderer

    @property
    def bulk_pool(self) -> RenderPool:
        """Worker processes for bulk reports: one per core, same limits."""
        timeout, memory_mb = self.pdf_limits
        return shared_pool(
            PROJECT_ROOT / "templates",
            PROJECT_ROOT / "static",
            timeout,
            memory_mb,
            processes=cpu_workers(),
        )

    @property
    def render_pool(self) -> RenderPool:
        """The PDF worker process with its time and memory limits (shared in the process)."""
        timeout, memory_mb = self.pdf_limits
        return shared_pool(PROJECT_ROOT / "templates", PROJECT_ROOT / "static", timeout, memory_mb)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, instance file, ``READINESS_*`` environment, then ``config``.

    Refuses to start (raises :class:`~readiness.core.errors.DefinitionError`)
    when a questionnaire or rules file is invalid.
    """
    app = Flask(
        "readiness",
        root_path=str(PROJECT_ROOT / "readiness"),
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    instance = Path(app.instance_path)
    app.config.from_mapping(default_config(instance))
    app.config.from_pyfile(str(instance / "config.py"), silent=True)
    app.config.from_mapping(environment_overrides())
    app.config.from_mapping(config or {})
    ensure_secret_key(app.config, instance)
    apply_production_defaults(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        instance.mkdir(parents=True, exist_ok=True)
    definitions = require_definitions(Path(app.config["QUESTIONNAIRE_DIR"]))
    app.extensions["readiness"] = ReadinessState(definitions, app.config)
    app.extensions["readiness"].rates = load_currency_rates(app.config, instance)
    app.extensions["readiness_jobs"] = make_queue(app)
    configure_logging(app)
    _init_extensions(app)
    _register_blueprints(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
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
    register_commands(app)


class DatabaseIdConverter(IntegerConverter):
    """Ids in URLs: at most 18 digits, so a huge number is a 404 and never a database error."""

    regex = r"\d{1,18}"


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    app.register_blueprint(pages.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(intern.bp)
    app.register_blueprint(my_data.bp)
    app.register_blueprint(coordinator.bp)
    app.register_blueprint(admin.bp)
    errors.register(app)
    security.register(app)
    app.jinja_env.globals.update(
        t=translate,
        ruby=ruby,
        select_locale=select_locale,
        locales=LOCALES,
        status_labels=STATUS_LABELS,
        display_answer=display_answer,
        display_value=display_value,
    )
    app.context_processor(plan_template_helpers)


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
