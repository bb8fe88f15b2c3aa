"""Numbers and dates as people type them, in every language readiness speaks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readiness.core.locales import LOCALES
from readiness.core.readings import (
    NOT_A_DATE,
    NOT_A_NUMBER,
    NOT_WHOLE,
    OUT_OF_RANGE,
    YEAR_OUT_OF_RANGE,
    NumberReading,
    date_example,
    number_symbols,
    read_date,
    read_number,
    shown_number,
)

#: Languages that write 1.234,5 (the others write 1,234.5).
COMMA_DECIMAL = {"vi", "id"}
YEN = {"integer": True, "low": 0, "high": 100_000_000}
HOURS = {"integer": False, "low": 0, "high": 60}


def test_the_decimal_symbol_of_each_language_is_known() -> None:
    assert {code for code in LOCALES if number_symbols(code)[0] == ","} == COMMA_DECIMAL


@pytest.mark.parametrize("locale", list(LOCALES))
@pytest.mark.parametrize(
    "typed",
    [
        "900.000",
        "900,000",
        "900000",
        "９０００００",
        "¥900,000",
        "900 000",
        "900.000 円",
        "JP¥900000",
    ],
)
def test_nine_hundred_thousand_yen_is_read_so_in_every_language(locale: str, typed: str) -> None:
    """Written the way of either convention, with full-width digits or a yen sign."""
    assert read_number(typed, locale, **YEN) == NumberReading(value=900_000)


@pytest.mark.parametrize("locale", list(LOCALES))
@pytest.mark.parametrize("typed", ["0", "00", "0.0", "0,0", "０", "¥0"])
def test_zero_is_a_number_in_every_language(locale: str, typed: str) -> None:
    """Nothing saved yet is an answer: zero must never read as "not a number"."""
    assert read_number(typed, locale, **YEN) == NumberReading(value=0)
    assert read_number(typed, locale, **HOURS) == NumberReading(value=0)


@given(st.sampled_from(list(LOCALES)), st.integers(0, YEN["high"]))
def test_a_whole_number_written_the_languages_way_reads_back(locale: str, value: int) -> None:
    """What the page shows (``900.000`` in Vietnamese) is what the page reads, for any amount."""
    for typed in (shown_number(value, locale), str(value)):
        reading = read_number(typed, locale, **YEN)
        assert reading.value == value or value in reading.choices, (typed, reading)
    assert read_number(str(value), locale, **YEN) == NumberReading(value=value)


@given(st.sampled_from(list(LOCALES)), st.integers(0, 600).map(lambda tenths: tenths / 10))
def test_hours_written_the_languages_way_read_back(locale: str, value: float) -> None:
    reading = read_number(shown_number(value, locale), locale, **HOURS)
    assert reading.value == value or value in reading.choices, reading


@pytest.mark.parametrize("locale", list(LOCALES))
def test_one_and_a_half_hours_is_read_so_in_every_language(locale: str) -> None:
    """``1,5`` is never fifteen: grouping by threes cannot read it, so it is one and a half."""
    assert read_number("1,5", locale, **HOURS) == NumberReading(value=1.5)
    assert read_number("1.5", locale, **HOURS) == NumberReading(value=1.5)


@pytest.mark.parametrize("locale", list(LOCALES))
def test_a_text_that_reads_two_ways_is_not_guessed(locale: str) -> None:
    """``1.500`` where both 1.5 and 1,500 fit: both readings, the locale's first."""
    wide = {"integer": False, "low": 0, "high": 10_000}
    reading = read_number("1.500", locale, **wide)
    assert reading.ambiguous
    expected = (1500, 1.5) if locale in COMMA_DECIMAL else (1.5, 1500)
    assert reading.choices == expected


@pytest.mark.parametrize("locale", list(LOCALES))
def test_the_question_settles_what_the_language_leaves_open(locale: str) -> None:
    """Yen are whole: ``1.500`` can only be 1,500. Hours stop at 60: ``1.500`` is 1.5."""
    assert read_number("1.500", locale, **YEN) == NumberReading(value=1500)
    assert read_number("1.500", locale, **HOURS) == NumberReading(value=1.5)


@pytest.mark.parametrize("locale", list(LOCALES))
@pytest.mark.parametrize(
    ("typed", "limits", "problem"),
    [
        ("abc", YEN, NOT_A_NUMBER),
        ("12abc", YEN, NOT_A_NUMBER),
        ("1e309", YEN, NOT_A_NUMBER),
        ("1,2,3", YEN, NOT_A_NUMBER),
        ("2.5", YEN, NOT_WHOLE),
        ("61", HOURS, OUT_OF_RANGE),
        ("-1", YEN, OUT_OF_RANGE),
        ("99999999999999999999999", YEN, OUT_OF_RANGE),
    ],
)
def test_what_cannot_be_read_says_why(
    locale: str, typed: str, limits: dict[str, float], problem: str
) -> None:
    assert read_number(typed, locale, **limits).problem == problem


def test_lakh_grouping_and_long_numbers() -> None:
    assert read_number("9,00,000", "ne", **YEN).value == 900_000
    assert read_number("1.234.567,5", "vi", integer=False).value == 1_234_567.5
    assert read_number("1,234,567.5", "en", integer=False).value == 1_234_567.5


@pytest.mark.parametrize(
    ("locale", "shown"),
    [("en", "900,000"), ("ja", "900,000"), ("vi", "900.000"), ("id", "900.000"), ("my", "900,000")],
)
def test_numbers_are_shown_the_way_the_language_writes_them(locale: str, shown: str) -> None:
    assert shown_number(900_000, locale) == shown


#: How each language writes 31 March 2027 with the day and month in its own order.
TYPED_DATES = {
    "ja": "2027/03/31",
    "ja_easy": "2027/03/31",
    "en": "03/31/2027",
    "vi": "31/03/2027",
    "id": "31.03.2027",
    "fil": "03/31/2027",
    "my": "31/03/2027",
    "ne": "2027/3/31",
    "km": "31-03-2027",
}


@pytest.mark.parametrize("locale", list(LOCALES))
def test_dates_as_the_picker_sends_them_and_as_people_type_them(locale: str) -> None:
    march = dt.date(2027, 3, 31)
    assert read_date("2027-03-31", locale) == (march, None)
    assert read_date(TYPED_DATES[locale], locale) == (march, None)
    assert read_date("２０２７／０３／３１", locale) == (march, None)
    assert "2027" in date_example(locale)


@pytest.mark.parametrize("locale", list(LOCALES))
@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("9999-12-31", YEAR_OUT_OF_RANGE),
        ("0001-01-01", YEAR_OUT_OF_RANGE),
        ("2027-02-30", NOT_A_DATE),
        ("tomorrow", NOT_A_DATE),
        ("27/03/31", NOT_A_DATE),
        ("፩፱፩፩-01-01", NOT_A_DATE),  # Ethiopic digits: isdigit() says yes, int() says no
        ("᧚᧚᧚᧚-01-01", NOT_A_DATE),  # New Tai Lue
        ("2027-01-" + "1" * 5000, NOT_A_DATE),  # past Python's 4,300-digit int limit
    ],
)
def test_dates_that_cannot_be_meant_are_refused(locale: str, typed: str, problem: str) -> None:
    assert read_date(typed, locale) == (None, problem)


@pytest.mark.parametrize(
    ("locale", "typed"),
    [("vi", "1.500.000 yên"), ("en", "1,500,000 Yen"), ("ja", "1500000円"), ("id", "Rp 1.500.000")],
)
def test_the_questions_unit_typed_with_the_number_is_ignored(locale: str, typed: str) -> None:
    units = ["yen", "yên", "円", "Rp"]
    assert read_number(typed, locale, **YEN, units=units) == NumberReading(value=1_500_000)
    assert read_number("1.500.000 yên", "vi", **YEN).problem == NOT_A_NUMBER  # unit not given


@given(st.text(max_size=60))
def test_any_typed_text_is_a_date_or_a_reason_never_an_exception(typed: str) -> None:
    day, problem = read_date(typed, "en")
    assert (day is None) != (problem is None)


@given(st.text(max_size=60) | st.text(alphabet="0123456789.,", min_size=30, max_size=6000))
def test_any_typed_text_is_a_number_or_a_reason_never_an_exception(typed: str) -> None:
    reading = read_number(typed, "vi", integer=False)
    assert reading.value is not None or reading.choices or reading.problem
    if reading.value is not None:
        str(reading.value)  # printable: no 5,000-digit integer comes out
