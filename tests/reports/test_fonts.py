"""Every locale's text prints with real glyphs in the PDF: no missing-glyph boxes."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
import weasyprint

from readiness.core.locales import LOCALES
from readiness.core.model import localize
from readiness.reports.fetcher import StaticFileFetcher
from readiness.reports.formatting import heading
from tests.fixtures.pdf import pdf_text, uncovered_characters

STATIC = Path(__file__).resolve().parents[2] / "static"


def sample_text(definition, locale: str) -> str:
    """Real content in ``locale``: the title, the description, a question, a heading."""
    questionnaire = definition.questionnaire
    parts = [
        localize(questionnaire.title, locale),
        localize(questionnaire.description, locale),
        localize(questionnaire.pages[0].questions[0].label, locale),
        heading("plan", locale, bilingual=True),
    ]
    return "\n".join(parts)


def render(text: str, locale: str) -> bytes:
    """A PDF of ``text`` with the plan PDF's stylesheet and URL fetcher."""
    body = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
    html = (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="report.css"></head><body>{body}</body></html>'
    )
    return weasyprint.HTML(
        string=html, base_url=STATIC.as_uri() + "/", url_fetcher=StaticFileFetcher(STATIC)
    ).write_pdf()


@pytest.mark.parametrize("locale", list(LOCALES))
def test_every_character_has_a_glyph_in_the_embedded_fonts(definition, locale: str) -> None:
    text = sample_text(definition, locale)
    pdf = render(text, locale)
    assert uncovered_characters(pdf, text) == set()
    assert localize(definition.questionnaire.title, locale)[:6] in pdf_text(pdf).replace("\n", "")


def test_a_character_no_font_has_is_caught() -> None:
    """The check itself: a private-use character has no glyph in any installed font."""
    pdf = render("Tiếng Việt \ue000", "vi")
    assert uncovered_characters(pdf, "Tiếng Việt \ue000") == {"\ue000"}


@pytest.mark.parametrize(
    ("locale", "sample"),
    [
        ("my", "စီးပွားရေးစတင်ရန်အသင့်ဖြစ်ပါသလား"),
        ("km", "តើអ្នករួចរាល់ដើម្បីចាប់ផ្តើមអាជីវកម្មនៅផ្ទះហើយឬនៅ"),
        ("ne", "के तपाईं घर फर्केर व्यवसाय सुरु गर्न तयार हुनुहुन्छ?"),
    ],
)
def test_scripts_of_the_next_locales_have_fonts(locale: str, sample: str) -> None:
    """Burmese, Khmer and Nepali print too, ahead of their translations."""
    pdf = render(sample, locale)
    assert uncovered_characters(pdf, sample) == set()


@pytest.mark.parametrize(
    ("locale", "run"),
    [("my", "စီးပွားရေးစတင်ရန်အသင့်ဖြစ်ပါသလား"), ("km", "ចាប់ផ្តើមអាជីវកម្មនៅស្រុកកំណើត")],
)
def test_scripts_without_spaces_wrap_inside_the_page(locale: str, run: str) -> None:
    """A long run of Burmese or Khmer with no space breaks into lines that fit the page."""
    html = (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="report.css"></head><body><p>{run * 12}</p></body></html>'
    )
    document = weasyprint.HTML(
        string=html, base_url=STATIC.as_uri() + "/", url_fetcher=StaticFileFetcher(STATIC)
    ).render()
    page = document.pages[0]._page_box
    right_edge = page.content_box_x() + page.width
    lines = [box for box in boxes(page) if type(box).__name__ == "LineBox"]
    assert len(lines) > 1
    assert max(line.position_x + line.width for line in lines) <= right_edge + 0.5


def boxes(box: object) -> list[object]:
    """A layout box and everything inside it."""
    found = [box]
    for child in getattr(box, "children", None) or []:
        found += boxes(child)
    return found
