"""Who may see what: roles per route, and the organisation inside every query.

A coordinator sees only the interns of their own organisation; an id that
belongs elsewhere is a 404, exactly like an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from readiness.extensions import db, login_manager
from readiness.models import INTERN, Assessment, User

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: str) -> Callable[[F], F]:
    """Let the view run only for signed-in users with one of ``roles`` (403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def signed_in_user() -> User:
    """The signed-in user's own row (``current_user`` is a proxy; this is the model)."""
    return db.get_or_404(User, current_user.id)


def intern_of_my_organisation(user_id: int) -> User:
    """An intern of the coordinator's organisation, or 404."""
    return db.first_or_404(
        select(User).where(
            User.id == user_id,
            User.role == INTERN,
            User.organisation_id == current_user.organisation_id,
            User.organisation_id.is_not(None),
        )
    )


def assessment_of(intern: User, assessment_id: int) -> Assessment:
    """One of this intern's assessments, or 404."""
    return db.first_or_404(
        select(Assessment).where(Assessment.id == assessment_id, Assessment.user_id == intern.id)
    )
