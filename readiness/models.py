"""Database models: users, assessments and their answers.

A draft assessment holds one :class:`Answer` row per question (upserted on a
unique key, so saving one page never touches another). Submitting freezes the
shown answers, the questionnaire and rules versions and content hash, and the
score card into the assessment row; a submitted assessment is never changed.
"""

from __future__ import annotations

import json
import secrets
import unicodedata
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from readiness.core.readings import EARLIEST_DATE, LATEST_DATE
from readiness.extensions import Base, db

if TYPE_CHECKING:
    # Flask-SQLAlchemy makes db.Model at run time from Base; type checkers see Base.
    Model = Base
else:
    Model = db.Model

DRAFT, SUBMITTED = "draft", "submitted"
INTERN, COORDINATOR, ADMIN = "intern", "coordinator", "admin"
#: An intern's progress, as the dashboard shows it.
NOT_STARTED, IN_PROGRESS, REASSESSED = "not_started", "in_progress", "reassessed"


def username_key(username: str) -> str:
    """How user names are compared: NFKC, case-folded, NFKC again (folding can undo it)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username.strip()).casefold())


def checked_date(name: str, value: date | None) -> date | None:
    """Every stored date is in the documented range (1900-2100): date arithmetic on it
    (retention, months to return) then never overflows. Inputs check it first, with a
    message; this is the last guard."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"{name} {value} is outside {EARLIEST_DATE}..{LATEST_DATE}")
    return value


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Organisation(Model):
    """A supervising organisation or registered support organisation."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(UserMixin, Model):
    __tablename__ = "user"
    __table_args__ = (
        Index("ix_user_org_role", "organisation_id", "role"),
        Index("ix_user_org_return", "organisation_id", "planned_return"),
        UniqueConstraint("username_key", name="uq_user_username_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    username: Mapped[str] = mapped_column(String(40), unique=True)
    #: The user name as compared: NFKC and case-folded, so ``DEMO-READY`` cannot be
    #: registered beside ``demo-ready`` (set with the name, see :func:`username_key`).
    username_key: Mapped[str] = mapped_column(String(160))
    #: The name shown on reports (optional: the user name is used when empty).
    display_name: Mapped[str | None] = mapped_column(String(100))
    #: Set by :func:`readiness.services.accounts.set_password` (scrypt by default).
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=INTERN)
    locale: Mapped[str | None] = mapped_column(String(10))
    #: Part of the session id: changing it ends every session of this user.
    session_nonce: Mapped[str] = mapped_column(String(64), default=new_token)
    #: The version of the consent text this intern last agreed to (None: never, or withdrawn).
    consent_version: Mapped[str | None] = mapped_column(String(20))
    #: Coordinators' and admins' second factor (RFC 6238, base32); None until enrolled.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: The last time step whose code was accepted: a code works once.
    totp_last_step: Mapped[int | None]
    #: A key being set up, kept here (never in the session cookie) until a code confirms it.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    #: The one-time enrolment code an admin handed over (SHA-256; the code is random), and
    #: until when it works: the password alone cannot set up the second factor.
    totp_enrolment_hash: Mapped[str | None] = mapped_column(String(64))
    totp_enrolment_expires: Mapped[datetime | None]
    #: A one-time password reset code a coordinator gave the intern (SHA-256), and until when
    #: it works (services.recovery).
    reset_code_hash: Mapped[str | None] = mapped_column(String(64))
    reset_code_expires: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Profile for the dashboard: from the invitation, then from the intern's own answers.
    home_country: Mapped[str | None] = mapped_column(String(64))
    field: Mapped[str | None] = mapped_column(String(64))
    programme: Mapped[str | None] = mapped_column(String(64))
    planned_return: Mapped[date | None]
    #: Assessment status and latest results, kept current by services.assessments
    #: (dashboard speed).
    assessment_status: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    latest_assessment_id: Mapped[int | None]
    latest_overall: Mapped[float | None]
    overall_change: Mapped[float | None]
    #: When the soonest step of the latest plan that is not ticked off is due (None: no plan,
    #: or every step done); a step is overdue when this is before today (core.attention).
    next_step_due: Mapped[date | None]

    assessments: Mapped[list[Assessment]] = relationship(back_populates="user")
    organisation: Mapped[Organisation | None] = relationship()

    @validates("username")
    def _keep_key(self, _name: str, value: str) -> str:
        self.username_key = username_key(value)
        return value

    @validates("planned_return")
    def _date_in_range(self, name: str, value: date | None) -> date | None:
        return checked_date(name, value)

    @property
    def name_on_reports(self) -> str:
        return self.display_name or self.username

    @property
    def follows_browser_language(self) -> bool:
        """Interns see their browser's language until they choose; staff work in Japanese."""
        return self.role == INTERN

    def get_id(self) -> str:
        """Session id: user id plus nonce, so a stolen old cookie stops working."""
        return f"{self.id}:{self.session_nonce}"


class Consent(Model):
    """An intern's agreement to one version of the consent text (kept as proof, APPI Art. 27)."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(20))
    #: The language the text was shown in.
    locale: Mapped[str] = mapped_column(String(10))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccessLog(Model):
    """One coordinator's look at one intern's record: a page view, a PDF, a CSV or ZIP row.

    Ids only, and no foreign keys: the record of who looked must outlive both accounts.
    """

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_subject", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None]
    organisation_id: Mapped[int | None]
    subject_id: Mapped[int | None]
    #: view_intern, plan_pdf, csv_export, bulk_zip or reset_code
    action: Mapped[str] = mapped_column(String(40))
    #: An assessment or job id, when there is one.
    detail: Mapped[str | None] = mapped_column(String(100))


class Assessment(Model):
    __tablename__ = "assessment"
    __table_args__ = (
        Index("ix_assessment_user_status", "user_id", "status"),
        # One open draft per intern and questionnaire, whatever races to start one.
        Index(
            "uq_assessment_one_draft",
            "user_id",
            "questionnaire_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    current_page: Mapped[str | None] = mapped_column(String(64))
    #: Pages the intern has saved at least once (JSON list of page ids).
    saved_pages_json: Mapped[str] = mapped_column(Text, default="[]")
    submit_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    questionnaire_version: Mapped[str | None] = mapped_column(String(40))
    rules_version: Mapped[str | None] = mapped_column(String(40))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    answers_json: Mapped[str | None] = mapped_column(Text)
    scorecard_json: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(back_populates="assessments")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == SUBMITTED

    @property
    def saved_pages(self) -> list[str]:
        return list(json.loads(self.saved_pages_json or "[]"))

    def answer_values(self) -> dict[str, Any]:
        """The draft's answers by question id (submitted ones: the frozen copy)."""
        if self.answers_json is not None:
            return dict(json.loads(self.answers_json))
        rows = db.session.execute(
            select(Answer.question_id, Answer.value_json).where(Answer.assessment_id == self.id)
        )
        return {question_id: json.loads(value) for question_id, value in rows}


class Answer(Model):
    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id", name="uq_answer_assessment_question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    value_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class StepDone(Model):
    """A plan step the intern ticked off, and when (unticking deletes the row)."""

    __tablename__ = "step_done"
    __table_args__ = (UniqueConstraint("assessment_id", "step_id", name="uq_step_done"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[str] = mapped_column(String(64))
    done_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryCode(Model):
    """One of an intern's recovery codes (SHA-256): each resets the password once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class DefinitionSnapshot(Model):
    """The questionnaire and rules files a result was scored with, stored once per content hash.

    With the answers and the score card on the assessment, this lets anyone reproduce a result
    after the YAML files have changed.
    """

    __tablename__ = "definition_snapshot"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_path: Mapped[str] = mapped_column(String(255))
    questionnaire_yaml: Mapped[str] = mapped_column(Text)
    rules_path: Mapped[str] = mapped_column(String(255))
    rules_yaml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportPDF(Model):
    """A rendered plan PDF, kept until its inputs (assessment, plan, templates, locale) change."""

    __tablename__ = "report_pdf"
    __table_args__ = (UniqueConstraint("assessment_id", "cache_key", name="uq_report_pdf_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    cache_key: Mapped[str] = mapped_column(String(64))
    report_id: Mapped[str] = mapped_column(String(40))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LatestScore(Model):
    """An intern's latest score in one dimension, and the change since the one before."""

    __tablename__ = "latest_score"
    __table_args__ = (
        Index("ix_latest_score_dimension_band", "dimension", "band"),
        Index("ix_latest_score_org_dimension_band", "organisation_id", "dimension", "band"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    #: The intern's organisation, copied here so cohort counts need no join.
    organisation_id: Mapped[int | None]
    dimension: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[float]
    band: Mapped[str] = mapped_column(String(64))
    change: Mapped[float | None]


class Invitation(Model):
    """A single-use code that lets one intern join an organisation (no e-mail needed)."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    display_name: Mapped[str | None] = mapped_column(String(100))
    home_country: Mapped[str | None] = mapped_column(String(64))
    field: Mapped[str | None] = mapped_column(String(64))
    programme: Mapped[str | None] = mapped_column(String(64))
    planned_return: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()

    @validates("planned_return")
    def _date_in_range(self, name: str, value: date | None) -> date | None:
        return checked_date(name, value)


class ReportJob(Model):
    """A bulk export of plan PDFs into one ZIP, built in the background with visible progress."""

    __tablename__ = "report_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: queued, running, retrying (after a temporary failure), done or failed
    status: Mapped[str] = mapped_column(String(20), default="queued")
    #: How many times the job has started (a temporary failure starts it again).
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    user_ids_json: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(10), default="ja")
    total: Mapped[int] = mapped_column(default=0)
    done_count: Mapped[int] = mapped_column(default=0)
    #: One line per intern whose PDF could not be made (also written into the ZIP); an item
    #: ``{"not_submitted": line}`` is an intern with nothing to make a PDF of yet.
    errors_json: Mapped[str] = mapped_column(Text, default="[]")
    zip_path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 100

    def lines(self) -> list[Any]:
        return list(json.loads(self.errors_json or "[]"))

    @property
    def errors(self) -> list[str]:
        """Interns whose PDF could not be made: real failures."""
        return [line for line in self.lines() if isinstance(line, str)]

    @property
    def not_submitted(self) -> list[str]:
        """Interns left out because they have not submitted an assessment yet."""
        return [line["not_submitted"] for line in self.lines() if isinstance(line, dict)]


class RateLimitCounter(Model):
    """A rate-limit window shared by every worker and process on the database (the
    embedded default's store, see :mod:`readiness.rate_store`); Redis replaces it when set."""

    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int]
    #: When the window ends, in seconds since the epoch.
    expires_at: Mapped[float] = mapped_column(Float)
