"""Cross-checks for the resource catalogue and the action-plan rules.

References from the plan to questions, dimensions, bands and resources, and
from resources to countries, fields, dimensions and bands, must exist. A
resource checked longer ago than the plan's ``stale_after_days`` is a warning
(``check`` shows it; plans mark the resource as possibly out of date).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from readiness.core.checks import ReferenceChecker
from readiness.core.errors import ErrorCode, IssueList, did_you_mean, unknown
from readiness.core.model import (
    ChoiceQuestion,
    DateQuestion,
    NumberQuestion,
    Question,
    Questionnaire,
    RuleSet,
)
from readiness.core.plan.model import ANY, Catalogue, LanguagePlan, PlanRules, Step
from readiness.core.plan.roles import dimensions_reading, role_questions
from readiness.core.yamlsource import YamlDocument


def check_catalogue(catalogue: Catalogue, doc: YamlDocument, issues: IssueList) -> None:
    """Unique resource ids (the rest needs a plan's questionnaire: see check_plan)."""
    ReferenceChecker(issues).duplicates(
        doc, ((r.id, ("resources", i, "id")) for i, r in enumerate(catalogue.resources)), "resource"
    )


def _question_of_type(
    issues: IssueList,
    doc: YamlDocument,
    path: tuple[Any, ...],
    known: dict[str, Question],
    question_id: str,
    wanted: type,
    what: str,
) -> Question | None:
    question = known.get(question_id)
    if question is None:
        issues.add(ErrorCode.REF_002, doc.locate(path), unknown("question", question_id, known))
        return None
    if not isinstance(question, wanted):
        issues.add(
            ErrorCode.REF_008,
            doc.locate(path),
            f"'{question_id}' is a {question.type} question; {what} needs a "
            f"{wanted.__name__.removesuffix('Question').lower()} question",
        )
        return None
    return question


def _option_ids(question: Question | None) -> set[str]:
    return {o.id for o in question.options} if isinstance(question, ChoiceQuestion) else set()


def check_plan(
    plan: PlanRules,
    doc: YamlDocument,
    questionnaire: Questionnaire,
    rules: RuleSet,
    catalogue: Catalogue,
    catalogue_doc: YamlDocument,
    issues: IssueList,
    today: dt.date,
) -> None:
    """Check a plan against its questionnaire, rules and catalogue, and the catalogue too."""
    known = {q.id: q for page in questionnaire.pages for q in page.questions}
    found = _role_questions(plan, doc, known, issues)
    resource_ids = {r.id for r in catalogue.resources}
    dimensions = {d.id for d in rules.dimensions}
    bands = {b.id for b in rules.bands}
    _check_role_dimensions(plan, doc, rules, issues)
    if plan.language is not None:
        level_question = found[("language", "question")]
        _check_language(plan.language, doc, level_question, resource_ids, catalogue, issues)
    _check_steps(plan, doc, known, dimensions, bands, resource_ids, issues)
    countries = _option_ids(found[("profile", "country")]) | {ANY}
    fields = _option_ids(found[("profile", "field")]) | {ANY}
    _check_resources(catalogue, catalogue_doc, countries, fields, dimensions, bands, issues)
    _flag_stale(catalogue, catalogue_doc, plan.stale_after_days, today, issues)
    _flag_thin_entries(catalogue, catalogue_doc, issues)


#: The questions a plan names, by role: (section, key) -> (question type, what it is).
PROFILE_ROLES: dict[tuple[str, str], tuple[type[Question], str]] = {
    ("profile", "country"): (ChoiceQuestion, "the country"),
    ("profile", "field"): (ChoiceQuestion, "the field"),
    ("profile", "programme"): (ChoiceQuestion, "the programme"),
    ("profile", "return_date"): (DateQuestion, "the return date"),
}
SAVINGS_ROLES: dict[tuple[str, str], tuple[type[Question], str]] = {
    ("savings", "savings"): (NumberQuestion, "savings"),
    ("savings", "monthly_saving"): (NumberQuestion, "monthly saving"),
    ("savings", "capital_needed"): (NumberQuestion, "capital needed"),
    ("savings", "debt"): (NumberQuestion, "debt"),
}
LANGUAGE_ROLES: dict[tuple[str, str], tuple[type[Question], str]] = {
    ("language", "question"): (ChoiceQuestion, "the language level"),
}


def _role_questions(
    plan: PlanRules, doc: YamlDocument, known: dict[str, Question], issues: IssueList
) -> dict[tuple[str, str], Question | None]:
    """The questions the plan names for its roles (profile, savings, language), if right."""
    sections: list[tuple[Any, dict[tuple[str, str], tuple[type[Question], str]]]] = [
        (plan.profile, PROFILE_ROLES),
        (plan.savings, SAVINGS_ROLES),
        (plan.language, LANGUAGE_ROLES),
    ]
    found: dict[tuple[str, str], Question | None] = {}
    for section, roles in sections:
        for path, (wanted, what) in roles.items():
            question_id = getattr(section, path[1], None) if section is not None else None
            found[path] = (
                None
                if question_id is None
                else _question_of_type(issues, doc, path, known, question_id, wanted, what)
            )
    return found


def _check_role_dimensions(
    plan: PlanRules, doc: YamlDocument, rules: RuleSet, issues: IssueList
) -> None:
    """The dimensions that the savings plan and the language goal serve: the named one
    exists; an unnamed one is not left to a guess between several."""
    dimensions = [d.id for d in rules.dimensions]
    for section, name in ((plan.savings, "savings"), (plan.language, "language")):
        if section is None:
            continue
        if section.dimension is not None:
            if section.dimension not in dimensions:
                issues.add(
                    ErrorCode.REF_006,
                    doc.locate((name, "dimension")),
                    unknown("dimension", section.dimension, dimensions),
                )
            continue
        reading = dimensions_reading(rules, role_questions(section))
        if len(reading) > 1:
            issues.add(
                ErrorCode.PLAN_003,
                doc.locate((name,), key=True),
                f"rules of {', '.join(repr(d) for d in reading)} read the {name} questions, so "
                f"the plan cannot tell which dimension its {name} part helps; add "
                f"'dimension: {reading[0]}' (or another of them) under '{name}:'",
                severity="warning",
            )


def _check_language(
    language: LanguagePlan,
    doc: YamlDocument,
    level_question: Question | None,
    resource_ids: set[str],
    catalogue: Catalogue,
    issues: IssueList,
) -> None:
    """The language goal's levels are answers of its question; its resources exist."""
    levels = _option_ids(level_question)
    for k, level in enumerate(language.levels):
        if level_question is not None and level not in levels:
            issues.add(
                ErrorCode.REF_003,
                doc.locate(("language", "levels", k)),
                f"'{level}' is not an answer of '{language.question}'{did_you_mean(level, levels)}",
            )
    for k, resource_id in enumerate(language.resources):
        if resource_id not in resource_ids:
            issues.add(
                ErrorCode.REF_009,
                doc.locate(("language", "resources", k)),
                f"{unknown('resource', resource_id, resource_ids)} "
                f"(not in catalogue '{catalogue.id}')",
            )


def _check_steps(
    plan: PlanRules,
    doc: YamlDocument,
    known: dict[str, Question],
    dimensions: set[str],
    bands: set[str],
    resource_ids: set[str],
    issues: IssueList,
) -> None:
    checker = ReferenceChecker(issues)
    checker.duplicates(doc, ((s.id, ("steps", i, "id")) for i, s in enumerate(plan.steps)), "step")
    for i, step in enumerate(plan.steps):
        path = ("steps", i)
        _check_step_references(step, doc, path, dimensions, bands, resource_ids, issues)
        if step.when is not None:
            checker.condition(doc, step.when, (*path, "when"), known, known)


def _check_step_references(
    step: Step,
    doc: YamlDocument,
    path: tuple[Any, ...],
    dimensions: set[str],
    bands: set[str],
    resource_ids: set[str],
    issues: IssueList,
) -> None:
    """A step's dimension, bands, resources and matched dimensions all exist."""
    if step.dimension not in dimensions:
        issues.add(
            ErrorCode.REF_006,
            doc.locate((*path, "dimension")),
            unknown("dimension", step.dimension, dimensions),
        )
    for k, band in enumerate(step.bands or []):
        if band not in bands:
            issues.add(
                ErrorCode.REF_010,
                doc.locate((*path, "bands", k)),
                f"{unknown('band', band, bands)} (bands: {', '.join(sorted(bands))})",
            )
    for k, resource_id in enumerate(step.resources):
        if resource_id not in resource_ids:
            issues.add(
                ErrorCode.REF_009,
                doc.locate((*path, "resources", k)),
                unknown("resource", resource_id, resource_ids),
            )
    for k, dimension in enumerate((step.match.dimensions or []) if step.match else []):
        if dimension not in dimensions:
            issues.add(
                ErrorCode.REF_006,
                doc.locate((*path, "match", "dimensions", k)),
                unknown("dimension", dimension, dimensions),
            )


def _check_resources(
    catalogue: Catalogue,
    doc: YamlDocument,
    countries: set[str],
    fields: set[str],
    dimensions: set[str],
    bands: set[str],
    issues: IssueList,
) -> None:
    for i, resource in enumerate(catalogue.resources):
        for name, allowed, code in (
            ("countries", countries, ErrorCode.REF_003),
            ("fields", fields, ErrorCode.REF_003),
            ("dimensions", dimensions, ErrorCode.REF_006),
            ("bands", bands, ErrorCode.REF_010),
        ):
            for k, value in enumerate(getattr(resource, name)):
                if value not in allowed:
                    issues.add(
                        code,
                        doc.locate(("resources", i, name, k)),
                        f"'{value}' is not one of the {name} ({', '.join(sorted(allowed))})"
                        f"{did_you_mean(value, allowed)}",
                    )


def _flag_stale(
    catalogue: Catalogue, doc: YamlDocument, max_age_days: int, today: dt.date, issues: IssueList
) -> None:
    for i, resource in enumerate(catalogue.resources):
        age = (today - resource.last_checked).days
        review = resource.review_date(max_age_days)
        if age < 0:
            issues.add(
                ErrorCode.PLAN_002,
                doc.locate(("resources", i, "last_checked")),
                f"last_checked {resource.last_checked} is in the future",
            )
        elif today > review:
            key = "review_by" if resource.review_by else "last_checked"
            why = (
                f"its review date {review} has passed"
                if resource.review_by
                else f"it was last checked {age} days ago (more than {max_age_days})"
            )
            issues.add(
                ErrorCode.PLAN_001,
                doc.locate(("resources", i, key)),
                f"resource '{resource.id}': {why}; check it against its sources and update "
                "last_checked (and review_by)",
                severity="warning",
            )


def _flag_thin_entries(catalogue: Catalogue, doc: YamlDocument, issues: IssueList) -> None:
    """What a reader needs that an entry leaves out: how to apply, the official page first."""
    for i, resource in enumerate(catalogue.resources):
        if not resource.how_to_apply:
            issues.add(
                ErrorCode.PLAN_004,
                doc.locate(("resources", i, "id")),
                f"resource '{resource.id}' has no how_to_apply steps (where to go, what to bring)",
                severity="warning",
            )
        kinds = [source.kind for source in resource.sources]
        if "official" in kinds and kinds[0] != "official":
            issues.add(
                ErrorCode.PLAN_005,
                doc.locate(("resources", i, "sources", 0)),
                f"resource '{resource.id}' lists a secondary source first: put the official "
                "page first (a report only as a second source)",
                severity="warning",
            )
