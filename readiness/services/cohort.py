"""The cohort: the coordinator's table of interns and its charts, queried in SQL.

Only one page of rows is loaded, whatever the organisation's size: the filters
and the sort run on indexed columns of ``user`` (profile, status, latest
overall score) and on ``latest_score`` (per-dimension score and band).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select

from readiness.core.attention import NotReadyRule
from readiness.core.dates import add_months
from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import Band
from readiness.core.readings import whole_number
from readiness.extensions import db
from readiness.models import INTERN, LatestScore, User

#: A SELECT of any columns (SQLAlchemy types each column).
AnySelect = Select[*tuple[Any, ...]]
PER_PAGE = 50
SORTS = ("name", "return", "status", "overall")


@dataclass(frozen=True)
class DashboardQuery:
    """What the coordinator asked for (all optional); unknown values are ignored."""

    country: str | None = None
    field: str | None = None
    programme: str | None = None
    status: str | None = None
    dimension: str | None = None
    band: str | None = None
    returning_within: int | None = None
    #: Only interns who are not ready by this definition (core.attention).
    not_ready: NotReadyRule | None = None
    sort: str = "return"
    descending: bool = False
    page: int = 1

    @classmethod
    def from_args(
        cls, args: Any, dimensions: list[str], not_ready: NotReadyRule | None = None
    ) -> DashboardQuery:
        """Read query-string arguments, dropping anything malformed instead of failing.

        ``not_ready=1`` keeps only the interns ``not_ready`` finds not ready, within the
        "returning within" months when those are given.
        """

        def text(name: str) -> str | None:
            value = (args.get(name) or "").strip()
            return value[:64] or None

        def number(name: str, low: int, high: int) -> int | None:
            return whole_number(args.get(name), low, high)

        sort = args.get("sort", "return")
        if sort not in SORTS and sort not in dimensions:
            sort = "return"
        dimension = text("dimension")
        returning_within = number("returning_within", 0, 120)
        if not_ready is not None and returning_within is not None:
            # The coordinator's own window replaces the configured one.
            not_ready = replace(not_ready, within_months=returning_within)
        return cls(
            country=text("country"),
            field=text("field"),
            programme=text("programme"),
            status=text("status"),
            dimension=dimension if dimension in dimensions else None,
            band=text("band"),
            returning_within=returning_within,
            not_ready=not_ready if args.get("not_ready") == "1" else None,
            sort=sort,
            descending=args.get("order") == "desc",
            page=number("page", 1, 100000) or 1,
        )


class InternRow(NamedTuple):
    """One intern as the table shows them (plain columns: cheaper than ORM objects)."""

    id: int
    username: str
    display_name: str | None
    assessment_status: str
    latest_overall: float | None
    overall_change: float | None
    planned_return: dt.date | None
    next_step_due: dt.date | None

    @property
    def name_on_reports(self) -> str:
        return self.display_name or self.username


ROW_COLUMNS = (
    User.id,
    User.username,
    User.display_name,
    User.assessment_status,
    User.latest_overall,
    User.overall_change,
    User.planned_return,
    User.next_step_due,
)


@dataclass
class DashboardPage:
    rows: list[InternRow]
    scores: dict[int, dict[str, Score]] = field(default_factory=dict)
    total: int = 0
    page: int = 1
    pages: int = 1


def _filtered(organisation_id: int, query: DashboardQuery, today: dt.date) -> AnySelect:
    statement = select(User).where(User.organisation_id == organisation_id, User.role == INTERN)
    for column, value in (
        (User.home_country, query.country),
        (User.field, query.field),
        (User.programme, query.programme),
        (User.assessment_status, query.status),
    ):
        if value:
            statement = statement.where(column == value)
    if query.returning_within is not None:
        statement = statement.where(
            User.planned_return >= today,
            User.planned_return <= add_months(today, query.returning_within),
        )
    if query.not_ready is not None:
        statement = statement.where(not_ready_clause(query.not_ready, today))
    if query.dimension and query.band:
        banded = select(LatestScore.user_id).where(
            LatestScore.dimension == query.dimension, LatestScore.band == query.band
        )
        statement = statement.where(User.id.in_(banded))
    return statement


def _not_submitted() -> ColumnElement[bool]:
    """No submitted assessment: services.assessments keeps the latest score only for those."""
    return User.latest_overall.is_(None)


def _warning_signs(rule: NotReadyRule, today: dt.date) -> ColumnElement[bool]:
    """A submitted intern's signs of not being ready: core.attention.NotReadyRule.not_ready."""
    low_dimension = (
        select(LatestScore.user_id)
        .where(LatestScore.user_id == User.id, LatestScore.band == rule.lowest_band)
        .exists()
    )
    return or_(User.latest_overall < rule.lowest_below, low_dimension, User.next_step_due < today)


def _returns_soon(rule: NotReadyRule, today: dt.date) -> ColumnElement[bool]:
    first, last = rule.window(today)
    return and_(User.planned_return >= first, User.planned_return <= last)


def not_ready_clause(rule: NotReadyRule, today: dt.date) -> ColumnElement[bool]:
    """The SQL form of core.attention.NotReadyRule.not_ready (held equal by a property test)."""
    return and_(_returns_soon(rule, today), or_(_not_submitted(), _warning_signs(rule, today)))


def _ordered(statement: AnySelect, query: DashboardQuery) -> AnySelect:
    columns = {
        "name": func.coalesce(User.display_name, User.username),
        "return": User.planned_return,
        "status": User.assessment_status,
        "overall": User.latest_overall,
    }
    if query.sort in columns:
        column = columns[query.sort]
    else:  # a dimension: sort by that dimension's latest score
        score = LatestScore.__table__.alias("sort_score")
        statement = statement.outerjoin(
            score, and_(score.c.user_id == User.id, score.c.dimension == query.sort)
        )
        column = score.c.score
    ordering = column.desc() if query.descending else column.asc()
    return statement.order_by(ordering.nulls_last(), User.id)


class Score(NamedTuple):
    """A latest score as the table shows it (plain row: cheaper than an ORM object)."""

    score: float
    band: str
    change: float | None


def latest_scores(user_ids: list[int]) -> dict[int, dict[str, Score]]:
    """Latest scores by intern id and dimension, in one query."""
    scores: dict[int, dict[str, Score]] = {user_id: {} for user_id in user_ids}
    if user_ids:
        rows = db.session.execute(
            select(
                LatestScore.user_id,
                LatestScore.dimension,
                LatestScore.score,
                LatestScore.band,
                LatestScore.change,
            ).where(LatestScore.user_id.in_(user_ids))
        )
        for user_id, dimension, score, band, change in rows:
            scores[user_id][dimension] = Score(score, band, change)
    return scores


def dashboard_page(
    organisation_id: int, query: DashboardQuery, today: dt.date, per_page: int = PER_PAGE
) -> DashboardPage:
    """One page of the organisation's interns, with their latest scores."""
    statement = _filtered(organisation_id, query, today)
    rows, total = _page_rows(statement, query, query.page, per_page)
    pages = max(1, -(-total // per_page))
    if query.page > pages:  # past the end (the table shrank): show the last page
        rows, total = _page_rows(statement, query, pages, per_page)
    scores = latest_scores([row.id for row in rows])
    return DashboardPage(rows, scores, total, min(query.page, pages), pages)


def _page_rows(
    statement: AnySelect, query: DashboardQuery, page: int, per_page: int
) -> tuple[list[InternRow], int]:
    """One page of rows and the total match count, in one query (a window count)."""
    paged = (
        _ordered(statement.with_only_columns(*ROW_COLUMNS, func.count().over()), query)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    result = db.session.execute(paged).all()
    if not result:
        return [], (db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
    return [InternRow(*row[:-1]) for row in result], result[0][-1]


def band_distribution(organisation_id: int) -> dict[str, dict[str, int]]:
    """How many interns of the organisation are in each band, per dimension."""
    statement = (
        select(LatestScore.dimension, LatestScore.band, func.count())
        .where(LatestScore.organisation_id == organisation_id)
        .group_by(LatestScore.dimension, LatestScore.band)
    )
    result: dict[str, dict[str, int]] = {}
    for dimension, band, count in db.session.execute(statement):
        result.setdefault(dimension, {})[band] = count
    return result


def matching_interns(
    organisation_id: int, query: DashboardQuery, today: dt.date, chunk: int = 500
) -> Iterator[tuple[User, dict[str, Score]]]:
    """Every intern the query matches (for exports and bulk reports), in the table's order."""
    statement = _ordered(_filtered(organisation_id, query, today), query)
    offset = 0
    while True:
        rows = list(db.session.scalars(statement.limit(chunk).offset(offset)))
        if not rows:
            return
        scores = latest_scores([row.id for row in rows])
        for row in rows:
            yield row, scores[row.id]
        offset += chunk


#: Readiness of an intern returning soon, as the "returning" chart groups them: not submitted,
#: not ready (core.attention), or else the band of their overall score ("band:<id>").
NOT_SUBMITTED, NOT_READY, BAND_PREFIX = "not_submitted", "not_ready", "band:"


class ReturnMonth(NamedTuple):
    """Interns returning in one calendar month, counted by readiness."""

    month: dt.date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def not_ready(self) -> int:
        """Not submitted or not ready: the interns the definition counts as not ready."""
        return self.counts.get(NOT_SUBMITTED, 0) + self.counts.get(NOT_READY, 0)


def returning_soon(
    organisation_id: int, today: dt.date, rule: NotReadyRule, bands: Sequence[Band]
) -> list[ReturnMonth]:
    """Interns returning within the rule's window, by calendar month and readiness.

    The window is the one of the "not ready" definition, so the chart and the table its
    link filters count the same interns; its first and last months are partial. Interns
    with no warning sign are counted in the band of their overall score, so each colour
    means what it means in the band chart beside it. One grouped query, portable between
    SQLite and PostgreSQL.
    """
    first, end = rule.window(today)
    starts = month_starts(first, end)
    month_index = case(
        *((User.planned_return < start, i - 1) for i, start in enumerate(starts[1:], start=1)),
        else_=len(starts) - 1,
    )
    higher = sorted((b for b in bands if b.id != rule.lowest_band), key=lambda b: b.min)
    readiness = case(
        (_not_submitted(), NOT_SUBMITTED),
        (_warning_signs(rule, today), NOT_READY),
        *((User.latest_overall < band.max, BAND_PREFIX + band.id) for band in higher[:-1]),
        else_=BAND_PREFIX + higher[-1].id if higher else NOT_READY,
    )
    returning = (
        select(month_index.label("month"), readiness.label("readiness"))
        .where(
            User.organisation_id == organisation_id,
            User.role == INTERN,
            _returns_soon(rule, today),
        )
        .subquery()
    )
    # Grouped outside the subquery: PostgreSQL does not match CASE expressions with bound
    # parameters between SELECT and GROUP BY.
    statement = select(returning.c.month, returning.c.readiness, func.count()).group_by(
        returning.c.month, returning.c.readiness
    )
    counts: list[dict[str, int]] = [{} for _ in starts]
    for index, state, count in db.session.execute(statement):
        counts[index][state] = count
    return [ReturnMonth(start, count) for start, count in zip(starts, counts, strict=True)]


def month_starts(first_day: dt.date, last_day: dt.date) -> list[dt.date]:
    """The first day of every calendar month from ``first_day``'s to ``last_day``'s."""
    first = first_day.replace(day=1)
    count = (last_day.year - first.year) * 12 + last_day.month - first.month + 1
    return [add_months(first, i) for i in range(count)]


class Cohort(NamedTuple):
    """The dashboard's charts: bands per dimension and who returns soon, by readiness."""

    distribution: dict[str, dict[str, int]]
    returning: list[ReturnMonth]


def cohort_summary(
    organisation_id: int, today: dt.date, rule: NotReadyRule, bands: Sequence[Band]
) -> Cohort:
    return Cohort(
        band_distribution(organisation_id),
        returning_soon(organisation_id, today, rule, bands),
    )


def find_intern(organisation_id: int | None, user_id: int) -> User | None:
    """An intern of this organisation (None for another organisation's, or none at all)."""
    if organisation_id is None:
        return None
    return db.session.scalar(
        select(User).where(
            User.id == user_id, User.role == INTERN, User.organisation_id == organisation_id
        )
    )


def not_ready_rule(definition: AssessmentDefinition, within_months: int) -> NotReadyRule:
    """The "not ready" definition with this questionnaire's bands and the configured window."""
    return NotReadyRule.of(definition.rules.bands, within_months)


def dashboard_query(
    args: Any, definition: AssessmentDefinition, within_months: int
) -> DashboardQuery:
    """The table's filters from a query string or form, for the page, the CSV and the ZIP."""
    dimensions = [d.id for d in definition.rules.dimensions]
    return DashboardQuery.from_args(args, dimensions, not_ready_rule(definition, within_months))
