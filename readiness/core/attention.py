"""When an intern is "not ready": the one definition the dashboard, its chart, its filter and
the exports share (docs/coordinators.md, "Not ready").

An intern is *not ready* when they return home within ``within_months`` months from today
(their planned return date is today or later, and no later than that) and at least one of:

- they have not submitted an assessment;
- their overall score is in the lowest band;
- any dimension's score is in the lowest band;
- a step of their plan is overdue: due before today and not ticked off.

The SQL form of the same test is in ``services.cohort``; a property test holds the two equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from readiness.core.dates import add_months
from readiness.core.model import Band

#: The window coordinators look at when nothing else is configured (NOT_READY_MONTHS).
DEFAULT_WITHIN_MONTHS = 6


@dataclass(frozen=True)
class Reasons:
    """Why an intern returning soon is not ready (false when nothing is wrong)."""

    not_submitted: bool = False
    overall_low: bool = False
    #: Dimension ids whose latest score is in the lowest band, in the rules' order.
    low_dimensions: tuple[str, ...] = ()
    overdue: bool = False

    def __bool__(self) -> bool:
        return self.not_submitted or self.overall_low or bool(self.low_dimensions) or self.overdue

    @property
    def codes(self) -> tuple[str, ...]:
        """The reasons as codes for programs reading an export (``low:<dimension>``)."""
        codes = ["not_submitted"] if self.not_submitted else []
        codes += ["overall_low"] if self.overall_low else []
        codes += [f"low:{dimension}" for dimension in self.low_dimensions]
        codes += ["overdue"] if self.overdue else []
        return tuple(codes)


@dataclass(frozen=True)
class NotReadyRule:
    """The definition with its numbers: the window in months and the lowest band."""

    within_months: int
    lowest_band: str
    #: Scores below this are in the lowest band (its upper limit; bands are ``[min, max)``).
    lowest_below: float

    @classmethod
    def of(cls, bands: Sequence[Band], within_months: int = DEFAULT_WITHIN_MONTHS) -> NotReadyRule:
        lowest = min(bands, key=lambda band: band.min)
        return cls(within_months, lowest.id, float(lowest.max))

    def window(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last planned return dates that count as "returning soon"."""
        return today, add_months(today, self.within_months)

    def returns_soon(self, planned_return: dt.date | None, today: dt.date) -> bool:
        first, last = self.window(today)
        return planned_return is not None and first <= planned_return <= last

    def not_ready(
        self,
        *,
        planned_return: dt.date | None,
        submitted: bool,
        overall: float | None,
        dimension_bands: Mapping[str, str],
        next_step_due: dt.date | None,
        today: dt.date,
    ) -> Reasons:
        """Why the intern is not ready; no reason at all when they do not return soon.

        ``dimension_bands`` maps each scored dimension to its band id, in the rules' order.
        """
        if not self.returns_soon(planned_return, today):
            return Reasons()
        if not submitted:
            return Reasons(not_submitted=True)
        low = tuple(d for d, band in dimension_bands.items() if band == self.lowest_band)
        return Reasons(
            overall_low=overall is not None and overall < self.lowest_below,
            low_dimensions=low,
            overdue=next_step_due is not None and next_step_due < today,
        )
