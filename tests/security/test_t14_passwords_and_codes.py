"""Checklist item T14 (passwords, codes) of docs/security.md.

Passwords: 8 to 128 characters of anything, kept verbatim; the ones guessers try first are
refused. Second factor: coordinators and admins sign in with a password and a TOTP code
(ASVS 6.3.3); interns are the written exception. A code works once, wrong codes are
throttled, and a lost phone can be reset. (Invitation codes: tests/web/test_coordinator.py.)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from readiness.extensions import db, limiter
from readiness.models import User, username_key, utcnow
from readiness.services import accounts
from readiness.web import auth
from tests.fixtures.accounts import (
    PASSWORD,
    TOTP_SECRET,
    MakeUser,
    SignedIn,
    authenticator_key,
    new_enrolment_code,
    submit_sign_in,
    submit_sign_up,
)
from tests.fixtures.html import csrf_token, session_payload


def password_step(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = submit_sign_in(client, username, password)
    assert response.status_code == 303
    assert response.location.endswith("/auth/code")
    return client


def send_code(client: FlaskClient, code: str) -> object:
    page = client.get("/auth/code").text
    return client.post("/auth/code", data={"csrf_token": csrf_token(page), "code": code})


def send_enrolment_code(client: FlaskClient, code: str) -> Any:
    page = client.get("/auth/code").text
    return client.post("/auth/code", data={"csrf_token": csrf_token(page), "enrolment_code": code})


def user(app: Flask, username: str) -> User:
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_t14_a_password_alone_does_not_sign_in_a_coordinator_or_admin(
    app: Flask, role: str, make_user: MakeUser
) -> None:
    make_user(f"{role}-2fa", role, "Org 2FA" if role == "coordinator" else None)
    client = password_step(app, f"{role}-2fa")
    home = "/coordinator/" if role == "coordinator" else "/admin/"
    assert client.get(home).status_code == 302  # still signed out
    response = send_code(client, pyotp.TOTP(TOTP_SECRET).now())
    assert response.status_code == 303
    assert response.location.endswith(home)
    assert client.get(home).status_code == 200


def test_t14_interns_are_the_written_exception(app: Flask, make_user: MakeUser) -> None:
    make_user("intern-2fa", "intern", None)
    response = submit_sign_in(app.test_client(), "intern-2fa", PASSWORD)
    assert response.location.endswith("/me")


def test_t14_the_first_sign_in_sets_the_app_up(
    app: Flask, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("new-coord", "coordinator", "Org 2FA", totp_secret=None)
    client = password_step(app, "new-coord")
    assert send_enrolment_code(client, new_enrolment_code(app, "new-coord")).status_code == 303
    page = client.get("/auth/code").text
    assert "<svg" in page  # the QR code, inline: nothing is fetched
    secret = authenticator_key(app, "new-coord", page)  # the key the page shows
    assert len(secret) == 32
    wrong = send_code(client, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert wrong.status_code == 422
    assert "This code is not right" in wrong.text
    assert user(app, "new-coord").totp_secret is None  # not kept before a right code
    assert send_code(client, pyotp.TOTP(secret).now()).status_code == 303
    assert user(app, "new-coord").totp_secret == secret
    assert signed_in("new-coord").get("/coordinator/").status_code == 200


def test_t14_a_code_works_once(app: Flask, make_user: MakeUser) -> None:
    make_user("coord-once", "coordinator", "Org 2FA")
    code = pyotp.TOTP(TOTP_SECRET).now()
    assert send_code(password_step(app, "coord-once"), code).status_code == 303
    replayed = send_code(password_step(app, "coord-once"), code)
    assert replayed.status_code == 422
    assert "was used already" in replayed.text


def test_t14_wrong_codes_are_throttled_per_account(
    app: Flask, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SIGNIN_LIMIT", "100 per minute")  # eleven password steps
    make_user("coord-guess", "coordinator", "Org 2FA")
    right = pyotp.TOTP(TOTP_SECRET).now()
    guesses = [f"{n:06d}" for n in range(20) if f"{n:06d}" != right][:11]
    statuses = []
    for guess in guesses:  # a new session each time: the limit follows the account
        statuses.append(send_code(password_step(app, "coord-guess"), guess).status_code)
    assert statuses == [422] * 10 + [429]


def test_t14_a_sign_in_waits_five_minutes_for_its_code(
    app: Flask, monkeypatch: pytest.MonkeyPatch, make_user: MakeUser
) -> None:
    make_user("coord-slow", "coordinator", "Org 2FA")
    client = password_step(app, "coord-slow")
    monkeypatch.setattr(auth, "PENDING_SECONDS", -1)  # as if five minutes had passed
    response = client.get("/auth/code")
    assert response.status_code == 302
    assert response.location.endswith("/auth/signin")


def test_t14_reset_totp_makes_the_next_sign_in_set_the_app_up_again(
    app: Flask, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("coord-lost", "coordinator", "Org 2FA")
    old_session = signed_in("coord-lost")
    result = app.test_cli_runner().invoke(args=["reset-totp", "coord-lost"])
    assert result.exit_code == 0, result.output
    assert user(app, "coord-lost").totp_secret is None
    assert old_session.get("/coordinator/").status_code == 302  # its sessions ended too
    code = re.search(r"enrolment code \(once, until [^)]*\): ([A-Z2-9-]+)", result.output)
    assert code, result.output
    client = password_step(app, "coord-lost")
    assert "<svg" not in client.get("/auth/code").text  # no key before the enrolment code
    assert send_enrolment_code(client, code[1]).status_code == 303
    assert "<svg" in client.get("/auth/code").text


def test_t14_codes_allow_one_step_of_clock_drift_and_no_more() -> None:
    secret, now = accounts.new_totp_secret(), 1_800_000_000.0
    step = int(now // 30)
    code_at = pyotp.TOTP(secret).at
    assert accounts.accepted_step(secret, code_at(now - 30), None, now) == step - 1
    assert (
        accounts.accepted_step(
            secret, f" {code_at(now + 30)[:3]} {code_at(now + 30)[3:]}", None, now
        )
        == step + 1
    )
    assert accounts.accepted_step(secret, code_at(now - 60), None, now) is None
    assert accounts.accepted_step(secret, code_at(now), step, now) is None  # used already
    assert accounts.accepted_step(secret, "12345", None, now) is None


@pytest.mark.parametrize(
    "password",
    ["password123", "12345678", "QWERTYUIOP", "aaaaaaaaaaaa", "nguyen-van-a-2026", "1234567"],
)
def test_t14_short_or_easily_guessed_passwords_are_refused(app: Flask, password: str) -> None:
    response = submit_sign_up(app.test_client(), "nguyen-van-a", password)
    assert response.status_code == 422
    expected = "Use at least 8 characters" if len(password) < 8 else "easy to guess"
    if "nguyen-van-a" in password:
        expected = "must not contain your user name"  # the real reason, not "many people"
    assert expected in response.text
    assert user(app, "nguyen-van-a") is None


@pytest.mark.parametrize(
    "password",
    ["correct horse", "x" * 63 + "y", "z" * 127 + "w", "にほんごのパスワード", "🌸🌸 sakura 🌸🌸"],
)
def test_t14_long_japanese_and_emoji_passwords_are_kept_verbatim(app: Flask, password: str) -> None:
    assert submit_sign_up(app.test_client(), "verbatim", password).status_code == 303
    assert accounts.password_matches(user(app, "verbatim"), password)
    assert not accounts.password_matches(user(app, "verbatim"), password.strip() + " ")


def test_t14_create_admin_refuses_a_common_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["create-admin", "boss", "--password", "admin123"])
    assert result.exit_code == 2
    assert "many people use this password" in result.output


def test_t14_an_admin_resets_a_coordinators_authenticator(
    app: Flask, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("coord-phone", "coordinator", "Org 2FA")
    make_user("admin-reset", "admin", None)
    coordinator = signed_in("coord-phone")
    admin = signed_in("admin-reset")
    page = admin.get("/admin/").text
    assert "Reset (lost phone)" in page or "リセット" in page
    coordinator_id = user(app, "coord-phone").id
    url = f"/admin/coordinators/{coordinator_id}/reset-totp"
    own_token = csrf_token(coordinator.get("/coordinator/").text)
    assert coordinator.post(url, data={"csrf_token": own_token}).status_code == 403
    shown = admin.post(url, data={"csrf_token": csrf_token(page)})
    assert shown.status_code == 200
    code = re.search(r"<code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code>", shown.text)
    assert code, shown.text
    assert code[1] not in str(admin.get_cookie("session").value)  # shown, never in a cookie
    assert user(app, "coord-phone").totp_secret is None
    assert user(app, "coord-phone").totp_enrolment_hash != code[1]  # only its hash is kept
    assert coordinator.get("/coordinator/").status_code == 302  # that phone's session ended
    admin_id = user(app, "admin-reset").id
    other = admin.post(
        f"/admin/coordinators/{admin_id}/reset-totp", data={"csrf_token": csrf_token(page)}
    )
    assert other.status_code == 404  # coordinators only; admins use the command


def test_t14_the_password_alone_cannot_set_up_the_second_factor(
    app: Flask, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever signs in first with a new coordinator's password sees no key: the
    enrolment code the admin handed over comes first, and wrong ones are throttled."""
    monkeypatch.setitem(app.config, "SIGNIN_LIMIT", "100 per minute")  # many password steps
    make_user("coord-new", "coordinator", "Org 2FA", totp_secret=None)
    code = new_enrolment_code(app, "coord-new")
    client = password_step(app, "coord-new")
    page = client.get("/auth/code").text
    assert "<svg" not in page
    assert 'class="secret"' not in page
    statuses = [
        send_enrolment_code(password_step(app, "coord-new"), "AAAA-BBBB-CCCC").status_code
        for _ in range(11)
    ]
    assert statuses == [422] * 10 + [429]
    assert user(app, "coord-new").totp_pending_secret is None  # no key was made
    limiter.reset()  # the admin's code is typed after the guesses' lockout has passed
    typed = code.lower().replace("-", " ")  # any case, spaces instead of dashes
    assert send_enrolment_code(client, typed).status_code == 303
    page = client.get("/auth/code").text
    key = user(app, "coord-new").totp_pending_secret
    assert key
    assert accounts.spaced(key) in page
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert key not in session_payload(cookie.value)
    assert send_code(client, pyotp.TOTP(key).now()).status_code == 303
    enrolled = user(app, "coord-new")
    assert enrolled.totp_secret == key
    assert enrolled.totp_enrolment_hash is None
    again = password_step(app, "coord-new")
    assert send_enrolment_code(again, code).status_code == 422  # the app is set up: a code


def test_t14_an_expired_enrolment_code_is_refused(app: Flask, make_user: MakeUser) -> None:
    make_user("coord-late", "coordinator", "Org 2FA", totp_secret=None)
    code = new_enrolment_code(app, "coord-late")
    with app.app_context():
        late = db.session.scalar(select(User).where(User.username == "coord-late"))
        late.totp_enrolment_expires = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    response = send_enrolment_code(password_step(app, "coord-late"), code)
    assert response.status_code == 422
    assert "has expired" in response.text


@pytest.mark.parametrize("lookalike", ["DEMO-READY", "Demo-Ready"])
def test_user_names_are_unique_once_folded(app: Flask, lookalike: str) -> None:
    """Issue 15: a name that differs only in case is taken (the database holds it, in
    username_key), and signing in with it, or typed full-width, reaches the one account."""
    submit_sign_up(app.test_client(), "demo-ready", PASSWORD)
    with app.app_context():
        with pytest.raises(accounts.UsernameTakenError):
            accounts.create_user(lookalike, PASSWORD)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
    for typed in (lookalike, "ｄｅｍｏ－ｒｅａｄｙ"):
        assert submit_sign_in(app.test_client(), typed, PASSWORD).status_code == 303


def test_the_folded_key_is_kept_by_the_database(app: Flask) -> None:
    assert username_key("ＤＥＭＯ-Ready") == username_key("demo-ready") == "demo-ready"
    with app.app_context():
        db.session.add(User(username="x-one", password_hash="h"))
        db.session.flush()
        db.session.execute(update(User).where(User.username == "x-one").values(username="X-ONE"))
        db.session.add(User(username="x-ONE", password_hash="h"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_a_full_width_name_shares_the_sign_in_limit(
    app: Flask, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit counts per account as accounts are found (folded): typing the name in
    another width or case is no way round it."""
    monkeypatch.setitem(app.config, "SIGNIN_LIMIT", "3 per minute")
    make_user("intern-wide", "intern", None)
    client = app.test_client()
    spellings = ["intern-wide", "INTERN-WIDE", "ｉｎｔｅｒｎ-ｗｉｄｅ", "Intern-Wide"]
    statuses = [submit_sign_in(client, name, "wrong-password-1").status_code for name in spellings]
    assert statuses == [422, 422, 422, 429]
    assert submit_sign_in(client, "ｉｎｔｅｒｎ－ｗｉｄｅ", PASSWORD).status_code == 429


def test_full_width_digits_are_a_code_too(app: Flask, make_user: MakeUser) -> None:
    make_user("coord-wide", "coordinator", "Org 2FA")
    code = pyotp.TOTP(TOTP_SECRET).now()
    wide = code.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    assert send_code(password_step(app, "coord-wide"), wide).status_code == 303
