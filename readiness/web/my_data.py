"""An intern's own data: the consent page, a copy of everything (JSON), deleting the account."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from readiness.extensions import limiter
from readiness.i18n import select_locale
from readiness.logs import security_event
from readiness.services.accounts import password_matches
from readiness.services.organisations import organisation_of
from readiness.services.privacy import (
    CONSENT_VERSION,
    consents_of,
    delete_account,
    export_data,
    needs_consent,
    record_consent,
)
from readiness.web.access import require_intern, signed_in_user
from readiness.web.account_forms import ConsentForm, DeleteAccountForm
from readiness.web.downloads import attachment
from readiness.web.forms import form_status

bp = Blueprint("my_data", __name__, url_prefix="/me")


@bp.before_request
@login_required
def _require_intern() -> None:
    require_intern()


@bp.route("/consent", methods=["GET", "POST"])
def consent() -> ResponseReturnValue:
    """What is stored, why, who sees it and for how long; nothing goes on until agreed."""
    form = ConsentForm()
    if form.validate_on_submit():
        record_consent(signed_in_user(), select_locale())
        return redirect(url_for("intern.home"), 303)
    page = render_template(
        "my_data/consent.html",
        form=form,
        organisation=organisation_of(current_user),
        retention_months=current_app.config["RETENTION_MONTHS"],
        version=CONSENT_VERSION,
        agreed=not needs_consent(current_user),
    )
    return page, form_status(form)


def _overview(form: DeleteAccountForm) -> str:
    return render_template(
        "my_data/overview.html",
        consents=consents_of(current_user),
        organisation=organisation_of(current_user),
        retention_months=current_app.config["RETENTION_MONTHS"],
        form=form,
    )


@bp.get("/data")
def overview() -> str:
    """The consent given, the download and the delete button."""
    return _overview(DeleteAccountForm())


@bp.get("/data.json")
def download() -> ResponseReturnValue:
    """Everything stored about the intern, in one file they can keep or take elsewhere."""
    document = json.dumps(export_data(current_user), ensure_ascii=False, indent=2)
    return attachment(document, "application/json", "readiness-my-data.json")


@bp.post("/delete")
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT"])
def delete() -> ResponseReturnValue:
    """Delete the account and everything that names the intern, then sign out."""
    form = DeleteAccountForm()
    if form.validate_on_submit() and password_matches(current_user, form.password.data):
        user_id = current_user.id
        delete_account(user_id)
        security_event("account_deleted", user_id=user_id)
        session.clear()
        logout_user()
        flash(_("Your account and all your answers are deleted."), "success")
        return redirect(url_for("pages.index"), 303)
    if not form.password.errors:
        form.password.errors.append(_("The password is not correct."))
    return _overview(form), 400
