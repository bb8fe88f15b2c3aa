"""Invitations: single-use, expiring codes that let an intern join an organisation.

Many interns have no e-mail address; the coordinator passes the link (or a roster's
worth of links) on by hand. Joining creates the intern with what the coordinator
already knows about them (name, country, field, programme, return date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from babel.dates import format_date
from babel.languages import get_official_languages
from sqlalchemy import CursorResult, select, update

from readiness.core.locales import LOCALES, N_, babel_code, translations
from readiness.extensions import db
from readiness.models import INTERN, Invitation, User, utcnow
from readiness.services.accounts import create_user

DEFAULT_MESSAGE_LOCALE = "en"

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


#: The message an intern receives with their link (in their language, then in Japanese).
INVITATION_MESSAGE = N_(
    "Hello %(name)s! %(organisation)s invites you to readiness, a self-assessment that helps "
    "you prepare your business at home while you are still in Japan. Open this link on your "
    "phone and choose a user name and password (it works once, until %(date)s): %(link)s"
)


def invitation_locale(country: str | None) -> str:
    """The language to write to an intern from ``country`` in: an official language of that
    country (CLDR, through Babel) that readiness speaks, English if there is none."""
    if not country or len(country) != 2:
        return DEFAULT_MESSAGE_LOCALE
    spoken = get_official_languages(country.upper(), de_facto=True)
    ours = [language for language in spoken if language in LOCALES]
    return next((lang for lang in ours if lang != "en"), DEFAULT_MESSAGE_LOCALE)


def invitation_messages(invitation: Invitation, organisation: str, link: str) -> dict[str, str]:
    """The invitation message in the intern's language and in Japanese (one if they match)."""
    messages = {}
    for locale in dict.fromkeys((invitation_locale(invitation.home_country), "ja")):
        messages[locale] = translations(locale).gettext(INVITATION_MESSAGE) % {
            "name": invitation.display_name or "",
            "organisation": organisation,
            "date": format_date(invitation.expires_at.date(), "medium", locale=babel_code(locale)),
            "link": link,
        }
    return messages
