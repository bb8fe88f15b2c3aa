"""Choosing the language a page is shown in.

Order: an explicit choice saved on the intern's profile, else the choice kept
in a cookie, else the browser's ``Accept-Language``, else English. The
languages issue extends the list of locales and adds UI catalogues.
"""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_login import current_user

from readiness.core.model import (
    ChoiceQuestion,
    LikertQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
    localize,
)
from readiness.reports.formatting import template_helpers

#: Locales the questionnaire content is written in, with their names in that locale.
LOCALES: dict[str, str] = {"en": "English", "ja": "日本語"}
DEFAULT_LOCALE = "en"
LOCALE_COOKIE = "readiness_locale"


def select_locale() -> str:
    """The locale for the current request (cached on ``g``)."""
    if "locale" in g:
        return str(g.locale)
    locale = None
    if current_user.is_authenticated and current_user.locale in LOCALES:
        locale = current_user.locale
    if locale is None and request.cookies.get(LOCALE_COOKIE) in LOCALES:
        locale = request.cookies[LOCALE_COOKIE]
    if locale is None:
        locale = request.accept_languages.best_match(list(LOCALES)) or DEFAULT_LOCALE
    g.locale = locale
    return locale


def translate(text: dict[str, str] | None) -> str:
    """Text from the YAML in the current locale, with fallback (a Jinja global: ``t``)."""
    return localize(text, select_locale())


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
        yes, no = ("はい", "いいえ") if locale == "ja" else ("Yes", "No")
        return yes if value == "yes" else no
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
    helpers = template_helpers(select_locale(), bilingual=False)
    helpers.pop("t")  # pages use the request-aware ``t`` global
    return helpers
