"""The plan as a checklist: steps an intern ticks off, what comes next, what is overdue, and
the dated steps as a calendar file for their phone.

The plan itself is rebuilt from the frozen answers and score card (assessments.plan_for);
only the ticks are stored (``StepDone``), keyed by the step's id in the plan rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from icalendar import Calendar, Event
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from readiness.core.model import localize
from readiness.core.plan.result import ActionPlan, PlanStep
from readiness.extensions import db
from readiness.models import Assessment, StepDone, utcnow
from readiness.services.assessments import done_steps, next_step_due

#: How many open steps the intern's home page shows.
NEXT_STEPS = 3


@dataclass(frozen=True)
class Checklist:
    """The plan's steps with what is done, for one assessment on one day."""

    plan: ActionPlan
    done: dict[str, dt.datetime]
    today: dt.date

    @property
    def open_steps(self) -> list[PlanStep]:
        """Steps not done yet, soonest due first (the plan's order among equal dates)."""
        steps = [s for s in self.plan.steps if s.id not in self.done]
        return sorted(steps, key=lambda s: s.due)

    def next_steps(self, count: int = NEXT_STEPS) -> list[PlanStep]:
        return self.open_steps[:count]

    @property
    def overdue(self) -> list[PlanStep]:
        return [s for s in self.open_steps if dt.date.fromisoformat(s.due) < self.today]

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.plan.steps if s.id in self.done)

    @property
    def total(self) -> int:
        return len(self.plan.steps)

    def is_done(self, step_id: str) -> bool:
        return step_id in self.done


def checklist(assessment: Assessment, plan: ActionPlan, today: dt.date) -> Checklist:
    return Checklist(plan, done_steps(assessment), today)


def mark_step(assessment: Assessment, plan: ActionPlan, step_id: str, done: bool) -> bool:
    """Tick a step of this plan (or untick it); False when the plan has no such step.

    Ticking twice (a double tap, two tabs) keeps one tick: the database holds one row per
    assessment and step, and whoever loses the race finds it there.
    """
    if step_id not in {step.id for step in plan.steps}:
        return False
    if not done:
        db.session.execute(
            delete(StepDone).where(
                StepDone.assessment_id == assessment.id, StepDone.step_id == step_id
            )
        )
        db.session.commit()
        _refresh_next_step_due(assessment, plan)
        return True
    if step_id not in done_steps(assessment):
        db.session.add(StepDone(assessment_id=assessment.id, step_id=step_id, done_at=utcnow()))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
    _refresh_next_step_due(assessment, plan)
    return True


def _refresh_next_step_due(assessment: Assessment, plan: ActionPlan) -> None:
    """Keep the intern's soonest open step on the user row (the dashboard's "overdue"),
    from the plan the tick was checked against (not built a second time)."""
    user = assessment.user
    if user.latest_assessment_id == assessment.id:
        user.next_step_due = next_step_due(assessment, plan)
        db.session.commit()


def plan_calendar(
    assessment: Assessment, plan: ActionPlan, locale: str, title: str, return_title: str
) -> bytes:
    """Every dated step, the language test and the planned return as all-day events
    (RFC 5545, icalendar); steps already ticked off start with "✓".

    Event ids belong to the intern and the step, not to one assessment, so importing the
    file again, after a re-assessment too, updates the events instead of adding copies.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//readiness//action plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    stamp = utcnow().replace(tzinfo=dt.UTC)

    def add_event(uid: str, day: str, summary: str, description: str | None = None) -> None:
        event = Event()
        event.add("uid", f"intern-{assessment.user_id}-{uid}@readiness")
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.date.fromisoformat(day))
        event.add("summary", summary)
        if description is not None:
            event.add("description", description)
        calendar.add_component(event)

    done = done_steps(assessment)
    for step in plan.steps:
        mark = "✓ " if step.id in done else ""
        summary = mark + localize(step.title, locale)
        add_event(f"step-{step.id}", step.due, summary, localize(step.detail, locale))
    goal = plan.language
    if goal is not None and goal.test_date:
        test = localize(goal.test_name, locale)
        target = localize(goal.target_label, locale) if goal.target else ""
        add_event("language-test", goal.test_date, f"{test} {target}".strip())
    if plan.return_date:
        add_event("return", plan.return_date, return_title)
    return bytes(calendar.to_ical())
