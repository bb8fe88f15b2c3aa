"""The admin's page: organisations and their coordinators."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from readiness.extensions import db
from readiness.models import ADMIN, COORDINATOR, INTERN, Organisation, User
from readiness.web.access import role_required
from readiness.web.forms import CoordinatorForm, OrganisationForm

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
    return render_template(
        "admin/index.html",
        organisations=organisations,
        organisation_form=OrganisationForm(),
        coordinator_form=coordinator_form,
        coordinators=_counts(COORDINATOR),
        interns=_counts(INTERN),
    )


@bp.post("/organisations")
@role_required(ADMIN)
def create_organisation() -> Response:
    form = OrganisationForm()
    if form.validate_on_submit():
        db.session.add(Organisation(name=form.name.data.strip()))
        try:
            db.session.commit()
            flash("Organisation created.", "success")
        except IntegrityError:
            db.session.rollback()
            flash("An organisation with this name exists already.", "warning")
    else:
        flash("; ".join(e for errors in form.errors.values() for e in errors), "warning")
    return redirect(url_for("admin.index"), 303)


@bp.post("/coordinators")
@role_required(ADMIN)
def create_coordinator() -> Response:
    form = CoordinatorForm()
    form.organisation_id.choices = [
        (o.id, o.name) for o in db.session.scalars(select(Organisation))
    ]
    if form.validate_on_submit():
        user = User(
            username=form.username.data.strip(),
            role=COORDINATOR,
            locale="ja",
            organisation_id=form.organisation_id.data,
        )
        user.set_password(form.password.data)
        db.session.add(user)
        try:
            db.session.commit()
            flash("Coordinator created.", "success")
        except IntegrityError:
            db.session.rollback()
            flash("This user name is taken; choose another.", "warning")
    else:
        flash("; ".join(e for errors in form.errors.values() for e in errors), "warning")
    return redirect(url_for("admin.index"), 303)
