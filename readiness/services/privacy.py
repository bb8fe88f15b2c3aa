"""Personal data: consent, an intern's own copy of their data, deletion, retention, access log.

Decisions behind this (docs/privacy.md says them to people):

- The organisation that invites an intern (a supervising or registered support organisation)
  is the operator of that intern's data under APPI; readiness processes it on its behalf.
  Its coordinators are therefore not a third party, and the consent text names them.
- Nobody else receives anything: no employer, no home-country partner, no processor abroad.
- Withdrawing consent means deleting the account: the data has no other purpose.
- An intern's data is deleted ``RETENTION_MONTHS`` after their planned return (or after their
  last activity, whichever is later); ZIPs of plan PDFs are deleted after ``REPORT_ZIP_DAYS``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Row, String, delete, func, insert, select, type_coerce, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased

from readiness.core.dates import add_months
from readiness.extensions import db
from readiness.models import (
    INTERN,
    AccessLog,
    Answer,
    Assessment,
    Consent,
    Invitation,
    LatestScore,
    Organisation,
    ReportJob,
    ReportPDF,
    User,
    utcnow,
)

LOGGER = logging.getLogger("readiness.privacy")
#: The consent text's version. Change it whenever the text's meaning changes: every intern
#: is then asked again before they can go on (P1).
CONSENT_VERSION = "2026-11-25"

#: What a coordinator did with an intern's record (AccessLog.action).
VIEW_INTERN, PLAN_PDF, CSV_EXPORT, BULK_ZIP = "view_intern", "plan_pdf", "csv_export", "bulk_zip"
RESET_CODE = "reset_code"


def needs_consent(user: User) -> bool:
    """Whether this user must agree to the current consent text before going on."""
    return user.role == INTERN and user.consent_version != CONSENT_VERSION


def record_consent(user: User, locale: str) -> None:
    """Keep the agreement (version, language, time) and let the intern go on."""
    db.session.add(Consent(user_id=user.id, version=CONSENT_VERSION, locale=locale))
    user.consent_version = CONSENT_VERSION
    db.session.commit()


def record_access(actor: User, action: str, subject_ids: Iterable[int], detail: str = "") -> None:
    """Write one access-log row per intern the coordinator looked at (one transaction)."""
    rows = [
        {
            "at": utcnow(),
            "actor_id": actor.id,
            "organisation_id": actor.organisation_id,
            "subject_id": subject_id,
            "action": action,
            "detail": detail or None,
        }
        for subject_id in subject_ids
    ]
    if rows:
        db.session.execute(insert(AccessLog), rows)
        db.session.commit()


def consents_of(user: User) -> list[Consent]:
    """The intern's agreements, newest first."""
    return list(
        db.session.scalars(
            select(Consent).where(Consent.user_id == user.id).order_by(Consent.id.desc())
        )
    )


#: Rows of the access log shown at once.
ACCESS_LOG_PAGE = 100


def access_log_page(
    intern_username: str = "", before: int | None = None
) -> list[Row[AccessLog, str | None, str | None, str | None]]:
    """Who looked at which intern's record, newest first (before log id ``before``).

    Each row: the log entry, the coordinator's and the intern's user names and the
    organisation's name (None when deleted since).
    """
    actor, subject = aliased(User), aliased(User)
    query = (
        select(AccessLog, actor.username, subject.username, Organisation.name)
        .outerjoin(actor, actor.id == AccessLog.actor_id)
        .outerjoin(subject, subject.id == AccessLog.subject_id)
        .outerjoin(Organisation, Organisation.id == AccessLog.organisation_id)
        .order_by(AccessLog.id.desc())
        .limit(ACCESS_LOG_PAGE)
    )
    if intern_username:
        query = query.where(subject.username == intern_username)
    if before is not None:
        query = query.where(AccessLog.id < before)
    return list(db.session.execute(query))


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_data(user: User) -> dict[str, Any]:
    """Everything stored about this intern, as one JSON-ready document (APPI Art. 33)."""
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.user_id == user.id).order_by(Assessment.id)
    )
    consents = db.session.scalars(
        select(Consent).where(Consent.user_id == user.id).order_by(Consent.id)
    )
    invitations = db.session.scalars(select(Invitation).where(Invitation.used_by_id == user.id))
    accesses = db.session.execute(
        select(AccessLog, Organisation.name)
        .outerjoin(Organisation, Organisation.id == AccessLog.organisation_id)
        .where(AccessLog.subject_id == user.id)
        .order_by(AccessLog.id)
    )
    return {
        "exported_at": _iso(utcnow()),
        "account": _account_data(user),
        "consents": [
            {"version": c.version, "language": c.locale, "given_at": _iso(c.given_at)}
            for c in consents
        ],
        "invitation": [_invitation_data(i) for i in invitations],
        "assessments": [_assessment_data(a) for a in assessments],
        "seen_by_coordinators": [
            {"at": _iso(log.at), "organisation": name, "what": log.action} for log, name in accesses
        ],
    }


def _account_data(user: User) -> dict[str, Any]:
    organisation = (
        db.session.get(Organisation, user.organisation_id) if user.organisation_id else None
    )
    return {
        "user_name": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "language": user.locale,
        "organisation": organisation.name if organisation else None,
        "created_at": _iso(user.created_at),
        "home_country": user.home_country,
        "field": user.field,
        "programme": user.programme,
        "planned_return": _iso(user.planned_return),
    }


def _invitation_data(invitation: Invitation) -> dict[str, Any]:
    return {
        "display_name": invitation.display_name,
        "home_country": invitation.home_country,
        "field": invitation.field,
        "programme": invitation.programme,
        "planned_return": _iso(invitation.planned_return),
        "used_at": _iso(invitation.used_at),
    }


def _assessment_data(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.id,
        "questionnaire": assessment.questionnaire_id,
        "status": assessment.status,
        "started_at": _iso(assessment.created_at),
        "saved_at": _iso(assessment.updated_at),
        "submitted_at": _iso(assessment.submitted_at),
        "answers": assessment.answer_values(),
        "scores": json.loads(assessment.scorecard_json) if assessment.scorecard_json else None,
    }


def delete_account(user_id: int) -> None:
    """Remove the intern and everything that names them, in one transaction.

    Assessments, answers, cached PDFs, latest scores, consents, the invitation they joined
    with, and every ZIP of plan PDFs that holds theirs. Access-log rows stay (ids only):
    they record what coordinators did.
    """
    assessment_ids = select(Assessment.id).where(Assessment.user_id == user_id)
    zips = _forget_zips(_jobs_naming(user_id))
    db.session.execute(delete(ReportPDF).where(ReportPDF.assessment_id.in_(assessment_ids)))
    db.session.execute(delete(Answer).where(Answer.assessment_id.in_(assessment_ids)))
    db.session.execute(delete(Assessment).where(Assessment.user_id == user_id))
    db.session.execute(delete(LatestScore).where(LatestScore.user_id == user_id))
    db.session.execute(delete(Consent).where(Consent.user_id == user_id))
    db.session.execute(delete(Invitation).where(Invitation.used_by_id == user_id))
    db.session.execute(delete(User).where(User.id == user_id))
    db.session.commit()
    _delete_files(zips)
    db.session.expunge_all()


def _jobs_naming(user_id: int) -> list[int]:
    """Report jobs whose ZIP holds this intern's plan, or may: a job whose list of interns
    cannot be read loses its ZIP too (deleting too much is the safe side here).

    Only the columns needed are read, so a malformed date elsewhere in a job's row
    cannot stop a deletion.
    """
    rows = db.session.execute(
        select(ReportJob.id, ReportJob.user_ids_json).where(ReportJob.zip_path.is_not(None))
    )
    return [job_id for job_id, ids in rows if _may_name(ids, user_id)]


def _may_name(user_ids_json: str | None, user_id: int) -> bool:
    try:
        ids = json.loads(user_ids_json or "[]")
    except ValueError:
        LOGGER.warning("report job with an unreadable list of interns: its ZIP is deleted")
        return True
    return not isinstance(ids, list) or user_id in ids


def _forget_zips(job_ids: Iterable[int]) -> list[Path]:
    """Clear the jobs' ZIP paths; returns the files, to delete once that is committed."""
    chosen = list(job_ids)
    if not chosen:
        return []
    paths = db.session.scalars(
        select(ReportJob.zip_path).where(ReportJob.id.in_(chosen), ReportJob.zip_path.is_not(None))
    ).all()
    db.session.execute(update(ReportJob).where(ReportJob.id.in_(chosen)).values(zip_path=None))
    return [Path(path) for path in paths if path]


def _delete_files(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def expired_interns(today: dt.date, months: int) -> tuple[list[int], list[str]]:
    """Interns whose planned return, or last activity if later, is over ``months`` ago;
    and a line for each intern whose dates could not be read (the rest are still checked).

    Dates are read as text and parsed here, row by row: one stored date that no longer
    parses (written by an old version, or by hand) must not stop retention for everyone.
    """
    last_saved = (
        select(Assessment.user_id, func.max(Assessment.updated_at).label("saved"))
        .group_by(Assessment.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            User.id,
            type_coerce(User.planned_return, String),
            type_coerce(User.created_at, String),
            type_coerce(last_saved.c.saved, String),
        )
        .outerjoin(last_saved, last_saved.c.user_id == User.id)
        .where(User.role == INTERN)
    )
    expired, problems = [], []
    for user_id, *stored in rows:
        try:
            dates = [_stored_date(value) for value in stored if value is not None]
            if add_months(max(dates), months) < today:
                expired.append(user_id)
        except (ValueError, OverflowError, TypeError) as exc:
            problems.append(f"intern {user_id}: dates {stored!r} could not be used ({exc})")
    return expired, problems


def _stored_date(value: object) -> dt.date:
    """A date as the driver returns it: a date or datetime, or ISO text (SQLite)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def old_zips(now: dt.datetime, days: int) -> list[int]:
    """Finished report jobs whose ZIP is older than ``days`` (ids: the comparison is the
    database's, so a malformed date in a row is simply not older)."""
    return list(
        db.session.scalars(
            select(ReportJob.id).where(
                ReportJob.zip_path.is_not(None),
                ReportJob.finished_at < now - dt.timedelta(days=days),
            )
        )
    )


@dataclass
class PurgeReport:
    """What a purge did, and what it could not do (each line names one row)."""

    interns: int = 0
    zips: int = 0
    problems: list[str] = field(default_factory=list)


def purge(today: dt.date, months: int, zip_days: int) -> PurgeReport:
    """Apply the retention rules, one intern at a time: a row that fails is reported and
    the others are still deleted."""
    expired, problems = expired_interns(today, months)
    report = PurgeReport(problems=problems)
    for user_id in expired:
        try:
            delete_account(user_id)
        except (SQLAlchemyError, OSError) as exc:
            db.session.rollback()
            LOGGER.exception("purge: intern %s could not be deleted", user_id)
            report.problems.append(f"intern {user_id}: not deleted ({type(exc).__name__})")
        else:
            report.interns += 1
    zips = _forget_zips(old_zips(dt.datetime.combine(today, dt.time()), zip_days))
    db.session.commit()
    _delete_files(zips)
    report.zips = len(zips)
    return report
