"""Numbers and dates as people type them, read in the language of the page.

A Vietnamese or Indonesian intern writes nine hundred thousand as ``900.000`` and one and
a half as ``1,5``; a Japanese or English one writes ``900,000`` and ``1.5``; phones send
full-width digits, and people add ``¥`` or ``円``. :func:`read_number` reads the text by
the page's locale (Babel's decimal and group symbols) and by the other convention too:

- a reading that is not a well-formed number (``1,5`` grouped in threes) is dropped;
- a decimal reading of exactly three zeros (``900.000`` as 900) is dropped when the other
  reading is a whole number (nobody writes nine hundred yen so);
- a reading the question cannot take (a fraction for a whole number, out of its range)
  is dropped.

One value left: that is the answer. Two: the text is ambiguous for this question and the
page asks back, showing the locale's reading first. None: the reason says why.
:func:`read_date` reads what a date picker sends (``2027-03-31``) and what people type
(``2027/03/31``, ``31/03/2027`` where the locale writes the day first).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.dates import get_date_format
from babel.numbers import format_decimal, get_decimal_symbol

from readiness.core.locales import babel_code

#: Dates people may give: a birth year or a return far ahead, never year 1 or 9999.
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
#: Money and unit marks people type around a number; they are ignored.
_MARKS = re.compile(r"(?i)jp¥|jpy|yen|¥|円|\s|'|_")
_NUMBER_TEXT = re.compile(r"-?[0-9.,]+")
#: Grouping of a number's whole part: 1,234,567 or (South Asian) 12,34,567.
_GROUPED = re.compile(r"[0-9]{1,3}(?:G[0-9]{3})+|[0-9]{1,2}(?:G[0-9]{2})*G[0-9]{3}")

#: No answer needs more characters than this (a trillion yen with separators is 17); a
#: longer "number" is pasted junk, and Python refuses to print ints over 4,300 digits.
MAX_NUMBER_TEXT = 40
NOT_A_NUMBER, NOT_WHOLE, OUT_OF_RANGE = "not_a_number", "not_whole", "out_of_range"
NOT_A_DATE, YEAR_OUT_OF_RANGE = "not_a_date", "year_out_of_range"


#: The largest id an integer column holds in every supported database (PostgreSQL's
#: ``integer``); a larger id in a URL or a form is no row, not a database error.
LARGEST_ID = 2**31 - 1


def whole_number(text: str | None, low: int = 1, high: int = LARGEST_ID) -> int | None:
    """``text`` as a whole number written in ASCII digits within [low, high], else None.

    For ids, page numbers and other numbers in query strings and hidden fields, where
    nobody types: ``str.isdigit`` is true for "²" (which ``int`` refuses) and for "١٢"
    (which ``int`` reads), so only 0-9 are accepted here.
    """
    text = (text or "").strip()
    if not text or len(text) > 12 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


@dataclass(frozen=True)
class NumberReading:
    """What a typed number means for one question.

    ``value`` is the answer when the text has one meaning; ``choices`` holds both meanings
    (the locale's first) when it has two; ``problem`` says why it has none.
    """

    value: int | float | None = None
    choices: tuple[int | float, ...] = ()
    problem: str | None = None

    @property
    def ambiguous(self) -> bool:
        return len(self.choices) > 1


@lru_cache(maxsize=32)
def number_symbols(locale: str) -> tuple[str, str]:
    """The locale's decimal and group symbols, as typed on a phone: '.' and ',' either way."""
    decimal = get_decimal_symbol(babel_code(locale))
    return (",", ".") if decimal == "," else (".", ",")


def read_number(
    text: str,
    locale: str,
    *,
    integer: bool,
    low: float | None = None,
    high: float | None = None,
    units: Iterable[str] = (),
) -> NumberReading:
    """The number ``text`` means on a page in ``locale``, for a question with these limits
    (and its unit in any language, which people often type after the number)."""
    cleaned = unicodedata.normalize("NFKC", text)
    for unit in units:
        if unit.strip():
            pattern = re.escape(unicodedata.normalize("NFKC", unit.strip()))
            cleaned = re.sub(pattern, "", cleaned, flags=re.IGNORECASE)
    cleaned = _MARKS.sub("", cleaned)
    if len(cleaned) > MAX_NUMBER_TEXT or not _NUMBER_TEXT.fullmatch(cleaned):
        return NumberReading(problem=NOT_A_NUMBER)
    decimal, group = number_symbols(locale)
    both = (_reading(cleaned, decimal, group), _reading(cleaned, group, decimal))
    readings = [r for r in both if r is not None]  # zero is a reading too
    readings = _plausible(readings)
    if not readings:
        return NumberReading(problem=NOT_A_NUMBER)
    fitting = [r for r in readings if _fits(r, integer, low, high)]
    values = list(dict.fromkeys(_plain(r, integer) for r in fitting))
    if not values:
        return NumberReading(
            problem=NOT_WHOLE if _only_fractions(readings, integer) else OUT_OF_RANGE
        )
    if len(values) == 1:
        return NumberReading(value=values[0])
    return NumberReading(choices=tuple(values))


def _reading(text: str, decimal: str, group: str) -> Decimal | None:
    """``text`` read with this decimal and group symbol, or None when it is not well formed."""
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    whole, _, fraction = text.partition(decimal)
    if decimal in fraction or group in fraction or (not whole and not fraction):
        return None
    if group in whole and not _GROUPED.fullmatch(whole.replace(group, "G")):
        return None
    digits = whole.replace(group, "") or "0"
    if not digits.isdigit() or (fraction and not fraction.isdigit()):
        return None
    try:
        return Decimal(f"{sign}{digits}.{fraction or '0'}")
    except InvalidOperation:  # pragma: no cover - the checks above leave digits only
        return None


def _plausible(readings: list[Decimal]) -> list[Decimal]:
    """Drop a reading of three zero decimals (``900.000`` as 900) beside another one."""
    zeros = [r for r in readings if _three_zero_decimals(r)]
    others = [r for r in readings if not _three_zero_decimals(r)]
    return others if zeros and others else readings


def _three_zero_decimals(value: Decimal) -> bool:
    return value.as_tuple().exponent == -3 and value == value.to_integral_value()


def _fits(value: Decimal, integer: bool, low: float | None, high: float | None) -> bool:
    if integer and value != value.to_integral_value():
        return False
    return (low is None or value >= Decimal(str(low))) and (
        high is None or value <= Decimal(str(high))
    )


def _only_fractions(readings: list[Decimal], integer: bool) -> bool:
    return integer and all(r != r.to_integral_value() for r in readings)


def _plain(value: Decimal, integer: bool) -> int | float:
    return int(value) if integer or value == value.to_integral_value() else float(value)


def shown_number(value: float, locale: str) -> str:
    """A number as the page's locale writes it (``900.000`` in Vietnamese)."""
    return format_decimal(value, locale=babel_code(locale), decimal_quantization=False)


@lru_cache(maxsize=32)
def date_order(locale: str) -> str:
    """The order of day, month and year in the locale's short dates: "dmy", "mdy" or "ymd"."""
    pattern = get_date_format("short", locale=babel_code(locale)).pattern
    positions = {part: pattern.find(part) for part in "dMy"}
    return "".join(sorted("dmy", key=lambda part: positions["M" if part == "m" else part]))


def date_example(locale: str) -> str:
    """How to type 30 June 2027 in the locale's order, with a four-digit year."""
    parts = {"d": "30", "m": "06", "y": "2027"}
    return "/".join(parts[p] for p in date_order(locale))


def read_date(text: str, locale: str) -> tuple[dt.date | None, str | None]:
    """(the date, None), or (None, why not): ISO, ``y/m/d`` or the locale's own order."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    numbers = re.split(r"\s*[-/.]\s*|\s+", cleaned)
    # ASCII digits only (after NFKC, which turns full-width ones into ASCII): isdigit()
    # is also true for Ethiopic or Tai Tham digits that int() refuses.
    if len(numbers) != 3 or not all(n.isascii() and n.isdigit() and len(n) <= 4 for n in numbers):
        return None, NOT_A_DATE
    order = "ymd" if len(numbers[0]) == 4 else date_order(locale)
    if order == "ymd" and len(numbers[0]) != 4:
        return None, NOT_A_DATE
    parts = dict(zip(order, (int(n) for n in numbers), strict=True))
    if len(numbers[order.index("y")]) != 4:
        return None, NOT_A_DATE
    try:
        day = dt.date(parts["y"], parts["m"], parts["d"])
    except ValueError:
        return None, NOT_A_DATE
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return None, YEAR_OUT_OF_RANGE
    return day, None
