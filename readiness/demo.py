"""Demo data: interns at different stages, so a newcomer sees the app working.

``flask --app readiness demo`` is idempotent: accounts that exist are left
as they are, and their assessments are not duplicated.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from flask import current_app
from sqlalchemy import select

from readiness.core.definitions import AssessmentDefinition
from readiness.core.progress import Progress
from readiness.extensions import db
from readiness.models import COORDINATOR, INTERN, Assessment, Organisation, User
from readiness.operations import (
    refresh_intern_summary,
    save_page,
    start_assessment,
    submit_assessment,
)
from readiness.privacy import record_consent

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


def answer_pages(
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
        save_page(assessment, page, values, following.id if following else None, definition)


DEMO_NAMES = {
    "demo-new": "Siti Rahma",
    "demo-halfway": "Juan dela Cruz",
    "demo-submitted": "Nguyễn Văn An",
    "demo-ready": "Budi Santoso",
}


DEMO_ORGANISATIONS = (
    ("Sakura Cooperative (supervising organisation)", "coord-sakura"),
    ("Minato Support Center (registered support organisation)", "coord-minato"),
)
FAMILY_NAMES = {
    "vn": ["Nguyễn", "Trần", "Lê", "Phạm"],
    "id": ["Santoso", "Wijaya", "Saputra"],
    "ph": ["Reyes", "Santos", "Cruz"],
    "np": ["Shrestha", "Gurung", "Tamang"],
    "mm": ["Aung", "Kyaw", "Win"],
    "kh": ["Sok", "Chan", "Kim"],
}
GIVEN_NAMES = [
    "An",
    "Bình",
    "Dewi",
    "Rizal",
    "Maria",
    "Jose",
    "Sita",
    "Ram",
    "Thida",
    "Dara",
    "Hoa",
    "Putri",
    "Ana",
    "Bishal",
    "Su",
    "Vanna",
]
#: How the generated interns are spread: (how many, pages answered or None, submissions).
STAGES = ((5, 0, 0), (6, 3, 0), (13, None, 1), (8, None, 2))


def _create_user(
    username: str, role: str, organisation: Organisation | None, display_name: str | None = None
) -> User | None:
    """Create a demo account, or None when it exists already (the demo is idempotent)."""
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        return None
    user = User(
        username=username,
        role=role,
        locale="ja" if role == COORDINATOR else "en",
        display_name=display_name,
        organisation_id=organisation.id if organisation else None,
    )
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def _organisation(name: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name)
        db.session.add(organisation)
        db.session.commit()
    return organisation


def _varied_answers(rng: random.Random, country: str) -> dict[str, Any]:
    """A plausible answer set: the base intern with a few answers changed at random."""
    answers = dict(demo_answer_sets()["base"])
    programme = rng.choice(["titp1", "titp2", "titp3", "ssw1"])
    answers.update(
        home_country=country,
        programme=programme,
        field=rng.choice(
            [
                "food_manufacturing",
                "construction",
                "nursing_care",
                "agriculture",
                "industrial_manufacturing",
            ]
        ),
        planned_return=_months_ahead(rng.randint(2, 30)),
        jlpt=rng.choice(["n5", "n4", "n3"]),
        savings=rng.randrange(100_000, 3_000_000, 50_000),
        monthly_saving=rng.randrange(20_000, 110_000, 10_000),
        has_idea=rng.choice(["clear", "some", "none"]),
        written_plan=rng.choice(["written", "in_head", "none"]),
        employer_talk=rng.choice(["partnership", "told", "not_yet"]),
        mentor=rng.choice(["yes", "no"]),
        bookkeeping=rng.randint(1, 5),
    )
    if programme == "ssw1":
        answers.pop("skills_test", None)
        answers["ssw_test"] = rng.choice(["passed_i", "exempt", "not_taken"])
    return answers


def _generated_interns(organisation: Organisation, prefix: str, seed: int) -> int:
    """Create interns at every stage for one organisation; returns how many were new."""
    state = current_app.extensions["readiness"]
    definition = state.definitions.default
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    created = 0
    number = 0
    for count, pages, submissions in STAGES:
        for _ in range(count):
            number += 1
            country = rng.choice(sorted(FAMILY_NAMES))
            name = f"{rng.choice(FAMILY_NAMES[country])} {rng.choice(GIVEN_NAMES)}"
            user = _create_user(f"{prefix}-{number:02d}", INTERN, organisation, name)
            answers = _varied_answers(rng, country)
            if user is None:
                continue
            created += 1
            user.home_country, user.programme = country, answers["programme"]
            if pages != 0 or submissions:
                record_consent(user, "en")  # only those who started have agreed
            for round_number in range(max(submissions, 1 if pages else 0)):
                assessment = start_assessment(user, definition)
                if round_number + 1 < submissions:  # an earlier, weaker result
                    earlier = {**answers, "jlpt": "n5", "savings": answers["savings"] // 3}
                    answer_pages(assessment, definition, earlier)
                else:
                    answer_pages(assessment, definition, answers, pages)
                if submissions:
                    submit_assessment(assessment, state.scorers[definition.id], dt.date.today())
            refresh_intern_summary(user)
    return created


def _create_intern(username: str, organisation: Organisation | None) -> User | None:
    return _create_user(username, INTERN, organisation, DEMO_NAMES.get(username))


def load_demo_data() -> list[tuple[str, str]]:
    """Create the demo interns; returns (user name, what they show) for each."""
    state = current_app.extensions["readiness"]
    definition = state.definitions.default
    scorer = state.scorers[definition.id]
    sets = demo_answer_sets()
    accounts = [
        ("demo-new", "signed up; has not yet agreed to the consent text or started"),
        ("demo-halfway", "stopped after 3 pages: resumes there"),
        ("demo-submitted", "two submitted assessments: result with change since the first"),
        ("demo-ready", "one submitted assessment, well prepared"),
    ]
    plans: dict[str, list[tuple[dict[str, Any], int | None, bool]]] = {
        "demo-halfway": [(sets["base"], 3, False)],
        "demo-submitted": [(sets["earlier"], None, True), (sets["base"], None, True)],
        "demo-ready": [(sets["ready"], None, True)],
    }
    first = _organisation(DEMO_ORGANISATIONS[0][0])
    for username, _ in accounts:
        user = _create_intern(username, first)
        if user is None:
            continue
        if username in plans:
            record_consent(user, "en")
        for answers, pages, submit in plans.get(username, []):
            assessment = start_assessment(user, definition)
            answer_pages(assessment, definition, answers, pages)
            if submit:
                submit_assessment(assessment, scorer, dt.date.today())
    for seed, (name, coordinator) in enumerate(DEMO_ORGANISATIONS, start=1):
        organisation = _organisation(name)
        _create_user(coordinator, COORDINATOR, organisation)
        accounts.append((coordinator, f"coordinator of {name} (sets up a TOTP app first)"))
        _generated_interns(organisation, f"{coordinator.removeprefix('coord-')}", seed)
    return accounts
