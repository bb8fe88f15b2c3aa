"""Nobody is locked out: a reset code from the coordinator, recovery codes from sign-up; each
works once, reset codes expire, and trying them is throttled like signing in."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from readiness.extensions import db
from readiness.models import AccessLog, User, utcnow
from readiness.services import recovery
from tests.fixtures.accounts import (
    INTERN_PASSWORD,
    MakeUser,
    SignedIn,
    submit_sign_in,
    submit_sign_up,
)
from tests.fixtures.html import csrf_token

CODE = re.compile(r"\b[A-HJ-KM-NP-Z2-9]{4}-[A-HJ-KM-NP-Z2-9]{4}-[A-HJ-KM-NP-Z2-9]{4}\b")
NEW_PASSWORD = "a brand new phrase 7"


def give_reset_code(client: FlaskClient, user_id: int) -> Any:
    page = client.get(f"/coordinator/interns/{user_id}").text
    return client.post(
        f"/coordinator/interns/{user_id}/reset-code", data={"csrf_token": csrf_token(page)}
    )


def reset(client: FlaskClient, username: str, code: str, password: str = NEW_PASSWORD) -> Any:
    page = client.get(f"/auth/reset?username={username}").text
    fields = {"username": username, "code": code, "password": password, "confirm": password}
    return client.post("/auth/reset", data={"csrf_token": csrf_token(page), **fields})


def test_a_coordinator_gives_a_reset_code_that_works_once(
    app: Flask, two_organisations: dict[str, Any], signed_in: SignedIn
) -> None:
    intern_id = two_organisations["A"][0]
    username = user_named_by_id(app, intern_id).username
    old_session = signed_in(username, INTERN_PASSWORD)  # the intern's phone, signed in before
    coordinator = signed_in("coord-a")
    page = coordinator.get(f"/coordinator/interns/{intern_id}").text
    assert "Give a reset code" in page
    response = give_reset_code(coordinator, intern_id)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    code = CODE.search(response.text).group(0)
    assert f"/auth/reset?username={username}" in response.text
    assert "<svg" in response.text  # the link as a QR code
    with app.app_context():
        stored = db.session.get(User, intern_id)
        assert stored.reset_code_hash is not None
        assert code not in stored.reset_code_hash  # only its hash is kept
        logged = db.session.scalars(select(AccessLog).where(AccessLog.subject_id == intern_id))
        assert "reset_code" in {row.action for row in logged}
    assert "still works" in coordinator.get(f"/coordinator/interns/{intern_id}").text

    phone = app.test_client()
    typed = code.lower().replace("-", " ")  # however it is typed
    done = reset(phone, username, typed)
    assert done.status_code == 303
    assert phone.get("/me").status_code == 200  # signed in with the new password
    assert old_session.get("/me").status_code in (302, 303)  # the old session has ended
    assert submit_sign_in(app.test_client(), username, INTERN_PASSWORD).status_code == 422
    assert submit_sign_in(app.test_client(), username, NEW_PASSWORD).status_code == 303
    again = reset(app.test_client(), username, code, "yet another phrase 8")
    assert again.status_code == 422
    assert "was used" in again.text


def user_named_by_id(app: Flask, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_an_expired_or_wrong_code_changes_nothing(
    app: Flask, two_organisations: dict[str, Any], signed_in: SignedIn
) -> None:
    intern_id = two_organisations["A"][0]
    username = user_named_by_id(app, intern_id).username
    code = CODE.search(give_reset_code(signed_in("coord-a"), intern_id).text).group(0)
    assert reset(app.test_client(), username, "ABCD-EFGH-JKMN").status_code == 422
    assert reset(app.test_client(), "someone-else", code).status_code == 422
    too_short = reset(app.test_client(), username, code, "short")
    assert too_short.status_code == 422  # a bad new password does not spend the code
    with app.app_context():
        user = db.session.get(User, intern_id)
        assert recovery.has_reset_code(user)
        user.reset_code_expires = utcnow() - dt.timedelta(minutes=1)
        db.session.commit()
    expired = reset(app.test_client(), username, code)
    assert expired.status_code == 422
    assert "expired" in expired.text
    assert submit_sign_in(app.test_client(), username, INTERN_PASSWORD).status_code == 303


def test_only_the_interns_own_coordinators_can_give_a_code(
    app: Flask, two_organisations: dict[str, Any], signed_in: SignedIn, make_user: MakeUser
) -> None:
    other_org_intern = two_organisations["B"][0]
    assert give_reset_code_blind(signed_in("coord-a"), other_org_intern).status_code == 404
    own_staff = make_user("coord-a2", "coordinator", "Org A")
    assert give_reset_code_blind(signed_in("coord-a"), own_staff).status_code == 404
    with app.app_context():
        staff = db.session.get(User, own_staff)
        assert recovery.spend_code(staff, "ABCD-EFGH-JKMN") is None  # staff have no codes


def give_reset_code_blind(client: FlaskClient, user_id: int) -> Any:
    """POST with a valid token taken from a page the coordinator may open."""
    token = csrf_token(client.get("/coordinator/").text)
    return client.post(f"/coordinator/interns/{user_id}/reset-code", data={"csrf_token": token})


def test_signing_up_alone_gives_recovery_codes_to_keep(app: Flask) -> None:
    client = app.test_client()
    response = submit_sign_up(client, "solo-intern", "correct horse battery")
    assert response.location.endswith("/auth/recovery-codes")
    page = client.get("/auth/recovery-codes").text
    codes = CODE.findall(page)
    assert len(codes) == recovery.RECOVERY_CODES
    assert len(set(codes)) == len(codes)
    download = client.get("/auth/recovery-codes.txt")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Cache-Control"] == "no-store"
    assert CODE.findall(download.text) == codes
    kept = client.post(
        "/auth/recovery-codes", data={"csrf_token": csrf_token(page), "action": "kept"}
    )
    assert kept.status_code == 303
    after = client.get("/auth/recovery-codes").text
    assert not CODE.search(after)  # shown only once
    assert "8 unused recovery codes" in after
    assert "coordinators of" not in after  # no organisation: nobody to give a reset code
    assert client.get("/auth/recovery-codes.txt").status_code == 404

    phone = app.test_client()
    done = reset(phone, "solo-intern", codes[3])
    assert done.status_code == 303
    assert "7 recovery codes left" in phone.get(done.location, follow_redirects=True).text
    assert reset(app.test_client(), "solo-intern", codes[3]).status_code == 422  # once
    # New codes: the old ones stop working.
    page = phone.get("/auth/recovery-codes").text
    token = csrf_token(page)
    refused = phone.post(
        "/auth/recovery-codes", data={"csrf_token": token, "action": "new", "current": "guess"}
    )
    assert refused.status_code == 422  # a borrowed session alone cannot make new codes
    assert not CODE.search(refused.text)
    fields = {"csrf_token": token, "action": "new", "current": NEW_PASSWORD}
    assert phone.post("/auth/recovery-codes", data=fields).status_code == 303
    fresh = CODE.findall(phone.get("/auth/recovery-codes").text)
    assert len(fresh) == recovery.RECOVERY_CODES
    assert not set(fresh) & set(codes)
    assert (
        reset(app.test_client(), "solo-intern", codes[0], "third phrase here 9").status_code == 422
    )
    assert (
        reset(app.test_client(), "solo-intern", fresh[0], "third phrase here 9").status_code == 303
    )


def test_staff_have_no_recovery_codes_page(signed_in: SignedIn, two_organisations: Any) -> None:
    assert signed_in("coord-a").get("/auth/recovery-codes").status_code == 403


def test_guessing_codes_is_throttled_like_signing_in(
    app: Flask, two_organisations: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SIGNIN_LIMIT", "3 per minute")
    username = user_named_by_id(app, two_organisations["A"][0]).username
    client = app.test_client()
    statuses = [reset(client, username, f"AAAA-BBBB-CCC{n}").status_code for n in range(2, 6)]
    assert statuses == [422, 422, 422, 429]
    assert reset(app.test_client(), username.upper(), "AAAA-BBBB-CCCD").status_code == 429
