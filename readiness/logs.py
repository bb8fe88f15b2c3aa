"""Logs a machine can read: one JSON object per line, each with the request's id.

Formatters, the request-id filter and security events; the request hooks that set the
id and write one line per request are in :mod:`readiness.web.request_log`. No answers,
names or form data are logged: only method, path, status and timing.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from flask import Flask, g, has_request_context


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


SECURITY = logging.getLogger("readiness.security")


def security_event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """One line for a security-relevant event (sign-in, refusal...): ids and paths only.

    Never a user name, password, answer or other personal value (ASVS 16.2.5): a
    failed sign-in is logged without the name that was typed.
    """
    SECURITY.log(level, event, extra={"fields": {"event": event, **fields}})


def _utc(seconds: float | None) -> time.struct_time:
    return time.gmtime(seconds)


#: Characters that could start a fake line or drive a terminal: C0 and C1 controls,
#: DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(text: str) -> str:
    return _CONTROL.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 256 else f"\\u{ord(m[0]):04x}", text
    )


class TextFormatter(logging.Formatter):
    """Readable lines in UTC; no control character inside a message reaches the line."""

    converter = staticmethod(_utc)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        """The line before any traceback: escaped, with a security event's fields."""
        line = _escaped(super().formatMessage(record))
        fields = getattr(record, "fields", None)
        if fields and record.name == SECURITY.name:
            line += " " + " ".join(f"{k}={v!r}" for k, v in fields.items() if k != "event")
        return line


class JsonFormatter(logging.Formatter):
    converter = staticmethod(_utc)  # times in UTC, whatever the server's time zone

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%SZ"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # ASCII only: every control character, and even a lone surrogate from a
        # malformed request, is written as an escape; one record is one valid JSON line.
        return json.dumps(entry, ensure_ascii=True, default=str)


def configure_logging(app: Flask) -> None:
    """JSON lines on stderr in production (or with READINESS_LOG_FORMAT=json), else text."""
    as_json = app.config.get("LOG_FORMAT") == "json" or (
        app.config.get("LOG_FORMAT") is None and app.config.get("READINESS_ENV") == "production"
    )
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if as_json
        else TextFormatter("%(asctime)sZ %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    logger = app.logger  # "readiness": the parent of every readiness.* logger
    logger.handlers = [handler]
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logger.propagate = False
