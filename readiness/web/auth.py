"""Sign up, sign in and sign out for interns (user name and password; many have no e-mail)."""

from __future__ import annotations

import logging
import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup

from readiness.extensions import db, limiter, login_manager
from readiness.i18n import select_locale, use_locale
from readiness.logs import security_event
from readiness.models import ADMIN, COORDINATOR, INTERN, User, username_key
from readiness.services import accounts, recovery
from readiness.services.accounts import UsernameTakenError
from readiness.services.invitations import accept_invitation, open_invitation
from readiness.web.access import signed_in_user
from readiness.web.account_forms import (
    EnrolmentForm,
    JoinForm,
    NewRecoveryCodesForm,
    PasswordChangeForm,
    PasswordResetForm,
    SignInForm,
    SignUpForm,
    TotpForm,
)
from readiness.web.downloads import attachment
from readiness.web.errors import render_error
from readiness.web.forms import ActionForm, form_status
from readiness.web.navigation import safe_next_url

bp = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Find the user by id and check the session nonce, so ended sessions stay ended."""
    return accounts.user_for_session(session_id)


def home_for(user: User) -> str:
    """Where each role lands after signing in."""
    return {COORDINATOR: "coordinator.dashboard", ADMIN: "admin.index"}.get(
        user.role, "intern.home"
    )


def _start_session(user: User) -> None:
    session.clear()  # a fresh session on sign-in (no fixation)
    login_user(user, remember=True)
    session.permanent = True


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_LIMIT"], methods=["POST"])
def sign_up() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for(home_for(current_user)))
    form = SignUpForm()
    if request.method == "GET":
        form.locale.data = select_locale()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.username.data,
                form.password.data,
                role=INTERN,
                locale=form.locale.data,
                display_name=(form.display_name.data or "").strip() or None,
            )
        except UsernameTakenError:
            form.username.errors.append(_("This user name is taken; choose another."))
        else:
            db.session.commit()
            _start_session(user)
            # No organisation, so no coordinator to ask for a reset code: recovery codes.
            session[RECOVERY_PENDING] = recovery.issue_recovery_codes(user)
            with use_locale(user.locale or select_locale()):  # the language just chosen
                flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("auth.recovery_codes"), 303)
    return render_template("auth/sign_up.html", form=form), form_status(form)


def _signin_key() -> str:
    """Attempts count per address and account name: one person's typos do not lock a
    dormitory. The name is folded as accounts are found (``username_key``), so typing it
    in another case or full-width is the same account and the same count."""
    name = username_key((request.form.get("username") or "")[:80])[:80]
    return f"{get_remote_address()}|{name}"


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT"], methods=["POST"], key_func=_signin_key)
def sign_in() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for(home_for(current_user)))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.find_user(form.username.data)
        if user is not None and accounts.password_matches(user, form.password.data):
            target = safe_next_url(request.args.get("next"), url_for(home_for(user)))
            if needs_second_factor(user):
                session.clear()
                session[PENDING] = {"id": user.get_id(), "at": time.time(), "next": target}
                return redirect(url_for("auth.second_factor"), 303)
            _start_session(user)
            security_event("sign_in", user_id=user.id)
            return redirect(target, 303)
        security_event("sign_in_refused", logging.WARNING)  # not the name typed: personal
        form.password.errors.append(_("The user name or password is not correct."))
    return render_template("auth/sign_in.html", form=form), form_status(form)


#: The session key of a sign-in waiting for its second factor, and how long it waits.
PENDING, PENDING_SECONDS = "pending_sign_in", 300


def needs_second_factor(user: User) -> bool:
    """Coordinators and admins see many interns: a password alone is not enough (ASVS 6.3.3).

    Interns are the written exception (docs/security.md): they see only their own data, and
    many have no second device or share a phone.
    """
    return current_app.config["TOTP_REQUIRED"] and user.role in (COORDINATOR, ADMIN)


def _pending_user() -> User | None:
    """The user who typed the right password in this session less than five minutes ago."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return load_user(str(pending.get("id", "")))


def _code_key() -> str:
    """Wrong codes count per account, wherever they come from."""
    pending = session.get(PENDING)
    return f"totp|{pending.get('id', '') if isinstance(pending, dict) else ''}"


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit(
    # Every attempt counts, right or wrong, and before it is checked: counting only wrong
    # ones after the answer let parallel guesses all pass the check first.
    lambda: current_app.config["TOTP_LIMIT"],
    methods=["POST"],
    key_func=_code_key,
)
def second_factor() -> ResponseReturnValue:
    """The second step of signing in: a code from the app; the first time, the enrolment
    code from an admin, then setting the app up (its key stays on the server)."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please sign in again: the sign-in waited too long."), "info")
        return redirect(url_for("auth.sign_in"))
    if user.totp_secret is None and not session[PENDING].get("enrolling"):
        return _enrolment_step(user)
    form = TotpForm()
    if form.validate_on_submit():
        if accounts.confirm_second_factor(user, form.code.data):
            target = session[PENDING]["next"]
            _start_session(user)
            security_event("sign_in", user_id=user.id, second_factor=True)
            return redirect(target, 303)
        security_event("second_factor_refused", logging.WARNING, user_id=user.id)
        form.code.errors.append(_("This code is not right, or was used already. Try the next one."))
    if user.totp_secret is not None:
        return render_template("auth/second_factor.html", form=form, setup=False), form_status(form)
    secret = accounts.start_enrolment(user)
    uri = accounts.provisioning_uri(secret, user.username, current_app.config["TOTP_ISSUER"])
    page = render_template(
        "auth/second_factor.html",
        form=form,
        setup=True,
        qr=Markup(accounts.qr_svg(uri)),  # noqa: S704 - made by segno, no user input
        secret=accounts.spaced(secret),
    )
    return page, form_status(form)


def _enrolment_step(user: User) -> ResponseReturnValue:
    """Before the key is shown: the one-time code an admin handed over (the password
    alone must not be enough to set up the second factor)."""
    form = EnrolmentForm()
    if form.validate_on_submit():
        if accounts.enrolment_code_matches(user, form.enrolment_code.data):
            session[PENDING] = {**session[PENDING], "enrolling": True}
            security_event("enrolment_code_accepted", user_id=user.id)
            return redirect(url_for("auth.second_factor"), 303)
        security_event("enrolment_code_refused", logging.WARNING, user_id=user.id)
        form.enrolment_code.errors.append(
            _("This enrolment code is not right or has expired. Ask your administrator.")
        )
    page = render_template(
        "auth/enrolment.html", form=form, has_code=accounts.has_enrolment_code(user)
    )
    return page, form_status(form)


@bp.post("/signout")
@login_required
def sign_out() -> ResponseReturnValue:
    """End the session here and everywhere: a signed cookie copied before cannot come back."""
    user = signed_in_user()
    accounts.end_sessions(user)
    security_event("sign_out", user_id=user.id)
    session.clear()
    logout_user()  # after clear: it leaves the flag that deletes the remember-me cookie
    flash(_("You are signed out."), "info")
    return redirect(url_for("pages.index"), 303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT"], methods=["POST"])
def change_password() -> ResponseReturnValue:
    """A new password ends every other session; this one continues with the new nonce."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = signed_in_user()
        if accounts.password_matches(user, form.current.data):
            accounts.set_password(user, form.password.data)  # also a new session nonce
            db.session.commit()
            security_event("password_changed", user_id=user.id)
            _start_session(user)
            flash(_("Your password is changed. Any other device is now signed out."), "success")
            return redirect(url_for(home_for(user)), 303)
        security_event("password_change_refused", logging.WARNING, user_id=user.id)
        form.current.errors.append(_("The current password is not correct."))
    return render_template("auth/password.html", form=form), form_status(form)


@bp.route("/join/<code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_LIMIT"], methods=["POST"])
def join(code: str) -> ResponseReturnValue:
    """An intern joins an organisation through an invitation link and sets a password."""
    invitation = open_invitation(code)
    if invitation is None:
        return render_error(
            404,
            _(
                "This invitation is not valid: it may have been used already or "
                "have expired. Ask your coordinator for a new one."
            ),
        )
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = accept_invitation(
                invitation, form.username.data, form.password.data, select_locale()
            )
        except UsernameTakenError:
            form.username.errors.append(_("This user name is taken; choose another."))
        else:
            if user is None:
                return render_error(
                    404, _("This invitation was just used. Ask your coordinator for a new one.")
                )
            _start_session(user)
            flash(_("Welcome! You joined your organisation."), "success")
            return redirect(url_for("intern.home"), 303)
    organisation = invitation.organisation
    page = render_template(
        "auth/join.html", form=form, organisation=organisation, invitation=invitation
    )
    return page, form_status(form)


#: Recovery codes shown since they were made, until the intern says they kept them.
RECOVERY_PENDING = "recovery_codes"


@bp.route("/recovery-codes", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT"], methods=["POST"])
def recovery_codes() -> ResponseReturnValue:
    """The intern's recovery codes: shown (and downloadable) only until they say they kept
    them; after that, how many are left and new ones for the current password (a borrowed
    session alone cannot make codes that outlive it)."""
    user = signed_in_user()
    if user.role != INTERN:
        abort(403)
    kept, renew = ActionForm(), NewRecoveryCodesForm()
    if request.form.get("action") == "new" and renew.validate_on_submit():
        if accounts.password_matches(user, renew.current.data):
            session[RECOVERY_PENDING] = recovery.issue_recovery_codes(user)
            security_event("recovery_codes_made", user_id=user.id)
            return redirect(url_for("auth.recovery_codes"), 303)
        renew.current.errors.append(_("The current password is not correct."))
    elif request.form.get("action") == "kept" and kept.validate_on_submit():
        session.pop(RECOVERY_PENDING, None)
        return redirect(url_for("intern.home"), 303)
    page = render_template(
        "auth/recovery_codes.html",
        form=kept,
        renew=renew,
        codes=session.get(RECOVERY_PENDING),
        unused=recovery.unused_recovery_codes(user),
    )
    return page, form_status(renew)


@bp.get("/recovery-codes.txt")
@login_required
def recovery_codes_file() -> ResponseReturnValue:
    """The codes being shown, as a text file to keep (only until the intern says they kept
    them: they are not stored anywhere readable)."""
    codes = session.get(RECOVERY_PENDING)
    user = signed_in_user()
    if user.role != INTERN:
        abort(403)
    if not codes:
        abort(404)
    text = render_template("auth/recovery_codes.txt", codes=codes, user=user)
    return attachment(text.encode(), "text/plain; charset=utf-8", "recovery-codes.txt")


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT"], methods=["POST"], key_func=_signin_key)
def reset_password() -> ResponseReturnValue:
    """A forgotten password, reset with a one-time code (no e-mail needed)."""
    if current_user.is_authenticated:
        return redirect(url_for(home_for(current_user)))
    form = PasswordResetForm()
    if request.method == "GET":
        form.username.data = (request.args.get("username") or "")[:40]
    if form.validate_on_submit():
        user = accounts.find_user(form.username.data)
        kind = recovery.reset_password(user, form.code.data, form.password.data) if user else None
        if user is not None and kind is not None:
            security_event("password_reset", user_id=user.id, code=kind)
            _start_session(user)
            if kind == recovery.RECOVERY_CODE:
                left = recovery.unused_recovery_codes(user)
                flash(
                    ngettext(
                        "Your password is changed. You have %(num)d recovery code left.",
                        "Your password is changed. You have %(num)d recovery codes left.",
                        left,
                    ),
                    "success",
                )
            else:
                flash(_("Your password is changed. Any other device is now signed out."), "success")
            return redirect(url_for(home_for(user)), 303)
        security_event("password_reset_refused", logging.WARNING)
        form.code.errors.append(
            _("The user name or the code is not right, or the code has expired or was used.")
        )
    return render_template("auth/reset.html", form=form), form_status(form)
