"""The language a user chose: kept on their profile and in a cookie."""

from __future__ import annotations

from flask import current_app, g
from flask_babel import refresh
from flask_login import current_user
from werkzeug.wrappers import Response

from readiness.i18n import LOCALE_COOKIE
from readiness.services.accounts import user_by_id


def choose_locale(locale: str) -> None:
    """The user chose ``locale``: use it from now on in this request and keep it on the profile.

    The caller commits the session, and sets the cookie with :func:`remember_locale`.
    """
    g.locale = locale
    refresh()  # Flask-Babel cached this request's locale and catalogue
    if current_user.is_authenticated:
        user = user_by_id(current_user.id)
        if user is not None:
            user.locale = locale


def remember_locale(response: Response, locale: str) -> Response:
    """Keep the choice in a cookie, for the sign-in page and other signed-out pages."""
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
