"""Calendar arithmetic the plan, the cohort and the retention rules share."""

from __future__ import annotations

import calendar
import datetime as dt

from readiness.core.model import parse_iso_date

#: Interns and coordinators are in Japan: times shown to them are Japan time (no daylight
#: saving time there, so a fixed offset is exact).
JAPAN_TIME = dt.timezone(dt.timedelta(hours=9), "JST")


def japan_time(moment: dt.datetime) -> dt.datetime:
    """A stored time (naive UTC, as the database keeps it) in Japan time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(JAPAN_TIME)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when that month is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_until(date_text: str, as_of: dt.date) -> int:
    """Whole months from ``as_of`` to a ``YYYY-MM-DD`` date; 0 when it has passed."""
    target = parse_iso_date(date_text)
    if target is None:
        return 0
    months = (target.year - as_of.year) * 12 + (target.month - as_of.month)
    if target.day < as_of.day:
        months -= 1
    return max(0, months)
