"""Coordinators see only their organisation: the dashboard, one intern, PDFs, the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from readiness.extensions import db
from readiness.models import Organisation, User
from readiness.services.cohort import (
    Cohort,
    DashboardQuery,
    dashboard_page,
)
from readiness.state import TimedCache
from tests.fixtures.accounts import (
    INTERN_PASSWORD,
    Join,
    MakeUser,
    SignedIn,
    invite,
)


def test_an_invited_intern_joins_the_organisation(
    app: Flask, two_organisations: dict[str, Any]
) -> None:
    with app.app_context():
        user = db.session.get(User, two_organisations["A"][0])
        org = db.session.get(Organisation, user.organisation_id)
        assert org.name == "Org A"
        assert (user.display_name, user.home_country, user.role) == ("Intern Alpha", "vn", "intern")
        assert user.assessment_status == "submitted"


def test_a_coordinator_sees_only_their_own_interns(
    app: Flask, two_organisations: dict[str, Any], signed_in: SignedIn
) -> None:
    dashboard = signed_in("coord-a").get("/coordinator/").text
    assert "Intern Alpha" in dashboard
    assert "Intern Beta" not in dashboard


@pytest.mark.parametrize(
    "path",
    [
        "/coordinator/interns/{user}",
        "/coordinator/interns/{user}/assessments/{assessment}/plan.pdf",
    ],
)
def test_another_organisations_ids_are_404(
    app: Flask, two_organisations: dict[str, Any], path: str, signed_in: SignedIn
) -> None:
    client = signed_in("coord-a")
    own_user, own_assessment = two_organisations["A"]
    other_user, other_assessment = two_organisations["B"]
    assert client.get(path.format(user=own_user, assessment=own_assessment)).status_code == 200
    assert client.get(path.format(user=other_user, assessment=other_assessment)).status_code == 404
    if "{assessment}" in path:  # an own intern with another intern's assessment id
        assert (
            client.get(path.format(user=own_user, assessment=other_assessment)).status_code == 404
        )
    assert client.get(path.format(user=999999, assessment=1)).status_code == 404


def test_the_coordinator_downloads_an_interns_plan(
    app: Flask, two_organisations: dict[str, Any], signed_in: SignedIn
) -> None:
    user_id, assessment_id = two_organisations["A"]
    client = signed_in("coord-a")
    result = client.get(f"/coordinator/interns/{user_id}").text
    assert result.count('class="chart"') == 1  # the intern's scores by dimension
    assert f"/coordinator/interns/{user_id}/assessments/{assessment_id}/plan.pdf" in result
    response = client.get(f"/coordinator/interns/{user_id}/assessments/{assessment_id}/plan.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    assert 'filename="readiness-plan-intern-a-RD-' in response.headers["Content-Disposition"]


def test_roles_are_checked_on_every_page(
    app: Flask, two_organisations: dict[str, Any], definition, signed_in: SignedIn
) -> None:
    intern = signed_in("intern-a", INTERN_PASSWORD)
    assert intern.get("/coordinator/").status_code == 403
    assert intern.get("/admin/").status_code == 403
    coordinator = signed_in("coord-a")
    assert coordinator.get("/me").status_code == 403
    assert coordinator.get("/admin/").status_code == 403
    assert app.test_client().get("/coordinator/").status_code == 302


def test_dashboard_filters_sorts_and_pages(app: Flask, make_user: MakeUser) -> None:
    today = dt.date(2026, 11, 24)
    for n, (country, months) in enumerate([("vn", 2), ("vn", 10), ("id", 3), ("ph", 20)]):
        make_user(
            f"pat{n}",
            "intern",
            "Org P",
            home_country=country,
            planned_return=dt.date(2026 + (11 + months) // 12, (10 + months) % 12 + 1, 1),
        )
    make_user("quinn0", "intern", "Org Q", home_country="vn")
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Org P"))
        everyone = dashboard_page(org.id, DashboardQuery(), today)
        assert everyone.total == 4  # not the intern of Org Q
        vietnam = dashboard_page(org.id, DashboardQuery(country="vn"), today)
        assert {u.username for u in vietnam.rows} == {"pat0", "pat1"}
        soon = dashboard_page(org.id, DashboardQuery(returning_within=6), today)
        assert {u.username for u in soon.rows} == {"pat0", "pat2"}
        latest_first = dashboard_page(org.id, DashboardQuery(sort="return", descending=True), today)
        assert [u.username for u in latest_first.rows] == ["pat3", "pat1", "pat2", "pat0"]
        paged = dashboard_page(org.id, DashboardQuery(page=2), today, per_page=3)
        assert (paged.total, paged.pages, [u.username for u in paged.rows]) == (4, 2, ["pat3"])


def test_the_dashboard_shows_the_cohort_charts(
    app: Flask, two_organisations: dict[str, Any], make_user: MakeUser, signed_in: SignedIn
) -> None:
    client = signed_in("coord-a")
    page = client.get("/coordinator/").text
    bands = page.split('id="bands-title"', 1)[1].split("</section>", 1)[0]
    # One submitted intern: each dimension's bar is one segment that prints "1" and links
    # to the interns in that band.
    assert bands.count("<rect") >= 5
    assert re.search(r'href="/coordinator/\?dimension=\w+&amp;band=\w+"', bands)
    assert ": 1 intern</title>" in bands
    returning = page.split('id="returning-title"', 1)[1].split("</section>", 1)[0]
    assert "Returning in the next 6 months" in returning


def test_cohort_charts_are_reused_for_a_few_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("readiness.state.time.monotonic", lambda: clock[0])
    computed: list[int] = []

    def compute(organisation_id: int) -> Cohort:
        computed.append(organisation_id)
        return Cohort({"skills": {"ready": len(computed)}}, [])

    today = dt.date(2026, 11, 24)
    cache: TimedCache[Any, Cohort] = TimedCache(seconds=30)
    first = cache.get((1, today), lambda: compute(1))
    assert cache.get((1, today), lambda: compute(1)) is first  # within 30 s: reused
    cache.get((2, today), lambda: compute(2))  # another organisation: its own entry
    assert computed == [1, 2]
    clock[0] += 31
    assert cache.get((1, today), lambda: compute(1)).distribution == {"skills": {"ready": 3}}
    never: TimedCache[Any, Cohort] = TimedCache(seconds=0)
    never.get((1, today), lambda: compute(1))
    never.get((1, today), lambda: compute(1))
    assert computed == [1, 2, 1, 1, 1]


def test_dashboard_ignores_malformed_parameters(
    app: Flask, two_organisations: dict[str, Any], signed_in: SignedIn
) -> None:
    client = signed_in("coord-a")
    response = client.get(
        "/coordinator/?sort=__class__&page=-1&returning_within=abc&dimension=<script>&band=x"
    )
    assert response.status_code == 200
    assert "<script>" not in response.text.split("<main", 1)[1].split("</form>")[0]


def test_csv_export_of_the_filtered_table(
    app: Flask,
    two_organisations: dict[str, Any],
    join: Join,
    signed_in: SignedIn,
) -> None:
    client = signed_in("coord-a")
    path = invite(client, display_name='=HYPERLINK("http://127.0.0.1:9/","x")')
    join(path, "formula-person")
    response = client.get("/coordinator/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    names = [row[0] for row in rows[1:]]
    assert "Intern Alpha" in names
    assert "Intern Beta" not in names  # another organisation's intern
    assert '\'=HYPERLINK("http://127.0.0.1:9/","x")' in names
    header = rows[0]
    alpha = dict(zip(header, next(row for row in rows if row[0] == "Intern Alpha"), strict=True))
    assert alpha["Home country"] == "Vietnam"  # labels for people...
    assert alpha["Home country (code)"] == "vn"  # ...and codes for programs, at the end
    assert alpha["Assessment status"] == "Submitted"
    assert alpha["Assessment status (code)"] == "submitted"
    assert header.index("Home country (code)") > header.index("Months left")
    scores = [
        value for name, value in alpha.items() if name == "Overall" or name.endswith(": score")
    ]
    assert len(scores) > 1
    assert all(cell.isdigit() for cell in scores), scores  # whole numbers, as the pages show them
    bands = [name for name in header if name.endswith(": band")]
    assert bands
    assert all(alpha[f"{name} (code)"] in ("not_yet", "developing", "ready") for name in bands)
    only_new = client.get("/coordinator/export.csv?status=not_started").data.decode()
    assert "Intern Alpha" not in only_new


def alpha_csv_return(csv_rows: list[list[str]]) -> str:
    alpha = next(row for row in csv_rows if row[0] == "Intern Alpha")
    return alpha[csv_rows[0].index("Planned return")]


def test_the_same_table_as_an_excel_workbook(
    app: Flask, two_organisations: dict[str, Any], join: Join, signed_in: SignedIn
) -> None:
    client = signed_in("coord-a")
    join(invite(client, display_name='=HYPERLINK("http://127.0.0.1:9/","x")'), "formula-xlsx")
    csv_rows = list(
        csv.reader(io.StringIO(client.get("/coordinator/export.csv").data.decode("utf-8-sig")))
    )
    response = client.get("/coordinator/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert ".xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == csv_rows[0]  # one header, in the coordinator's language
    assert sheet.freeze_panes == "C2"
    alpha = next(row for row in rows if row[0] == "Intern Alpha")
    overall = alpha[rows[0].index("Overall")]
    assert isinstance(overall, int)  # numbers stay numbers
    back = alpha[rows[0].index("Planned return")]
    assert isinstance(back, dt.datetime)  # dates stay dates (Excel sorts and filters them)
    assert back.date().isoformat() == alpha_csv_return(csv_rows)
    assert sheet.auto_filter.ref == sheet.dimensions
    assert sheet.column_dimensions["A"].width >= 10
    formula = next(row for row in rows if str(row[0]).endswith('"x")'))
    assert formula[0] == '\'=HYPERLINK("http://127.0.0.1:9/","x")'  # text, never a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "Intern Beta" not in [row[0] for row in rows]
