"""Home currencies and the configured exchange rates: checked like the definition files."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness.core.errors import IssueList
from readiness.core.money import currency_of, load_rates


def test_each_country_of_the_questionnaire_has_its_currency() -> None:
    countries = ["vn", "id", "ph", "mm", "np", "kh", "th", "cn", "lk", "bd", "mn"]
    assert [currency_of(c) for c in countries] == [
        "VND", "IDR", "PHP", "MMK", "NPR", "KHR", "THB", "CNY", "LKR", "BDT", "MNT",
    ]  # fmt: skip
    assert currency_of("other") is None
    assert currency_of(None) is None


def test_a_rates_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "rates.yaml"
    path.write_text('as_of: "2026-11-20"\nsource: "test bank"\nper_yen: {VND: 170.5, IDR: 105}\n')
    issues = IssueList()
    rates = load_rates(path, issues)
    assert not issues.errors
    assert rates.as_of == "2026-11-20"
    assert rates.convert(1000, "VND") == pytest.approx(170_500)
    assert rates.convert(1000, "PHP") is None  # no rate configured: yen only
    other = tmp_path / "other.yaml"
    other.write_text(path.read_text().replace("170.5", "171"))
    assert load_rates(other, IssueList()).fingerprint != rates.fingerprint


def test_every_problem_in_a_rates_file_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rates.yaml"
    path.write_text("as_of: 2099-01-01\nper_yen:\n  VND: -3\n  XYZ: 2\n  dong: 1\nrate: 1\n")
    issues = IssueList()
    assert load_rates(path, issues) is None
    messages = [str(issue) for issue in issues.errors]
    assert any(":1:" in m and "in the future" in m for m in messages)
    assert any(":3:" in m and "positive number" in m for m in messages)
    assert any(":4:" in m and "'XYZ' is not an ISO 4217" in m for m in messages)
    assert any(":5:" in m and "'dong'" in m for m in messages)
    assert any("unknown field 'rate'" in m for m in messages)
    assert any("source" in m for m in messages)
    assert all(m.startswith(str(path)) and "RATE_001" in m for m in messages)
