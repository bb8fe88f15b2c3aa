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

from readiness.extensions import login_manager
from readiness.models import INTERN, Assessment, User
from readiness.services.accounts import user_by_id
from readiness.services.assessments import find_assessment
from readiness.services.cohort import find_intern

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


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


def found_or_404(value: T | None) -> T:
    """``value``, or a 404 when there is none (another organisation's ids included)."""
    if value is None:
        abort(404)
    return value


def signed_in_user() -> User:
    """The signed-in user's own row (``current_user`` is a proxy; this is the model)."""
    return found_or_404(user_by_id(current_user.id))


def intern_of_my_organisation(user_id: int) -> User:
    """An intern of the coordinator's organisation, or 404."""
    return found_or_404(find_intern(current_user.organisation_id, user_id))


def assessment_of(owner_id: int, assessment_id: int) -> Assessment:
    """One of this user's assessments, or 404 (never another person's)."""
    return found_or_404(find_assessment(owner_id, assessment_id))


def require_intern() -> None:
    """For a blueprint's ``before_request``: signed-in interns only (403 for other roles)."""
    if current_user.role != INTERN:
        abort(403)
