"""File downloads with safe names and headers that keep personal data out of caches."""

from __future__ import annotations

import re

from flask import Response

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """A download name of letters, digits, '.', '_' and '-' only (no paths, quotes or CRLF)."""
    cleaned = _UNSAFE.sub("-", name).strip(".-") or "download"
    return cleaned[:120]


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
