"""The admin's pages: organisations and their coordinators, the access log, and the
preview where rule authors try a definition set before it goes live."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from readiness.core.readings import whole_number
from readiness.extensions import db
from readiness.i18n import select_locale
from readiness.logs import security_event
from readiness.models import ADMIN, COORDINATOR, INTERN, User
from readiness.reports.formatting import format_date
from readiness.reports.pool import RenderError
from readiness.services import organisations
from readiness.services.accounts import (
    UsernameTakenError,
    create_user,
    issue_enrolment_code,
    reset_second_factor,
)
from readiness.services.organisations import (
    OrganisationExistsError,
    all_organisations,
    coordinators_with_organisation,
    find_coordinator,
    member_counts,
)
from readiness.services.privacy import ACCESS_LOG_PAGE, access_log_page
from readiness.state import current_state
from readiness.web.access import found_or_404, role_required
from readiness.web.account_forms import CoordinatorForm, OrganisationForm, PreviewForm
from readiness.web.downloads import pdf_response
from readiness.web.errors import render_error
from readiness.web.forms import ActionForm, Form
from readiness.web.preview import check_upload, preview_report, result_markup

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@role_required(ADMIN)
def index() -> str:
    known = all_organisations()
    coordinator_form = CoordinatorForm()
    coordinator_form.organisation_id.choices = [(o.id, o.name) for o in known]
    return render_template(
        "admin/index.html",
        staff=coordinators_with_organisation(),
        reset_form=ActionForm(),
        organisations=known,
        organisation_form=OrganisationForm(),
        coordinator_form=coordinator_form,
        coordinators=member_counts(COORDINATOR),
        interns=member_counts(INTERN),
    )


def _refused(form: Form) -> ResponseReturnValue | None:
    """Back to the page with the form's problems, when it is not valid."""
    if form.validate_on_submit():
        return None
    flash("; ".join(str(e) for errors in form.errors.values() for e in errors), "warning")
    return redirect(url_for("admin.index"), 303)


@bp.post("/organisations")
@role_required(ADMIN)
def create_organisation() -> ResponseReturnValue:
    form = OrganisationForm()
    if (refused := _refused(form)) is not None:
        return refused
    try:
        organisations.create_organisation(form.name.data.strip())
        flash(_("Organisation created."), "success")
    except OrganisationExistsError:
        flash(_("An organisation with this name exists already."), "warning")
    return redirect(url_for("admin.index"), 303)


@bp.post("/coordinators")
@role_required(ADMIN)
def create_coordinator() -> ResponseReturnValue:
    form = CoordinatorForm()
    form.organisation_id.choices = [(o.id, o.name) for o in all_organisations()]
    if (refused := _refused(form)) is not None:
        return refused
    try:
        coordinator = create_user(
            form.username.data,
            form.password.data,
            role=COORDINATOR,
            locale="ja",
            organisation_id=form.organisation_id.data,
        )
    except UsernameTakenError:
        flash(_("This user name is taken; choose another."), "warning")
        return redirect(url_for("admin.index"), 303)
    code = issue_enrolment_code(coordinator)
    db.session.commit()
    return _show_enrolment_code(coordinator, code, _("Coordinator created."))


def _show_enrolment_code(person: User, code: str, message: str) -> str:
    """The one time an enrolment code is shown (a page, never a flash: the session
    cookie would carry it)."""
    expires = person.totp_enrolment_expires
    return render_template(
        "admin/enrolment_code.html",
        person=person,
        code=code,
        message=message,
        expires=format_date(expires, select_locale()),
    )


@bp.get("/access-log")
@role_required(ADMIN)
def access_log() -> str:
    """Who looked at which intern's record, newest first; filter by an intern's user name."""
    intern = request.args.get("intern", "").strip()[:40]
    rows = access_log_page(intern, whole_number(request.args.get("before")))
    older = rows[-1][0].id if len(rows) == ACCESS_LOG_PAGE else None
    return render_template("admin/access_log.html", rows=rows, intern=intern, older=older)


@bp.post("/coordinators/<int:user_id>/reset-totp")
@role_required(ADMIN)
def reset_totp(user_id: int) -> ResponseReturnValue:
    """A coordinator lost their phone: they set up a new authenticator at the next sign-in."""
    coordinator = found_or_404(find_coordinator(user_id))
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.index"), 303)
    had_app = coordinator.totp_secret is not None
    code = reset_second_factor(coordinator)
    security_event("second_factor_reset", user_id=coordinator.id, by=current_user.id)
    if had_app:
        message = _(
            "%(name)s's authenticator is reset: they set up a new one at their next sign-in.",
            name=coordinator.username,
        )
    else:
        message = _(
            "A new enrolment code for %(name)s: any earlier one no longer works.",
            name=coordinator.username,
        )
    return _show_enrolment_code(coordinator, code, message)


@bp.route("/preview", methods=["GET", "POST"])
@role_required(ADMIN)
def preview() -> ResponseReturnValue:
    """Check an uploaded definition set, and show an answers file's result (or its PDF)
    as the intern would see it; nothing is saved and the live definitions do not change."""
    form = PreviewForm()
    if request.method == "GET":
        form.language.data = select_locale()
        return render_template("admin/preview.html", form=form, checked=None)
    if not form.validate_on_submit():
        return render_template("admin/preview.html", form=form, checked=None), 400
    checked = check_upload(form)
    wants_pdf = request.form.get("action") == "pdf"
    if wants_pdf and (report := preview_report(checked)):
        try:
            pdf = current_state().render_pool.render(report)
        except RenderError as exc:
            return render_error(503, _("The PDF could not be made (%(reason)s).", reason=exc))
        return pdf_response(pdf, "readiness-preview.pdf")
    return render_template(
        "admin/preview.html",
        form=form,
        checked=checked,
        result=result_markup(checked),
        pdf_refused=wants_pdf,
    )
