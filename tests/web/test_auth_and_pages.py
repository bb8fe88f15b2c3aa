"""Accounts, sessions, the language switch, headers and the health check."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from readiness.extensions import db
from readiness.models import User
from readiness.services.accounts import set_password
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser


def test_healthz_answers_200(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_passwords_are_hashed(app: Flask, intern: InternBrowser) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "intern-a"))
        assert "correct horse" not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


@pytest.mark.parametrize(
    ("username", "password", "confirm", "message"),
    [
        ("ab", "long enough", "long enough", "Use 3 to 40 letters"),
        ("intern-x", "short", "short", "at least 8 characters"),
        ("intern-x", "long enough", "different!", "not the same"),
        ("<script>", "long enough", "long enough", "Use 3 to 40 letters"),
    ],
)
def test_sign_up_explains_what_is_wrong(
    client, username: str, password: str, confirm: str, message: str
) -> None:
    page = client.get("/auth/signup").get_data(as_text=True)
    response = client.post(
        "/auth/signup",
        data={
            "csrf_token": csrf_token(page),
            "username": username,
            "password": password,
            "confirm": confirm,
            "locale": "en",
        },
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_user_name_taken(app: Flask, intern: InternBrowser) -> None:
    client = app.test_client()
    page = client.get("/auth/signup").get_data(as_text=True)
    response = client.post(
        "/auth/signup",
        data={
            "csrf_token": csrf_token(page),
            "username": "intern-a",
            "password": "long enough",
            "confirm": "long enough",
            "locale": "en",
        },
    )
    assert "This user name is taken" in response.get_data(as_text=True)


def test_wrong_password_is_refused(app: Flask, intern: InternBrowser) -> None:
    client = app.test_client()
    page = client.get("/auth/signin").get_data(as_text=True)
    response = client.post(
        "/auth/signin",
        data={"csrf_token": csrf_token(page), "username": "intern-a", "password": "wrong horse"},
    )
    assert response.status_code == 422
    assert "not correct" in response.get_data(as_text=True)
    assert client.get("/me").status_code == 302


def test_pages_need_a_sign_in(client) -> None:
    response = client.get("/me")
    assert response.status_code == 302
    assert "/auth/signin" in response.location


def test_post_without_csrf_token_is_refused(intern: InternBrowser) -> None:
    response = intern.client.post("/assessments")
    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True)


def test_sign_out_ends_the_session(intern: InternBrowser) -> None:
    home = intern.client.get("/me").get_data(as_text=True)
    intern.client.post("/auth/signout", data={"csrf_token": csrf_token(home)})
    assert intern.client.get("/me").status_code == 302


def test_changing_the_session_nonce_ends_old_sessions(app: Flask, intern: InternBrowser) -> None:
    """A new password (new nonce) signs out every browser holding the old cookie."""
    assert intern.client.get("/me").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "intern-a"))
        set_password(user, "a new password")
        db.session.commit()
    intern.client.delete_cookie("remember_token")
    assert intern.client.get("/me").status_code == 302


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_only_goes_to_our_own_pages(app: Flask, intern: InternBrowser, target: str) -> None:
    client = app.test_client()
    page = client.get("/auth/signin").get_data(as_text=True)
    response = client.post(
        f"/auth/signin?next={target}",
        data={"csrf_token": csrf_token(page), "username": "intern-a", "password": "correct horse"},
    )
    assert response.status_code == 303
    assert response.location == "/me"


def test_language_switch_keeps_the_place(intern: InternBrowser) -> None:
    assessment_id = intern.start()
    url = f"/assessments/{assessment_id}/pages/profile"
    page = intern.client.get(url).get_data(as_text=True)
    assert "Which country will you return to?" in page
    response = intern.client.post(
        "/language", data={"csrf_token": csrf_token(page), "locale": "ja", "next": url}
    )
    assert response.status_code == 303
    assert response.location == url
    japanese = intern.client.get(url).get_data(as_text=True)
    assert "帰国する国はどこですか？" in japanese
    assert '<html lang="ja">' in japanese


def test_accept_language_picks_the_locale(client) -> None:
    page = client.get("/", headers={"Accept-Language": "ja,en;q=0.5"}).get_data(as_text=True)
    assert "帰国後の起業準備チェック" in page
    assert "アカウントを作成" in page  # the UI chrome too, from the gettext catalogue
    page = client.get("/", headers={"Accept-Language": "vi-VN,vi;q=0.9"}).get_data(as_text=True)
    assert "Sẵn sàng khởi nghiệp ở quê nhà?" in page
    assert "Tạo tài khoản" in page
    page = client.get("/", headers={"Accept-Language": "th, en;q=0.8"}).get_data(as_text=True)
    assert "Ready to start a business at home?" in page
    assert "Create an account" in page
    page = client.get("/", headers={"Accept-Language": "xx"}).get_data(as_text=True)
    assert '<html lang="ja">' in page  # no language we speak: Japanese


def test_security_headers_on_pages(client) -> None:
    response = client.get("/auth/signin")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_answers_are_escaped_on_the_review_page(intern: InternBrowser, full_answers: dict) -> None:
    assessment_id = intern.start()
    payload = "<script>alert(1)</script>{{7*7}}"
    intern.answer_all(assessment_id, {**full_answers, "home_region": payload})
    html = intern.client.get(f"/assessments/{assessment_id}/review").get_data(as_text=True)
    assert payload not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in html
    assert not re.search(r"<script>alert", html)
