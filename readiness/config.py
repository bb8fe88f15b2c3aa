"""Configuration: safe defaults, then the instance file, then environment variables.

Environment variables are ``READINESS_*`` (``READINESS_SECRET_KEY``) plus the
conventional ``DATABASE_URL``. Bad values stop the app with a message that
names the variable.
"""

from __future__ import annotations

import copy
import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from readiness.core.errors import IssueList
from readiness.core.money import ExchangeRates, load_rates

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: werkzeug's scrypt with its default cost (N=2**15, r=8, p=1).
DEFAULT_PASSWORD_HASH = "scrypt:32768:8:1"  # noqa: S105 - a hashing method, not a password


class ConfigError(RuntimeError):
    """A configuration value is missing or wrong; the message says which and how to fix it."""


#: Defaults that are safe for a single machine with SQLite (paths in the instance folder are
#: added by :func:`default_config`).
DEFAULTS: dict[str, Any] = {
    "READINESS_ENV": "development",
    "QUESTIONNAIRE_DIR": str(PROJECT_ROOT / "questionnaires"),
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "MAX_FORM_PARTS": 500,
    # CSRF tokens live as long as the session, so a long break never discards a page.
    "WTF_CSRF_TIME_LIMIT": None,
    # WTForms' messages are translated by web.forms.Form, from a cache (not per request).
    "WTF_I18N_ENABLED": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # A plan PDF is rendered in a worker process within these limits (security.md T7).
    "PDF_TIMEOUT": 30.0,
    "PDF_MEMORY_MB": 1024,
    #: Redis for background jobs (unset: jobs run in the web process).
    "REDIS_URL": None,
    "JOB_QUEUE": "readiness",
    #: "Not ready" looks at interns returning within this many months (core.attention).
    "NOT_READY_MONTHS": 6,
    #: How long the dashboard's cohort charts are reused per organisation (0: never).
    "COHORT_CACHE_SECONDS": 30.0,
    #: Reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    "PROXY_HOPS": 0,
    #: "json" or "text" (unset: json in production); one line per request when on.
    "LOG_FORMAT": None,
    "LOG_LEVEL": "INFO",
    "LOG_REQUESTS": False,
    #: Rate limits (Flask-Limiter syntax). Sign-in counts per address and user name.
    "SIGNIN_LIMIT": "10 per minute",
    "SIGNUP_LIMIT": "30 per hour",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": True,
    #: Keep signing people in from memory if Redis stops answering.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    #: Exchange rates for home-currency amounts (readiness/core/money.py); unset: the
    #: instance folder's currency-rates.yaml when there is one, else yen only.
    "CURRENCY_RATES_FILE": None,
    #: Personal data (docs/privacy.md): an intern's data is deleted this many months after
    #: their planned return or last activity, whichever is later (``flask purge``).
    "RETENTION_MONTHS": 12,
    #: Bulk ZIPs of plan PDFs are deleted this many days after they were made.
    "REPORT_ZIP_DAYS": 7,
    #: werkzeug's password hash (readiness.services.accounts). The tests lower its cost;
    #: production refuses anything but this default.
    "PASSWORD_HASH_METHOD": DEFAULT_PASSWORD_HASH,
    #: Coordinators and admins sign in with a password and a TOTP code (ASVS 6.3.3).
    "TOTP_REQUIRED": True,
    #: The issuer shown in authenticator apps next to the user name.
    "TOTP_ISSUER": "readiness",
    #: Second-factor and enrolment code attempts per account, right or wrong (then 429
    #: until the window passes); counted before each is checked, so parallel guesses cannot
    #: all get through.
    "TOTP_LIMIT": "10 per 5 minutes",
    #: How long an enrolment code for setting up an authenticator works.
    "TOTP_ENROLMENT_DAYS": 7,
    #: How long a password reset code a coordinator gives an intern works (services.recovery).
    "RESET_CODE_HOURS": 24,
}


def default_config(instance_path: Path) -> dict[str, Any]:
    """The defaults, with the database and bulk-report ZIPs in the instance folder."""
    return {
        **copy.deepcopy(DEFAULTS),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'readiness.db'}",
        #: Where bulk-report ZIPs are written (shared storage when several servers run jobs).
        "JOBS_DIR": str(instance_path / "jobs"),
    }


def _flag(value: str) -> bool:
    """An on/off setting: 1/true/yes/on or 0/false/no/off."""
    words = {"1": True, "true": True, "yes": True, "on": True}
    words |= {"0": False, "false": False, "no": False, "off": False}
    if value.strip().lower() not in words:
        raise ValueError(value)
    return words[value.strip().lower()]


_flag.__name__ = "on/off value (1, true, yes, on, 0, false, no, off)"


def _names(value: str) -> list[str]:
    """A comma-separated list, such as host names."""
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise ValueError(value)
    return names


_names.__name__ = "comma-separated list of names (for example readiness.example.org)"


def _window_months(value: str) -> int:
    """A window in whole months, from 1 to 60."""
    months = int(value)
    if not 1 <= months <= 60:
        raise ValueError(value)
    return months


_window_months.__name__ = "whole number of months from 1 to 60"


_ENV_CASTS: dict[str, Callable[[str], Any]] = {
    "MAX_CONTENT_LENGTH": int,
    "MAX_FORM_PARTS": int,
    "PDF_TIMEOUT": float,
    "PDF_MEMORY_MB": int,
    "COHORT_CACHE_SECONDS": float,
    "NOT_READY_MONTHS": _window_months,
    "PROXY_HOPS": int,
    "LOG_REQUESTS": _flag,
    "RETENTION_MONTHS": int,
    "REPORT_ZIP_DAYS": int,
    "TOTP_REQUIRED": _flag,
    "TOTP_ENROLMENT_DAYS": int,
    "RESET_CODE_HOURS": int,
    "RATELIMIT_ENABLED": _flag,
    #: Host names the app answers to (Flask's TRUSTED_HOSTS); others get 400. Required in
    #: production, where invitation links are built from the first of them; ``*`` is
    #: the explicit choice of any host (links then follow the request's Host header).
    "TRUSTED_HOSTS": _names,
}


def environment_overrides(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Read ``READINESS_*`` and ``DATABASE_URL`` from the environment."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith("READINESS_"):
            continue
        key = name.removeprefix("READINESS_")
        if key == "ENV":
            key = "READINESS_ENV"
        cast = _ENV_CASTS.get(key, str)
        try:
            values[key] = cast(raw)
        except ValueError as exc:
            raise ConfigError(f"{name}={raw!r} is not a valid {cast.__name__}") from exc
    if environ.get("REDIS_URL"):
        values["REDIS_URL"] = environ["REDIS_URL"]
    if environ.get("DATABASE_URL"):
        values["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    return values


def normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` spelling and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def ensure_secret_key(config: dict[str, Any], instance_path: Path) -> None:
    """Require a secret key in production; in development keep a generated one on disk."""
    if config.get("SECRET_KEY"):
        if len(str(config["SECRET_KEY"])) < 16:
            raise ConfigError(
                "READINESS_SECRET_KEY is too short: use at least 32 random characters"
            )
        return
    if config.get("READINESS_ENV") == "production":
        raise ConfigError(
            "READINESS_SECRET_KEY must be set in production "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    config["SECRET_KEY"] = key_file.read_text().strip()


def apply_production_defaults(config: dict[str, Any]) -> None:
    """Secure cookies in production, and password hashes at full cost."""
    if config.get("READINESS_ENV") == "production":
        config["SESSION_COOKIE_SECURE"] = True
        config["PREFERRED_URL_SCHEME"] = "https"  # secure cookies need HTTPS anyway
        config["REMEMBER_COOKIE_SECURE"] = True
        if config.get("PASSWORD_HASH_METHOD") != DEFAULT_PASSWORD_HASH:
            raise ConfigError(
                "READINESS_PASSWORD_HASH_METHOD may only be changed outside production "
                f"(tests lower it); production uses {DEFAULT_PASSWORD_HASH}"
            )


#: ``READINESS_TRUSTED_HOSTS=*``: answer to any host name, knowingly.
ANY_HOST = "*"


def trusted_hosts(config: dict[str, Any]) -> None:
    """Turn the explicit any-host choice into Flask's "no check" (None)."""
    if ANY_HOST in (config.get("TRUSTED_HOSTS") or []):
        config["TRUSTED_HOSTS"] = None
        config["ANY_HOST"] = True


def check_production(config: dict[str, Any]) -> None:
    """Settings production refuses to start without (issue 15).

    A host list, or the explicit any-host choice: otherwise invitation links would follow
    whatever Host header a request carries. Rate limits in a store all workers share:
    counters in each worker's memory would multiply every limit by the worker count.
    """
    if config.get("READINESS_ENV") != "production":
        return
    hosts = config.get("TRUSTED_HOSTS") or []
    if hosts and all(host.startswith(".") for host in hosts):
        raise ConfigError(
            "READINESS_TRUSTED_HOSTS holds only domain patterns (.example.org): add the host "
            "name people use first, as invitation links are built from it"
        )
    if not hosts and not config.get("ANY_HOST"):
        raise ConfigError(
            "READINESS_TRUSTED_HOSTS must be set in production: the host name(s) people use "
            "to reach readiness, comma-separated (invitation links use the first), or * to "
            "answer to any host knowingly (docs/deploy.md)"
        )
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory"):
        raise ConfigError(
            "rate limits in memory hold per worker process, not for the server: leave "
            "RATELIMIT_STORAGE_URI unset (the database is used, or Redis with REDIS_URL)"
        )


def load_currency_rates(config: dict[str, Any], instance_path: Path) -> ExchangeRates | None:
    """The configured exchange rates, or None; a wrong file stops the app with file:line."""
    configured = config.get("CURRENCY_RATES_FILE")
    path = Path(configured) if configured else instance_path / "currency-rates.yaml"
    if not path.is_file():
        if configured:
            raise ConfigError(f"READINESS_CURRENCY_RATES_FILE: no such file {path}")
        return None
    issues = IssueList()
    rates = load_rates(path, issues)
    if rates is None:
        problems = "\n".join(str(issue) for issue in issues.sorted())
        raise ConfigError(f"the currency rates file is wrong:\n{problems}")
    return rates
