"""PDFs are rendered in a worker process with a time and memory cap (security.md T7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from readiness.config import PROJECT_ROOT
from readiness.core.definitions import AssessmentDefinition
from readiness.core.plan.builder import build_action_plan
from readiness.core.scoring import Scorer
from readiness.reports.pool import RenderError, RenderPool
from readiness.reports.render import ReportData
from readiness.state import state_of
from tests.fixtures.interns import InternBrowser


def sample(definition: AssessmentDefinition, answers: dict[str, Any]) -> ReportData:
    today = dt.date(2026, 11, 24)
    card = Scorer(definition).score(answers, today)
    plan = build_action_plan(definition, card, answers, today)
    return ReportData("RD-000001-test0000", "Test Intern", "—", today.isoformat(), "en", card, plan)


@pytest.fixture
def pool() -> RenderPool:
    pool = RenderPool(
        PROJECT_ROOT / "templates", PROJECT_ROOT / "static", timeout=60, memory_mb=768
    )
    yield pool
    pool.close()


def test_t7_the_worker_has_a_memory_cap(pool: RenderPool) -> None:
    assert pool.memory_limit_in_worker() == 768 * 1024 * 1024


def test_t7_a_render_over_its_time_limit_fails_and_the_next_one_works(
    pool: RenderPool, definition: AssessmentDefinition, full_answers: dict[str, Any]
) -> None:
    data = sample(definition, full_answers)
    with pytest.raises(RenderError, match=r"longer than 0\.001 seconds"):
        pool.render(data, timeout=0.001)
    assert pool.render(data).startswith(b"%PDF-")  # a fresh worker took over


def test_t7_the_intern_gets_a_clear_message_when_the_pdf_times_out(
    make_app: Callable[..., Flask], full_answers: dict[str, Any], definition: AssessmentDefinition
) -> None:
    slow = make_app(PDF_TIMEOUT=0.001)
    try:
        intern = InternBrowser(slow.test_client(), definition)
        intern.sign_up("in-a-hurry")
        assessment_id = intern.start()
        intern.answer_all(assessment_id, full_answers)
        intern.submit(assessment_id)
        response = intern.client.get(f"/assessments/{assessment_id}/plan.pdf")
        assert response.status_code == 503
        assert "could not be made as a PDF right now" in response.text
        assert "Your result is safe" in response.text
        assert intern.client.get(f"/assessments/{assessment_id}/result").status_code == 200
    finally:
        state_of(slow).render_pool.close()
