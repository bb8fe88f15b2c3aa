"""Demo data: interns at different stages, so a newcomer sees the app working.

``flask --app readiness demo`` is idempotent: accounts that exist are left
as they are, and their assessments are not duplicated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from sqlalchemy import select

from readiness.core.definitions import AssessmentDefinition
from readiness.core.progress import Progress
from readiness.extensions import db
from readiness.models import Assessment, User
from readiness.operations import (
    save_page,
    start_assessment,
    submit_assessment,
)

DEMO_PASSWORD = "demo-password"  # noqa: S105 - published demo accounts, local data only


def _months_ahead(months: int) -> str:
    today = dt.date.today()
    year, month = divmod(today.month - 1 + months, 12)
    return dt.date(today.year + year, month + 1, min(today.day, 28)).isoformat()


def demo_answer_sets() -> dict[str, dict[str, Any]]:
    """Answer sets for the demo interns, from little to well prepared."""
    base = {
        "home_country": "vn",
        "home_region": "Nghe An",
        "programme": "titp2",
        "field": "food_manufacturing",
        "months_in_japan": 26,
        "planned_return": _months_ahead(8),
        "start_intent": "within_1y",
        "skills_test": "basic",
        "certificates": ["forklift"],
        "trade_confidence": 4,
        "can_teach": 3,
        "equipment_known": "yes",
        "home_demand": 4,
        "bookkeeping": 2,
        "pricing": 2,
        "marketing": 2,
        "five_s": "daily",
        "kaizen": "no",
        "quality_safety": 4,
        "business_training": ["none"],
        "jlpt": "n4",
        "understand_instructions": 4,
        "phone_japanese": 2,
        "read_notices": 3,
        "study_hours": 3,
        "next_test": "planning",
        "savings": 900000,
        "monthly_saving": 60000,
        "has_debt": "yes",
        "debt_remaining": 250000,
        "capital_needed": 3000000,
        "home_bank_account": "yes",
        "family_support": "work",
        "loan_knowledge": "heard",
        "budget_habit": 3,
        "has_idea": "clear",
        "idea_description": "A small bakery selling Japanese-style bread.",
        "idea_uses_trade": "yes",
        "customers_known": 3,
        "competitors_known": 2,
        "written_plan": "in_head",
        "start_with": "family",
        "employer_talk": "not_yet",
        "alumni_contact": "yes",
        "groups": ["online_group"],
        "home_contacts": 3,
        "mentor": "no",
    }
    earlier = {
        **base,
        "jlpt": "n5",
        "savings": 300000,
        "has_idea": "some",
        "written_plan": "none",
        "alumni_contact": "no",
        "understand_instructions": 3,
    }
    ready = {
        **base,
        "home_country": "id",
        "programme": "ssw1",
        "field": "construction",
        "ssw_test": "passed_i",
        "jlpt": "n3",
        "savings": 2500000,
        "monthly_saving": 90000,
        "has_debt": "no",
        "capital_needed": 2000000,
        "loan_knowledge": "applied",
        "written_plan": "written",
        "employer_talk": "partnership",
        "mentor": "yes",
        "groups": ["returnee_association"],
        "bookkeeping": 4,
        "pricing": 4,
    }
    del ready["skills_test"], ready["debt_remaining"]
    return {"earlier": earlier, "base": base, "ready": ready}


def _answer_all(
    assessment: Assessment,
    definition: AssessmentDefinition,
    answers: dict[str, Any],
    pages: int | None = None,
) -> None:
    """Save answers page by page, as an intern would, stopping after ``pages`` pages."""
    saved: set[str] = set()
    for number, page in enumerate(definition.visible_pages(answers)):
        if pages is not None and number >= pages:
            break
        values = {q.id: answers.get(q.id) for q in definition.visible_questions(page, answers)}
        saved.add(page.id)
        following = Progress(definition, answers, frozenset(saved)).next_page(page.id)
        save_page(assessment, page, values, following.id if following else None)


DEMO_NAMES = {
    "demo-new": "Siti Rahma",
    "demo-halfway": "Juan dela Cruz",
    "demo-submitted": "Nguyễn Văn An",
    "demo-ready": "Budi Santoso",
}


def _create_intern(username: str) -> User | None:
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        return None
    user = User(
        username=username, role="intern", locale="en", display_name=DEMO_NAMES.get(username)
    )
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def load_demo_data() -> list[tuple[str, str]]:
    """Create the demo interns; returns (user name, what they show) for each."""
    state = current_app.extensions["readiness"]
    definition = state.definitions.default
    scorer = state.scorers[definition.id]
    sets = demo_answer_sets()
    accounts = [
        ("demo-new", "signed up, has not started"),
        ("demo-halfway", "stopped after 3 pages: resumes there"),
        ("demo-submitted", "two submitted assessments: result with change since the first"),
        ("demo-ready", "one submitted assessment, well prepared"),
    ]
    plans: dict[str, list[tuple[dict[str, Any], int | None, bool]]] = {
        "demo-halfway": [(sets["base"], 3, False)],
        "demo-submitted": [(sets["earlier"], None, True), (sets["base"], None, True)],
        "demo-ready": [(sets["ready"], None, True)],
    }
    for username, _ in accounts:
        user = _create_intern(username)
        if user is None:
            continue
        for answers, pages, submit in plans.get(username, []):
            assessment = start_assessment(user, definition)
            _answer_all(assessment, definition, answers, pages)
            if submit:
                submit_assessment(assessment, scorer, dt.date.today())
    return accounts
