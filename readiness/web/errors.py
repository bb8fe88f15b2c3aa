"""Error pages that say what went wrong without revealing internals."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from readiness.logs import security_event

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist, or you do not have access to it."),
    405: _l("This action cannot be done from here."),
    415: _l("This address only takes forms sent from its own pages."),
    413: _l("What you sent is too large. Please shorten your answers and try again."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("Something went wrong on our side. Your saved answers are safe; please try again."),
}


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    text = message or str(MESSAGES.get(status, MESSAGES[400]))
    if request_ctx.url_adapter is None:
        # No URLs can be built for this request (its Host is not trusted): the page
        # template would fail, so answer in plain text.
        return escape(text), status
    return render_template("errors/error.html", status=status, message=text), status


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        return render_error(exc.code or 500)

    @app.errorhandler(413)
    def too_large(_exc: HTTPException) -> tuple[str, int]:
        if not request.mimetype.startswith("multipart/"):
            return render_error(413)
        limit = app.config.get("MAX_CONTENT_LENGTH") or 0
        return render_error(
            413,
            _(
                "The files are larger than %(limit)s together. Send fewer or smaller files, "
                "or a ZIP of them.",
                limit=f"{limit / (1024 * 1024):g} MB",
            ),
        )

    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError) -> tuple[str, int]:
        security_event("csrf_refused", logging.WARNING, path=request.path)
        return render_error(
            400,
            _(
                "This form has expired or was sent from another site. "
                "Please go back, reload the page and try again."
            ),
        )

    @app.errorhandler(Exception)
    def server_error(exc: Exception) -> tuple[str, int]:
        app.logger.exception("unhandled error", exc_info=exc)
        return render_error(500)
