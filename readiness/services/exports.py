"""CSV and XLSX exports that spreadsheets open safely and correctly.

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
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from readiness.core.attention import NotReadyRule, Reasons
from readiness.core.dates import months_until
from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import ChoiceQuestion, localize
from readiness.core.points import whole
from readiness.models import User
from readiness.services.cohort import InternRow, Score

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0", "＝", "＋", "－", "＠")
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would treat as a formula; keep numbers as numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | dt.date):
        return value  # numbers stay numbers, dates dates (ISO text in a CSV)
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


@dataclass(frozen=True)
class TableLabels:
    """What the coordinator reads instead of codes, in their language: option labels of the
    profile questions by column, assessment statuses, and bands by id."""

    options: dict[str, dict[str, str]]
    statuses: Mapping[str, str]
    bands: dict[str, str]
    dimensions: dict[str, str]

    @classmethod
    def of(
        cls, definition: AssessmentDefinition, locale: str, statuses: Mapping[str, str]
    ) -> TableLabels:
        profile = definition.plan.plan.profile if definition.plan else None
        options: dict[str, dict[str, str]] = {}
        for column in LABELLED_ROLES:
            question = definition.questions.get(getattr(profile, column)) if profile else None
            if isinstance(question, ChoiceQuestion):
                options[column] = {o.id: localize(o.label, locale) for o in question.options}
        bands = {band.id: localize(band.label, locale) for band in definition.rules.bands}
        dimensions = {d.id: localize(d.label, locale) for d in definition.rules.dimensions}
        return cls(options, statuses, bands, dimensions)

    def reasons(self, reasons: Reasons) -> str:
        """Why an intern is not ready, in words ("" when they are not flagged)."""
        words = [_("not submitted")] if reasons.not_submitted else []
        words += [_("overall score in the lowest band")] if reasons.overall_low else []
        words += [
            _("%(dimension)s in the lowest band", dimension=self.dimensions.get(d, d))
            for d in reasons.low_dimensions
        ]
        words += [_("overdue plan steps")] if reasons.overdue else []
        return "; ".join(words)

    def option(self, column: str, code: str | None) -> str | None:
        return self.options.get(column, {}).get(code or "", code)


#: The plan's profile roles whose answers the table shows as option labels.
LABELLED_ROLES = ("country", "field", "programme")


def not_ready_reasons(
    rule: NotReadyRule,
    user: User | InternRow,
    scores: Mapping[str, Score],
    dimension_ids: Iterable[str],
    today: dt.date,
) -> Reasons:
    """Whether (and why) this intern is not ready: the definition applied to one row."""
    return rule.not_ready(
        planned_return=user.planned_return,
        submitted=user.latest_overall is not None,
        overall=user.latest_overall,
        dimension_bands={d: scores[d].band for d in dimension_ids if d in scores},
        next_step_due=user.next_step_due,
        today=today,
    )


def intern_table(
    interns: Iterable[tuple[User, dict[str, Score]]],
    definition: AssessmentDefinition,
    labels: TableLabels,
    rule: NotReadyRule,
    today: dt.date,
) -> tuple[list[str], Iterator[list[Any]]]:
    """Header and rows of the coordinator's table: one header language (the coordinator's),
    labels where the page shows labels, scores as whole numbers as the page shows them, and
    the codes in columns of their own at the end (for programs that read the file).

    "Not ready" is the dashboard's definition (core.attention): the reasons in words, and
    as codes (``not_submitted``, ``overall_low``, ``low:<dimension>``, ``overdue``)."""
    dimensions = list(labels.dimensions.items())
    human = [
        _("Name"),
        _("User name"),
        _("Home country"),
        _("Field"),
        _("Programme"),
        _("Assessment status"),
        _("Overall"),
        _("Overall change"),
    ]
    for _dim, name in dimensions:
        human += [
            _("%(dimension)s: score", dimension=name),
            _("%(dimension)s: band", dimension=name),
            _("%(dimension)s: change", dimension=name),
        ]
    human += [_("Planned return"), _("Months left"), _("Not ready: why")]
    codes = [
        _("%(column)s (code)", column=column)
        for column in (_("Home country"), _("Field"), _("Programme"), _("Assessment status"))
    ]
    codes += [
        _("%(column)s (code)", column=_("%(dimension)s: band", dimension=n)) for _d, n in dimensions
    ]
    codes += [_("%(column)s (code)", column=_("Not ready: why"))]
    dimension_ids = [dim_id for dim_id, _name in dimensions]
    rows = (
        _intern_row(user, scores, dimension_ids, labels, today, rule) for user, scores in interns
    )
    return human + codes, rows


def _intern_row(
    user: User,
    scores: dict[str, Score],
    dimension_ids: list[str],
    labels: TableLabels,
    today: dt.date,
    rule: NotReadyRule,
) -> list[Any]:
    row: list[Any] = [
        user.name_on_reports,
        user.username,
        labels.option("country", user.home_country),
        labels.option("field", user.field),
        labels.option("programme", user.programme),
        str(labels.statuses.get(user.assessment_status, user.assessment_status)),
        _whole(user.latest_overall),
        _whole(user.overall_change),
    ]
    bands = []
    for dim_id in dimension_ids:
        score = scores.get(dim_id)
        band = score.band if score else None
        row += (
            [_whole(score.score), labels.bands.get(band or "", band), _whole(score.change)]
            if score
            else [None] * 3
        )
        bands.append(band)
    planned = user.planned_return
    reasons = not_ready_reasons(rule, user, scores, dimension_ids, today)
    row += [
        planned,
        months_until(planned.isoformat(), today) if planned else None,
        labels.reasons(reasons),
    ]
    row += [user.home_country, user.field, user.programme, user.assessment_status, *bands]
    row += [" ".join(reasons.codes)]
    return row


def xlsx_bytes(header: list[str], rows: Iterable[list[Any]], title: str) -> bytes:
    """The same table as an Excel workbook (openpyxl): a bold, frozen header row with a
    filter, columns wide enough for their header, numbers as numbers, dates as dates, and
    text a spreadsheet would run as a formula neutralised as in the CSV."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([safe_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for number, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = _width(name)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _width(text: str) -> float:
    """A column width that shows its header: wide characters (Japanese) count twice."""
    wide = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return float(min(max(wide + 2, 10), 40))
