"""The coordinator's pages: the dashboard, one intern, their PDF, and invitations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, NamedTuple

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from readiness.core.attention import NotReadyRule
from readiness.core.dates import japan_time, months_until
from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import localize
from readiness.core.points import whole
from readiness.core.readings import whole_number
from readiness.i18n import select_locale
from readiness.logs import security_event
from readiness.models import COORDINATOR, Organisation, ReportJob, User
from readiness.queue import MAX_ATTEMPTS
from readiness.reports.formatting import BAND_MARKS, band_class, format_date, score_text
from readiness.services.accounts import qr_svg
from readiness.services.assessments import plan_for, submitted_assessments
from readiness.services.bulk_reports import create_job, find_job
from readiness.services.checklist import checklist
from readiness.services.cohort import (
    DashboardPage,
    DashboardQuery,
    cohort_summary,
    dashboard_page,
    dashboard_query,
    latest_scores,
    matching_interns,
    not_ready_rule,
)
from readiness.services.exports import (
    TableLabels,
    csv_text,
    intern_table,
    not_ready_reasons,
    xlsx_bytes,
)
from readiness.services.invitations import (
    create_invitation,
    create_invitations,
    invitation_messages,
    recent_invitations,
)
from readiness.services.organisations import organisation_of
from readiness.services.privacy import (
    BULK_ZIP,
    CSV_EXPORT,
    PLAN_PDF,
    RESET_CODE,
    VIEW_INTERN,
    record_access,
)
from readiness.services.recovery import has_reset_code, issue_reset_code
from readiness.services.report_store import coordinator_copy
from readiness.services.roster import MAX_BYTES, parse_roster
from readiness.state import current_state
from readiness.web.access import (
    assessment_of,
    found_or_404,
    intern_of_my_organisation,
    role_required,
)
from readiness.web.account_forms import InvitationForm, RosterForm
from readiness.web.downloads import attachment, plan_pdf_download
from readiness.web.forms import ActionForm, form_status
from readiness.web.templating import STATUS_LABELS, invitation_link, link_to_hand_over

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")


def _organisation() -> Organisation:
    return found_or_404(organisation_of(current_user))


def _not_ready_months() -> int:
    return int(current_app.config["NOT_READY_MONTHS"])


def _query(args: Any, definition: AssessmentDefinition) -> DashboardQuery:
    return dashboard_query(args, definition, _not_ready_months())


@bp.get("/")
@role_required(COORDINATOR)
def dashboard() -> str:
    definition = current_state().definitions.default
    rule = not_ready_rule(definition, _not_ready_months())
    query = _query(request.args, definition)
    today = dt.date.today()
    organisation_id = current_user.organisation_id
    page = dashboard_page(organisation_id, query, today)
    cohort = current_state().cohort_cache.get(
        (organisation_id, today),
        lambda: cohort_summary(organisation_id, today, rule, definition.rules.bands),
    )
    return render_template(
        "coordinator/dashboard.html",
        page=page,
        rows=table_rows(page, definition, query.not_ready or rule, today),
        rule=rule,
        query=query,
        definition=definition,
        organisation=_organisation(),
        distribution=cohort.distribution,
        returning=cohort.returning,
        args={k: v for k, v in request.args.items() if k != "page"},
    )


class Cell(NamedTuple):
    """A score as the table prints it: number, band (CSS class and words) and change."""

    score: str
    band: str
    band_label: str
    band_mark: str
    change: str
    trend: str


class TableRow(NamedTuple):
    """One intern's row, formatted once in Python (cheaper than per-cell template logic)."""

    id: int
    name: str
    status: str
    overall: Cell | None
    cells: list[Cell | None]
    planned_return: str
    months_left: int | None
    #: Why the intern is not ready, in words ("" when they are not flagged).
    not_ready: str


def _cell(
    score: float, change: float | None, band: str = "", band_label: str = "", band_mark: str = ""
) -> Cell:
    trend = "" if not change else "up" if change > 0 else "down"
    shown_change = "" if change is None else f"{whole(change):+d}"
    return Cell(score_text(score), band, band_label, band_mark, shown_change, trend)


def table_rows(
    page: DashboardPage, definition: AssessmentDefinition, rule: NotReadyRule, today: dt.date
) -> list[TableRow]:
    locale = select_locale()
    labels = TableLabels.of(definition, locale, STATUS_LABELS)
    bands = sorted(definition.rules.bands, key=lambda band: band.min)
    band_labels = {b.id: localize(b.label, locale) for b in bands}
    marks = {b.id: BAND_MARKS[i % len(BAND_MARKS)] for i, b in enumerate(bands)}
    band_data = [b.model_dump() for b in bands]
    statuses = {key: str(label) for key, label in STATUS_LABELS.items()}
    dimensions = [d.id for d in definition.rules.dimensions]
    rows = []
    for person in page.rows:
        scores = page.scores[person.id]
        cells = [
            _cell(
                s.score,
                s.change or None,
                band_class(band_data, s.band),
                band_labels.get(s.band, s.band),
                marks.get(s.band, ""),
            )
            if (s := scores.get(dimension))
            else None
            for dimension in dimensions
        ]
        overall = person.latest_overall
        back = person.planned_return
        rows.append(
            TableRow(
                person.id,
                person.name_on_reports,
                statuses.get(person.assessment_status, person.assessment_status),
                None if overall is None else _cell(overall, person.overall_change),
                cells,
                format_date(back, locale) if back else "",
                months_until(back.isoformat(), today) if back else None,
                labels.reasons(not_ready_reasons(rule, person, scores, dimensions, today)),
            )
        )
    return rows


@bp.get("/export.csv")
@role_required(COORDINATOR)
def export_csv() -> ResponseReturnValue:
    """The filtered table as CSV (all pages), safe to open in a spreadsheet."""
    header, rows, today = _exported_table(detail="")
    body = stream_with_context(csv_text(header, rows))
    return attachment(body, "text/csv", f"interns-{today.isoformat()}.csv")


@bp.get("/export.xlsx")
@role_required(COORDINATOR)
def export_xlsx() -> ResponseReturnValue:
    """The same filtered table as an Excel workbook."""
    header, rows, today = _exported_table(detail="xlsx")
    body = xlsx_bytes(header, rows, _("Interns"))
    return attachment(body, XLSX_MIMETYPE, f"interns-{today.isoformat()}.xlsx")


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _exported_table(detail: str) -> tuple[list[str], list[list[Any]], dt.date]:
    """The dashboard's filtered interns (all pages) as a table, the export logged."""
    definition = current_state().definitions.default
    query = _query(request.args, definition)
    today = dt.date.today()
    interns = list(matching_interns(current_user.organisation_id, query, today))
    statuses = {code: str(label) for code, label in STATUS_LABELS.items()}
    labels = TableLabels.of(definition, select_locale(), statuses)
    rule = query.not_ready or not_ready_rule(definition, _not_ready_months())
    header, lazy_rows = intern_table(interns, definition, labels, rule, today)
    rows = list(lazy_rows)  # read before the access log's commit expires the loaded interns
    record_access(current_user, CSV_EXPORT, [user.id for user, _ in interns], detail)
    return header, rows, today


@bp.get("/interns/<int:user_id>")
@role_required(COORDINATOR)
def intern(user_id: int) -> str:
    person = intern_of_my_organisation(user_id)
    record_access(current_user, VIEW_INTERN, [person.id])
    assessments = submitted_assessments(person)
    latest = assessments[0] if assessments else None
    definition = current_state().definitions.get(latest.questionnaire_id) if latest else None
    card = json.loads(latest.scorecard_json or "{}") if latest else None
    plan = plan_for(latest, definition) if latest and definition else None
    answers = definition.visible_answers(latest.answer_values()) if latest and definition else {}
    return render_template(
        "coordinator/intern.html",
        person=person,
        not_ready=_not_ready_words(person),
        assessments=assessments,
        latest=latest,
        card=card,
        definition=definition,
        answers=answers,
        notes=definition.coordinator_notes(answers) if definition else [],
        plan=plan,
        progress=checklist(latest, plan, dt.date.today()) if latest and plan else None,
        qr={},
        reset_form=ActionForm(),
        reset_code_active=has_reset_code(person),
    )


def _not_ready_words(person: User) -> str:
    """Why this intern is not ready, as the dashboard's column says it ("" when they are not)."""
    default = current_state().definitions.default
    rule = not_ready_rule(default, _not_ready_months())
    dimensions = [d.id for d in default.rules.dimensions]
    scores = latest_scores([person.id])[person.id]
    reasons = not_ready_reasons(rule, person, scores, dimensions, dt.date.today())
    return TableLabels.of(default, select_locale(), STATUS_LABELS).reasons(reasons)


@bp.post("/interns/<int:user_id>/reset-code")
@role_required(COORDINATOR)
def reset_code(user_id: int) -> ResponseReturnValue:
    """A one-time password reset code for an intern who forgot theirs: shown this once
    (only its hash is kept), short-lived, and written in the access log."""
    person = intern_of_my_organisation(user_id)
    hours = int(current_app.config["RESET_CODE_HOURS"])
    code, expires = issue_reset_code(person, hours)
    record_access(current_user, RESET_CODE, [person.id])
    security_event("reset_code_issued", user_id=current_user.id, subject_id=person.id)
    link = link_to_hand_over("auth.reset_password", username=person.username)
    return render_template(
        "coordinator/reset_code.html",
        person=person,
        code=code,
        hours=hours,
        expires=japan_time(expires),
        link=link,
        qr=Markup(qr_svg(link)),  # noqa: S704 - made by segno from our own link
    )


@bp.get("/interns/<int:user_id>/assessments/<int:assessment_id>/plan.pdf")
@role_required(COORDINATOR)
def intern_report(user_id: int, assessment_id: int) -> ResponseReturnValue:
    person = intern_of_my_organisation(user_id)
    assessment = assessment_of(person.id, assessment_id)
    record_access(current_user, PLAN_PDF, [person.id], str(assessment.id))
    return plan_pdf_download(
        assessment,
        f"readiness-plan-{person.username}-",
        _("The PDF could not be made right now (%(reason)s). Please try again in a minute."),
        coordinator_copy(person),
    )


@bp.route("/invitations", methods=["GET", "POST"])
@role_required(COORDINATOR)
def invitations() -> ResponseReturnValue:
    definition = current_state().definitions.default
    form = InvitationForm.for_questionnaire(definition, select_locale())
    if form.validate_on_submit():
        invitation = create_invitation(current_user, form.invitation_values())
        return redirect(url_for("coordinator.invitations", created=invitation.id), 303)
    recent = recent_invitations(current_user.organisation_id)
    created = request.args.get("created")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    organisation = current_user.organisation.name if current_user.organisation else ""
    shareable = {}
    for invitation in recent:
        if not invitation.used_at and invitation.expires_at > now:
            link = invitation_link(invitation.code)
            shareable[invitation.id] = {
                "qr": Markup(qr_svg(link)),  # noqa: S704 - made by segno from our own link
                "messages": invitation_messages(invitation, organisation, link),
            }
    page = render_template(
        "coordinator/invitations.html",
        roster_form=RosterForm(),
        form=form,
        invitations=recent,
        shareable=shareable,
        created=whole_number(created),
        now=now,
    )
    return page, form_status(form)


@bp.post("/invitations/import")
@role_required(COORDINATOR)
def import_roster() -> ResponseReturnValue:
    """Invite many interns from a CSV; a file with any error imports nothing."""
    form = RosterForm()
    definition = current_state().definitions.default
    if not form.validate_on_submit():
        errors = [e for messages in form.errors.values() for e in messages]
        return render_template("coordinator/import.html", errors=errors, invitations=[]), 400
    upload = form.roster.data
    try:
        result = parse_roster(upload.read(MAX_BYTES + 1), definition)
    finally:
        upload.close()
    if result.errors:
        return render_template("coordinator/import.html", errors=result.errors, invitations=[]), 400
    invitations = create_invitations(current_user, result.rows)
    return render_template("coordinator/import.html", errors=[], invitations=invitations)


@bp.post("/reports")
@role_required(COORDINATOR)
def start_reports() -> ResponseReturnValue:
    """Start a ZIP of plan PDFs: for the ticked interns, or for everyone the filter shows."""
    chosen = [n for n in map(whole_number, request.form.getlist("user_id")) if n is not None]
    definition = current_state().definitions.default
    query = _query(request.form, definition)
    if not chosen:
        chosen = [
            user.id
            for user, _ in matching_interns(current_user.organisation_id, query, dt.date.today())
        ]
    job = create_job(current_user, chosen, select_locale())  # only this organisation's
    current_state().queue.enqueue(job.id)
    return redirect(url_for("coordinator.report_job", job_id=job.id), 303)


def _own_job(job_id: int) -> ReportJob:
    return found_or_404(find_job(current_user.organisation_id, job_id))


@bp.get("/reports/<int:job_id>")
@role_required(COORDINATOR)
def report_job(job_id: int) -> str:
    """The job's progress; the page reloads itself every 2 seconds until it is finished."""
    return render_template(
        "coordinator/report_job.html", job=_own_job(job_id), max_attempts=MAX_ATTEMPTS
    )


@bp.get("/reports/<int:job_id>/download")
@role_required(COORDINATOR)
def report_job_download(job_id: int) -> ResponseReturnValue:
    job = _own_job(job_id)
    if job.status != "done" or not job.zip_path or not Path(job.zip_path).is_file():
        abort(404)
    record_access(current_user, BULK_ZIP, json.loads(job.user_ids_json), f"job {job.id}")
    response = send_file(
        job.zip_path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"readiness-reports-{job.id}.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
