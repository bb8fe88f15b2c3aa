"""Whatever passes check works: generated definition sets with ids, dimensions, question
types, conditions and plan rules of their own load, score and give a plan."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.core.definitions import load_definition_texts
from readiness.core.plan.builder import build_action_plan
from readiness.core.points import whole
from readiness.core.scoring import Scorer
from tests.fixtures.generated_definitions import GeneratedSet, answer_sets, definition_sets

TODAY = dt.date.today()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definition_sets(), st.data())
def test_every_generated_set_passes_check_scores_and_plans(
    generated: GeneratedSet, data: st.DataObject
) -> None:
    definitions, issues = load_definition_texts(generated.as_bytes())
    assert issues.errors == [], "\n".join(str(i) for i in issues.errors)
    assert definitions is not None
    definition = definitions.default
    answers = data.draw(answer_sets(generated))
    card = Scorer(definition).score(answers, TODAY)
    assert 0 <= card.overall <= 100
    assert card.overall == whole(card.overall)
    assert {d.id for d in card.dimensions} == {d.id for d in definition.rules.dimensions}
    plan = build_action_plan(definition, card, answers, TODAY)
    assert {d.id for d in plan.dimensions} == {d.id for d in card.dimensions}
    assert (plan.savings is None) == (definition.plan.plan.savings is None)
    assert (plan.language is None) == (definition.plan.plan.language is None)
    steps = {s.id for dim in plan.dimensions for s in dim.steps}
    assert steps <= {s.id for s in definition.plan.plan.steps}
