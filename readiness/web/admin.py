"""The admin's pages: organisations and their coordinators, and the access log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from readiness.extensions import db
from readiness.logs import security_event
from readiness.models import ADMIN, COORDINATOR, INTERN, AccessLog, Organisation, User
from readiness.services.accounts import UsernameTakenError, create_user, reset_second_factor
from readiness.web.access import role_required
from readiness.web.account_forms import CoordinatorForm, OrganisationForm
from readiness.web.forms import ActionForm, Form

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _counts(role: str) -> dict[int, int]:
    rows = db.session.execute(
        select(User.organisation_id, func.count())
        .where(User.role == role)
        .group_by(User.organisation_id)
    )
    return {org_id: count for org_id, count in rows if org_id is not None}


@bp.get("/")
@role_required(ADMIN)
def index() -> str:
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    coordinator_form = CoordinatorForm()
    coordinator_form.organisation_id.choices = [(o.id, o.name) for o in organisations]
    staff = db.session.execute(
        select(User, Organisation.name)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == COORDINATOR)
        .order_by(Organisation.name, User.username)
    ).all()
    return render_template(
        "admin/index.html",
        staff=staff,
        reset_form=ActionForm(),
        organisations=organisations,
        organisation_form=OrganisationForm(),
        coordinator_form=coordinator_form,
        coordinators=_counts(COORDINATOR),
        interns=_counts(INTERN),
    )


def _refused(form: Form) -> ResponseReturnValue | None:
    """Back to the page with the form's problems, when it is not valid."""
    if form.validate_on_submit():
        return None
    flash("; ".join(e for errors in form.errors.values() for e in errors), "warning")
    return redirect(url_for("admin.index"), 303)


@bp.post("/organisations")
@role_required(ADMIN)
def create_organisation() -> ResponseReturnValue:
    form = OrganisationForm()
    if (refused := _refused(form)) is not None:
        return refused
    db.session.add(Organisation(name=form.name.data.strip()))
    try:
        db.session.commit()
        flash(_("Organisation created."), "success")
    except IntegrityError:
        db.session.rollback()
        flash(_("An organisation with this name exists already."), "warning")
    return redirect(url_for("admin.index"), 303)


@bp.post("/coordinators")
@role_required(ADMIN)
def create_coordinator() -> ResponseReturnValue:
    form = CoordinatorForm()
    form.organisation_id.choices = [
        (o.id, o.name) for o in db.session.scalars(select(Organisation))
    ]
    if (refused := _refused(form)) is not None:
        return refused
    try:
        create_user(
            form.username.data.strip(),
            form.password.data,
            role=COORDINATOR,
            locale="ja",
            organisation_id=form.organisation_id.data,
        )
    except UsernameTakenError:
        flash(_("This user name is taken; choose another."), "warning")
    else:
        db.session.commit()
        flash(_("Coordinator created."), "success")
    return redirect(url_for("admin.index"), 303)


ACCESS_LOG_PAGE = 100


@bp.get("/access-log")
@role_required(ADMIN)
def access_log() -> str:
    """Who looked at which intern's record, newest first; filter by an intern's user name."""
    actor, subject = aliased(User), aliased(User)
    query = (
        select(AccessLog, actor.username, subject.username, Organisation.name)
        .outerjoin(actor, actor.id == AccessLog.actor_id)
        .outerjoin(subject, subject.id == AccessLog.subject_id)
        .outerjoin(Organisation, Organisation.id == AccessLog.organisation_id)
        .order_by(AccessLog.id.desc())
        .limit(ACCESS_LOG_PAGE)
    )
    intern = request.args.get("intern", "").strip()[:40]
    if intern:
        query = query.where(subject.username == intern)
    before = request.args.get("before", "")
    if before.isdigit() and len(before) < 19:
        query = query.where(AccessLog.id < int(before))
    rows = db.session.execute(query).all()
    older = rows[-1][0].id if len(rows) == ACCESS_LOG_PAGE else None
    return render_template("admin/access_log.html", rows=rows, intern=intern, older=older)


@bp.post("/coordinators/<int:user_id>/reset-totp")
@role_required(ADMIN)
def reset_totp(user_id: int) -> ResponseReturnValue:
    """A coordinator lost their phone: they set up a new authenticator at the next sign-in."""
    coordinator = db.first_or_404(select(User).where(User.id == user_id, User.role == COORDINATOR))
    if ActionForm().validate_on_submit():
        reset_second_factor(coordinator)
        security_event("second_factor_reset", user_id=coordinator.id, by=current_user.id)
        flash(
            _(
                "%(name)s's authenticator is reset: they set up a new one at their next sign-in.",
                name=coordinator.username,
            ),
            "success",
        )
    return redirect(url_for("admin.index"), 303)
