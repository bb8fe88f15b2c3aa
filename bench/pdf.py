"""PDF benchmark: the same plan document measured four ways, in one run.

- warm render: HTML + layout + PDF with a shared FontConfiguration (the app's way);
- layout only: WeasyPrint's ``render()`` without writing the PDF;
- floor: a bare one-paragraph PDF;
- cached download: GET of an already rendered plan through the app.

Usage: .venv/bin/python bench/pdf.py [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable

import weasyprint
from demo_app import signed_in_demo_client

from readiness.config import PROJECT_ROOT
from readiness.core.definitions import require_definitions
from readiness.core.plan.builder import build_action_plan
from readiness.core.scoring import Scorer
from readiness.reports.render import ReportData, ReportRenderer
from readiness.services.demo import demo_answer_sets


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sample_report() -> ReportData:
    """The hand-checked case: an SSW worker from Vietnam, 8 months before return."""
    definition = require_definitions(PROJECT_ROOT / "questionnaires").default
    answers = {
        **demo_answer_sets()["base"],
        "programme": "ssw1",
        "ssw_test": "not_taken",
        "planned_return": "2027-07-24",
    }
    del answers["skills_test"]
    today = dt.date(2026, 11, 24)
    card = Scorer(definition).score(answers, today)
    plan = build_action_plan(definition, card, answers, today)
    return ReportData(
        "RD-000001-bench000", "Nguyễn Văn An", "—", today.isoformat(), "en", card, plan
    )


def cached_download_seconds(runs: int) -> float:
    with signed_in_demo_client("demo-ready") as (_app, client):
        url = "/assessments/4/plan.pdf"
        assert client.get(url).status_code == 200  # renders and stores it once
        return median_seconds(lambda: client.get(url), runs * 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    renderer = ReportRenderer(PROJECT_ROOT / "templates", PROJECT_ROOT / "static")
    data = sample_report()
    pdf = renderer.render_pdf(data)  # warm-up: fonts, templates
    pages = renderer.layout_only(data)
    warm = median_seconds(lambda: renderer.render_pdf(data), runs)
    layout = median_seconds(lambda: renderer.layout_only(data), runs)
    floor = median_seconds(
        lambda: weasyprint.HTML(string="<p>Hello</p>").write_pdf(font_config=renderer.font_config),
        runs,
    )
    cached = cached_download_seconds(runs)
    print(f"plan document: {pages} pages, {len(pdf):,} bytes (WeasyPrint {weasyprint.__version__})")
    print(f"warm render:      {warm * 1000:7.0f} ms (aim: < 400 ms for a 3-page plan)")
    print(
        f"layout only:      {layout * 1000:7.0f} ms -> render = {warm / layout:.2f}x layout "
        f"(aim: <= 2.5x)"
    )
    print(f"bare 1-line PDF:  {floor * 1000:7.1f} ms (the floor)")
    print(f"cached download:  {cached * 1000:7.1f} ms (aim: < 20 ms)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
