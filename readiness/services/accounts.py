"""Accounts: user names, passwords, sessions, and the staff's second factor (TOTP).

Every user is made by :func:`create_user`, so every password is hashed the same way and
every user name must pass the same rule, whether the account comes from sign-up, an
invitation, the admin page, the CLI or the demo data. What a person types is checked
first with :func:`username_problem` and :func:`password_problem` (the forms and the CLI
say the answer in their own words).

Passwords (ASVS 6.2, NIST SP 800-63B 3.1.1.2): no composition rules, a long phrase of any
characters is fine. Refused are the passwords guessers try first
(``data/common-passwords.txt``, offline), one character repeated, and passwords that
contain the user name. Hashes are scrypt (``PASSWORD_HASH_METHOD``); the tests lower the
cost, production refuses to (:mod:`readiness.config`).

TOTP (RFC 6238) for coordinators and admins: a code is accepted in its 30-second step and
one step either side (clocks on phones drift), and never twice: the step it was accepted
in is stored on the user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pyotp
import segno
from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from readiness.config import DEFAULT_PASSWORD_HASH
from readiness.core.readings import whole_number
from readiness.extensions import db
from readiness.models import INTERN, User, new_token, username_key, utcnow

#: 3 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit.
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,39}")
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"
STEP_SECONDS = 30
#: Steps either side of now that still count (phone clocks are often a few seconds off).
DRIFT_STEPS = 1


#: Passwords are 8 to 128 characters (ASVS 6.2.1, 6.2.9).
PASSWORD_LENGTH = (8, 128)
#: What is wrong with a new user name or password (None: nothing).
BAD_USERNAME, PASSWORD_LENGTH_WRONG, PASSWORD_GUESSABLE, PASSWORD_HAS_NAME = (
    "bad_username",
    "password_length",
    "password_guessable",
    "password_has_name",
)


class UsernameTakenError(ValueError):
    """Another account has this user name."""


def username_problem(username: str) -> str | None:
    """:data:`BAD_USERNAME` unless the name is 3 to 40 letters, digits, '.', '_' or '-'."""
    return None if USERNAME_PATTERN.fullmatch(username) else BAD_USERNAME


def password_problem(password: str, username: str = "") -> str | None:
    """What makes ``password`` unfit for this account, if anything."""
    shortest, longest = PASSWORD_LENGTH
    if not shortest <= len(password) <= longest:
        return PASSWORD_LENGTH_WRONG
    name = username.strip().lower()
    if len(name) >= 3 and name in password.strip().lower():
        return PASSWORD_HAS_NAME  # said as it is: "many people use this" would not be true
    if guessable(password, username):
        return PASSWORD_GUESSABLE
    return None


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and line[0] != "#")


def guessable(password: str, username: str = "") -> bool:
    """Whether ``password`` is among the first guesses for this account."""
    lowered = password.strip().lower()
    name = username.strip().lower()
    return (
        lowered in common_passwords()
        or len(set(lowered)) <= 1
        or (len(name) >= 3 and name in lowered)
    )


def _hash_method() -> str:
    if has_app_context():
        return str(current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_PASSWORD_HASH))
    return DEFAULT_PASSWORD_HASH


def set_password(user: User, password: str) -> None:
    """Store a new password hash; a new session nonce ends the user's other sessions.

    The caller commits (a password change and what goes with it are one transaction).
    """
    user.password_hash = generate_password_hash(password, method=_hash_method())
    user.session_nonce = new_token()


def password_matches(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def create_user(
    username: str, password: str, *, role: str = INTERN, locale: str | None = None, **fields: Any
) -> User:
    """Add a user with a hashed password to the session (flushed, not committed).

    The caller commits, so that an account and what comes with it (an invitation it
    claims) are one transaction. ``fields`` are other :class:`~readiness.models.User`
    columns (display name, organisation, profile).

    :raises ValueError: when the user name breaks the rule (check it first).
    :raises UsernameTakenError: when the name is taken; the session is rolled back.
    """
    if username_problem(username):
        raise ValueError(f"not a valid user name: {username!r}")
    user = User(username=username, role=role, locale=locale, **fields)
    set_password(user, password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise UsernameTakenError(username) from exc
    return user


def find_user(username: str) -> User | None:
    """The account of a typed user name: exactly as registered, else folded alike (so
    ``Demo-Ready`` signs in as ``demo-ready``, and ``DEMO-READY`` can never be another)."""
    exact = db.session.scalar(select(User).where(User.username == username))
    if exact is not None:
        return exact
    return db.session.scalar(select(User).where(User.username_key == username_key(username)))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def user_for_session(session_id: str) -> User | None:
    """The user of a session id (``id:nonce``), if that session has not been ended."""
    user_id, _, nonce = session_id.partition(":")
    number = whole_number(user_id)
    if number is None or not nonce:
        return None
    user = db.session.get(User, number)
    if user is None or user.session_nonce != nonce:
        return None
    return user


def end_sessions(user: User) -> None:
    """End every session of the user: a signed cookie copied before cannot come back."""
    user.session_nonce = new_token()
    db.session.commit()


def reset_second_factor(user: User, days: int | None = None) -> str:
    """Forget the user's authenticator (a lost phone), end their sessions, and return a
    new one-time enrolment code (see :func:`issue_enrolment_code`)."""
    user.totp_secret = None
    user.totp_last_step = None
    user.session_nonce = new_token()
    code = issue_enrolment_code(user, days)
    db.session.commit()
    return code


#: One-time codes (enrolment, password reset, recovery): 12 characters without look-alikes
#: (0/O, 1/I/L), about 60 bits, shown in groups of four.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def new_one_time_code() -> str:
    """A random one-time code as people read it out: ``ABCD-EFGH-JKMN``."""
    return _in_fours("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)), "-")


def one_time_hash(typed: str) -> str:
    """The stored form of a one-time code, the same however it was typed: any case, with
    spaces or dashes, full-width as typed on a Japanese keyboard. Only hashes are kept: the
    codes are random, so SHA-256 is enough (nothing to guess offline)."""
    cleaned = re.sub(r"[\s\-‐-―−ー]", "", unicodedata.normalize("NFKC", typed)).upper()
    return hashlib.sha256(cleaned.encode()).hexdigest()


def issue_enrolment_code(user: User, days: int | None = None) -> str:
    """A new one-time code that lets ``user`` set up an authenticator within ``days``
    (by default ``READINESS_TOTP_ENROLMENT_DAYS``).

    An admin hands it over apart from the password (in person, by phone): whoever has
    only the password cannot set up the second factor. Only its hash is kept; the
    caller commits and shows the code once.
    """
    code = new_one_time_code()
    user.totp_enrolment_hash = one_time_hash(code)
    user.totp_enrolment_expires = utcnow() + dt.timedelta(
        days=_enrolment_days() if days is None else days
    )
    user.totp_pending_secret = None
    return code


def _enrolment_days() -> int:
    return int(current_app.config["TOTP_ENROLMENT_DAYS"])


def enrolment_code_matches(user: User, typed: str) -> bool:
    """Whether ``typed`` is the user's enrolment code and it has not expired (any case,
    spaces or dashes; full-width characters as typed on a Japanese keyboard)."""
    if not has_enrolment_code(user):
        return False
    return hmac.compare_digest(one_time_hash(typed), user.totp_enrolment_hash or "")


def has_enrolment_code(user: User) -> bool:
    expires = user.totp_enrolment_expires
    return user.totp_enrolment_hash is not None and expires is not None and expires >= utcnow()


def start_enrolment(user: User) -> str:
    """The key to set up, kept on the server until a code confirms it (never in a cookie)."""
    if user.totp_pending_secret is None:
        user.totp_pending_secret = new_totp_secret()
        db.session.commit()
    return user.totp_pending_secret


def new_totp_secret() -> str:
    """A random 160-bit secret in base32, as authenticator apps expect."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    """The otpauth:// address that the QR code carries."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG markup (no image file, no request to anything)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2933", light="#ffffff"))


def spaced(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return _in_fours(secret, " ")


def _in_fours(text: str, separator: str) -> str:
    """Long codes in groups of four characters, as people read them out and type them."""
    return separator.join(text[i : i + 4] for i in range(0, len(text), 4))


def accepted_step(
    secret: str, code: str, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step ``code`` belongs to, if it is right and newer than ``last_step``."""
    digits = "".join(unicodedata.normalize("NFKC", code).split())  # full-width digits too
    if len(digits) != 6 or not digits.isascii() or not digits.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue  # a code works once, and an older one never after a newer one
        if pyotp.utils.strings_equal(totp.at(step * STEP_SECONDS), digits):
            return step
    return None


def confirm_second_factor(user: User, code: str) -> bool:
    """Accept ``code`` for the user's key, or for the key being set up (which it then
    enrols, using up the enrolment code), and remember its time step."""
    secret = user.totp_secret or user.totp_pending_secret
    if secret is None:
        return False
    step = accepted_step(secret, code, user.totp_last_step)
    if step is None:
        return False
    if user.totp_secret is None:
        user.totp_pending_secret = None
        user.totp_enrolment_hash = user.totp_enrolment_expires = None
    user.totp_secret, user.totp_last_step = secret, step
    db.session.commit()
    return True
