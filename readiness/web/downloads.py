"""File downloads with safe names and headers that keep personal data out of caches."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Response

from readiness.i18n import select_locale
from readiness.models import Assessment
from readiness.reports.pool import RenderError
from readiness.services.report_store import report_pdf
from readiness.state import current_state
from readiness.web.errors import render_error

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """A download name of letters, digits, '.', '_' and '-' only (no paths, quotes or CRLF)."""
    cleaned = _UNSAFE.sub("-", name).strip(".-") or "download"
    return cleaned[:120]


def attachment(body: bytes | str | Iterator[str], mimetype: str, filename: str) -> Response:
    """A download with a safe file name, kept out of every cache (it holds personal data)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def pdf_response(pdf: bytes, filename: str) -> Response:
    return attachment(pdf, "application/pdf", filename)


def plan_pdf_download(
    assessment: Assessment,
    filename_prefix: str,
    unavailable: str,
    languages: tuple[str, str | None] | None = None,
) -> Response | tuple[str, int]:
    """A submitted assessment's plan PDF as a download, or the error page that says why not.

    ``unavailable`` is the 503 message, with ``%(reason)s`` for what the PDF worker reported.
    ``languages`` are the PDF's language and a second one beside it (default: the page's).
    """
    locale, also = languages or (select_locale(), None)
    state = current_state()
    definition = state.definitions.get(assessment.questionnaire_id)
    if not assessment.is_submitted or definition is None:
        return render_error(404)
    try:
        pdf, report_id = report_pdf(
            assessment, definition, state.renderer, locale, state.render_pool, state.rates, also
        )
    except LookupError:
        return render_error(404)
    except RenderError as exc:
        return render_error(503, unavailable % {"reason": exc})
    return pdf_response(pdf, f"{filename_prefix}{report_id}.pdf")
