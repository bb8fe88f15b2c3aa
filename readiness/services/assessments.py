"""Assessments: start, save page by page, submit, and read results back.

Each function is one transaction. Answers are upserted per question on the
unique (assessment, question) key, so a save never wipes another page; a
submit is a conditional update from draft to submitted, so submitting twice
(double click, two tabs) still makes one result.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import CursorResult, Select, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from readiness.core.definitions import AssessmentDefinition, load_definition_texts
from readiness.core.model import Page
from readiness.core.plan.builder import build_action_plan
from readiness.core.plan.result import ActionPlan
from readiness.core.points import whole
from readiness.core.scoring import ScoreCard, Scorer
from readiness.extensions import db
from readiness.models import (
    DRAFT,
    IN_PROGRESS,
    NOT_STARTED,
    REASSESSED,
    SUBMITTED,
    Answer,
    Assessment,
    DefinitionSnapshot,
    LatestScore,
    StepDone,
    User,
    utcnow,
)
from readiness.state import current_state


def open_draft(user: User, questionnaire_id: str) -> Assessment | None:
    return db.session.scalars(
        select(Assessment)
        .where(
            Assessment.user_id == user.id,
            Assessment.status == DRAFT,
            Assessment.questionnaire_id == questionnaire_id,
        )
        .order_by(Assessment.id.desc())
    ).first()


def start_assessment(user: User, definition: AssessmentDefinition) -> Assessment:
    """Return the intern's open draft, or start one.

    A double click, or thirty parallel requests, start one: the database holds one open
    draft per intern and questionnaire (``uq_assessment_one_draft``), and whoever loses
    the race gets the draft the winner made.
    """
    draft = open_draft(user, definition.id)
    if draft is not None:
        return draft
    user_id = user.id
    last_answers = _last_answers(user, definition)  # before adding: no flush in the race
    draft = Assessment(
        user_id=user_id,
        questionnaire_id=definition.id,
        current_page=definition.questionnaire.pages[0].id,
    )
    now = utcnow()
    draft.answers = [
        Answer(question_id=question_id, value_json=json.dumps(value), updated_at=now)
        for question_id, value in last_answers.items()
    ]
    db.session.add(draft)
    if user.assessment_status == NOT_STARTED:
        user.assessment_status = IN_PROGRESS
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        winner = open_draft(db.session.get_one(User, user_id), definition.id)
        if winner is None:
            raise
        return winner
    return draft


def _submitted_newest_first(user_id: int, questionnaire_id: str) -> Select[Assessment]:
    """An intern's submitted assessments of one questionnaire, newest first."""
    return (
        select(Assessment)
        .where(
            Assessment.user_id == user_id,
            Assessment.status == SUBMITTED,
            Assessment.questionnaire_id == questionnaire_id,
        )
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
    )


def _last_answers(user: User, definition: AssessmentDefinition) -> dict[str, Any]:
    """A re-assessment starts from the intern's last submitted answers to questions the
    questionnaire still asks: they change what changed. Each page is still checked on Next."""
    last = db.session.scalars(_submitted_newest_first(user.id, definition.id)).first()
    if last is None:
        return {}
    return {q: v for q, v in last.answer_values().items() if q in definition.questions}


def profile_questions(definition: AssessmentDefinition) -> dict[str, str]:
    """Question id -> the User column it fills (country, field, programme, return date)."""
    if definition.plan is None:
        return {}
    profile = definition.plan.plan.profile
    return {
        profile.country: "home_country",
        profile.field: "field",
        profile.programme: "programme",
        profile.return_date: "planned_return",
    }


def update_profile(user: User, definition: AssessmentDefinition, values: Mapping[str, Any]) -> None:
    """Copy profile answers onto the user, so the dashboard can filter without reading drafts."""
    for question_id, column in profile_questions(definition).items():
        if question_id in values:
            value = values[question_id]
            if column == "planned_return" and value is not None:
                value = dt.date.fromisoformat(value)
            setattr(user, column, value)


def plan_for(assessment: Assessment, definition: AssessmentDefinition) -> ActionPlan | None:
    """The action plan of a submitted assessment, as of its submission date."""
    if definition.plan is None or not assessment.is_submitted:
        return None
    card = stored_scorecard(assessment)
    return build_action_plan(
        definition, card, assessment.answer_values(), dt.date.fromisoformat(card.as_of)
    )


def done_steps(assessment: Assessment) -> dict[str, dt.datetime]:
    """The plan steps the intern ticked off, by step id, with when."""
    rows = db.session.execute(
        select(StepDone.step_id, StepDone.done_at).where(StepDone.assessment_id == assessment.id)
    )
    return {row.step_id: row.done_at for row in rows}


def next_step_due(assessment: Assessment, plan: ActionPlan | None = None) -> dt.date | None:
    """When the soonest step of this assessment's plan that is not ticked off is due.

    ``plan`` is the assessment's plan when the caller has it already (built here otherwise).
    None when its questionnaire is no longer loaded, it has no plan, or every step is done.
    """
    if plan is None:
        definition = current_state().definitions.get(assessment.questionnaire_id)
        plan = plan_for(assessment, definition) if definition else None
    if plan is None:
        return None
    done = done_steps(assessment)
    dues = [step.due for step in plan.steps if step.id not in done]
    return dt.date.fromisoformat(min(dues)) if dues else None


def fill_next_step_due(chunk: int = 200) -> int:
    """Set the soonest open step of every intern with a result that has none yet (after the
    migration that added it); returns how many interns now have one."""
    filled, after = 0, 0
    while True:
        users = list(
            db.session.scalars(
                select(User)
                .where(User.id > after, User.latest_assessment_id.is_not(None))
                .where(User.next_step_due.is_(None))
                .order_by(User.id)
                .limit(chunk)
            )
        )
        if not users:
            return filled
        for user in users:
            latest = db.session.get(Assessment, user.latest_assessment_id)
            user.next_step_due = next_step_due(latest) if latest else None
            filled += user.next_step_due is not None
        after = users[-1].id
        db.session.commit()


def refresh_intern_summary(user: User) -> None:
    """Recompute the intern's status and latest scores (and changes) from their assessments."""
    submitted = submitted_assessments(user)
    db.session.execute(delete(LatestScore).where(LatestScore.user_id == user.id))
    if not submitted:
        has_draft = (
            db.session.scalar(
                select(Assessment.id).where(
                    Assessment.user_id == user.id, Assessment.status == DRAFT
                )
            )
            is not None
        )
        user.assessment_status = IN_PROGRESS if has_draft else NOT_STARTED
        user.latest_assessment_id = user.latest_overall = user.overall_change = None
        user.next_step_due = None
        db.session.commit()
        return
    latest = stored_scorecard(submitted[0])
    previous = stored_scorecard(submitted[1]) if len(submitted) > 1 else None
    user.assessment_status = REASSESSED if previous else SUBMITTED
    user.latest_assessment_id = submitted[0].id
    user.next_step_due = next_step_due(submitted[0])
    user.latest_overall = latest.overall
    user.overall_change = float(whole(latest.overall - previous.overall)) if previous else None
    before = {d.id: d.score for d in previous.dimensions} if previous else {}
    for dim in latest.dimensions:
        change = float(whole(dim.score - before[dim.id])) if dim.id in before else None
        db.session.add(
            LatestScore(
                user_id=user.id,
                organisation_id=user.organisation_id,
                dimension=dim.id,
                score=dim.score,
                band=dim.band,
                change=change,
            )
        )
    db.session.commit()


@lru_cache(maxsize=4)
def _upsert_statement(dialect: str) -> Any:
    """One cached INSERT … ON CONFLICT UPDATE per dialect, run with a list of rows.

    Built once and given the rows as parameters, it compiles once; a statement with
    the rows inlined would compile anew for every save.
    """
    statement: sqlite.Insert | postgresql.Insert
    if dialect == "sqlite":
        statement = sqlite.insert(Answer)
    elif dialect == "postgresql":
        statement = postgresql.insert(Answer)
    else:
        return None
    return statement.on_conflict_do_update(
        index_elements=[Answer.assessment_id, Answer.question_id],
        set_={
            "value_json": statement.excluded.value_json,
            "updated_at": statement.excluded.updated_at,
        },
    )


def page_version(assessment: Assessment, page: Page) -> str:
    """The saved state of one page: how many answers it has and when the newest was saved.

    Every save of a page with an answer moves the time; clearing answers changes the count.
    """
    count, newest = db.session.execute(
        select(func.count(), func.max(Answer.updated_at)).where(
            Answer.assessment_id == assessment.id,
            Answer.question_id.in_([q.id for q in page.questions]),
        )
    ).one()
    return f"{count}:{newest.isoformat() if newest else ''}"


def save_page(
    assessment: Assessment,
    page: Page,
    values: Mapping[str, Any],
    next_page_id: str | None,
    definition: AssessmentDefinition | None = None,
) -> None:
    """Save one page's answers: upsert given values, delete cleared ones, mark the page saved.

    ``values`` maps each of the page's question ids to its answer, or None when
    the intern left it empty (a cleared answer is removed).
    """
    now = utcnow()
    _write_answers(assessment, values, now)
    saved = assessment.saved_pages
    if page.id not in saved:
        saved.append(page.id)
    assessment.saved_pages_json = json.dumps(saved)
    assessment.current_page = next_page_id or page.id
    assessment.updated_at = now
    if definition is not None:
        update_profile(assessment.user, definition, values)
    db.session.commit()
    db.session.expire(assessment, ["answers"])


def _write_answers(assessment: Assessment, values: Mapping[str, Any], now: dt.datetime) -> None:
    """Upsert the given answers and delete the cleared ones, in the current transaction."""
    rows = [
        {
            "assessment_id": assessment.id,
            "question_id": qid,
            "value_json": json.dumps(value, ensure_ascii=False),
            "updated_at": now,
        }
        for qid, value in values.items()
        if value is not None
    ]
    cleared = [qid for qid, value in values.items() if value is None]
    if rows:
        statement = _upsert_statement(db.session.get_bind().dialect.name)
        if statement is not None:
            db.session.execute(statement, rows)
        else:  # pragma: no cover - databases other than SQLite and PostgreSQL
            _upsert_portably(assessment, rows)
    if cleared:
        db.session.execute(
            delete(Answer).where(
                Answer.assessment_id == assessment.id, Answer.question_id.in_(cleared)
            )
        )


def _upsert_portably(assessment: Assessment, rows: list[dict[str, Any]]) -> None:
    existing = {a.question_id: a for a in assessment.answers}
    for row in rows:
        answer = existing.get(row["question_id"])
        if answer is None:
            db.session.add(Answer(**row))
        else:
            answer.value_json, answer.updated_at = row["value_json"], row["updated_at"]


def store_definition_snapshot(definition: AssessmentDefinition) -> None:
    """Keep the definition files a result is scored with (once per content hash)."""
    if db.session.get(DefinitionSnapshot, definition.content_hash) is not None:
        return
    q, r = definition.questionnaire_source, definition.rules_source
    db.session.add(
        DefinitionSnapshot(
            content_hash=definition.content_hash,
            questionnaire_id=definition.id,
            questionnaire_path=q.path,
            questionnaire_yaml=q.raw.decode("utf-8"),
            rules_path=r.path,
            rules_yaml=r.raw.decode("utf-8"),
        )
    )
    try:
        db.session.commit()
    except IntegrityError:  # stored meanwhile by a concurrent submit: the same content
        db.session.rollback()


def submit_assessment(assessment: Assessment, scorer: Scorer, today: dt.date) -> bool:
    """Score and freeze a draft; False when it was already submitted (nothing changes)."""
    definition = scorer.definition
    store_definition_snapshot(definition)
    shown = definition.visible_answers(assessment.answer_values())
    card = scorer.score(shown, today)
    result = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(Assessment)
            .where(Assessment.id == assessment.id, Assessment.status == DRAFT)
            .values(
                status=SUBMITTED,
                submitted_at=utcnow(),
                updated_at=utcnow(),
                questionnaire_version=definition.questionnaire.version,
                rules_version=definition.rules.version,
                content_hash=definition.content_hash,
                answers_json=json.dumps(shown, ensure_ascii=False),
                scorecard_json=json.dumps(card.to_dict(), ensure_ascii=False),
            )
        ),
    )
    db.session.commit()
    db.session.refresh(assessment)
    if result.rowcount == 1:
        update_profile(assessment.user, definition, shown)
        refresh_intern_summary(assessment.user)
    return result.rowcount == 1


def reproduce_scorecard(assessment: Assessment) -> ScoreCard:
    """Score a submitted assessment again with the definitions it was scored with.

    :raises LookupError: when the assessment is not submitted or its snapshot is missing.
    """
    if assessment.status != SUBMITTED or assessment.scorecard_json is None:
        raise LookupError(f"assessment {assessment.id} is not submitted")
    snapshot = db.session.get(DefinitionSnapshot, assessment.content_hash)
    if snapshot is None:
        raise LookupError(f"no stored definitions for content hash {assessment.content_hash}")
    definitions, issues = load_definition_texts(
        {
            snapshot.questionnaire_path: snapshot.questionnaire_yaml.encode("utf-8"),
            snapshot.rules_path: snapshot.rules_yaml.encode("utf-8"),
        }
    )
    if definitions is None:  # pragma: no cover - they were valid when stored
        raise LookupError("; ".join(str(i) for i in issues.errors))
    stored = stored_scorecard(assessment)
    definition = definitions.definitions[snapshot.questionnaire_id]
    return Scorer(definition).score(assessment.answer_values(), dt.date.fromisoformat(stored.as_of))


def find_assessment(owner_id: int, assessment_id: int) -> Assessment | None:
    """One of this user's assessments (never another person's)."""
    return db.session.scalar(
        select(Assessment).where(Assessment.id == assessment_id, Assessment.user_id == owner_id)
    )


def submitted_assessments(user: User) -> list[Assessment]:
    """The intern's submitted assessments, newest first."""
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.user_id == user.id, Assessment.status == SUBMITTED)
            .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        )
    )


def stored_scorecard(assessment: Assessment) -> ScoreCard:
    """The score card a submitted assessment was given (empty for a draft)."""
    return ScoreCard.from_dict(json.loads(assessment.scorecard_json or "{}"))


def previous_result(assessment: Assessment) -> tuple[Assessment, ScoreCard] | None:
    """The intern's result before this one on the same questionnaire, for "what moved"."""
    earlier = db.session.scalars(
        _submitted_newest_first(assessment.user_id, assessment.questionnaire_id).where(
            Assessment.id != assessment.id,
            Assessment.submitted_at <= assessment.submitted_at,
        )
    ).first()
    if earlier is None:
        return None
    return earlier, stored_scorecard(earlier)
