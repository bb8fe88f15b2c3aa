"""Production serving: readiness probe, proxies and HTTPS headers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from readiness import create_app
from tests.fixtures.servers import free_port, redis_listens, wait_for_json


def app_with(tmp_path: Path, **config: Any) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "p" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
            **config,
        }
    )


def test_healthz_and_readyz_when_all_is_well(client) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "database": "ok", "redis": "not configured"}


def test_readyz_says_which_service_fails(tmp_path: Path) -> None:
    no_database = app_with(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:////no/such/dir/x.db")
    response = no_database.test_client().get("/readyz")
    assert (response.status_code, response.json["database"]) == (503, "failing")
    assert no_database.test_client().get("/healthz").status_code == 200  # alive all the same
    no_redis = app_with(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    response = no_redis.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "not ready", "database": "ok", "redis": "failing"}


@pytest.mark.skipif(not redis_listens(), reason="no Redis on 127.0.0.1:6379")
def test_readyz_checks_a_configured_redis(tmp_path: Path) -> None:
    app = app_with(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
    response = app.test_client().get("/readyz")
    assert (response.status_code, response.json["redis"]) == (200, "ok")


def test_hsts_behind_a_trusted_https_proxy_only(tmp_path: Path) -> None:
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    production = {"READINESS_ENV": "production", "TRUSTED_HOSTS": ["localhost"]}
    behind_proxy = app_with(tmp_path, **production, PROXY_HOPS=1)
    response = behind_proxy.test_client().get("/healthz", headers=https)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    untrusted = app_with(tmp_path, **production)  # no proxy configured
    # Plain HTTP to the app (the test client would use production's https otherwise).
    response = untrusted.test_client().get("/healthz", headers=https, base_url="http://localhost")
    assert "Strict-Transport-Security" not in response.headers  # the header is not believed


def test_every_response_carries_a_request_id(client, tmp_path: Path) -> None:
    made = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz").headers["X-Request-ID"] != made
    given = {"X-Request-ID": "proxy-id-12345"}
    assert client.get("/healthz", headers=given).headers["X-Request-ID"] != "proxy-id-12345"
    behind_proxy = app_with(tmp_path, PROXY_HOPS=1).test_client()
    kept = behind_proxy.get("/healthz", headers=given).headers["X-Request-ID"]
    assert kept == "proxy-id-12345"  # from the configured proxy, kept
    odd = behind_proxy.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["X-Request-ID"])  # implausible: replaced


def test_logs_are_json_lines_with_the_request_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = app_with(tmp_path, LOG_FORMAT="json", LOG_REQUESTS=True, PROXY_HOPS=1)
    response = app.test_client().get(
        "/readyz?answers=secret", headers={"X-Request-ID": "abc-12345"}
    )
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    request_line = next(line for line in lines if line["logger"] == "readiness.request")
    assert request_line["request_id"] == "abc-12345" == response.headers["X-Request-ID"]
    assert (request_line["method"], request_line["path"], request_line["status"]) == (
        "GET",
        "/readyz",
        200,
    )
    assert "secret" not in json.dumps(lines)  # query strings (and answers) are not logged


@pytest.mark.servers
def test_make_serve_runs_gunicorn_with_the_production_settings(tmp_path: Path) -> None:
    """The production server starts with its settings and answers /readyz with JSON logs."""
    port = free_port()
    env = {
        **os.environ,
        "READINESS_ENV": "production",
        "READINESS_SECRET_KEY": "s" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "READINESS_BIND": f"127.0.0.1:{port}",
        "READINESS_WORKERS": "2",
        "READINESS_TRUSTED_HOSTS": "127.0.0.1",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        "python:readiness.gunicorn_conf",
    ]
    server = subprocess.Popen(
        [*command, "readiness.wsgi:app"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        body = wait_for_json(f"http://127.0.0.1:{port}/readyz", seconds=30)
        assert body["database"] == "ok"
    finally:
        server.terminate()
        output, _errors = server.communicate(timeout=30)
    access = [json.loads(line) for line in output.splitlines() if line.startswith('{"time"')]
    assert any(entry["path"] == "/readyz" and entry["status"] == 200 for entry in access)
    assert all(re.fullmatch(r"[0-9a-f]{32}", entry["request_id"]) for entry in access)


def test_sign_in_is_rate_limited_per_address_and_user_name(client) -> None:
    def attempt(username: str) -> Any:
        page = client.get("/auth/signin").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return client.post(
            "/auth/signin",
            data={"csrf_token": token, "username": username, "password": "wrong-password"},
        )

    for _ in range(10):
        assert attempt("guessed-user").status_code == 422  # the form again, with its error
    locked = attempt("guessed-user")
    assert locked.status_code == 429
    assert "Too many attempts. Please wait a minute and try again." in locked.text
    assert int(locked.headers["Retry-After"]) > 0
    assert attempt("someone-else").status_code == 422  # a dormitory's other interns go on
