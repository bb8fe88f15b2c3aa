"""Public pages: the landing page, the language switch and the health check."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from readiness.extensions import db
from readiness.i18n import LOCALES
from readiness.queue import redis_answers
from readiness.services.database import database_answers
from readiness.state import current_state
from readiness.web.auth import home_for
from readiness.web.forms import ActionForm
from readiness.web.language import choose_locale, remember_locale
from readiness.web.navigation import safe_next_url

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for(home_for(current_user)))
    return render_template("index.html", definition=current_state().definitions.default)


@bp.get("/manifest.webmanifest")
def manifest() -> ResponseReturnValue:
    """The web app manifest: readiness can be added to a phone's home screen."""
    body = {
        "name": "readiness",
        "short_name": "readiness",
        "start_url": url_for("intern.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f5f7fa",
        "theme_color": "#0b6e4f",
        "icons": [
            {
                "src": url_for("static", filename=f"icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    response = current_app.response_class(json.dumps(body), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def service_worker() -> ResponseReturnValue:
    """The service worker, served from the root so that it may look after every page."""
    script = Path(current_app.static_folder or "", "sw.js").read_bytes()  # 3 KB, read whole
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # a new version is picked up at once
    return response


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Process alive: no database or Redis call (a load balancer's liveness check)."""
    return {"status": "ok"}, 200


@bp.get("/readyz")
def readyz() -> tuple[dict[str, str], int]:
    """Ready to serve: the database answers and, when configured, Redis does too.

    503 names what failed (not why: error details go to the log, not to the caller).
    """
    checks = {"database": _database_ready(), "redis": _redis_ready()}
    ready = all(state in ("ok", "not configured") for state in checks.values())
    return {"status": "ready" if ready else "not ready", **checks}, 200 if ready else 503


def _database_ready() -> str:
    return "ok" if database_answers() else "failing"


def _redis_ready() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    return "ok" if redis_answers(url) else "failing"


@bp.post("/language")
def switch_language() -> ResponseReturnValue:
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
