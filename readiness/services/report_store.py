"""The report store: plan PDFs of submitted assessments, rendered once and kept.

Joins the core (score card, plan), the renderer (:mod:`readiness.reports`) and the
database. The plan is built as of the submission date, so a report never changes
unless its inputs do; the cache key covers every input (answers and definitions by
content hash, plan and catalogue, templates and WeasyPrint version, locale, name).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import ChoiceQuestion
from readiness.core.money import ExchangeRates
from readiness.extensions import db
from readiness.models import Assessment, ReportPDF, User
from readiness.reports.pool import RenderPool
from readiness.reports.render import ReportData, ReportRenderer
from readiness.services.assessments import plan_for, stored_scorecard

NO_ORGANISATION = "—"
#: The language of the coordinators' side of a plan PDF.
COORDINATOR_LOCALE = "ja"


def coordinator_copy(intern: User) -> tuple[str, str | None]:
    """The languages of a coordinator's copy of an intern's plan: the intern's own, with
    Japanese beside it (just Japanese for an intern who reads Japanese)."""
    locale = intern.locale or COORDINATOR_LOCALE
    return locale, None if locale == COORDINATOR_LOCALE else COORDINATOR_LOCALE


def organisation_name(user: User) -> str:
    return user.organisation.name if user.organisation else NO_ORGANISATION


def report_cache_key(
    assessment: Assessment,
    definition: AssessmentDefinition,
    template_version: str,
    locale: str,
    rates: ExchangeRates | None = None,
    also: str | None = None,
) -> str:
    plan_hash = definition.plan.content_hash if definition.plan else "-"
    parts = [
        str(assessment.id),
        assessment.content_hash or "",
        plan_hash,
        template_version,
        locale,
        also or "-",
        assessment.user.name_on_reports,
        organisation_name(assessment.user),
        rates.fingerprint if rates else "-",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def profile_lines(
    definition: AssessmentDefinition, answers: Mapping[str, Any]
) -> tuple[tuple[str, dict[str, str] | str], ...]:
    """The intern's country, field, programme (option labels) and return date (ISO) for the
    cover, from the questions the plan rules name as the profile; unanswered ones left out."""
    if definition.plan is None:
        return ()
    profile = definition.plan.plan.profile
    lines: list[tuple[str, dict[str, str] | str]] = []
    for key, question_id in (
        ("home_country", profile.country),
        ("field", profile.field),
        ("programme", profile.programme),
    ):
        question = definition.questions.get(question_id)
        if isinstance(question, ChoiceQuestion):
            chosen = answers.get(question_id)
            option = next((o for o in question.options if o.id == chosen), None)
            if option is not None:
                lines.append((key, dict(option.label)))
    returning = answers.get(profile.return_date)
    if isinstance(returning, str) and returning:
        lines.append(("planned_return", returning))
    return tuple(lines)


def report_data(
    assessment: Assessment,
    definition: AssessmentDefinition,
    locale: str,
    cache_key: str,
    rates: ExchangeRates | None = None,
    also: str | None = None,
) -> ReportData:
    plan = plan_for(assessment, definition)
    if plan is None:
        raise LookupError(
            f"assessment {assessment.id} has no plan (not submitted, or no plan "
            "rules for its questionnaire)"
        )
    submitted = assessment.submitted_at.date().isoformat() if assessment.submitted_at else ""
    return ReportData(
        report_id=f"RD-{assessment.id:06d}-{cache_key[:8]}",
        intern_name=assessment.user.name_on_reports,
        organisation=organisation_name(assessment.user),
        submitted=submitted,
        locale=locale,
        card=stored_scorecard(assessment),
        plan=plan,
        rates=rates,
        also=also,
        profile=profile_lines(definition, assessment.answer_values()),
    )


def report_pdf(
    assessment: Assessment,
    definition: AssessmentDefinition,
    renderer: ReportRenderer,
    locale: str,
    pool: RenderPool | None = None,
    rates: ExchangeRates | None = None,
    also: str | None = None,
) -> tuple[bytes, str]:
    """The PDF and its report id: from the cache, or rendered once and stored.

    ``also`` is a second language beside the first (see :func:`coordinator_copy`). With a
    ``pool`` the render runs in its worker process, within its time and
    memory limits; without one (the CLI) it runs here.

    :raises LookupError: when the assessment has no plan.
    :raises RenderError: when the worker could not render within its limits.
    """
    key = report_cache_key(assessment, definition, renderer.version, locale, rates, also)
    cached = cached_pdf(assessment.id, key)
    if cached is not None:
        return cached
    data = report_data(assessment, definition, locale, key, rates, also)
    pdf = pool.render(data) if pool is not None else renderer.render_pdf(data)
    store_pdf(assessment.id, key, data.report_id, pdf)
    return pdf, data.report_id


def cached_pdf(assessment_id: int, key: str) -> tuple[bytes, str] | None:
    """A stored PDF and its report id, if one was made with exactly these inputs."""
    row = db.session.execute(
        select(ReportPDF.pdf, ReportPDF.report_id).where(
            ReportPDF.assessment_id == assessment_id, ReportPDF.cache_key == key
        )
    ).first()
    return (row.pdf, row.report_id) if row is not None else None


def store_pdf(assessment_id: int, key: str, report_id: str, pdf: bytes) -> None:
    db.session.add(
        ReportPDF(assessment_id=assessment_id, cache_key=key, report_id=report_id, pdf=pdf)
    )
    try:
        db.session.commit()
    except IntegrityError:  # stored meanwhile by another request: same inputs, same bytes
        db.session.rollback()
