"""Each request's id, and a log line for refusals (and every request, when asked).

The id comes from a trusted proxy's ``X-Request-ID`` when it looks like one, else it is
made here; it is sent back in ``X-Request-ID`` so a user's report, the proxy's log, the
access log and the app's log lines can be matched.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, current_app, g, request
from flask_login import current_user

from readiness.logs import security_event

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
ACCESS = logging.getLogger("readiness.request")
#: Responses that are a refusal worth a line of their own (403: wrong role; 429: too many).
REFUSALS = {403: "access_refused", 429: "rate_limited"}


def start_request() -> None:
    """The request's id: a configured proxy's, when it sent a plausible one (a client's
    own would let anyone write the id of another request into the logs), else a new one."""
    given = request.headers.get("X-Request-ID", "") if current_app.config.get("PROXY_HOPS") else ""
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def finish_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "-")
    refused = REFUSALS.get(response.status_code)
    if refused:
        security_event(
            refused,
            logging.WARNING,
            path=request.path,
            status=response.status_code,
            user_id=current_user.id if current_user.is_authenticated else None,
        )
    return response


def log_request(response: Response) -> Response:
    """One line per request (READINESS_LOG_REQUESTS; gunicorn's access log has one too)."""
    milliseconds = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
    fields = {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "ms": round(milliseconds, 1),
    }
    ACCESS.info(
        "%s %s %s", request.method, request.path, response.status_code, extra={"fields": fields}
    )
    return response


def register(app: Flask) -> None:
    app.before_request(start_request)
    app.after_request(finish_request)
    if app.config.get("LOG_REQUESTS"):
        app.after_request(log_request)
