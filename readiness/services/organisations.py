"""Organisations (supervising and registered support organisations) and their staff."""

from __future__ import annotations

from sqlalchemy import Row, func, select
from sqlalchemy.exc import IntegrityError

from readiness.core.readings import whole_number
from readiness.extensions import db
from readiness.models import COORDINATOR, INTERN, Organisation, User


class OrganisationExistsError(ValueError):
    """An organisation with this name exists already."""


def create_organisation(name: str) -> Organisation:
    """A new organisation, committed.

    :raises OrganisationExistsError: when the name is taken (nothing is kept).
    """
    organisation = Organisation(name=name)
    db.session.add(organisation)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise OrganisationExistsError(name) from exc
    return organisation


def organisation_named(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def ensure_organisation(name: str) -> Organisation:
    """The organisation with this name, created (and committed) when there is none."""
    return organisation_named(name) or create_organisation(name)


def find_organisation(name_or_id: str) -> Organisation | None:
    """The organisation with this name, or this id when it is a number (the CLI's --org)."""
    number = whole_number(name_or_id) or -1
    return db.session.scalar(
        select(Organisation).where((Organisation.name == name_or_id) | (Organisation.id == number))
    )


def organisation_of(user: User) -> Organisation | None:
    if user.organisation_id is None:
        return None
    return db.session.get(Organisation, user.organisation_id)


def organisation_interns(organisation_id: int) -> list[int]:
    """Ids of every intern of the organisation, in a stable order."""
    return list(
        db.session.scalars(
            select(User.id)
            .where(User.organisation_id == organisation_id, User.role == INTERN)
            .order_by(User.id)
        )
    )


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def member_counts(role: str) -> dict[int, int]:
    """How many users of ``role`` each organisation has, by organisation id."""
    rows = db.session.execute(
        select(User.organisation_id, func.count())
        .where(User.role == role)
        .group_by(User.organisation_id)
    )
    return {org_id: count for org_id, count in rows if org_id is not None}


def coordinators_with_organisation() -> list[Row[User, str | None]]:
    """Every coordinator with their organisation's name, by organisation and user name."""
    return list(
        db.session.execute(
            select(User, Organisation.name)
            .outerjoin(Organisation, Organisation.id == User.organisation_id)
            .where(User.role == COORDINATOR)
            .order_by(Organisation.name, User.username)
        )
    )


def find_coordinator(user_id: int) -> User | None:
    return db.session.scalar(select(User).where(User.id == user_id, User.role == COORDINATOR))
