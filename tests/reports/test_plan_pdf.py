"""The plan PDF as an intern downloads it: what a reader must find, and what must not happen."""

from __future__ import annotations

import re
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from readiness.extensions import db
from readiness.models import ReportPDF
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser
from tests.fixtures.pdf import (
    pdf_fonts,
    pdf_has_attachments,
    pdf_pages,
    pdf_text,
    save_first_page_png,
)


@pytest.fixture
def vietnamese_intern(client, definition) -> InternBrowser:
    browser = InternBrowser(client, definition)
    browser.sign_up("nguyen", display_name="Nguyễn Văn An")
    return browser


def submitted(intern: InternBrowser, answers: dict[str, Any]) -> int:
    assessment_id = intern.start()
    intern.answer_all(assessment_id, answers)
    assert intern.submit(assessment_id).status_code == 303
    return assessment_id


def download(intern: InternBrowser, assessment_id: int) -> bytes:
    response = intern.client.get(f"/assessments/{assessment_id}/plan.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="readiness-plan-RD-\d{6}-[0-9a-f]{8}\.pdf"',
        response.headers["Content-Disposition"],
    )
    assert response.headers["Cache-Control"] == "no-store"
    return response.data


def test_the_pdf_holds_what_a_reader_needs(
    vietnamese_intern: InternBrowser, full_answers: dict[str, Any], app: Flask
) -> None:
    """Name, every dimension's score, Vietnamese programmes and none for other countries."""
    assessment_id = submitted(vietnamese_intern, full_answers)
    pdf = download(vietnamese_intern, assessment_id)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Nguyễn Văn An" in text
    result = vietnamese_intern.client.get(f"/assessments/{assessment_id}/result").text
    for label, score in re.findall(r'<h2>([^<]+?) <span class="score">(\d+)</span>', result):
        assert f"{label.strip()} {score}/100" in text
    assert "Job-creation loan (Decree 338/2025)" in text
    assert "How to apply" in text
    assert "Sources" in text
    assert "Start and Improve Your Business" in text
    for other in ("People's Business Credit", "OWWA", "Nabil", "IKAPEKSI"):
        assert other not in text
    assert "行動計画" in text
    assert "貯金計画" in text
    assert re.search(r"RD-\d{6}-[0-9a-f]{8}", text)  # footer report id
    assert 2 <= pdf_pages(pdf) <= 10  # with how to apply and sources for every programme
    assert any(font.startswith("Noto-Sans-CJK-JP") for font in pdf_fonts(pdf))
    png = save_first_page_png(pdf, "plan-page-1")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_the_pdf_is_rendered_once_and_then_served_from_the_cache(
    vietnamese_intern: InternBrowser, full_answers: dict[str, Any], app: Flask
) -> None:
    assessment_id = submitted(vietnamese_intern, full_answers)
    first = download(vietnamese_intern, assessment_id)
    second = download(vietnamese_intern, assessment_id)
    assert first == second
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReportPDF)) == 1
    page = vietnamese_intern.client.get("/me").text
    vietnamese_intern.client.post(
        "/language", data={"csrf_token": csrf_token(page), "locale": "ja", "next": "/me"}
    )
    japanese = download(vietnamese_intern, assessment_id)
    step_in_japanese = "勤務先と話す"  # part of the title of the step about the employer
    assert step_in_japanese not in pdf_text(first).replace("\n", "")
    assert step_in_japanese in pdf_text(japanese).replace("\n", "")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReportPDF)) == 2


def test_only_the_owner_downloads_and_only_when_submitted(
    app: Flask, vietnamese_intern: InternBrowser, full_answers: dict[str, Any]
) -> None:
    draft = vietnamese_intern.start()
    assert vietnamese_intern.client.get(f"/assessments/{draft}/plan.pdf").status_code == 404
    vietnamese_intern.answer_all(draft, full_answers)
    vietnamese_intern.submit(draft)
    other = InternBrowser(app.test_client(), vietnamese_intern.definition)
    other.sign_up("someone-else")
    assert other.client.get(f"/assessments/{draft}/plan.pdf").status_code == 404
    assert app.test_client().get(f"/assessments/{draft}/plan.pdf").status_code == 302


def test_hostile_text_is_shown_as_text_and_fetches_nothing(
    client,
    definition,
    full_answers: dict[str, Any],
    counting_server: ThreadingHTTPServer,
) -> None:
    """A name that is HTML (T4, T5): printed literally; no request, no file, no attachment."""
    port = counting_server.server_port
    name = f'<img src="file:///etc/passwd"><link href="http://127.0.0.1:{port}/">'
    intern = InternBrowser(client, definition)
    intern.sign_up("hostile", display_name=name[:100])
    assessment_id = submitted(
        intern,
        {
            **full_answers,
            "home_region": f"<style>@import url(http://127.0.0.1:{port}/a.css)</style>",
            "coordinator_note": "{{ 7*7 }} <script>alert(1)</script>",
        },
    )
    pdf = download(intern, assessment_id)
    assert counting_server.hits == []  # type: ignore[attr-defined]
    text = pdf_text(pdf)
    assert '<img src="file:///etc/passwd">' in text
    assert "root:x:0:0" not in text
    assert not pdf_has_attachments(pdf)
    result = intern.client.get(f"/assessments/{assessment_id}/result").text
    assert "<style>@import" not in result
    assert "<script>alert(1)" not in result
