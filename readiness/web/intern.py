"""The intern's pages: start, answer page by page, review, submit, see the result."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from readiness.core.dates import months_until
from readiness.core.definitions import AssessmentDefinition
from readiness.core.progress import Progress
from readiness.extensions import csrf
from readiness.i18n import select_locale
from readiness.models import Assessment
from readiness.reports.formatting import label
from readiness.services.assessments import (
    open_draft,
    plan_for,
    previous_result,
    start_assessment,
    stored_scorecard,
    submit_assessment,
    submitted_assessments,
)
from readiness.services.checklist import checklist, mark_step, plan_calendar
from readiness.services.privacy import needs_consent
from readiness.state import current_state
from readiness.web.access import assessment_of, require_intern
from readiness.web.downloads import attachment, plan_pdf_download
from readiness.web.forms import ActionForm
from readiness.web.page_submission import PageSubmission, render_page

bp = Blueprint("intern", __name__)


@bp.before_request
@login_required
def _require_intern() -> ResponseReturnValue | None:
    """Every page here needs a signed-in intern (coordinators have their own pages)."""
    require_intern()
    if needs_consent(current_user) and (
        request.method == "GET" or request.endpoint == "intern.start"
    ):
        # Pages and starting ask first. A page save in flight goes through: that intern agreed
        # to an earlier version, and their typing must not be lost to a new text.
        return redirect(url_for("my_data.consent"))
    return None


def own_assessment(assessment_id: int) -> Assessment:
    """The signed-in intern's assessment, or 404 (never another person's)."""
    return assessment_of(current_user.id, assessment_id)


def definition_of(assessment: Assessment) -> AssessmentDefinition:
    definition = current_state().definitions.get(assessment.questionnaire_id)
    if definition is None:
        abort(404)
    return definition


def progress_of(
    assessment: Assessment, definition: AssessmentDefinition, answers: dict[str, Any] | None = None
) -> Progress:
    if answers is None:
        answers = assessment.answer_values()
    return Progress(definition, answers, frozenset(assessment.saved_pages))


@bp.get("/me")
def home() -> str:
    definition = current_state().definitions.default
    draft = open_draft(current_user, definition.id)
    progress = progress_of(draft, definition) if draft else None
    submitted = submitted_assessments(current_user)
    latest = submitted[0] if submitted else None
    # The latest result's questionnaire may no longer be loaded: home then shows no steps.
    latest_definition = current_state().definitions.get(latest.questionnaire_id) if latest else None
    plan = plan_for(latest, latest_definition) if latest and latest_definition else None
    today = dt.date.today()
    return render_template(
        "intern/home.html",
        definition=definition,
        draft=draft,
        progress=progress,
        submitted=submitted,
        overall={a.id: stored_scorecard(a).overall for a in submitted},
        latest=latest,
        checklist=checklist(latest, plan, today) if latest and plan else None,
        months_left=months_until(plan.return_date, today) if plan and plan.return_date else None,
        form=ActionForm(),
        locale=select_locale(),
    )


@bp.post("/assessments")
def start() -> ResponseReturnValue:
    assessment = start_assessment(current_user, current_state().definitions.default)
    return redirect(url_for("intern.resume", assessment_id=assessment.id), 303)


@bp.get("/assessments/<int:assessment_id>")
def resume(assessment_id: int) -> ResponseReturnValue:
    """Send the intern to where there is work left: the first page not saved or still missing
    a required answer (a half-finished page is not skipped), or the review."""
    assessment = own_assessment(assessment_id)
    if assessment.is_submitted:
        return redirect(url_for("intern.result", assessment_id=assessment.id))
    progress = progress_of(assessment, definition_of(assessment))
    page = progress.first_to_finish()
    if page is None:
        return redirect(url_for("intern.review", assessment_id=assessment.id))
    return redirect(url_for("intern.page", assessment_id=assessment.id, page_id=page.id))


@bp.route("/assessments/<int:assessment_id>/pages/<page_id>", methods=["GET", "POST"])
@csrf.exempt  # the page form checks its own CSRF token, so an expired one re-renders the page
def page(assessment_id: int, page_id: str) -> ResponseReturnValue:
    assessment = own_assessment(assessment_id)
    if assessment.is_submitted:
        flash(_("This assessment is submitted and can no longer change."), "info")
        return redirect(url_for("intern.result", assessment_id=assessment.id), 303)
    definition = definition_of(assessment)
    if page_id not in definition.pages:
        abort(404)
    answers = assessment.answer_values()
    progress = progress_of(assessment, definition, answers)
    if not progress.is_reachable(page_id):
        flash(_("Please go through the pages in order. This is where you stopped."), "warning")
        return redirect(url_for("intern.resume", assessment_id=assessment.id), 303)
    submission = PageSubmission(
        assessment, definition, definition.pages[page_id], select_locale(), answers
    )
    if request.method == "GET":
        return render_page(submission, submission.form_for_display(), progress)
    return submission.handle_post(progress)


@bp.get("/assessments/<int:assessment_id>/review")
def review(assessment_id: int) -> ResponseReturnValue:
    assessment = own_assessment(assessment_id)
    if assessment.is_submitted:
        return redirect(url_for("intern.result", assessment_id=assessment.id))
    definition = definition_of(assessment)
    progress = progress_of(assessment, definition)
    answers = definition.visible_answers(assessment.answer_values())
    return render_template(
        "intern/review.html",
        assessment=assessment,
        definition=definition,
        progress=progress,
        answers=answers,
        missing={q.id for _, q in progress.missing_required()},
        form=ActionForm(),
        locale=select_locale(),
    )


@bp.post("/assessments/<int:assessment_id>/submit")
def submit(assessment_id: int) -> ResponseReturnValue:
    assessment = own_assessment(assessment_id)
    result_url = url_for("intern.result", assessment_id=assessment.id)
    if assessment.is_submitted:
        return redirect(result_url, 303)
    if request.form.get("submit_token") != assessment.submit_token:
        abort(400)
    definition = definition_of(assessment)
    progress = progress_of(assessment, definition)
    if not progress.is_complete():
        flash(_("Some questions still need an answer. They are marked below."), "warning")
        return redirect(url_for("intern.review", assessment_id=assessment.id), 303)
    submit_assessment(assessment, current_state().scorers[definition.id], dt.date.today())
    return redirect(result_url, 303)


@bp.get("/assessments/<int:assessment_id>/result")
def result(assessment_id: int) -> ResponseReturnValue:
    assessment = own_assessment(assessment_id)
    if not assessment.is_submitted:
        return redirect(url_for("intern.resume", assessment_id=assessment.id))
    card = stored_scorecard(assessment)
    previous = previous_result(assessment)
    definition = current_state().definitions.get(assessment.questionnaire_id)
    plan = plan_for(assessment, definition) if definition else None
    today = dt.date.today()
    return render_template(
        "intern/result.html",
        assessment=assessment,
        card=card,
        previous=previous,
        locale=select_locale(),
        form=ActionForm(),
        definition=definition,
        plan=plan,
        months_left=months_until(plan.return_date, today) if plan and plan.return_date else None,
        ticks=checklist(assessment, plan, today) if plan else None,
        can_tick=True,
        qr={},
    )


def submitted_plan(assessment_id: int) -> tuple[Assessment, Any]:
    """The intern's own submitted assessment and its plan, or 404."""
    assessment = own_assessment(assessment_id)
    plan = plan_for(assessment, definition_of(assessment)) if assessment.is_submitted else None
    if plan is None:
        abort(404)
    return assessment, plan


@bp.post("/assessments/<int:assessment_id>/steps/<step_id>")
def tick(assessment_id: int, step_id: str) -> ResponseReturnValue:
    """Mark a step of the plan done (done=1) or not done again (done=0)."""
    if not ActionForm().validate():
        abort(400)
    assessment, plan = submitted_plan(assessment_id)
    if not mark_step(assessment, plan, step_id, request.form.get("done") == "1"):
        abort(404)
    target = url_for("intern.result", assessment_id=assessment.id, _anchor=f"step-{step_id}")
    return redirect(target, 303)


@bp.get("/assessments/<int:assessment_id>/plan.ics")
def plan_ics(assessment_id: int) -> Response:
    """The dated steps and the return as a calendar file to add to the phone's calendar."""
    assessment, plan = submitted_plan(assessment_id)
    locale = select_locale()
    body = plan_calendar(
        assessment, plan, locale, label("plan", locale), label("planned_return", locale)
    )
    return attachment(body, "text/calendar", "readiness-plan.ics")


@bp.get("/assessments/<int:assessment_id>/plan.pdf")
def plan_pdf(assessment_id: int) -> ResponseReturnValue:
    """The intern's own plan as a PDF: rendered once, then served from the cache."""
    return plan_pdf_download(
        own_assessment(assessment_id),
        "readiness-plan-",
        _(
            "Your plan could not be made as a PDF right now (%(reason)s). "
            "Your result is safe: please try again in a minute."
        ),
    )
