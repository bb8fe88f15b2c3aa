"""Logs a machine can read: one JSON object per line, each with the request's id.

The id comes from a trusted proxy's ``X-Request-ID`` when it looks like one, else it is
made here; it is sent back in ``X-Request-ID`` so a user's report, the proxy's log, the
access log and the app's log lines can be matched. No answers, names or form data are
logged: only method, path, status and timing.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
ACCESS = logging.getLogger("readiness.request")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    """JSON lines on stderr in production (or with READINESS_LOG_FORMAT=json), else text."""
    as_json = app.config.get("LOG_FORMAT") == "json" or (
        app.config.get("LOG_FORMAT") is None and app.config.get("READINESS_ENV") == "production"
    )
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if as_json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    logger = app.logger  # "readiness": the parent of every readiness.* logger
    logger.handlers = [handler]
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logger.propagate = False

    @app.before_request
    def start() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        if app.config.get("LOG_REQUESTS"):
            milliseconds = (
                time.perf_counter() - g.get("request_started", time.perf_counter())
            ) * 1000
            ACCESS.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "fields": {
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "ms": round(milliseconds, 1),
                    }
                },
            )
        return response
