"""What a request body may be: a browser's form, within the size limit however it is sent.

Every state-changing route of readiness takes an HTML form (URL-encoded, or multipart
where a file is uploaded). A JSON or other body would otherwise reach the forms through
Flask-WTF and skip the checks that look at the posted form (issue 15); it gets 415.

A body sent in chunks has no Content-Length for Werkzeug to check against
``MAX_CONTENT_LENGTH``, and its form parser stops reading at the limit without a word:
the request was cut and processed. :class:`ChunkedBodyLimit` reads such a body first
(at most the limit and one byte more) and has it refused with 413 when it is longer.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, abort, current_app, request

#: The body types a browser's form sends.
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
#: Set in the WSGI environ when a chunked body was longer than the limit.
TOO_LARGE = "readiness.body_too_large"
CHUNK = 64 * 1024


class ChunkedBodyLimit:
    """WSGI middleware: a body without Content-Length is read up to ``limit`` + 1 bytes
    and handed on with its length, or marked too large (and dropped)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        # A server that de-chunks bodies itself says so with wsgi.input_terminated
        # (gunicorn, always); the development server only sets it for chunked bodies.
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        terminated = bool(environ.get("wsgi.input_terminated")) and environ.get(
            "REQUEST_METHOD"
        ) not in ("GET", "HEAD", "OPTIONS")
        # With Transfer-Encoding: chunked, a Content-Length means nothing (RFC 9112 6.3).
        if chunked or (terminated and not environ.get("CONTENT_LENGTH")):
            body = _read_at_most(environ["wsgi.input"], self.limit + 1)
            if len(body) > self.limit:
                environ[TOO_LARGE] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


def _read_at_most(stream: Any, size: int) -> bytes:
    parts: list[bytes] = []
    left = size
    while left > 0:
        part = stream.read(min(CHUNK, left))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def refuse_bad_bodies() -> None:
    """413 for a body over the limit, whatever its type, route or method; 415 for a body
    that is not a form; 400 for a NUL character anywhere in the URL or the form (no
    person types one, and PostgreSQL refuses it in text)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.environ.get(TOO_LARGE) or (limit and (request.content_length or 0) > limit):
        abort(413)
    if "\x00" in request.path or any("\x00" in v for v in _all_values(request.args)):
        abort(400)
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if request.content_length and request.mimetype not in FORM_TYPES:
        abort(415)
    if any("\x00" in v for v in _all_values(request.form)):
        abort(400)


def _all_values(values: Any) -> Iterable[str]:
    for key, items in values.lists():
        yield key
        yield from items


def register(app: Flask) -> None:
    # First of all hooks (before the CSRF check): the body is refused, whatever it holds.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_bad_bodies)
    limit = app.config.get("MAX_CONTENT_LENGTH")
    if limit:
        app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, int(limit))  # type: ignore[method-assign]
