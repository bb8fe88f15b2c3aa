"""Choosing the language a page is shown in, and showing text from the YAML in it.

Order: the language saved on the user's profile, else the choice kept in a cookie,
else (for interns only) the browser's ``Accept-Language``, else Japanese. Coordinators
and admins work in Japanese unless they choose otherwise, whatever their browser says.

UI strings are gettext messages (Flask-Babel) read from the catalogues that
:mod:`readiness.core.locales` names; questionnaire content carries its own text per locale.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from babel.support import NullTranslations
from flask import Response, current_app, g, has_app_context, has_request_context, request
from flask_babel import Domain, gettext, refresh
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from readiness.core.locales import LOCALES as LOCALE_INFO
from readiness.core.locales import babel_code, translations
from readiness.core.model import (
    ChoiceQuestion,
    LikertQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
    localize,
    localize_source,
)
from readiness.extensions import db
from readiness.models import IN_PROGRESS, INTERN, NOT_STARTED, REASSESSED, SUBMITTED, User
from readiness.reports.formatting import ruby_markup, template_helpers

#: Locales the product speaks, with their names in that locale (menu order).
LOCALES: dict[str, str] = {code: info.name for code, info in LOCALE_INFO.items()}
DEFAULT_LOCALE = "ja"
LOCALE_COOKIE = "readiness_locale"
#: An intern's assessment status, as coordinators read it.
STATUS_LABELS = {
    NOT_STARTED: _l("Not started"),
    IN_PROGRESS: _l("In progress"),
    SUBMITTED: _l("Submitted"),
    REASSESSED: _l("Re-assessed"),
}


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
    locale = None
    signed_in = current_user.is_authenticated
    if signed_in and current_user.locale in LOCALES:
        locale = current_user.locale
    if locale is None and request.cookies.get(LOCALE_COOKIE) in LOCALES:
        locale = request.cookies[LOCALE_COOKIE]
    if locale is None and not (signed_in and current_user.role != INTERN):
        locale = request.accept_languages.best_match(list(LOCALES))
    g.locale = locale or DEFAULT_LOCALE
    return str(g.locale)


def babel_locale() -> str:
    """What Flask-Babel and WTForms format with: the locale, or its base language."""
    return babel_code(select_locale())


class CatalogueDomain(Domain):
    """Messages from :func:`readiness.core.locales.translations`, in the selected locale."""

    def get_translations(self) -> NullTranslations:
        return translations(select_locale()) if has_app_context() else NullTranslations()


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


def choose_locale(locale: str) -> None:
    """The user chose ``locale``: use it from now on in this request and keep it on the profile.

    The caller commits the session, and sets the cookie with :func:`remember_locale`.
    """
    g.locale = locale
    refresh()  # Flask-Babel cached this request's locale and catalogue
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
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


def translate(text: dict[str, str] | None) -> str:
    """Text from the YAML in the current locale, with fallback (a Jinja global: ``t``)."""
    return localize(text, select_locale())


def ruby(text: dict[str, str] | None) -> Markup:
    """Text from the YAML in the current locale with furigana as ruby (a Jinja global)."""
    return ruby_markup(localize_source(text, select_locale()))


def display_answer(question: Question | None, value: Any) -> str:
    """An answer as the intern reads it: option labels, units, thousands separators."""
    if value is None or value == []:
        return "—"
    if question is None:
        return str(value)
    locale = select_locale()
    if isinstance(question, ChoiceQuestion):
        labels = {o.id: localize(o.label, locale) for o in question.options}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) for v in values)
    if isinstance(question, LikertQuestion):
        return f"{value} / {question.scale}"
    if isinstance(question, YesNoQuestion):
        return gettext("Yes") if value == "yes" else gettext("No")
    if isinstance(question, NumberQuestion):
        unit = localize(question.unit, locale) if question.unit else ""
        number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
        return f"{number} {unit}".strip()
    return str(value)


def display_value(value: float | None, display: str) -> str:
    """A computed rule value (a ratio, a number) for the result page."""
    if value is None:
        return "∞" if display == "percent" else "—"
    if display == "percent":
        return f"{value:.0%}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def plan_template_helpers() -> dict[str, Any]:
    """The helpers the shared plan templates call (h, say, yen, day), in the page's locale."""
    rates = current_app.extensions["readiness"].rates
    helpers = template_helpers(select_locale(), bilingual=False, rates=rates)
    helpers.pop("t")  # pages use the request-aware ``t`` global
    return helpers
