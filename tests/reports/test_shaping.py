"""Burmese, Khmer and Devanagari are shaped in the PDF, the chart included.

Shaping turns letters into the forms a reader expects: Khmer subscript consonants, Burmese
medials and stacked letters, Devanagari conjuncts and half forms. Text drawn letter by letter
from the font's character map shows dotted circles and vowels in the wrong place. The check
shapes each dimension name with HarfBuzz and looks for those forms' outlines among the glyphs
embedded in the PDF: they are there only if the PDF's text engine shaped the name.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import pytest
import weasyprint

from readiness.config import PROJECT_ROOT
from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import localize
from readiness.core.plan.builder import build_action_plan
from readiness.core.scoring import ScoreCard, Scorer
from readiness.reports.fetcher import StaticFileFetcher
from readiness.reports.formatting import CHART_FONTS, template_helpers
from readiness.reports.render import ReportData, ReportRenderer
from tests.fixtures.pdf import (
    SHAPED_SCRIPTS,
    embedded_outlines,
    font_file,
    pdf_text,
    save_first_page_png,
    shaped_forms,
)

STATIC = PROJECT_ROOT / "static"
SCRIPTS = SHAPED_SCRIPTS
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def renderer() -> ReportRenderer:
    return ReportRenderer(PROJECT_ROOT / "templates", STATIC)


def card_of(definition: AssessmentDefinition, answers: dict[str, Any]) -> ScoreCard:
    return Scorer(definition).score(answers, TODAY)


def pdf_of(html: str) -> bytes:
    return weasyprint.HTML(
        string=html, base_url=STATIC.as_uri() + "/", url_fetcher=StaticFileFetcher(STATIC)
    ).write_pdf()


def chart_pdf(renderer: ReportRenderer, card: ScoreCard, locale: str) -> bytes:
    """The plan PDF's chart alone: the same macro, helpers and stylesheet as the report."""
    template = renderer.env.from_string(
        '{% from "intern/_chart.html" import score_chart with context %}'
        '<!doctype html><html lang="{{ html_lang }}"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="report.css"></head>'
        "<body>{{ score_chart(card) }}</body></html>"
    )
    return pdf_of(template.render(card=card, **template_helpers(locale, bilingual=True)))


def missing_forms(pdf: bytes, labels: list[str], family: str) -> dict[str, int]:
    """For each label, how many of its shaped forms the PDF lacks."""
    present = embedded_outlines(pdf)
    path = font_file(family)
    return {label: len(shaped_forms(label, path) - present) for label in labels}


def labels_of(card: ScoreCard, locale: str) -> list[str]:
    return [localize(dimension.label, locale) for dimension in card.dimensions]


@pytest.mark.parametrize("locale", list(SCRIPTS))
def test_the_chart_draws_every_dimension_name_shaped(
    renderer: ReportRenderer, definition: AssessmentDefinition, full_answers, locale: str
) -> None:
    card = card_of(definition, full_answers)
    labels = labels_of(card, locale)
    family = SCRIPTS[locale]
    forms = sum(len(shaped_forms(label, font_file(family))) for label in labels)
    assert forms > 0, f"no {locale} dimension name needs shaping: the check would prove nothing"
    pdf = chart_pdf(renderer, card, locale)
    assert missing_forms(pdf, labels, family) == dict.fromkeys(labels, 0)


@pytest.mark.parametrize("locale", list(SCRIPTS))
def test_the_check_catches_names_drawn_letter_by_letter(
    definition: AssessmentDefinition, full_answers, locale: str
) -> None:
    """The old chart's way: names as SVG text, which WeasyPrint draws unshaped."""
    labels = labels_of(card_of(definition, full_answers), locale)
    texts = "".join(
        f'<text x="2" y="{20 * (k + 1)}" font-size="12">{escape(label)}</text>'
        for k, label in enumerate(labels)
    )
    html = (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8"></head><body>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="330" height="200" '
        f'font-family="{CHART_FONTS}">{texts}</svg></body></html>'
    )
    missing = missing_forms(pdf_of(html), labels, SCRIPTS[locale])
    assert sum(missing.values()) > 0


@pytest.mark.parametrize("locale", ["my", "km"])
def test_the_plan_pdf_is_shaped_on_every_page(
    renderer: ReportRenderer, definition: AssessmentDefinition, full_answers, locale: str
) -> None:
    """The whole plan in Burmese and Khmer: steps, programmes and headings shaped, text in
    the intern's language (no English sentence inside a Burmese or Khmer frame)."""
    card = card_of(definition, full_answers)
    plan = build_action_plan(definition, card, full_answers, TODAY)
    data = ReportData(
        "RD-000001-test0000", "Test Intern", "—", TODAY.isoformat(), locale, card, plan
    )
    pdf = renderer.render_pdf(data)
    family = SCRIPTS[locale]
    step = plan.steps[0]
    samples = [*labels_of(card, locale), localize(step.title, locale), localize(step.why, locale)]
    assert missing_forms(pdf, samples, family) == dict.fromkeys(samples, 0)
    text = pdf_text(pdf)
    assert localize(plan.steps[0].title, "en") not in text
    save_first_page_png(pdf, f"plan-{locale}-page-1")
