"""Checklist item T11 (sessions) of docs/security.md: cookie flags, a new session on
sign-in, and sessions that end on sign-out and on a password change, even when an old
cookie is replayed (a signed cookie alone cannot be revoked: the per-user nonce does it)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from readiness import create_app
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser

PASSWORD = "correct horse"  # InternBrowser's default


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def sign_out(client: FlaskClient) -> None:
    client.post("/auth/signout", data={"csrf_token": csrf_token(client.get("/me").text)})


def replay(app: Flask, cookie: str) -> int:
    """GET the intern's home with only a copied session cookie; the status code."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/me").status_code


def test_t11_production_cookies_are_secure_httponly_and_samesite(tmp_path: Path) -> None:
    app = create_app(
        {
            "READINESS_ENV": "production",
            "SECRET_KEY": "t11-" + "k" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 't11.db'}",
            "TRUSTED_HOSTS": ["localhost"],
        }
    )
    response = app.test_client().get("/auth/signin", base_url="https://localhost")
    header = response.headers["Set-Cookie"]
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in header


def test_t11_signing_in_starts_a_new_session(app: Flask, intern: InternBrowser) -> None:
    intern.client.post(
        "/auth/signout", data={"csrf_token": csrf_token(intern.client.get("/me").text)}
    )
    before = session_cookie(intern.client) if intern.client.get_cookie("session") else ""
    intern.sign_in()
    after = session_cookie(intern.client)
    assert after != before
    assert replay(app, after) == 200


def test_t11_signing_out_ends_the_session_even_for_a_copied_cookie(
    app: Flask, intern: InternBrowser
) -> None:
    copied = session_cookie(intern.client)
    assert replay(app, copied) == 200
    intern.client.post(
        "/auth/signout", data={"csrf_token": csrf_token(intern.client.get("/me").text)}
    )
    assert replay(app, copied) == 302  # sent to sign in: the copy is worth nothing


def test_t11_a_password_change_ends_other_sessions_and_keeps_this_one(
    app: Flask, intern: InternBrowser
) -> None:
    other_device = session_cookie(intern.client)
    page = intern.client.get("/auth/password").text
    response = intern.client.post(
        "/auth/password",
        data={
            "csrf_token": csrf_token(page),
            "current": PASSWORD,
            "password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert response.status_code == 303
    assert intern.client.get("/me").status_code == 200  # this device stays signed in
    assert replay(app, other_device) == 302
    intern.client.post(
        "/auth/signout", data={"csrf_token": csrf_token(intern.client.get("/me").text)}
    )
    intern.sign_in(password="a new long passphrase")


def test_t11_a_wrong_current_password_changes_nothing(app: Flask, intern: InternBrowser) -> None:
    page = intern.client.get("/auth/password").text
    response = intern.client.post(
        "/auth/password",
        data={
            "csrf_token": csrf_token(page),
            "current": "not my password",
            "password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert response.status_code == 422
    assert "current password is not correct" in response.text
    intern.client.post(
        "/auth/signout", data={"csrf_token": csrf_token(intern.client.get("/me").text)}
    )
    intern.sign_in(password=PASSWORD)
