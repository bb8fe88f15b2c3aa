"""Labels and number, date and money formatting shared by the result page and the PDF.

Labels are gettext messages in the UI catalogues (``readiness/translations``), read here
with Babel directly: the PDF is rendered in a worker process without Flask.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import lru_cache, partial
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal
from markupsafe import Markup, escape

from readiness.core.locales import N_, babel_code, translations
from readiness.core.model import RUBY, localize_source
from readiness.core.money import ExchangeRates, currency_of
from readiness.core.plan.report import source_site
from readiness.core.points import whole

#: Headings and sentences of the plan, in the intern's language; the PDF adds the Japanese
#: heading beside each heading.
LABELS: dict[str, str] = {
    "report_title": N_("Business readiness and action plan"),
    "intern": N_("Intern"),
    "organisation": N_("Organisation"),
    "home_country": N_("Home country"),
    "field": N_("Field"),
    "programme": N_("Programme"),
    "planned_return": N_("Planned return"),
    "date": N_("Date"),
    "questionnaire": N_("Questionnaire"),
    "report_id": N_("Report"),
    "scores": N_("Your scores"),
    "chart_title": N_("Scores by dimension, 0 to 100"),
    "overall": N_("Overall"),
    "why": N_("Why this score"),
    "plan": N_("Your action plan"),
    "in_japan": N_("In Japan"),
    "after_return": N_("After return"),
    "due": N_("by"),
    "timeline": N_("Timeline"),
    "savings": N_("Savings plan"),
    "language": N_("Japanese-language target"),
    "resources": N_("Programmes and contacts"),
    "chosen_because": N_("Why"),
    "uncertain": N_("Not confirmed by an official source: please verify."),
    "stale": N_("Last checked %(date)s: may be out of date."),
    "eligibility": N_("Who can apply"),
    "how_to_apply": N_("How to apply"),
    "returnee_yes": N_("Returnees from Japan (TITP, SSW) can apply."),
    "returnee_no": N_("Returnees from Japan (TITP, SSW) cannot apply."),
    "returnee_uncertain": N_(
        "Not known whether returnees from Japan (TITP, SSW) can apply: ask before you go."
    ),
    "sources": N_("Sources"),
    "official_source": N_("official page"),
    "secondary_source": N_("report"),
    "step_sources": N_("Where this comes from"),
    "no_resources": N_(
        "Our catalogue has no programme for your country and situation yet. Ask your "
        "supervising organisation, or your embassy's labour office in Japan."
    ),
    "no_loans": N_(
        "Our catalogue has no loan or grant for your country yet. Ask your supervising "
        "organisation, or your embassy's labour office in Japan, about loans near your home."
    ),
    "cost": N_("Cost"),
    "no_steps": N_("Nothing urgent here: keep it up."),
    "page": N_("Page"),
    "download": N_("Download my plan (PDF)"),
    "capital_needed": N_("Capital your business needs"),
    "savings_now": N_("Savings now"),
    "monthly_saving": N_("Saving each month"),
    "months_left": N_("Months until your return"),
    "debt": N_("Debt still to pay"),
    "projected": N_("Expected savings at return"),
    "gap": N_("Gap"),
    "rate_note": N_(
        "Home-currency amounts at %(rate)s %(currency)s for one yen, on %(date)s (%(source)s)."
    ),
    "savings_unknown": N_(
        "You have not estimated what your business needs yet: that is the first step."
    ),
    "savings_covered": N_("Your savings at return should cover what your business needs."),
    "savings_close": N_(
        "Save %(extra)s more each month (%(total)s a month in all) to close the gap by your return."
    ),
    "savings_loan": N_(
        "A gap of %(gap)s is more than saving up to %(most)s a month can close by your "
        "return. These loans and grants for your country can help:"
    ),
    "savings_gap": N_(
        "A gap of %(gap)s is more than saving up to %(most)s a month can close by your return."
    ),
    "language_goal": N_("Now: %(current)s. Next level to aim for: %(target)s."),
    "language_top": N_("You have the highest level. Keep using your Japanese."),
    "language_test_before": N_("Take the %(test)s on %(date)s, before your return."),
    "language_test_after": N_(
        "The next %(test)s you can prepare for is on %(date)s, after your return: "
        "it is also held abroad."
    ),
}


def label(key: str, locale: str) -> str:
    return translations(locale).gettext(LABELS[key])


def heading(key: str, locale: str, *, bilingual: bool = False) -> str:
    """A heading in the intern's language, with the Japanese one after it when bilingual."""
    text = label(key, locale)
    if bilingual and locale != "ja":
        return f"{text} / {label(key, 'ja')}"
    return text


def say(locale: str, key: str, **values: Any) -> str:
    """A sentence from the labels in ``locale`` with named values filled in.

    The pattern is ours (never author or user text), so formatting cannot be abused.
    """
    return label(key, locale) % values


def format_yen(value: float | None, locale: str) -> str:
    if value is None:
        return "—"
    return format_currency(round(value), "JPY", locale=babel_code(locale))


def format_date(value: str | dt.date | None, locale: str) -> str:
    """A date (ISO text, date or datetime) as people write it in ``locale``, medium length."""
    if not value:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return babel_format_date(value, format="medium", locale=babel_code(locale))


#: The fonts of SVG charts (a presentation attribute: the same on pages and in the PDF).
CHART_FONTS = (
    "'Noto Sans', 'Noto Sans CJK JP', 'Noto Sans Myanmar', 'Noto Sans Khmer', "
    "'Noto Sans Devanagari', 'DejaVu Sans', sans-serif"
)
#: Chart colours of the bands, lowest first (the charts also print every number as text).
BAND_FILLS = ("#d64545", "#e8a33d", "#2f9e6a", "#3b82f6", "#7c3aed")


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@lru_cache(maxsize=64)
def ink_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (text printed on chart bars)."""
    light = _luminance(fill)
    return "#000000" if (light + 0.05) / 0.05 >= 1.05 / (light + 0.05) else "#ffffff"


#: A band's rank as a mark beside its colour, so a band is never told by colour alone
#: (the legend pairs each mark with the band's name).
BAND_MARKS = ("①", "②", "③", "④", "⑤")


def format_home(
    yen: float | None, country: str | None, rates: ExchangeRates | None, locale: str
) -> str:
    """``yen`` in the home currency of ``country`` at the configured rate, or "" without one."""
    if yen is None or rates is None:
        return ""
    currency = currency_of(country)
    amount = rates.convert(yen, currency)
    if amount is None or currency is None:
        return ""
    return "≈ " + format_currency(
        round(amount), currency, locale=babel_code(locale), format_type="standard"
    )


def rate_note(country: str | None, rates: ExchangeRates | None, locale: str) -> str:
    """Which rate the home-currency amounts use, when and from where (or "" without one)."""
    currency = currency_of(country)
    if rates is None or currency not in rates.per_yen:
        return ""
    return say(
        locale,
        "rate_note",
        rate=format_decimal(rates.per_yen[currency], locale=babel_code(locale)),
        currency=currency,
        date=format_date(rates.as_of, locale),
        source=rates.source,
    )


def ruby_markup(text: str) -> Markup:
    """Escaped text with its furigana marks as HTML ruby (for web pages)."""
    return Markup(  # noqa: S704 - the text is escaped first; only our own tags are added
        RUBY.sub(r"<ruby>\1<rp>（</rp><rt>\2</rt><rp>）</rp></ruby>", str(escape(text)))
    )


def ruby_inline(text: str) -> str:
    """Furigana marks written out with the reading in full-width brackets (for the PDF)."""
    return RUBY.sub(r"\1（\2）", text)


def template_helpers(
    locale: str, *, bilingual: bool, rates: ExchangeRates | None = None, also: str | None = None
) -> dict[str, Any]:
    """The functions the plan templates call, for one locale (shared with the web pages).

    ``also`` is a second language shown beside the first where the templates call ``t_also``
    (the coordinators' copy of a plan); ``t_also`` gives "" without one.
    """
    return {
        "also_lang": babel_code(also).replace("_", "-") if also else "",
        "t_also": partial(_second_language, locale=locale, also=also),
        "home": partial(format_home, rates=rates, locale=locale),
        "rate_note": partial(rate_note, rates=rates, locale=locale),
        "band_fills": BAND_FILLS,
        "band_marks": BAND_MARKS,
        "ink_on": ink_on,
        "html_lang": babel_code(locale).replace("_", "-"),
        "chart_fonts": CHART_FONTS,
        "t": partial(_localize_inline, locale=locale),
        "h": partial(heading, locale=locale, bilingual=bilingual),
        "say": partial(say, locale),
        "yen": partial(format_yen, locale=locale),
        "day": partial(format_date, locale=locale),
        "score": score_text,
        "whole": whole,
        "band_class": band_class,
        "site": source_site,
    }


def score_text(score: float | None) -> str:
    """A score as every page, PDF and CSV shows it: a whole number, rounded half up."""
    return "—" if score is None else str(whole(score))


def band_class(bands: Sequence[Mapping[str, Any]], band_id: str) -> str:
    """The CSS class of a band by its place, lowest to highest, whatever its id:
    ``band-low`` (the lowest), ``band-high`` (the highest) or ``band-mid``."""
    ordered = sorted(bands, key=lambda band: band.get("min", 0))
    ids = [band["id"] for band in ordered]
    if band_id not in ids:
        return "band-unknown"
    place = ids.index(band_id)
    return "band-low" if place == 0 else "band-high" if place == len(ids) - 1 else "band-mid"


def _localize_inline(text: dict[str, str] | None, locale: str) -> str:
    return ruby_inline(localize_source(text, locale))


def _second_language(text: dict[str, str] | None, locale: str, also: str | None) -> str:
    """The text in the second language, or "" when there is none or it reads the same."""
    if also is None or also == locale:
        return ""
    second = _localize_inline(text, also)
    return "" if second == _localize_inline(text, locale) else second
