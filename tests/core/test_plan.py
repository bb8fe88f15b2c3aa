"""The action-plan builder on hand-checked cases (real questionnaire, rules, plan and catalogue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from readiness.core.dates import add_months
from readiness.core.definitions import AssessmentDefinition
from readiness.core.plan.builder import ActionPlan, build_action_plan, next_test_date
from readiness.core.scoring import Scorer

TODAY = dt.date(2026, 11, 24)
VIETNAM_ONLY = {
    "vbsp_job_creation_loan",
    "vn_overseas_employment_fund",
    "im_japan_vn_alumni",
    "phan_recareer",
    "colab_vietnam",
}
OTHER_COUNTRIES = {
    "kur_people_business_credit",
    "owwa_edlp",
    "np_soft_loan",
    "ikapeksi",
    "bp3mi_pmi_purna",
    "nabil_migrant_loan",
    "kh_migrant_resource_centres",
}


def plan_for(
    definition: AssessmentDefinition, answers: dict[str, Any], today: dt.date = TODAY
) -> ActionPlan:
    card = Scorer(definition).score(answers, today)
    return build_action_plan(definition, card, answers, today)


@pytest.fixture
def ssw_vietnam(full_answers: dict[str, Any]) -> dict[str, Any]:
    """An SSW (i) worker from Vietnam, 8 months before return, with a savings gap."""
    answers = {
        **full_answers,
        "programme": "ssw1",
        "ssw_test": "not_taken",
        "planned_return": "2027-07-24",
    }
    del answers["skills_test"]
    return answers


def test_ssw_worker_from_vietnam_with_8_months_left(
    definition: AssessmentDefinition, ssw_vietnam: dict[str, Any]
) -> None:
    """Savings 900,000 + 60,000 x 8 - debt 250,000 = 1,130,000 at return, 1,870,000 short of
    3,000,000; closing that would need 233,750 more a month, above the 100,000 a month a
    worker can save, so the plan points to Vietnamese loans and grants."""
    plan = plan_for(definition, ssw_vietnam)
    assert (plan.months_left, plan.return_date, plan.country) == (8, "2027-07-24", "vn")
    savings = plan.savings
    assert savings.projected_at_return == 900_000 + 60_000 * 8 - 250_000
    assert savings.gap == 3_000_000 - 1_130_000
    assert savings.extra_monthly_needed == 233_750
    assert not savings.closes_by_saving
    assert {r.id for r in savings.loans} == {"vbsp_job_creation_loan", "im_japan_completion_grant"}
    steps = {s.id for s in plan.steps}
    assert {"take_ssw_test", "pay_off_debt", "talk_with_employer", "apply_for_loan"} <= steps
    assert "take_skills_test" not in steps  # a TITP step: not for an SSW worker
    language = plan.language
    assert (language.current, language.target) == ("n4", "n3")
    assert language.test_date == "2027-07-04"  # first Sunday of July, before the return
    assert language.before_return


def test_biggest_gaps_come_first(
    definition: AssessmentDefinition, ssw_vietnam: dict[str, Any]
) -> None:
    plan = plan_for(definition, ssw_vietnam)
    scores = [d.score for d in plan.dimensions]
    assert scores == sorted(scores)
    assert plan.dimensions[0].id == "network"


def test_resources_fit_the_interns_country(
    definition: AssessmentDefinition, ssw_vietnam: dict[str, Any]
) -> None:
    plan = plan_for(definition, ssw_vietnam)
    ids = {r.id for r in plan.resources}
    assert ids & VIETNAM_ONLY
    assert not ids & OTHER_COUNTRIES
    indonesian = plan_for(definition, {**ssw_vietnam, "home_country": "id"})
    indonesian_ids = {r.id for r in indonesian.resources}
    assert "kur_people_business_credit" in indonesian_ids
    assert not indonesian_ids & VIETNAM_ONLY


def test_every_resource_says_why_it_was_chosen(
    definition: AssessmentDefinition, ssw_vietnam: dict[str, Any]
) -> None:
    plan = plan_for(definition, ssw_vietnam)
    loan = next(r for r in plan.resources if r.id == "vbsp_job_creation_loan")
    assert loan.reason["en"] == "for Vietnam · helps Financing (you: Developing) · after you return"
    assert loan.reason["ja"].startswith("ベトナム向け")
    assert loan.uncertain  # the decree may have changed: shown as "please verify"


def test_timeline_runs_from_today_to_a_year_after_return(
    definition: AssessmentDefinition, ssw_vietnam: dict[str, Any]
) -> None:
    plan = plan_for(definition, ssw_vietnam)
    dates = [m.date for m in plan.timeline]
    assert dates == sorted(dates)
    assert dates[0] == "2026-11-24"
    assert "2027-07-24" in dates
    assert dates[-1] == "2028-07-24"
    in_japan = [s.due for s in plan.steps if s.phase == "in_japan"]
    assert all("2026-11-24" < due < "2027-07-24" for due in in_japan)
    after = [s.due for s in plan.steps if s.phase == "after_return"]
    assert all("2027-07-24" < due <= "2028-07-24" for due in after)


def test_a_gap_that_saving_can_close(
    definition: AssessmentDefinition, ssw_vietnam: dict[str, Any]
) -> None:
    """Needing 1,500,000: 370,000 short, 46,250 more a month makes 106,250 > 100,000 -> no;
    needing 1,400,000: 270,000 short, 33,750 more makes 93,750 a month -> yes."""
    close = plan_for(definition, {**ssw_vietnam, "capital_needed": 1_400_000}).savings
    assert (close.gap, close.extra_monthly_needed, close.closes_by_saving) == (
        270_000,
        33_750,
        True,
    )
    assert close.loans == ()
    far = plan_for(definition, {**ssw_vietnam, "capital_needed": 1_500_000}).savings
    assert not far.closes_by_saving
    covered = plan_for(definition, {**ssw_vietnam, "capital_needed": 1_000_000}).savings
    assert (covered.gap, covered.closes_by_saving) == (0, True)


def test_unknown_capital_asks_for_an_estimate(
    definition: AssessmentDefinition, ssw_vietnam: dict[str, Any]
) -> None:
    answers = {k: v for k, v in ssw_vietnam.items() if k != "capital_needed"}
    plan = plan_for(definition, answers)
    assert plan.savings.capital_needed is None
    assert "estimate_capital" in {s.id for s in plan.steps}


def test_a_test_date_after_return_says_so(
    definition: AssessmentDefinition, ssw_vietnam: dict[str, Any]
) -> None:
    plan = plan_for(definition, {**ssw_vietnam, "planned_return": "2027-02-01"})
    assert plan.language.test_date == "2027-07-04"
    assert not plan.language.before_return


def test_stale_resources_are_marked(
    definition: AssessmentDefinition, ssw_vietnam: dict[str, Any]
) -> None:
    later = dt.date(2028, 6, 1)  # more than 365 days after every last_checked
    plan = plan_for(definition, {**ssw_vietnam, "planned_return": "2029-01-01"}, later)
    assert plan.resources
    assert all(r.stale for r in plan.resources)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 11, 24), dt.date(2027, 7, 4)),  # 3 months ahead: Feb 2027 -> July
        (dt.date(2026, 3, 1), dt.date(2026, 7, 5)),  # June 1 -> first Sunday of July 2026
        (dt.date(2026, 8, 10), dt.date(2026, 12, 6)),
    ],
)
def test_next_jlpt_date(today: dt.date, expected: dt.date) -> None:
    assert next_test_date(today, [7, 12], 3) == expected


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 24), 14) == dt.date(2028, 1, 24)
