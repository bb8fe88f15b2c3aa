"""Demo data: interns at every stage, so a newcomer sees the app working.

What the demo holds (accounts, answer sets, how a generated cohort varies) is data, in
``readiness/data/demo.yaml``; this module only plays it through the same services an
intern's browser uses (start, save page by page, submit). Loading is idempotent:
accounts that exist are left as they are, and their assessments are not duplicated.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from readiness.core.answers import check_answers
from readiness.core.dates import add_months
from readiness.core.definitions import AssessmentDefinition
from readiness.core.progress import Progress
from readiness.extensions import db
from readiness.models import COORDINATOR, INTERN, Assessment, Organisation, User
from readiness.services.accounts import create_user, find_user, issue_enrolment_code
from readiness.services.assessments import (
    plan_for,
    refresh_intern_summary,
    save_page,
    start_assessment,
    submit_assessment,
)
from readiness.services.checklist import mark_step
from readiness.services.organisations import ensure_organisation
from readiness.services.privacy import record_consent
from readiness.state import current_state

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo.yaml"


@cache
def demo_data() -> dict[str, Any]:
    """The demo's data file, read once (it ships with the code)."""
    return dict(yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8")))


def demo_password() -> str:
    return str(demo_data()["password"])


DEMO_PASSWORD = demo_password()


def months_ahead(months: int) -> str:
    """The date ``months`` after today, as a date question stores it."""
    return add_months(dt.date.today(), months).isoformat()


def demo_answer_sets() -> dict[str, dict[str, Any]]:
    """Answer sets for the demo interns, from little to well prepared."""
    sets: dict[str, dict[str, Any]] = {}
    for name, spec in demo_data()["answer_sets"].items():
        answers = dict(sets[spec["based_on"]]) if "based_on" in spec else {}
        answers.update(spec["answers"])
        for question_id, months in spec.get("months_ahead", {}).items():
            answers[question_id] = months_ahead(months)
        for question_id in spec.get("drop", []):
            answers.pop(question_id, None)
        sets[name] = answers
    return sets


def answer_pages(
    assessment: Assessment,
    definition: AssessmentDefinition,
    answers: dict[str, Any],
    pages: int | None = None,
) -> None:
    """Save answers page by page, as an intern would, stopping after ``pages`` pages.

    The answers pass the same check as a page of the form (core.answers).

    :raises ValueError: when an answer is one the questionnaire cannot take.
    """
    _, problems = check_answers(definition, answers, dt.date.today())
    if problems:
        wrong = "; ".join(f"{qid} {problem.english()}" for qid, problem in problems.items())
        raise ValueError(f"these demo answers are refused: {wrong}")
    saved: set[str] = set()
    for number, page in enumerate(definition.visible_pages(answers)):
        if pages is not None and number >= pages:
            break
        values = {q.id: answers.get(q.id) for q in definition.visible_questions(page, answers)}
        saved.add(page.id)
        following = Progress(definition, answers, frozenset(saved)).next_page(page.id)
        save_page(assessment, page, values, following.id if following else None, definition)


@dataclass(frozen=True)
class Round:
    """One assessment of a demo intern: its answers, how far they got, whether submitted."""

    answers: dict[str, Any]
    pages: int | None
    submit: bool
    #: How many of the plan's first steps the intern has ticked off since.
    steps_done: int = 0


def play_rounds(user: User, definition: AssessmentDefinition, rounds: list[Round]) -> None:
    """Take the intern through their assessments, then bring their summary up to date."""
    scorer = current_state().scorers[definition.id]
    for played in rounds:
        assessment = start_assessment(user, definition)
        answer_pages(assessment, definition, played.answers, played.pages)
        if played.submit:
            submit_assessment(assessment, scorer, dt.date.today())
            plan = plan_for(assessment, definition)
            if plan is not None:
                for step in plan.steps[: played.steps_done]:
                    mark_step(assessment, plan, step.id, done=True)
    refresh_intern_summary(user)


def _new_account(
    username: str, role: str, organisation: Organisation | None, name: str | None = None
) -> User | None:
    """Create a demo account, or None when it exists already (the demo is idempotent)."""
    if find_user(username) is not None:
        return None
    user = create_user(
        username,
        demo_password(),
        role=role,
        locale="ja" if role == COORDINATOR else "en",
        display_name=name,
        organisation_id=organisation.id if organisation else None,
    )
    db.session.commit()
    return user


def _named_interns(
    organisation: Organisation, definition: AssessmentDefinition
) -> list[tuple[str, str]]:
    """The four demo interns everyone can sign in as; returns what each shows."""
    sets = demo_answer_sets()
    shown = []
    for intern in demo_data()["interns"]:
        shown.append((intern["username"], intern["shows"]))
        user = _new_account(intern["username"], INTERN, organisation, intern["name"])
        if user is None:
            continue
        rounds = [
            Round(sets[r["answers"]], r.get("pages"), bool(r["submit"]), r.get("steps_done", 0))
            for r in intern["rounds"]
        ]
        if rounds:
            record_consent(user, "en")
        play_rounds(user, definition, rounds)
    return shown


def _varied_answers(rng: random.Random, country: str) -> dict[str, Any]:
    """A plausible answer set: the base intern with the cohort's answers drawn at random."""
    cohort = demo_data()["cohort"]
    answers = dict(demo_answer_sets()["base"], home_country=country)
    for question_id, spec in cohort["vary"].items():
        if "choose" in spec:
            answers[question_id] = rng.choice(spec["choose"])
        elif "months_ahead" in spec:
            low, high = spec["months_ahead"]
            answers[question_id] = months_ahead(rng.randrange(low, high))
        else:
            low, high = spec["between"]
            answers[question_id] = rng.randrange(low, high, spec["step"])
    ssw = cohort["ssw"]
    if answers.get("programme") == ssw["programme"]:
        answers.pop(ssw["drop"], None)
        answers[ssw["question"]] = rng.choice(ssw["choose"])
    return answers


def _earlier_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """A weaker first result, for interns who submitted twice."""
    earlier = demo_data()["cohort"]["earlier"]
    changed = {**answers, **earlier["answers"]}
    for question_id, divisor in earlier["divide"].items():
        changed[question_id] = answers[question_id] // divisor
    return changed


def _cohort_rounds(answers: dict[str, Any], stage: dict[str, Any]) -> list[Round]:
    submissions, pages = stage["submissions"], stage.get("pages")
    if not submissions:
        return [Round(answers, pages, False)] if pages else []
    return [
        Round(_earlier_answers(answers) if number + 1 < submissions else answers, None, True)
        for number in range(submissions)
    ]


def _generated_interns(
    organisation: Organisation, prefix: str, seed: int, definition: AssessmentDefinition
) -> int:
    """Create interns at every stage for one organisation; returns how many were new."""
    cohort = demo_data()["cohort"]
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    created = number = 0
    for stage in cohort["stages"]:
        for _ in range(stage["count"]):
            number += 1
            country = rng.choice(sorted(cohort["family_names"]))
            name = f"{rng.choice(cohort['family_names'][country])} "
            name += rng.choice(cohort["given_names"])
            user = _new_account(f"{prefix}-{number:02d}", INTERN, organisation, name)
            answers = _varied_answers(rng, country)
            if user is None:
                continue
            created += 1
            user.home_country, user.programme = country, answers["programme"]
            rounds = _cohort_rounds(answers, stage)
            if rounds:
                record_consent(user, "en")  # only those who started have agreed
            play_rounds(user, definition, rounds)
    return created


def _second_factor(username: str) -> str:
    """How a demo coordinator gets past the second step: a fresh enrolment code each time
    the demo is loaded, until they have set up an app."""
    user = find_user(username)
    if user is None or user.totp_secret is not None:
        return "authenticator app set up"
    code = issue_enrolment_code(user)
    db.session.commit()
    return f"first sign-in: enrolment code {code}, then a TOTP app"


def load_demo_data() -> list[tuple[str, str]]:
    """Create the demo accounts; returns (user name, what they show) for each."""
    definition = current_state().definitions.default
    organisations = demo_data()["organisations"]
    accounts = _named_interns(ensure_organisation(organisations[0]["name"]), definition)
    for seed, entry in enumerate(organisations, start=1):
        organisation = ensure_organisation(entry["name"])
        coordinator = entry["coordinator"]
        _new_account(coordinator, COORDINATOR, organisation)
        accounts.append(
            (coordinator, f"coordinator of {entry['name']} ({_second_factor(coordinator)})")
        )
        _generated_interns(organisation, coordinator.removeprefix("coord-"), seed, definition)
    return accounts
