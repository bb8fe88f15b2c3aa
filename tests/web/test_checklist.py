"""The plan as a checklist: ticking steps, the next steps at home, the calendar file, and a
re-assessment that starts from the last answers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from readiness.core.definitions import AssessmentDefinition
from readiness.extensions import db
from readiness.models import Assessment
from readiness.services.assessments import plan_for
from readiness.state import current_state
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser, stored_answers


@pytest.fixture
def submitted(intern: InternBrowser, full_answers: dict[str, Any]) -> int:
    assessment_id = intern.start()
    intern.answer_all(assessment_id, full_answers)
    assert intern.submit(assessment_id).status_code == 303
    return assessment_id


def step_ids(result_html: str) -> list[str]:
    return re.findall(r'<li class="step[^"]*" id="step-([a-z0-9_]+)"', result_html)


def tick(client: FlaskClient, assessment_id: int, step_id: str, done: bool) -> Any:
    page = client.get(f"/assessments/{assessment_id}/result").text
    return client.post(
        f"/assessments/{assessment_id}/steps/{step_id}",
        data={"csrf_token": csrf_token(page), "done": "1" if done else "0"},
    )


def test_a_step_is_ticked_off_and_back_again(intern: InternBrowser, submitted: int) -> None:
    client = intern.client
    steps = step_ids(client.get(f"/assessments/{submitted}/result").text)
    assert len(steps) >= 3
    first = steps[0]
    response = tick(client, submitted, first, done=True)
    assert response.status_code == 303
    assert response.location.endswith(f"/assessments/{submitted}/result#step-{first}")
    page = client.get(f"/assessments/{submitted}/result").text
    assert f'<li class="step phase-in_japan done" id="step-{first}">' in page or (
        f'done" id="step-{first}"' in page
    )
    assert f"1 of {len(steps)} steps done." in page
    assert tick(client, submitted, first, done=True).status_code == 303  # twice: still one
    assert f"1 of {len(steps)} steps done." in client.get(f"/assessments/{submitted}/result").text
    assert tick(client, submitted, first, done=False).status_code == 303
    assert f"0 of {len(steps)} steps done." in client.get(f"/assessments/{submitted}/result").text


def test_the_soonest_open_step_is_kept_for_the_dashboard(
    app: Flask, intern: InternBrowser, submitted: int
) -> None:
    """The dashboard's "overdue" reads User.next_step_due: it follows every tick."""

    def due_and_plan() -> tuple[dt.date | None, list[tuple[str, dt.date]]]:
        with app.app_context():
            assessment = db.session.get(Assessment, submitted)
            plan = plan_for(assessment, current_state().definitions.default)
            steps = [(step.id, dt.date.fromisoformat(step.due)) for step in plan.steps]
            return assessment.user.next_step_due, steps

    due, steps = due_and_plan()
    soonest = min(day for _id, day in steps)
    assert due == soonest
    first_ones = [step_id for step_id, day in steps if day == soonest]
    for step_id in first_ones:
        tick(intern.client, submitted, step_id, done=True)
    due, _steps = due_and_plan()
    assert due == min(day for step_id, day in steps if step_id not in first_ones)
    tick(intern.client, submitted, first_ones[0], done=False)
    assert due_and_plan()[0] == soonest


def test_only_the_plans_own_steps_and_only_the_owner(
    intern: InternBrowser, submitted: int, app: Flask, definition: AssessmentDefinition
) -> None:
    client = intern.client
    assert tick(client, submitted, "no_such_step", done=True).status_code == 404
    page = client.get(f"/assessments/{submitted}/result").text
    no_token = client.post(
        f"/assessments/{submitted}/steps/{step_ids(page)[0]}", data={"done": "1"}
    )
    assert no_token.status_code == 400
    other = InternBrowser(app.test_client(), definition)
    other.sign_up("intern-b")
    other_page = other.client.get("/me").text
    stolen = other.client.post(
        f"/assessments/{submitted}/steps/{step_ids(page)[0]}",
        data={"csrf_token": csrf_token(other_page), "done": "1"},
    )
    assert stolen.status_code == 404
    assert other.client.get(f"/assessments/{submitted}/plan.ics").status_code == 404


def test_a_draft_has_no_checklist(intern: InternBrowser) -> None:
    draft = intern.start()
    page = intern.client.get("/me").text
    response = intern.client.post(
        f"/assessments/{draft}/steps/anything", data={"csrf_token": csrf_token(page), "done": "1"}
    )
    assert response.status_code == 404
    assert intern.client.get(f"/assessments/{draft}/plan.ics").status_code == 404


def test_home_shows_the_next_steps_and_the_months_left(
    intern: InternBrowser, submitted: int
) -> None:
    client = intern.client
    result = client.get(f"/assessments/{submitted}/result").text
    steps = step_ids(result)
    home = client.get("/me").text
    assert "Your next steps" in home
    assert re.search(r"\d+ months? until your return\.", home)
    listed = re.findall(rf"/assessments/{submitted}/result#step-([a-z0-9_]+)", home)
    assert 1 <= len(listed) <= 3
    assert set(listed) <= set(steps)
    for step_id in listed:  # ticking them off brings the next ones up
        tick(client, submitted, step_id, done=True)
    later = re.findall(
        rf"/assessments/{submitted}/result#step-([a-z0-9_]+)", client.get("/me").text
    )
    assert later
    assert not set(later) & set(listed)


def test_the_dated_steps_come_as_a_calendar_file(intern: InternBrowser, submitted: int) -> None:
    client = intern.client
    steps = step_ids(client.get(f"/assessments/{submitted}/result").text)
    response = client.get(f"/assessments/{submitted}/plan.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    uids = {str(event["UID"]) for event in events}
    owner = re.match(r"intern-(\d+)-", next(iter(uids))).group(1)
    assert {f"intern-{owner}-step-{step}@readiness" for step in steps} <= uids
    summaries = {str(event["UID"]): str(event["SUMMARY"]) for event in events}
    assert summaries[f"intern-{owner}-return@readiness"] == "Planned return"
    assert "JLPT" in summaries[f"intern-{owner}-language-test@readiness"]
    for event in events:
        assert isinstance(event.decoded("DTSTART"), dt.date)
        assert str(event["SUMMARY"]).strip()
    tick(client, submitted, steps[0], done=True)
    again = Calendar.from_ical(client.get(f"/assessments/{submitted}/plan.ics").data)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == uids  # stable: re-import updates
    ticked = {str(e["UID"]): str(e["SUMMARY"]) for e in again.walk("VEVENT")}
    assert ticked[f"intern-{owner}-step-{steps[0]}@readiness"].startswith("✓ ")


def test_a_reassessment_starts_from_the_last_answers(
    intern: InternBrowser, submitted: int, app: Flask, full_answers: dict[str, Any]
) -> None:
    again = intern.start()
    assert again != submitted
    assert stored_answers(app, again) == stored_answers(app, submitted) != {}
    home = intern.client.get("/me").text
    assert "Continue where you stopped" in home
    # the intern changes one answer and submits: the result shows what moved
    changed = {**full_answers, "savings": full_answers["savings"] * 3}
    intern.answer_all(again, changed)
    assert intern.submit(again).status_code == 303
    assert stored_answers(app, again)["savings"] == full_answers["savings"] * 3


def test_home_still_opens_when_the_last_results_questionnaire_is_gone(
    intern: InternBrowser, submitted: int, app: Flask
) -> None:
    """A result scored with a questionnaire that is no longer loaded keeps its page 404 (as
    before) but never takes the intern's home page down."""
    with app.app_context():
        db.session.get_one(Assessment, submitted).questionnaire_id = "retired_questionnaire"
        db.session.commit()
    home = intern.client.get("/me")
    assert home.status_code == 200
    assert "Your next steps" not in home.text
