"""Which language a request or a background job speaks, and where its messages come from.

Order: the language saved on the user's profile, else the choice kept in a cookie,
else (for users who follow their browser: interns) the browser's ``Accept-Language``,
else Japanese. Coordinators and admins work in Japanese unless they choose otherwise,
whatever their browser says.

UI strings are gettext messages (Flask-Babel) read from the catalogues that
:mod:`readiness.core.locales` names, the same ones the PDF worker reads without Flask.
This module imports no other part of the app but the core, so the extensions can use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from babel.support import NullTranslations
from flask import g, has_app_context, has_request_context, request
from flask_babel import Babel, Domain, refresh
from flask_login import current_user

from readiness.core.locales import LOCALES as LOCALE_INFO
from readiness.core.locales import babel_code, translations

#: Locales the product speaks, with their names in that locale (menu order).
LOCALES: dict[str, str] = {code: info.name for code, info in LOCALE_INFO.items()}
DEFAULT_LOCALE = "ja"
LOCALE_COOKIE = "readiness_locale"


def select_locale() -> str:
    """The locale for the current request (cached on ``g``); Japanese outside requests.

    Background work sets ``g.locale`` with :func:`use_locale` to write in a chosen language.
    """
    if not has_app_context():
        return DEFAULT_LOCALE
    if "locale" in g:
        return str(g.locale)
    if not has_request_context():
        return DEFAULT_LOCALE
    g.locale = _request_locale() or DEFAULT_LOCALE
    return str(g.locale)


def _request_locale() -> str | None:
    signed_in = current_user.is_authenticated
    if signed_in and current_user.locale in LOCALES:
        return str(current_user.locale)
    if request.cookies.get(LOCALE_COOKIE) in LOCALES:
        return request.cookies[LOCALE_COOKIE]
    if not signed_in or current_user.follows_browser_language:
        return request.accept_languages.best_match(list(LOCALES))
    return None


def babel_locale() -> str:
    """What Flask-Babel and WTForms format with: the locale, or its base language."""
    return babel_code(select_locale())


class CatalogueDomain(Domain):
    """Messages from :func:`readiness.core.locales.translations`, in the selected locale."""

    def get_translations(self) -> NullTranslations:
        return translations(select_locale()) if has_app_context() else NullTranslations()


class ReadinessBabel(Babel):
    """Flask-Babel reading the same catalogues as the PDF worker (easy Japanese included)."""

    @cached_property
    def domain_instance(self) -> Domain:
        return CatalogueDomain(domain=self.domain)


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Write in ``locale`` inside the block (background jobs, which have no request)."""
    previous = g.pop("locale", None)
    g.locale = locale
    refresh()
    try:
        yield
    finally:
        g.pop("locale", None)
        if previous is not None:
            g.locale = previous
        refresh()
