"""Configuration: defaults, the instance file, environment variables, clear errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from readiness import create_app
from readiness.config import (
    DEFAULT_PASSWORD_HASH,
    ConfigError,
    apply_production_defaults,
    ensure_secret_key,
    environment_overrides,
    normalise_database_url,
)
from readiness.services.accounts import create_user, password_matches


def test_environment_variables_override_defaults() -> None:
    values = environment_overrides(
        {"READINESS_MAX_CONTENT_LENGTH": "2048", "DATABASE_URL": "postgres://u@h/db", "OTHER": "x"}
    )
    assert values == {
        "MAX_CONTENT_LENGTH": 2048,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@h/db",
    }


def test_a_bad_number_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="READINESS_MAX_CONTENT_LENGTH='big'"):
        environment_overrides({"READINESS_MAX_CONTENT_LENGTH": "big"})


@pytest.mark.parametrize("value", ["0", "61", "six", "-3"])
def test_the_not_ready_window_is_a_sensible_number_of_months(value: str) -> None:
    with pytest.raises(ConfigError, match="whole number of months from 1 to 60"):
        environment_overrides({"READINESS_NOT_READY_MONTHS": value})
    assert environment_overrides({"READINESS_NOT_READY_MONTHS": "3"}) == {"NOT_READY_MONTHS": 3}


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="READINESS_SECRET_KEY must be set"):
        ensure_secret_key({"READINESS_ENV": "production"}, tmp_path)
    with pytest.raises(ConfigError, match="too short"):
        ensure_secret_key({"SECRET_KEY": "short"}, tmp_path)


def test_development_keeps_a_generated_key(tmp_path: Path) -> None:
    first: dict = {}
    ensure_secret_key(first, tmp_path)
    second: dict = {}
    ensure_secret_key(second, tmp_path)
    assert len(first["SECRET_KEY"]) == 64
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_database_urls_get_the_psycopg_driver() -> None:
    assert normalise_database_url("postgresql://x/y") == "postgresql+psycopg://x/y"
    assert normalise_database_url("sqlite:///a.db") == "sqlite:///a.db"


def test_instance_file_and_environment_reach_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readiness import create_app

    monkeypatch.setenv("READINESS_MAX_CONTENT_LENGTH", "4096")
    app = create_app(
        {"SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"}
    )
    assert app.config["MAX_CONTENT_LENGTH"] == 4096
    assert "PROJECT_ROOT" not in app.config  # the package's config module is not a config file
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


def test_production_refuses_a_cheaper_password_hash() -> None:
    """Tests lower the scrypt cost to stay fast; production must not run with that."""
    with pytest.raises(ConfigError, match="PASSWORD_HASH_METHOD"):
        apply_production_defaults(
            {"READINESS_ENV": "production", "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}
        )
    production = {"READINESS_ENV": "production", "PASSWORD_HASH_METHOD": DEFAULT_PASSWORD_HASH}
    apply_production_defaults(production)
    assert production["SESSION_COOKIE_SECURE"] is True


def test_passwords_are_hashed_with_scrypt_at_full_cost_by_default(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(PASSWORD_HASH_METHOD=DEFAULT_PASSWORD_HASH)
    with app.app_context():
        user = create_user("full-cost", "a long enough password")
        assert user.password_hash.startswith("scrypt:32768:8:1$")
        assert password_matches(user, "a long enough password")
        assert not password_matches(user, "a long enough password ")


def _production(tmp_path: Path, **config: object) -> Flask:
    return create_app(
        {
            "READINESS_ENV": "production",
            "SECRET_KEY": "p" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
            **config,
        }
    )


def test_production_refuses_to_start_without_a_host_list(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="READINESS_TRUSTED_HOSTS must be set in production"):
        _production(tmp_path)
    with pytest.raises(ConfigError, match="only domain patterns"):
        _production(tmp_path, TRUSTED_HOSTS=[".example.org"])
    listed = _production(tmp_path, TRUSTED_HOSTS=["readiness.example.org"])
    assert listed.config["TRUSTED_HOSTS"] == ["readiness.example.org"]
    anywhere = _production(
        tmp_path,
        TRUSTED_HOSTS=environment_overrides({"READINESS_TRUSTED_HOSTS": "*"})["TRUSTED_HOSTS"],
    )
    assert anywhere.config["TRUSTED_HOSTS"] is None  # the explicit choice: no host check
    assert anywhere.test_client().get("/healthz", headers={"Host": "x.example"}).status_code == 200


def test_production_keeps_rate_limits_where_every_worker_sees_them(tmp_path: Path) -> None:
    hosts = ["readiness.example.org"]
    default = _production(tmp_path, TRUSTED_HOSTS=hosts)
    assert default.config["RATELIMIT_STORAGE_URI"].startswith("readiness-db://?url=sqlite")
    with pytest.raises(ConfigError, match="rate limits in memory hold per worker process"):
        _production(tmp_path, TRUSTED_HOSTS=hosts, RATELIMIT_STORAGE_URI="memory://")
    redis = _production(tmp_path, TRUSTED_HOSTS=hosts, REDIS_URL="redis://127.0.0.1:6379/0")
    assert redis.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
