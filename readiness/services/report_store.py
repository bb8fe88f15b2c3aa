"""The report store: plan PDFs of submitted assessments, rendered once and kept.

Joins the core (score card, plan), the renderer (:mod:`readiness.reports`) and the
database. The plan is built as of the submission date, so a report never changes
unless its inputs do; the cache key covers every input (answers and definitions by
content hash, plan and catalogue, templates and WeasyPrint version, locale, name).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from readiness.core.definitions import AssessmentDefinition
from readiness.core.money import ExchangeRates
from readiness.extensions import db
from readiness.models import Assessment, ReportPDF
from readiness.reports.pool import RenderPool
from readiness.reports.render import ReportData, ReportRenderer
from readiness.services.assessments import plan_for, stored_scorecard

NO_ORGANISATION = "—"


def report_cache_key(
    assessment: Assessment,
    definition: AssessmentDefinition,
    template_version: str,
    locale: str,
    rates: ExchangeRates | None = None,
) -> str:
    plan_hash = definition.plan.content_hash if definition.plan else "-"
    parts = [
        str(assessment.id),
        assessment.content_hash or "",
        plan_hash,
        template_version,
        locale,
        assessment.user.name_on_reports,
        NO_ORGANISATION,
        rates.fingerprint if rates else "-",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def report_data(
    assessment: Assessment,
    definition: AssessmentDefinition,
    locale: str,
    cache_key: str,
    rates: ExchangeRates | None = None,
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
        organisation=NO_ORGANISATION,
        submitted=submitted,
        locale=locale,
        card=stored_scorecard(assessment),
        plan=plan,
        rates=rates,
    )


def report_pdf(
    assessment: Assessment,
    definition: AssessmentDefinition,
    renderer: ReportRenderer,
    locale: str,
    pool: RenderPool | None = None,
    rates: ExchangeRates | None = None,
) -> tuple[bytes, str]:
    """The PDF and its report id: from the cache, or rendered once and stored.

    With a ``pool`` the render runs in its worker process, within its time and
    memory limits; without one (the CLI) it runs here.

    :raises LookupError: when the assessment has no plan.
    :raises RenderError: when the worker could not render within its limits.
    """
    key = report_cache_key(assessment, definition, renderer.version, locale, rates)
    cached = cached_pdf(assessment.id, key)
    if cached is not None:
        return cached
    data = report_data(assessment, definition, locale, key, rates)
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
