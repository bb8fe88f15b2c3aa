"""Money in the intern's home currency: which currency a country uses, and configured rates.

Rates are never invented: they come from a file the operator keeps current
(``READINESS_CURRENCY_RATES_FILE``), saying how many units of each currency one yen buys,
on which date and from which source. Without that file, or without a rate for a
currency, amounts are shown in yen only.

    as_of: "2026-11-20"
    source: "your bank's published rate"
    per_yen:
      VND: 170.5
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.numbers import get_territory_currencies, is_currency

from readiness.core.errors import ErrorCode, IssueList, Location
from readiness.core.yamlsource import YamlDocument, decode_definition_bytes, read_yaml_text

CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class ExchangeRates:
    """Units of each currency that one yen buys, as of one date, with where that came from."""

    as_of: str
    source: str
    per_yen: dict[str, float]
    #: Changes whenever the file's content does (part of the PDF cache key).
    fingerprint: str

    def convert(self, yen: float, currency: str | None) -> float | None:
        rate = self.per_yen.get(currency or "")
        return None if rate is None else yen * rate


def currency_of(country: str | None, on: dt.date | None = None) -> str | None:
    """The currency in use in a country named by its ISO 3166 code (the questionnaire's ids)."""
    if not country or len(country) != 2:
        return None
    currencies = get_territory_currencies(country.upper(), start_date=on or dt.date.today())
    return currencies[0] if currencies else None


def load_rates(path: Path, issues: IssueList) -> ExchangeRates | None:
    """Read and check a rates file; problems go to ``issues`` with file:line."""
    raw = path.read_bytes()
    text = decode_definition_bytes(raw, str(path), issues)
    document = read_yaml_text(text, str(path), issues) if text is not None else None
    if document is None:
        return None
    data = document.data
    if not isinstance(data, dict):
        issues.add(
            ErrorCode.RATE_001, Location(str(path), 1, 1), "expected as_of, source and per_yen"
        )
        return None
    for key in sorted(set(data) - {"as_of", "source", "per_yen"}):
        _problem(issues, document, (key,), f"unknown field '{key}' (as_of, source, per_yen)")
    as_of = _as_of(data.get("as_of"), document, issues)
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        _problem(issues, document, ("source",), "say where the rates come from (source: ...)")
    per_yen = _rates(data.get("per_yen"), document, issues)
    if issues.errors or as_of is None or not isinstance(source, str):
        return None
    return ExchangeRates(as_of, source.strip(), per_yen, hashlib.sha256(raw).hexdigest()[:16])


def _as_of(value: Any, document: YamlDocument, issues: IssueList) -> str | None:
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        _problem(issues, document, ("as_of",), 'as_of must be the rates\' date, like "2026-11-20"')
        return None
    if day > dt.date.today():
        _problem(issues, document, ("as_of",), f"as_of {day} is in the future")
    return day.isoformat()


def _rates(value: Any, document: YamlDocument, issues: IssueList) -> dict[str, float]:
    if not isinstance(value, dict) or not value:
        _problem(issues, document, ("per_yen",), "per_yen must map currency codes to numbers")
        return {}
    rates = {}
    for code, rate in value.items():
        where = ("per_yen", code)
        if not isinstance(code, str) or not CURRENCY_CODE.match(code) or not is_currency(code):
            _problem(issues, document, where, f"'{code}' is not an ISO 4217 currency code")
        elif isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
            _problem(issues, document, where, f"the rate for {code} must be a positive number")
        else:
            rates[code] = float(rate)
    return rates


def _problem(
    issues: IssueList, document: YamlDocument, path: tuple[Any, ...], message: str
) -> None:
    issues.add(ErrorCode.RATE_001, document.locate(path), message)
