"""Invitations: single-use, expiring codes that let an intern join an organisation.

Many interns have no e-mail address; the coordinator passes the link (or a roster's
worth of links) on by hand. Joining creates the intern with what the coordinator
already knows about them (name, country, field, programme, return date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from readiness.extensions import db
from readiness.models import INTERN, Invitation, User, utcnow
from readiness.services.accounts import create_user

INVITATION_DAYS = 30


def create_invitation(coordinator: User, values: Mapping[str, Any]) -> Invitation:
    """A single-use, expiring invitation to the coordinator's organisation."""
    return create_invitations(coordinator, [values])[0]


def create_invitations(coordinator: User, rows: Sequence[Mapping[str, Any]]) -> list[Invitation]:
    """Invitations for a whole roster, in one transaction: all or none."""
    expires = utcnow() + dt.timedelta(days=INVITATION_DAYS)
    invitations = [
        Invitation(
            organisation_id=coordinator.organisation_id,
            created_by_id=coordinator.id,
            expires_at=expires,
            **row,
        )
        for row in rows
    ]
    db.session.add_all(invitations)
    db.session.commit()
    return invitations


def recent_invitations(organisation_id: int, limit: int = 50) -> list[Invitation]:
    """The organisation's newest invitations, used or not."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.organisation_id == organisation_id)
            .order_by(Invitation.id.desc())
            .limit(limit)
        )
    )


def open_invitation(code: str) -> Invitation | None:
    """The unused, unexpired invitation with this code, if any."""
    if not code or len(code) > 64:
        return None
    return db.session.scalar(
        select(Invitation).where(
            Invitation.code == code, Invitation.used_at.is_(None), Invitation.expires_at > utcnow()
        )
    )


def accept_invitation(
    invitation: Invitation, username: str, password: str, locale: str
) -> User | None:
    """Create the intern in the invitation's organisation; None if the code was used meanwhile.

    :raises UsernameTakenError: when the user name is taken (nothing is kept).
    """
    user = create_user(
        username,
        password,
        role=INTERN,
        locale=locale,
        organisation_id=invitation.organisation_id,
        display_name=invitation.display_name,
        home_country=invitation.home_country,
        field=invitation.field,
        programme=invitation.programme,
        planned_return=invitation.planned_return,
    )
    claimed = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
            .values(used_at=utcnow(), used_by_id=user.id)
        ),
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return None
    db.session.commit()
    return user
