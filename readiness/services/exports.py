"""CSV exports that spreadsheets open safely and correctly.

Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab, a carriage return or a NUL) are prefixed with ``'``
(OWASP CSV injection, security.md T8); numbers stay numbers, so ``-5000`` is
still a number. The file starts with a UTF-8 byte-order mark so Excel in Japan
reads Japanese and Vietnamese names correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from readiness.core.dates import months_until
from readiness.core.model import localize
from readiness.core.points import whole
from readiness.models import User
from readiness.services.cohort import Score

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0", "＝", "＋", "－", "＠")
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would treat as a formula; keep numbers as numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _whole(score: float | None) -> int | None:
    """A score or a change as the pages show it (58, not 58.0)."""
    return None if score is None else whole(score)


def csv_text(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """The CSV, chunk by chunk (BOM first), with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


#: The profile columns of the coordinator's table, before the scores.
PROFILE_COLUMNS = [
    "name",
    "username",
    "home_country",
    "field",
    "programme",
    "status",
    "overall",
    "overall_change",
]


def intern_table(
    interns: Iterable[tuple[User, dict[str, Score]]],
    dimensions: list[tuple[str, dict[str, str]]],
    locale: str,
    today: dt.date,
) -> tuple[list[str], Iterator[list[Any]]]:
    """Header and rows of the coordinator's table, as in the dashboard."""
    header = list(PROFILE_COLUMNS)
    for _dim_id, label in dimensions:
        name = localize(label, locale)
        header += [f"{name} score", f"{name} band", f"{name} change"]
    header += ["planned_return", "months_left"]
    dimension_ids = [dim_id for dim_id, _label in dimensions]
    rows = (_intern_row(user, scores, dimension_ids, today) for user, scores in interns)
    return header, rows


def _intern_row(
    user: User, scores: dict[str, Score], dimension_ids: list[str], today: dt.date
) -> list[Any]:
    row: list[Any] = [
        user.name_on_reports,
        user.username,
        user.home_country,
        user.field,
        user.programme,
        user.assessment_status,
        _whole(user.latest_overall),
        _whole(user.overall_change),
    ]
    for dim_id in dimension_ids:
        score = scores.get(dim_id)
        row += [_whole(score.score), score.band, _whole(score.change)] if score else [None] * 3
    planned = user.planned_return
    row += [
        planned.isoformat() if planned else None,
        months_until(planned.isoformat(), today) if planned else None,
    ]
    return row
