"""What the shipped plan says: steps for the intern's trade, programmes for every country,
and never a heading with nothing under it (real questionnaire, rules, plan and catalogue)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from readiness.config import PROJECT_ROOT
from readiness.core.definitions import AssessmentDefinition, require_definitions
from readiness.core.model import ChoiceQuestion, localize
from readiness.core.plan.builder import build_action_plan
from readiness.core.plan.model import ANY
from readiness.core.plan.report import NEEDED, catalogue_report, group_of
from readiness.core.plan.result import ActionPlan
from readiness.core.scoring import Scorer
from readiness.reports.formatting import label
from readiness.reports.render import ReportData, ReportRenderer
from readiness.services.demo import demo_answer_sets
from tests.fixtures import QUESTIONNAIRES

TODAY = dt.date(2026, 11, 24)


def plan_for(definition: AssessmentDefinition, answers: dict[str, Any]) -> ActionPlan:
    card = Scorer(definition).score(answers, TODAY)
    return build_action_plan(definition, card, answers, TODAY)


def options(definition: AssessmentDefinition, role: str) -> list[str]:
    assert definition.plan is not None
    question = definition.questions[getattr(definition.plan.plan.profile, role)]
    assert isinstance(question, ChoiceQuestion)
    return [option.id for option in question.options]


def step_ids(plan: ActionPlan) -> set[str]:
    return {step.id for step in plan.steps}


@pytest.fixture(scope="module")
def plans_by_field(definition_module, answers_module) -> dict[str, ActionPlan]:
    return {
        field: plan_for(definition_module, {**answers_module, "field": field})
        for field in options(definition_module, "field")
    }


@pytest.fixture(scope="module")
def definition_module() -> AssessmentDefinition:
    return require_definitions(QUESTIONNAIRES).default


@pytest.fixture(scope="module")
def answers_module() -> dict[str, Any]:
    return dict(demo_answer_sets()["base"])


def test_every_field_gets_steps_of_its_own_in_japan_and_after_return(
    plans_by_field: dict[str, ActionPlan],
) -> None:
    """For each field the questionnaire offers: a certificate or practice step in Japan and
    a first-business step after return that a worker of another field does not get."""
    seen = Counter(step_id for plan in plans_by_field.values() for step_id in step_ids(plan))
    for field, plan in plans_by_field.items():
        # a step only a few fields get (general steps may skip a field or two)
        own = [step for step in plan.steps if seen[step.id] <= len(plans_by_field) // 2]
        phases = Counter((step.phase, step.dimension) for step in own)
        assert phases[("in_japan", "skills")] >= 2, field  # certificates, practices to document
        assert any(phase == "after_return" for phase, _ in phases), field
        for step in own:
            for locale in ("en", "ja", "my", "km"):
                assert localize(step.title, locale).strip(), (field, step.id, locale)
            assert step.source, f"{step.id}: a trade step names where its facts come from"


def test_construction_and_care_get_different_plans(plans_by_field: dict[str, ActionPlan]) -> None:
    """The seed's two stories: a construction intern and a caregiver."""
    construction, care = plans_by_field["construction"], plans_by_field["nursing_care"]
    assert step_ids(construction) - step_ids(care)
    assert step_ids(care) - step_ids(construction)
    text = " ".join(localize(s.detail, "en") for s in construction.steps)
    assert "safety" in text.lower()
    text = " ".join(localize(s.detail, "en") for s in care.steps)
    assert "record" in text.lower()


def test_recognition_at_home_follows_the_country(
    definition_module: AssessmentDefinition, answers_module: dict[str, Any]
) -> None:
    """A Filipino caregiver hears of TESDA; a Vietnamese one does not."""
    base = {**answers_module, "field": "nursing_care"}
    philippines = plan_for(definition_module, {**base, "home_country": "ph"})
    vietnam = plan_for(definition_module, {**base, "home_country": "vn"})
    assert "TESDA" in " ".join(localize(s.detail, "en") for s in philippines.steps)
    assert "TESDA" not in " ".join(localize(s.detail, "en") for s in vietnam.steps)


def test_no_step_shows_a_heading_with_nothing_under_it(
    definition_module: AssessmentDefinition, answers_module: dict[str, Any]
) -> None:
    """Every country x field: a step that looks for programmes lists some or says why not,
    and what it picks from the catalogue is open to a returnee (never one marked 'no')."""
    plan_rules = definition_module.plan
    assert plan_rules is not None
    wants = {s.id for s in plan_rules.plan.steps if s.resources or s.match}
    resources = plan_rules.resources
    checked = 0
    for country in options(definition_module, "country"):
        for field in options(definition_module, "field"):
            plan = plan_for(
                definition_module, {**answers_module, "home_country": country, "field": field}
            )
            for step in plan.steps:
                if step.id in wants:
                    checked += 1
                    assert step.resources or step.unmatched, (country, field, step.id)
            recommended = [r for step in plan.steps for r in step.resources]
            recommended += list(plan.savings.loans if plan.savings else ())
            assert all(resources[r.id].returnee != "no" for r in recommended if not r.everywhere)
    assert checked > 0


def test_nothing_matched_says_so_and_points_to_the_general_route(
    definition_module: AssessmentDefinition, answers_module: dict[str, Any]
) -> None:
    """'Another country' has no programmes of its own: the step says so in the intern's
    language and lists the programmes open to every country instead."""
    plan = plan_for(definition_module, {**answers_module, "home_country": "other"})
    unmatched = [step for step in plan.steps if step.unmatched]
    assert unmatched, "the 'other' country should have a step with no local programme"
    for step in unmatched:
        assert all(r.everywhere for r in step.resources)
        english = localize(step.unmatched, "en")
        assert "no programme for Another country" in english
        if step.resources:
            assert "nearest general route" in english
        else:
            assert "supervising organisation" in english
        for locale in ("ja", "vi", "my", "km", "ne", "fil", "id", "ja_easy"):
            assert localize(step.unmatched, locale) != english, locale


def test_the_catalogue_covers_every_country_with_money_training_and_a_network(
    definition_module: AssessmentDefinition,
) -> None:
    plan = definition_module.plan
    assert plan is not None
    countries = [c for c in options(definition_module, "country") if c != "other"]
    report = catalogue_report(plan.catalogue, dict.fromkeys(countries, ""), TODAY)
    rows = {row.country: row for row in report.rows}
    assert report.total >= 60
    assert len(countries) >= 10
    for country in countries:
        assert rows[country].total >= 3, country
        assert rows[country].missing == [], (country, rows[country].missing)
    assert set(NEEDED) <= {group_of(r.kind) for r in plan.catalogue.resources}


def test_every_entry_says_how_to_apply_who_qualifies_and_where_it_comes_from(
    definition_module: AssessmentDefinition,
) -> None:
    plan = definition_module.plan
    assert plan is not None
    for resource in plan.catalogue.resources:
        assert resource.how_to_apply, resource.id
        assert resource.eligibility is not None, resource.id
        assert resource.cost is not None, resource.id
        assert resource.returnee in ("yes", "no", "uncertain")
        kinds = [source.kind for source in resource.sources]
        assert kinds, f"{resource.id}: structured sources"
        if "official" in kinds:
            assert kinds[0] == "official", f"{resource.id}: official page first"
        if ANY not in resource.countries and "official" in kinds:
            assert resource.contact.url in [s.url for s in resource.sources], resource.id


def test_a_gap_with_no_loan_a_returnee_can_get_says_whom_to_ask(
    definition_module: AssessmentDefinition, answers_module: dict[str, Any]
) -> None:
    """Cambodia's only loan (SME Bank) is for registered, growing firms: the savings plan does
    not offer it and says whom to ask, in the intern's language."""
    plan = plan_for(definition_module, {**answers_module, "home_country": "kh"})
    assert plan.savings is not None
    assert not plan.savings.closes_by_saving
    assert plan.savings.loans == ()
    renderer = ReportRenderer(PROJECT_ROOT / "templates", PROJECT_ROOT / "static")
    card = Scorer(definition_module).score(answers_module, TODAY)
    for locale in ("en", "km"):
        data = ReportData("RD-1", "Intern", "—", TODAY.isoformat(), locale, card, plan)
        html = renderer.render_html(data)
        assert label("no_loans", locale) in html.replace("&#39;", "'")
        assert '<ul class="loans">' not in html
