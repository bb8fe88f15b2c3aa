"""Checklist item P2 (export, delete, retention) of docs/security.md, and the access log
of coordinators' looks at intern records that an admin reads (APPI Art. 29 record)."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from readiness.extensions import db
from readiness.models import AccessLog, Assessment, ReportJob, ReportPDF, User
from readiness.services.bulk_reports import create_job, run_job
from readiness.services.organisations import ensure_organisation
from tests.fixtures.accounts import INTERN_PASSWORD, Join, MakeUser, SignedIn, invite
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser

CANARY = "Canary Nguyen Zq7x"


@pytest.fixture
def canary_intern(
    app: Flask,
    definition,
    full_answers: dict[str, Any],
    join: Join,
    make_user: MakeUser,
    signed_in: SignedIn,
) -> dict[str, Any]:
    """An invited intern named CANARY, with a submitted result, a draft, a cached PDF and a
    bulk ZIP that holds their plan; a coordinator has looked at them."""
    make_user("coord-p2", "coordinator", "Org P2")
    coordinator = signed_in("coord-p2")
    path = invite(coordinator, display_name=CANARY, home_country="vn", planned_return="2027-03-31")
    intern = InternBrowser(join(path, "canary"), definition)
    first = intern.start()
    intern.answer_all(first, {**full_answers, "home_region": f"{CANARY} village"})
    intern.submit(first)
    draft = intern.start()
    intern.answer_all(draft, {**full_answers, "home_region": f"{CANARY} town"})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "canary"))
        lead = db.session.scalar(select(User).where(User.username == "coord-p2"))
        job_id, user_id = create_job(lead, [user.id], "en").id, user.id
    run_job(app, job_id)
    assert coordinator.get(f"/coordinator/interns/{user_id}").status_code == 200
    pdf = coordinator.get(f"/coordinator/interns/{user_id}/assessments/{first}/plan.pdf")
    assert pdf.status_code == 200
    with coordinator.get(f"/coordinator/reports/{job_id}/download") as download:
        assert download.status_code == 200
    return {"intern": intern, "user_id": user_id, "coordinator": coordinator, "job_id": job_id}


def canary_rows(app: Flask) -> list[str]:
    """Every table row, in every table, that holds the canary name anywhere."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(text(f'SELECT * FROM "{table.name}"')):  # noqa: S608
                if any(CANARY in str(value) for value in row):
                    found.append(f"{table.name}: {row}")
    return found


def test_p2_an_intern_downloads_all_their_own_data_and_nothing_else(
    app: Flask,
    canary_intern: dict[str, Any],
    two_organisations: dict[str, Any],
) -> None:
    response = canary_intern["intern"].client.get("/me/data.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.text)
    assert data["account"]["user_name"] == "canary"
    assert data["account"]["organisation"] == "Org P2"
    assert data["invitation"][0]["display_name"] == CANARY
    assert [a["status"] for a in data["assessments"]] == ["submitted", "draft"]
    regions = {a["answers"]["home_region"] for a in data["assessments"]}
    assert regions == {f"{CANARY} village", f"{CANARY} town"}  # drafts too
    assert data["assessments"][0]["scores"]["overall"] > 0
    assert data["consents"][0]["version"]
    seen = {entry["what"] for entry in data["seen_by_coordinators"]}
    assert seen == {"view_intern", "plan_pdf", "bulk_zip"}
    for other in ("Intern Alpha", "Intern Beta", "intern-a", "intern-b"):
        assert other not in response.text


def test_p2_deleting_the_account_leaves_no_trace_of_the_name(
    app: Flask, canary_intern: dict[str, Any]
) -> None:
    with app.app_context():
        zip_path = Path(db.session.get(ReportJob, canary_intern["job_id"]).zip_path)
    with zipfile.ZipFile(zip_path) as plans:
        assert CANARY.replace(" ", "-") in " ".join(plans.namelist())  # named after them
    assert canary_rows(app)  # the canary is there before
    client = canary_intern["intern"].client
    page = client.get("/me/data").text
    response = client.post(
        "/me/delete", data={"csrf_token": csrf_token(page), "password": INTERN_PASSWORD}
    )
    assert response.status_code == 303
    assert canary_rows(app) == []
    assert not zip_path.exists()  # the bulk ZIP that held their plan is gone too
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assessment)) == 0
        assert db.session.scalar(select(func.count()).select_from(ReportPDF)) == 0
        assert db.session.scalar(select(func.count()).select_from(AccessLog)) == 3  # ids only
    assert client.get("/me").status_code == 302  # signed out
    coordinator = canary_intern["coordinator"]
    assert coordinator.get(f"/coordinator/interns/{canary_intern['user_id']}").status_code == 404
    assert (
        coordinator.get(f"/coordinator/reports/{canary_intern['job_id']}/download").status_code
        == 404
    )


def test_p2_deleting_needs_the_password(app: Flask, canary_intern: dict[str, Any]) -> None:
    client = canary_intern["intern"].client
    page = client.get("/me/data").text
    response = client.post("/me/delete", data={"csrf_token": csrf_token(page), "password": "wrong"})
    assert response.status_code == 400
    assert "The password is not correct." in response.text
    assert canary_rows(app)


def test_p2_retention_deletes_interns_months_after_their_return_and_old_zips(
    app: Flask, canary_intern: dict[str, Any]
) -> None:
    with app.app_context():
        zip_path = Path(db.session.get(ReportJob, canary_intern["job_id"]).zip_path)
        planned_return = db.session.get(User, canary_intern["user_id"]).planned_return
    runner = app.test_cli_runner()
    # Kept until 12 months after the planned return (the answers' date, later than today).
    assert planned_return > dt.date.today()
    keep_until = planned_return.replace(year=planned_return.year + 1)
    result = runner.invoke(args=["purge", "--today", keep_until.isoformat()])
    assert result.exit_code == 0, result.output
    assert "deleted 0 intern account(s)" in result.output
    assert "and 1 report ZIP(s)" in result.output  # older than 7 days by then
    assert not zip_path.exists()
    assert canary_rows(app)
    day_after = keep_until + dt.timedelta(days=1)
    result = runner.invoke(args=["purge", "--today", day_after.isoformat()])
    assert "deleted 1 intern account(s)" in result.output
    assert canary_rows(app) == []


def test_access_log_records_each_look_and_an_admin_reads_it(
    app: Flask, canary_intern: dict[str, Any], make_user: MakeUser, signed_in: SignedIn
) -> None:
    coordinator = canary_intern["coordinator"]
    assert coordinator.get("/coordinator/export.csv").status_code == 200
    with app.app_context():
        actions = db.session.scalars(select(AccessLog.action).order_by(AccessLog.id)).all()
        subjects = set(db.session.scalars(select(AccessLog.subject_id)))
    assert actions == ["view_intern", "plan_pdf", "bulk_zip", "csv_export"]
    assert subjects == {canary_intern["user_id"]}
    make_user("admin-p2", "admin", None)
    admin = signed_in("admin-p2")
    page = admin.get("/admin/access-log?intern=canary").text
    assert page.count("coord-p2") == 4
    assert "downloaded the plan PDF" in page or "プランの PDF をダウンロード" in page
    assert "coord-p2" not in admin.get("/admin/access-log?intern=nobody").text


def test_p2_one_unreadable_row_does_not_stop_retention_for_everyone(
    app: Flask, make_user: MakeUser, tmp_path: Path
) -> None:
    """Rows written before the dates had bounds (or by hand): each is reported with its id,
    every other intern is still checked and deleted, and the command exits 1."""
    make_user("intern-due", "intern", None, planned_return=dt.date(2020, 1, 31))
    make_user("intern-far", "intern", None, planned_return=dt.date(2027, 1, 31))
    make_user("intern-odd", "intern", None)
    with app.app_context():
        bad_date = "not-a-date" if db.engine.dialect.name == "sqlite" else "9999-12-31"
        db.session.execute(
            text('UPDATE "user" SET planned_return = :bad WHERE username = :name'),
            {"bad": "9999-12-31", "name": "intern-far"},
        )
        db.session.execute(
            text('UPDATE "user" SET planned_return = :bad WHERE username = :name'),
            {"bad": bad_date, "name": "intern-odd"},
        )
        db.session.commit()
        far_id = db.session.scalar(select(User.id).where(User.username == "intern-far"))
        organisation_id = ensure_organisation("Org P2").id
        odd_zip = tmp_path / "odd.zip"
        odd_zip.write_bytes(b"PK")
        garbage = "garbage" if db.engine.dialect.name == "sqlite" else "2026-01-01"
        db.session.execute(
            text(
                "INSERT INTO report_job (organisation_id, status, attempts, user_ids_json, "
                "locale, total, done_count, errors_json, zip_path, created_at, finished_at) "
                "VALUES (:org, 'done', 0, 'not json', 'ja', 1, 1, '[]', :zip, :bad, :bad)"
            ),
            {"org": organisation_id, "zip": str(odd_zip), "bad": garbage},
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge", "--today", "2028-06-01"])
    assert result.exit_code == 1
    assert "deleted 1 intern account(s)" in result.output
    assert f"purge: intern {far_id}: dates" in result.output
    with app.app_context():
        left = set(db.session.scalars(select(User.username)))
    assert "intern-due" not in left
    assert {"intern-far", "intern-odd"} <= left
    assert not odd_zip.exists()  # a job whose interns cannot be read loses its ZIP
