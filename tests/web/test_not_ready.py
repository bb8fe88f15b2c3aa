"""Not ready means not ready: one definition (core.attention) for the dashboard's filter, its
chart, its table and the exports, whether it runs in SQL or in Python."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from readiness.core.attention import NotReadyRule
from readiness.extensions import db
from readiness.models import INTERN, LatestScore, Organisation, User
from readiness.services.cohort import (
    NOT_READY,
    NOT_SUBMITTED,
    DashboardQuery,
    dashboard_page,
    latest_scores,
    not_ready_rule,
    returning_soon,
)
from readiness.services.exports import not_ready_reasons
from readiness.services.organisations import ensure_organisation
from readiness.state import current_state
from tests.fixtures.accounts import MakeUser, SignedIn

TODAY = dt.date(2026, 11, 24)


def _definition() -> Any:
    return current_state().definitions.default


def _rule(months: int = 6) -> NotReadyRule:
    return not_ready_rule(_definition(), months)


def _dimensions() -> list[str]:
    return [d.id for d in _definition().rules.dimensions]


def _add_scores(user_id: int, organisation_id: int, bands: dict[str, tuple[float, str]]) -> None:
    for dimension, (score, band) in bands.items():
        db.session.add(
            LatestScore(
                user_id=user_id,
                organisation_id=organisation_id,
                dimension=dimension,
                score=score,
                band=band,
            )
        )


def test_the_rule_reads_the_lowest_band_and_the_window(app: Flask) -> None:
    with app.app_context():
        rule = _rule()
    assert (rule.lowest_band, rule.lowest_below) == ("not_yet", 40.0)
    assert rule.window(dt.date(2026, 8, 31)) == (dt.date(2026, 8, 31), dt.date(2027, 2, 28))
    assert rule.returns_soon(dt.date(2027, 2, 28), dt.date(2026, 8, 31))
    assert not rule.returns_soon(dt.date(2027, 3, 1), dt.date(2026, 8, 31))
    assert not rule.returns_soon(dt.date(2026, 8, 30), dt.date(2026, 8, 31))  # already gone
    assert not rule.returns_soon(None, dt.date(2026, 8, 31))


def test_an_intern_with_one_weak_dimension_or_an_overdue_step_is_not_ready(
    app: Flask, make_user: MakeUser
) -> None:
    """The issue's case: overall 49, a business idea at 38, five months before return."""
    soon = dt.date(2027, 4, 20)
    weak = make_user("weak-idea", INTERN, "Org N", planned_return=soon, latest_overall=49.0)
    late = make_user(
        "late-step",
        INTERN,
        "Org N",
        planned_return=soon,
        latest_overall=80.0,
        next_step_due=TODAY - dt.timedelta(days=1),
    )
    fine = make_user(
        "on-time",
        INTERN,
        "Org N",
        planned_return=soon,
        latest_overall=80.0,
        next_step_due=TODAY,  # due today is not overdue
    )
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Org N"))
        dims = _dimensions()
        _add_scores(weak, org.id, {dims[0]: (38.0, "not_yet"), dims[1]: (60.0, "developing")})
        _add_scores(late, org.id, dict.fromkeys(dims, (80.0, "ready")))
        _add_scores(fine, org.id, dict.fromkeys(dims, (80.0, "ready")))
        db.session.commit()
        rule = _rule()
        flagged = dashboard_page(org.id, DashboardQuery(not_ready=rule), TODAY)
        assert {row.username for row in flagged.rows} == {"weak-idea", "late-step"}
        everyone = dashboard_page(org.id, DashboardQuery(), TODAY)
        reasons = {
            row.username: not_ready_reasons(rule, row, everyone.scores[row.id], dims, TODAY)
            for row in everyone.rows
        }
        assert reasons["weak-idea"].low_dimensions == (dims[0],)
        assert not reasons["weak-idea"].overall_low
        assert reasons["late-step"].codes == ("overdue",)
        assert not reasons["on-time"]
        months = returning_soon(org.id, TODAY, rule, _definition().rules.bands)
        assert sum(m.counts.get(NOT_READY, 0) for m in months) == 2
        assert sum(m.counts.get("band:ready", 0) for m in months) == 1


def test_returning_soon_counts_by_month_and_colours_by_band(
    app: Flask, make_user: MakeUser
) -> None:
    for name, planned, overall in (
        ("r-none", dt.date(2026, 11, 30), None),  # this month, not submitted
        ("r-low", dt.date(2026, 12, 1), 20.0),  # next month, lowest band
        ("r-mid", dt.date(2026, 12, 31), 55.0),  # next month, developing
        ("r-top", dt.date(2027, 1, 15), 90.0),  # ready
        ("r-late", dt.date(2027, 5, 24), 10.0),  # six months from today, the last day
        ("r-gone", dt.date(2026, 11, 1), 10.0),  # already returned: not counted
        ("r-far", dt.date(2027, 5, 25), 10.0),  # beyond six months: not counted
    ):
        make_user(name, INTERN, "Org R", planned_return=planned, latest_overall=overall)
    make_user("other-org", INTERN, "Org X", planned_return=dt.date(2026, 12, 5))
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Org R"))
        months = returning_soon(org.id, TODAY, _rule(), _definition().rules.bands)
        assert [m.month for m in months] == [
            dt.date(2026, 11, 1),
            dt.date(2026, 12, 1),
            dt.date(2027, 1, 1),
            dt.date(2027, 2, 1),
            dt.date(2027, 3, 1),
            dt.date(2027, 4, 1),
            dt.date(2027, 5, 1),
        ]
        assert [m.counts for m in months] == [
            {NOT_SUBMITTED: 1},
            {NOT_READY: 1, "band:developing": 1},
            {"band:ready": 1},
            {},
            {},
            {},
            {NOT_READY: 1},
        ]
        assert [m.not_ready for m in months] == [1, 1, 0, 0, 0, 0, 1]
        three = returning_soon(org.id, TODAY, _rule(3), _definition().rules.bands)
        assert [m.month for m in three][-1] == dt.date(2027, 2, 1)
        assert sum(m.total for m in three) == 4


_BANDS = {"not_yet": 20.0, "developing": 55.0, "ready": 85.0}
_intern = st.fixed_dictionaries(
    {
        "return_in": st.one_of(st.none(), st.integers(-60, 260)),
        "overall": st.one_of(st.none(), st.sampled_from([0.0, 39.9, 40.0, 69.9, 70.0, 100.0])),
        "bands": st.lists(st.sampled_from(sorted(_BANDS)), min_size=0, max_size=5),
        "due_in": st.one_of(st.none(), st.integers(-3, 3)),
    }
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cohort=st.lists(_intern, min_size=1, max_size=8), months=st.integers(1, 12))
def test_sql_and_python_agree_on_who_is_not_ready(
    app: Flask, cohort: list[dict[str, Any]], months: int
) -> None:
    """Whatever the cohort, the filter (SQL) keeps exactly the interns the table and the
    exports (Python) flag, and the chart's not-ready count is their number."""
    with app.app_context():
        org = ensure_organisation("Org H")
        db.session.execute(delete(User).where(User.organisation_id == org.id))
        dims = _dimensions()
        ids = []
        for n, intern in enumerate(cohort):
            user = User(
                username=f"h{n}",
                password_hash="-",
                role=INTERN,
                organisation_id=org.id,
                latest_overall=intern["overall"],
                planned_return=None
                if intern["return_in"] is None
                else TODAY + dt.timedelta(days=intern["return_in"]),
                next_step_due=None
                if intern["due_in"] is None
                else TODAY + dt.timedelta(days=intern["due_in"]),
            )
            db.session.add(user)
            db.session.flush()
            if intern["overall"] is not None:
                scored = dict(zip(dims, intern["bands"], strict=False))
                _add_scores(user.id, org.id, {d: (_BANDS[b], b) for d, b in scored.items()})
            ids.append(user.id)
        db.session.commit()
        rule = _rule(months)
        flagged = dashboard_page(org.id, DashboardQuery(not_ready=rule), TODAY, per_page=100)
        scores = latest_scores(ids)
        everyone = dashboard_page(org.id, DashboardQuery(), TODAY, per_page=100)
        in_python = {
            row.id
            for row in everyone.rows
            if not_ready_reasons(rule, row, scores[row.id], dims, TODAY)
        }
        assert {row.id for row in flagged.rows} == in_python
        chart = returning_soon(org.id, TODAY, rule, _definition().rules.bands)
        assert sum(m.not_ready for m in chart) == len(in_python)
        soon = {row.id for row in everyone.rows if rule.returns_soon(row.planned_return, TODAY)}
        assert sum(m.total for m in chart) == len(soon)
        db.session.execute(delete(User).where(User.organisation_id == org.id))
        db.session.commit()


def test_the_dashboard_filter_chart_table_and_csv_say_the_same(
    app: Flask, two_organisations: dict[str, Any], make_user: MakeUser, signed_in: SignedIn
) -> None:
    soon = dt.date.today() + dt.timedelta(days=20)
    make_user("no-result", INTERN, "Org A", planned_return=soon, display_name="Nora")
    make_user("well-along", INTERN, "Org A", planned_return=soon, latest_overall=95.0)
    make_user("struggling", INTERN, "Org A", planned_return=soon, latest_overall=5.0)
    make_user(
        "behind",
        INTERN,
        "Org A",
        planned_return=soon,
        latest_overall=95.0,
        next_step_due=dt.date.today() - dt.timedelta(days=3),
    )
    client = signed_in("coord-a")
    page = client.get("/coordinator/").text
    returning = page.split('id="returning-title"', 1)[1].split("</section>", 1)[0]
    assert "Returning in the next 6 months" in returning
    assert "3 of them are not ready" in returning
    assert 'href="/coordinator/?not_ready=1"' in returning
    assert "or plan steps overdue" in returning  # the definition is on the page
    # Both kinds are named "not ready" in the legend, as the sentence counts them.
    assert "Not ready: not submitted" in returning
    assert "Not ready: low score or overdue steps" in returning
    # Colours: "not ready" is the lowest band's colour, and only the top band's green.
    assert "#d64545" in returning
    assert "#2f9e6a" in returning
    unready = client.get("/coordinator/?not_ready=1").text
    assert "Nora" in unready
    assert "struggling" in unready
    assert "behind" in unready
    assert "well-along" not in unready
    assert "Intern Alpha" not in unready
    assert "overdue plan steps" in unready
    assert "overall score in the lowest band" in unready
    exported = client.get("/coordinator/export.csv?not_ready=1").data.decode("utf-8-sig")
    rows = {row["User name"]: row for row in csv.DictReader(io.StringIO(exported))}
    assert set(rows) == {"no-result", "struggling", "behind"}
    assert rows["behind"]["Not ready: why"] == "overdue plan steps"
    assert rows["behind"]["Not ready: why (code)"] == "overdue"
    assert rows["no-result"]["Not ready: why (code)"] == "not_submitted"
    assert rows["struggling"]["Not ready: why (code)"].startswith("overall_low")
    behind = next(row for row in csv.DictReader(io.StringIO(exported)) if row["Name"] == "behind")
    page = client.get(f"/coordinator/interns/{user_id_of(app, 'behind')}").text
    assert "Not ready: overdue plan steps" in page  # the intern's page says it too
    assert behind["Planned return"] == soon.isoformat()
    calm = client.get(f"/coordinator/interns/{user_id_of(app, 'well-along')}").text
    assert "Not ready:" not in calm


def user_id_of(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def test_the_coordinators_own_window_replaces_the_configured_one(
    app: Flask, two_organisations: dict[str, Any], make_user: MakeUser, signed_in: SignedIn
) -> None:
    later = dt.date.today() + dt.timedelta(days=270)  # about nine months ahead
    make_user("far-low", INTERN, "Org A", planned_return=later, latest_overall=10.0)
    client = signed_in("coord-a")
    assert "far-low" not in client.get("/coordinator/?not_ready=1").text  # six months
    wider = client.get("/coordinator/?not_ready=1&returning_within=12").text
    assert "far-low" in wider
    assert "overall score in the lowest band" in wider  # the column uses the same window
    exported = client.get("/coordinator/export.csv?not_ready=1&returning_within=12")
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert [row["Not ready: why (code)"] for row in rows if row["User name"] == "far-low"] == [
        "overall_low"
    ]
