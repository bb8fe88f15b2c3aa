"""What templates call: text from the YAML in the page's language, answers as people read
them, and the plan's formatting helpers (shared with the PDF)."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal, format_percent
from flask import Flask, current_app, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from readiness.core.dates import japan_time
from readiness.core.locales import babel_code
from readiness.core.model import (
    ChoiceQuestion,
    DateQuestion,
    LikertQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
    localize,
    localize_source,
    parse_iso_date,
)
from readiness.core.readings import shown_number
from readiness.i18n import LOCALES, select_locale
from readiness.models import IN_PROGRESS, NOT_STARTED, REASSESSED, SUBMITTED
from readiness.reports.formatting import format_date, ruby_inline, ruby_markup, template_helpers
from readiness.state import current_state

#: An intern's assessment status, as coordinators read it.
STATUS_LABELS = {
    NOT_STARTED: _l("Not started"),
    IN_PROGRESS: _l("In progress"),
    SUBMITTED: _l("Submitted"),
    REASSESSED: _l("Re-assessed"),
}


def translate(text: dict[str, str] | None) -> str:
    """Text from the YAML in the current locale, with fallback (a Jinja global: ``t``)."""
    return localize(text, select_locale())


def ruby_text(text: dict[str, str] | None) -> str:
    """Text with furigana written out in brackets, for places that take no markup (menus)."""
    return ruby_inline(localize_source(text, select_locale()))


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
    if isinstance(question, DateQuestion) and isinstance(value, str):
        return format_date(value, locale) if parse_iso_date(value) else value
    if isinstance(question, NumberQuestion):
        unit = localize(question.unit, locale) if question.unit else ""
        return f"{shown_number(value, locale)} {unit}".strip()
    return str(value)


def display_value(value: float | None, display: str) -> str:
    """A computed rule value (a ratio, a number) for the result page."""
    if value is None:
        return "∞" if display == "percent" else "—"
    locale = babel_code(select_locale())
    if display == "percent":
        return format_percent(value, locale=locale)
    return format_decimal(value, format="#,##0.##", locale=locale)


def plan_template_helpers() -> dict[str, Any]:
    """The helpers the shared plan templates call (h, say, yen, day), in the page's locale."""
    helpers = template_helpers(select_locale(), bilingual=False, rates=current_state().rates)
    helpers.pop("t")  # pages use the request-aware ``t`` global
    return helpers


def link_to_hand_over(endpoint: str, **values: Any) -> str:
    """A link to hand to an intern, on the configured host: the first of
    ``READINESS_TRUSTED_HOSTS`` (not a ``.domain`` pattern), never the Host header a
    request happened to carry. Without a host list (development, or the explicit any-host
    choice) it follows the request."""
    hosts = current_app.config.get("TRUSTED_HOSTS") or []
    host = next((h for h in hosts if not h.startswith(".")), None)
    if host is None:
        return url_for(endpoint, **values, _external=True)
    scheme = current_app.config.get("PREFERRED_URL_SCHEME") or "http"
    return f"{scheme}://{host}{url_for(endpoint, **values)}"


def invitation_link(code: str) -> str:
    """The join link of an invitation (see :func:`link_to_hand_over`)."""
    return link_to_hand_over("auth.join", code=code)


def register(app: Flask) -> None:
    """Make the helpers available in every template."""
    app.jinja_env.globals.update(
        t=translate,
        ruby=ruby,
        ruby_text=ruby_text,
        japan_time=japan_time,
        select_locale=select_locale,
        locales=LOCALES,
        status_labels=STATUS_LABELS,
        display_answer=display_answer,
        display_value=display_value,
        invitation_link=invitation_link,
    )
    app.context_processor(plan_template_helpers)
