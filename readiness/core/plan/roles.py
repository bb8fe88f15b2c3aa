"""Which dimension a plan role serves: the savings plan (and its loans) and the language
goal (and its courses) say "helps <dimension> (you: <band>)".

The plan names it (``savings.dimension``, ``language.dimension``). A plan that does not
(every plan written before the key existed) gets the one dimension whose rules read the
role's questions: the savings, monthly saving, capital and debt questions, or the
language level question. When rules of several dimensions read them, none is guessed and
``check`` asks for the key.
"""

from __future__ import annotations

from collections.abc import Iterable

from readiness.core.model import RuleSet
from readiness.core.plan.model import LanguagePlan, SavingsQuestions


def role_questions(role: SavingsQuestions | LanguagePlan) -> set[str]:
    """The questions a role reads."""
    if isinstance(role, LanguagePlan):
        return {role.question}
    named = (role.savings, role.monthly_saving, role.capital_needed, role.debt)
    return {question for question in named if question}


def dimensions_reading(rules: RuleSet, questions: Iterable[str]) -> list[str]:
    """The dimensions (in the rules' order) with a rule that reads one of ``questions``."""
    wanted = set(questions)
    reading = {rule.dimension for rule in rules.rules if wanted & set(rule.question_ids())}
    return [d.id for d in rules.dimensions if d.id in reading]


def served_dimension(role: SavingsQuestions | LanguagePlan | None, rules: RuleSet) -> str | None:
    """The dimension a role serves: the one the plan names, else the only one whose rules
    read the role's questions, else none."""
    if role is None:
        return None
    if role.dimension is not None:
        return role.dimension
    found = dimensions_reading(rules, role_questions(role))
    return found[0] if len(found) == 1 else None
