"""Read a coordinator's roster CSV of interns to invite: every row checked before anything is kept.

Columns: ``name, home_country, field, programme, planned_return``. Country,
field and programme may be option ids (``vn``) or labels in English or Japanese
(``Vietnam``, ``ベトナム``); dates are ``YYYY-MM-DD`` or ``YYYY/MM/DD`` between 1900 and
2100. Files from Excel in Japan are often Shift_JIS, and Excel's "Unicode text" is UTF-16
with tabs: those are read too, with any line ends (Windows, Unix, old Mac). Any error
means nothing is imported, and every error is listed by row and column.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import ChoiceQuestion
from readiness.core.readings import (
    EARLIEST_DATE,
    LATEST_DATE,
    NOT_A_DATE,
    YEAR_OUT_OF_RANGE,
    read_date,
)

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ("name", "home_country", "field", "programme", "planned_return")
#: Other headers people write for each column (as Japanese rosters and Excel sheets do);
#: compared after NFKC, case folding and without spaces, underscores and hyphens.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("氏名", "名前", "氏名(ローマ字)", "氏名(英字)", "fullname", "internname"),
    "home_country": ("国籍", "国", "出身国", "帰国先", "country", "nationality", "homecountry"),
    "field": ("分野", "職種", "業種", "特定技能分野", "trade", "sector"),
    "programme": ("在留資格", "資格", "区分", "program", "status", "visa"),
    "planned_return": ("帰国予定日", "帰国予定", "帰国日", "returndate", "plannedreturn"),
}


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text).casefold())


#: Every accepted header (normalised) -> its column.
_HEADERS = {
    _header_key(spelling): column
    for column in COLUMNS
    for spelling in (column, *HEADER_ALIASES[column])
}


@dataclass
class RosterResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


#: The longest cell read (a name is at most 100 characters; the rest is a broken file).
MAX_CELL = 1000


def _decode(raw: bytes) -> tuple[str, str] | None:
    """The file's text and encoding: UTF-16 by its byte-order mark, else UTF-8, else
    Shift_JIS (cp932, what Excel writes as "CSV" on a Japanese Windows)."""
    encodings = ["utf-8-sig", "cp932"]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    for encoding in encodings:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def _rows(text: str) -> Any:
    """CSV rows, comma- or tab-separated (as the first line shows), any line ends."""
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    # newline=None reads \r\n, \n and a lone \r (old Mac files) all as line ends.
    # strict: an unclosed quote is an error, not one long name swallowing the rest.
    return csv.reader(io.StringIO(text, newline=None), delimiter=delimiter, strict=True)


def _option_lookup(definition: AssessmentDefinition, question_id: str) -> dict[str, str]:
    """Every accepted spelling (id, labels in any locale, case-folded) -> option id."""
    question = definition.questions.get(question_id)
    lookup: dict[str, str] = {}
    if isinstance(question, ChoiceQuestion):
        for option in question.options:
            for spelling in (option.id, *option.label.values()):
                lookup[spelling.strip().casefold()] = option.id
    return lookup


def _date(text: str) -> tuple[dt.date | None, str | None]:
    """(the date, None) for ``YYYY-MM-DD`` or ``YYYY/MM/DD`` in 1900-2100, else (None, why)."""
    if not re.fullmatch(r"[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}", text):
        return None, NOT_A_DATE
    return read_date(text, "ja")  # year first, as the check above made sure


def parse_roster(raw: bytes, definition: AssessmentDefinition) -> RosterResult:
    """Check a roster file; rows are only returned when there is no error at all."""
    result = RosterResult()
    if len(raw) > MAX_BYTES:
        result.errors.append(
            _("The file is larger than %(kb)s KB; split it.", kb=MAX_BYTES // 1024)
        )
        return result
    decoded = _decode(raw)
    if decoded is None:
        result.errors.append(
            _("The file is not UTF-8, UTF-16 or Shift_JIS text; save it as CSV (UTF-8).")
        )
        return result
    text, encoding = decoded
    reader = _rows(text)
    try:
        # Shift_JIS has no Vietnamese, Burmese or Khmer letters: Excel writes them as "?".
        _read(reader, definition, result, lossy=encoding == "cp932")
    except csv.Error as exc:
        result.errors.append(_csv_problem(exc, reader.line_num))
    if result.errors:
        result.rows = []
    return result


def _csv_problem(exc: csv.Error, line: int) -> str:
    """What broke the file, and the line where the reader was (in the page's language:
    the csv module's own words are English and about Python)."""
    if "field larger than field limit" in str(exc):
        return _long_cell(line)
    return _(
        "Line %(line)s: the file could not be read as CSV (a quote may be missing). "
        "Save it again as CSV (UTF-8).",
        line=line,
    )


def _long_cell(row: int) -> str:
    return _("Row %(row)s: a cell is longer than %(limit)s characters.", row=row, limit=MAX_CELL)


def _read(
    reader: Any, definition: AssessmentDefinition, result: RosterResult, lossy: bool = False
) -> None:
    header = [_HEADERS.get(_header_key(h), h.strip().lower()) for h in next(reader, [])]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        result.errors.append(
            _("Row 1: column(s) given twice: %(columns)s.", columns=", ".join(repeated))
        )
        return
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    if missing or unknown:
        if missing:
            result.errors.append(
                _("Row 1: missing column(s): %(columns)s.", columns=", ".join(missing))
            )
        if unknown:
            result.errors.append(
                _(
                    "Row 1: unknown column(s): %(unknown)s (columns: %(columns)s).",
                    unknown=", ".join(unknown),
                    columns=", ".join(COLUMNS),
                )
            )
        return
    _read_rows(reader, header, definition, result, lossy)


def _read_rows(
    reader: Any,
    header: list[str],
    definition: AssessmentDefinition,
    result: RosterResult,
    lossy: bool = False,
) -> None:
    profile = definition.plan.plan.profile if definition.plan else None
    lookups = {
        column: _option_lookup(definition, getattr(profile, attr)) if profile else {}
        for column, attr in (
            ("home_country", "country"),
            ("field", "field"),
            ("programme", "programme"),
        )
    }
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if number - 1 > MAX_ROWS:
            result.errors.append(_("More than %(rows)s interns; split the file.", rows=MAX_ROWS))
            return
        if any(len(cell) > MAX_CELL for cell in cells):
            result.errors.append(_long_cell(number))
            continue
        values = dict(zip(header, (c.strip() for c in cells), strict=False))
        result.rows.append(_read_row(number, values, lookups, result.errors, lossy))


def _read_row(
    number: int,
    values: dict[str, str],
    lookups: dict[str, dict[str, str]],
    errors: list[str],
    lossy: bool = False,
) -> dict[str, Any]:
    """One intern's invitation values from a row; what is wrong goes to ``errors``."""
    name = values.get("name", "")
    if not name:
        errors.append(_("Row %(row)s, name: the name is empty.", row=number))
    elif not name.isprintable():
        errors.append(_("Row %(row)s, name: it holds a control character.", row=number))
    elif len(name) > 100:
        errors.append(_("Row %(row)s, name: longer than 100 characters.", row=number))
    elif lossy and "?" in name:
        errors.append(
            _(
                "Row %(row)s, name: '%(name)s' has '?' where letters were: the file was saved "
                "as Shift_JIS, which cannot hold them. Save it as 'CSV UTF-8' and upload it again.",
                row=number,
                name=name,
            )
        )
    row: dict[str, Any] = {"display_name": name}
    for column, lookup in lookups.items():
        value = values.get(column, "")
        if value and value.casefold() not in lookup:
            errors.append(
                _(
                    "Row %(row)s, %(column)s: '%(value)s' is not one of the "
                    "answers of the questionnaire.",
                    row=number,
                    column=column,
                    value=value[:40],
                )
            )
        row[column] = lookup.get(value.casefold()) if value else None
    planned = values.get("planned_return", "")
    row["planned_return"], problem = _date(planned) if planned else (None, None)
    if problem == YEAR_OUT_OF_RANGE:
        errors.append(
            _(
                "Row %(row)s, planned_return: '%(value)s' is not between %(earliest)s "
                "and %(latest)s.",
                row=number,
                value=planned[:20],
                earliest=EARLIEST_DATE.year,
                latest=LATEST_DATE.year,
            )
        )
    elif problem:
        errors.append(
            _(
                "Row %(row)s, planned_return: '%(value)s' is not a date like 2027-06-30.",
                row=number,
                value=planned[:20],
            )
        )
    return row
