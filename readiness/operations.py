"""Writes that join the domain core and the database: start, save, submit.

Each function is one transaction. Answers are upserted per question on the
unique (assessment, question) key, so a save never wipes another page; a
submit is a conditional update from draft to submitted, so submitting twice
(double click, two tabs) still makes one result.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import Page
from readiness.core.scoring import Scorer
from readiness.extensions import db
from readiness.models import DRAFT, SUBMITTED, Answer, Assessment, User, utcnow


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
    """Return the intern's open draft, or start one (so a double click starts one)."""
    draft = open_draft(user, definition.id)
    if draft is not None:
        return draft
    draft = Assessment(
        user_id=user.id,
        questionnaire_id=definition.id,
        current_page=definition.questionnaire.pages[0].id,
    )
    db.session.add(draft)
    db.session.commit()
    return draft


def _upsert_statement(rows: list[dict[str, Any]]) -> Any:
    dialect = db.session.get_bind().dialect.name
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(dialect)
    if insert is None:
        return None
    statement = insert(Answer).values(rows)
    return statement.on_conflict_do_update(
        index_elements=[Answer.assessment_id, Answer.question_id],
        set_={
            "value_json": statement.excluded.value_json,
            "updated_at": statement.excluded.updated_at,
        },
    )


def save_page(
    assessment: Assessment, page: Page, values: Mapping[str, Any], next_page_id: str | None
) -> None:
    """Save one page's answers: upsert given values, delete cleared ones, mark the page saved.

    ``values`` maps each of the page's question ids to its answer, or None when
    the intern left it empty (a cleared answer is removed).
    """
    now = utcnow()
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
        statement = _upsert_statement(rows)
        if statement is not None:
            db.session.execute(statement)
        else:  # pragma: no cover - databases other than SQLite and PostgreSQL
            _upsert_portably(assessment, rows)
    if cleared:
        db.session.execute(
            delete(Answer).where(
                Answer.assessment_id == assessment.id, Answer.question_id.in_(cleared)
            )
        )
    saved = assessment.saved_pages
    if page.id not in saved:
        saved.append(page.id)
    assessment.saved_pages_json = json.dumps(saved)
    assessment.current_page = next_page_id or page.id
    assessment.updated_at = now
    db.session.commit()
    db.session.expire(assessment, ["answers"])


def _upsert_portably(assessment: Assessment, rows: list[dict[str, Any]]) -> None:
    existing = {a.question_id: a for a in assessment.answers}
    for row in rows:
        answer = existing.get(row["question_id"])
        if answer is None:
            db.session.add(Answer(**row))
        else:
            answer.value_json, answer.updated_at = row["value_json"], row["updated_at"]


def submit_assessment(assessment: Assessment, scorer: Scorer, today: dt.date) -> bool:
    """Score and freeze a draft; False when it was already submitted (nothing changes)."""
    definition = scorer.definition
    shown = definition.visible_answers(assessment.answer_values())
    card = scorer.score(shown, today)
    result = db.session.execute(
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
    )
    db.session.commit()
    db.session.refresh(assessment)
    return result.rowcount == 1


def submitted_assessments(user: User) -> list[Assessment]:
    """The intern's submitted assessments, newest first."""
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.user_id == user.id, Assessment.status == SUBMITTED)
            .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        )
    )
