"""gunicorn settings for readiness (``make serve``; every value can be overridden).

    gunicorn -c python:readiness.gunicorn_conf readiness.wsgi:app

Workers: two per core plus one (``READINESS_WORKERS``). The timeout is above the PDF
worker's own limit (``READINESS_PDF_TIMEOUT``, 30 s), so a slow PDF gets its own clear
error before gunicorn would kill the worker. Workers are recycled now and then so a
leak cannot grow forever. The access log is one JSON line per request, with the id
the app sends back in ``X-Request-ID``: written by :class:`JsonAccessLogger`, which
escapes everything a client chose (path, query, headers), so no request can forge a line.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]  # no types published

bind = os.environ.get("READINESS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("READINESS_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("READINESS_THREADS", "4"))
timeout = int(os.environ.get("READINESS_WORKER_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"


class JsonAccessLogger(Logger):
    """gunicorn's logger with access lines as JSON objects (``json.dumps``, ASCII only):
    a newline, quote, backslash or control character sent by a client is escaped inside
    its string, so one request is always one valid JSON line."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.cfg.accesslog:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        status = str(resp.status).split(" ", 1)[0]
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": headers.get("x-request-id", "-"),
            "method": environ.get("REQUEST_METHOD", "-"),
            "path": environ.get("PATH_INFO", "-"),
            "query": environ.get("QUERY_STRING", ""),
            "status": int(status) if status.isascii() and status.isdigit() else status,
            "bytes": getattr(resp, "sent", 0),
            "ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR", "-"),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
            "referer": environ.get("HTTP_REFERER", ""),
        }
        try:
            self.access_log.info(json.dumps(entry, ensure_ascii=True))
        except Exception:
            self.exception("could not write the access log line")


logger_class = JsonAccessLogger
