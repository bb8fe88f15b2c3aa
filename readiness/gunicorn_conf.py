"""gunicorn settings for readiness (``make serve``; every value can be overridden).

    gunicorn -c python:readiness.gunicorn_conf readiness.wsgi:app

Workers: two per core plus one (``READINESS_WORKERS``). The timeout is above the PDF
worker's own limit (``READINESS_PDF_TIMEOUT``, 30 s), so a slow PDF gets its own clear
error before gunicorn would kill the worker. Workers are recycled now and then so a
leak cannot grow forever. The access log is one JSON line per request, with the id
the app sends back in ``X-Request-ID``.
"""

from __future__ import annotations

import multiprocessing
import os

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
access_log_format = (
    '{"time": "%(t)s", "request_id": "%({x-request-id}o)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s, "remote": "%(h)s"}'
)
