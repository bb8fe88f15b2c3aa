"""Public pages: the landing page, the language switch and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from readiness.extensions import db
from readiness.web.auth import home_for
from readiness.web.forms import ActionForm
from readiness.web.i18n import LOCALES, choose_locale, remember_locale
from readiness.web.navigation import safe_next_url

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> Response | str:
    if current_user.is_authenticated:
        return redirect(url_for(home_for(current_user)))
    state = current_app.extensions["readiness"]
    return render_template("index.html", definition=state.definitions.default)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Process alive (no database call: the production issue adds /readyz for that)."""
    return {"status": "ok"}, 200


@bp.post("/language")
def switch_language() -> Response:
    """Keep the chosen language in a cookie and, when signed in, on the profile.

    Questionnaire pages send their answers with the choice instead (the page's own
    "language" action), so a draft is saved rather than lost.
    """
    form = ActionForm()
    locale = request.form.get("locale", "")
    target = safe_next_url(request.form.get("next"), url_for("pages.index"))
    if not form.validate() or locale not in LOCALES:
        return redirect(target, 303)
    choose_locale(locale)
    db.session.commit()
    return remember_locale(redirect(target, 303), locale)
