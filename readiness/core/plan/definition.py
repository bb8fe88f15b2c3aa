"""A checked action-plan definition: plan rules with their catalogue, conditions compiled."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from readiness.core.conditions import Predicate, compile_condition
from readiness.core.loader import LoadedFile
from readiness.core.model import Question, RuleSet
from readiness.core.plan.model import Catalogue, PlanRules, Resource
from readiness.core.plan.roles import served_dimension


@dataclass(frozen=True)
class PlanDefinition:
    """Plan rules and the catalogue they draw on, for one questionnaire."""

    plan_source: LoadedFile[PlanRules]
    catalogue_source: LoadedFile[Catalogue]
    questions: dict[str, Question]
    rules: RuleSet
    _step_predicates: dict[str, Predicate] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for step in self.plan.steps:
            if step.when is not None:
                self._step_predicates[step.id] = compile_condition(step.when, self.questions)

    @property
    def plan(self) -> PlanRules:
        return self.plan_source.model

    @property
    def catalogue(self) -> Catalogue:
        return self.catalogue_source.model

    @cached_property
    def resources(self) -> dict[str, Resource]:
        return {r.id: r for r in self.catalogue.resources}

    @cached_property
    def savings_dimension(self) -> str | None:
        """The dimension the savings plan and its loans serve (core.plan.roles)."""
        return served_dimension(self.plan.savings, self.rules)

    @cached_property
    def language_dimension(self) -> str | None:
        """The dimension the language goal and its resources serve (core.plan.roles)."""
        return served_dimension(self.plan.language, self.rules)

    @cached_property
    def content_hash(self) -> str:
        """One hash for the plan rules and the catalogue together."""
        both = self.plan_source.content_hash + self.catalogue_source.content_hash
        return hashlib.sha256(both.encode()).hexdigest()

    def step_applies(self, step_id: str, shown_answers: dict[str, object]) -> bool:
        """Whether a step's condition holds (a step without one always applies)."""
        predicate = self._step_predicates.get(step_id)
        return predicate is None or predicate(shown_answers)
