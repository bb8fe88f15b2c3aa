"""Nobody is locked out: many interns have no e-mail, so a forgotten password is reset with a
one-time code instead (docs/security.md, "Forgotten passwords").

- A coordinator gives their intern a **reset code**: shown once, works once, for
  ``RESET_CODE_HOURS`` hours; giving one is written in the access log.
- An intern who signs up without an organisation (no coordinator to ask) gets **recovery
  codes** at sign-up, to download or photograph; each works once.

Only SHA-256 hashes of the codes are kept. Trying codes is rate-limited like signing in
(per address and user name), and a code is spent in one UPDATE, so two tabs cannot both use it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update

from readiness.extensions import db
from readiness.models import INTERN, RecoveryCode, User, utcnow
from readiness.services.accounts import new_one_time_code, one_time_hash, set_password

#: How many recovery codes an intern gets at once.
RECOVERY_CODES = 8
#: Which kind of code reset a password (security log, messages).
RESET_CODE, RECOVERY_CODE = "reset_code", "recovery_code"


def issue_reset_code(intern: User, hours: int) -> tuple[str, dt.datetime]:
    """A new reset code for this intern (any earlier one stops working), and when it expires.

    The caller shows it once and logs who gave it.
    """
    code = new_one_time_code()
    intern.reset_code_hash = one_time_hash(code)
    intern.reset_code_expires = utcnow() + dt.timedelta(hours=hours)
    db.session.commit()
    return code, intern.reset_code_expires


def has_reset_code(user: User) -> bool:
    expires = user.reset_code_expires
    return user.reset_code_hash is not None and expires is not None and expires >= utcnow()


def issue_recovery_codes(user: User, count: int = RECOVERY_CODES) -> list[str]:
    """New recovery codes for this user; the earlier ones stop working."""
    codes = [new_one_time_code() for _ in range(count)]
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=one_time_hash(c)) for c in codes)
    db.session.commit()
    return codes


def unused_recovery_codes(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def _spent(statement: Any) -> bool:
    """Run an UPDATE that spends a code; whether it changed a row (it did not when another
    request spent the same code first)."""
    result = cast("CursorResult[Any]", db.session.execute(statement))
    return result.rowcount == 1


def spend_code(user: User, typed: str) -> str | None:
    """Spend one of the intern's codes: :data:`RESET_CODE`, :data:`RECOVERY_CODE`, or None
    when ``typed`` is neither (or has expired, or was used). Only interns have codes: staff
    accounts are looked after by an administrator."""
    if user.role != INTERN or not typed.strip():
        return None
    hashed = one_time_hash(typed)
    if has_reset_code(user) and _spent(
        update(User)
        .where(
            User.id == user.id,
            User.reset_code_hash == hashed,
            User.reset_code_expires >= utcnow(),
        )
        .values(reset_code_hash=None, reset_code_expires=None)
    ):
        return RESET_CODE
    if _spent(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hashed,
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    ):
        return RECOVERY_CODE
    return None


def reset_password(user: User, typed_code: str, new_password: str) -> str | None:
    """Set a new password with a one-time code (which kind, or None: nothing changed).

    The new password ends every other session, as a password change does.
    """
    kind = spend_code(user, typed_code)
    if kind is None:
        db.session.rollback()
        return None
    db.session.refresh(user)
    set_password(user, new_password)
    db.session.commit()
    return kind
