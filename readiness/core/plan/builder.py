"""Build an intern's action plan from their score card, answers and the plan rules.

Plain Python, no Flask: steps grouped by dimension with the biggest gaps
first, each pointing to the catalogue resources that fit the intern's
country, field and phase (with the reason they were chosen); a timeline from
today to the planned return and the first year after it; a savings plan; and
a Japanese-language target with the test date to aim for.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from readiness.core.dates import add_months, months_until
from readiness.core.definitions import AssessmentDefinition
from readiness.core.locales import LOCALES, N_, translations
from readiness.core.model import ChoiceQuestion, localize, parse_iso_date
from readiness.core.plan.definition import PlanDefinition
from readiness.core.plan.model import ANY, Resource, Step
from readiness.core.plan.result import (
    ActionPlan,
    DimensionPlan,
    LanguageGoal,
    MatchedResource,
    Milestone,
    PlanStep,
    SavingsPlan,
    Text,
)
from readiness.core.scoring import ScoreCard

#: Connecting words of the reasons and timeline, as gettext messages (the UI catalogues
#: translate them; see docs/translations.md). Placeholders are filled with localized text.
PHRASES: dict[str, str] = {
    "for_country": N_("for %(country)s"),
    "everywhere": N_("for every country"),
    "helps": N_("helps %(dimension)s (you: %(band)s)"),
    "in_japan": N_("while in Japan"),
    "after_return": N_("after you return"),
    "both": N_("in Japan or after return"),
    "today": N_("Today: start with your biggest gaps"),
    "due": N_("Steps to finish"),
    "test": N_("%(test)s %(level)s: your Japanese test"),
    "return": N_("Planned return home"),
    "after_3": N_("3 months after return: business registered, first customers"),
    "after_12": N_("12 months after return: review your first year"),
    "nothing_for_country": N_(
        "Our catalogue has no programme for %(country)s for this step yet. "
        "The nearest general route:"
    ),
    "nothing_at_all": N_(
        "Our catalogue has no programme for %(country)s for this step yet. Ask your "
        "supervising organisation, or your embassy's labour office in Japan, which office "
        "near your home can help."
    ),
}
AFTER_RETURN_MONTHS = (1, 3, 6, 12)


def next_test_date(today: dt.date, months: list[int], min_months_ahead: int) -> dt.date:
    """The first Sunday of a test month, at least ``min_months_ahead`` months from today."""
    earliest = add_months(today, min_months_ahead)
    for offset in range(0, 25):
        first = add_months(dt.date(earliest.year, earliest.month, 1), offset)
        if first.month not in months:
            continue
        sunday = first + dt.timedelta(days=(6 - first.weekday()) % 7)
        if sunday >= earliest:
            return sunday
    raise ValueError("no test month within two years")  # pragma: no cover


def _phrase(key: str, **parts: Text) -> Text:
    """A phrase in every locale, with each part (localized text) filled in that locale."""
    return {
        locale: translations(locale).gettext(PHRASES[key])
        % {name: localize(part, locale) for name, part in parts.items()}
        for locale in LOCALES
    }


def _join(*parts: Text) -> Text:
    return {locale: " · ".join(localize(p, locale) for p in parts) for locale in LOCALES}


class _PlanBuilder:
    """Holds what every part of the plan needs: answers, labels, dates."""

    def __init__(
        self,
        definition: AssessmentDefinition,
        plan: PlanDefinition,
        card: ScoreCard,
        answers: Mapping[str, Any],
        today: dt.date,
    ) -> None:
        self.definition = definition
        self.plan = plan
        self.rules = plan.plan
        self.card = card
        self.today = today
        self.shown = definition.visible_answers(answers)
        profile = self.rules.profile
        self.country = self.shown.get(profile.country)
        self.field = self.shown.get(profile.field)
        return_text = self.shown.get(profile.return_date)
        self.return_date = parse_iso_date(return_text) if return_text else None
        self.months_left = months_until(return_text, today) if return_text else None
        self.bands = {b["id"]: b for b in card.bands}

    def option_label(self, question_id: str, option: str | None) -> Text:
        question = self.definition.questions.get(question_id)
        if isinstance(question, ChoiceQuestion):
            for candidate in question.options:
                if candidate.id == option:
                    return dict(candidate.label)
        return {"en": option or "—"}

    def fits_profile(self, resource: Resource) -> bool:
        country_ok = ANY in resource.countries or self.country in resource.countries
        field_ok = ANY in resource.fields or self.field in resource.fields
        return country_ok and field_ok

    def matched(self, resource: Resource, dimension: str | None) -> MatchedResource:
        score = self.card.find_dimension(dimension) if dimension else None
        country = (
            _phrase("everywhere")
            if ANY in resource.countries
            else _phrase(
                "for_country", country=self.option_label(self.rules.profile.country, self.country)
            )
        )
        parts = [country, _phrase(resource.when)]
        if score is not None:
            band = self.bands.get(score.band, {}).get("label", {"en": score.band})
            parts.insert(1, _phrase("helps", dimension=score.label, band=band))
        review = resource.review_date(self.rules.stale_after_days)
        return MatchedResource(
            id=resource.id,
            kind=resource.kind,
            title=dict(resource.title),
            provider=dict(resource.provider),
            summary=dict(resource.summary),
            url=resource.contact.url,
            email=resource.contact.email,
            phone=resource.contact.phone,
            cost=dict(resource.cost) if resource.cost else None,
            eligibility=dict(resource.eligibility) if resource.eligibility else None,
            returnee=resource.returnee,
            returnee_note=dict(resource.returnee_note) if resource.returnee_note else None,
            how_to_apply=tuple(dict(step) for step in resource.how_to_apply),
            sources=tuple((s.url, s.kind) for s in resource.sources)
            + tuple((text, "secondary") for text in resource.source),
            when=resource.when,
            uncertain=resource.uncertain,
            stale=self.today > review,
            last_checked=resource.last_checked.isoformat(),
            reason=_join(*parts),
            scope=country,
            everywhere=ANY in resource.countries,
        )

    def resources_for_step(self, step: Step) -> tuple[MatchedResource, ...]:
        chosen: list[Resource] = [
            self.plan.resources[r]
            for r in step.resources
            if self.fits_profile(self.plan.resources[r])
        ]
        scored = self.card.find_dimension(step.dimension)
        if step.match is not None and scored is not None:
            dimensions = set(step.match.dimensions or [step.dimension])
            band = scored.band
            phases = {step.phase, "both"}
            for resource in self.plan.catalogue.resources:
                if (
                    resource.kind in step.match.kinds
                    and resource.when in phases
                    and dimensions & set(resource.dimensions)
                    and band in resource.bands
                    and self.fits_profile(resource)
                    and resource.returnee != "no"
                    and resource not in chosen
                ):
                    chosen.append(resource)
        return tuple(self.matched(r, step.dimension) for r in chosen)

    def nearest_route(self, step: Step) -> tuple[Text, tuple[MatchedResource, ...]]:
        """For a step whose programmes none fit the intern's country: what to say, and the
        programmes open to every country of the same kinds (the nearest general route)."""
        kinds = set(step.match.kinds) if step.match else set()
        kinds |= {self.plan.resources[r].kind for r in step.resources}
        dimensions = set(step.match.dimensions or [step.dimension]) if step.match else set()
        dimensions |= {d for r in step.resources for d in self.plan.resources[r].dimensions}
        general = tuple(
            self.matched(r, step.dimension)
            for r in self.plan.catalogue.resources
            if ANY in r.countries
            and r.kind in kinds
            and dimensions & set(r.dimensions)
            and self.fits_profile(r)
        )
        country = self.option_label(self.rules.profile.country, self.country)
        key = "nothing_for_country" if general else "nothing_at_all"
        return _phrase(key, country=country), general

    def step_applies(self, step: Step) -> bool:
        scored = self.card.find_dimension(step.dimension)
        if scored is None:  # a card scored with other rules than these
            return False
        if step.bands is not None and scored.band not in step.bands:
            return False
        return self.plan.step_applies(step.id, self.shown)

    def due_dates(self, steps: list[Step]) -> dict[str, dt.date]:
        """Spread in-Japan steps until a month before return; after-return ones over a year."""
        in_japan = [s for s in steps if s.phase == "in_japan"]
        after = [s for s in steps if s.phase == "after_return"]
        span = max(1, (self.months_left or 1) - 1)
        due = {}
        for k, step in enumerate(in_japan):
            due[step.id] = add_months(self.today, max(1, math.ceil((k + 1) * span / len(in_japan))))
        base = self.return_date or add_months(self.today, span + 1)
        for k, step in enumerate(after):
            due[step.id] = add_months(
                base, AFTER_RETURN_MONTHS[min(k, len(AFTER_RETURN_MONTHS) - 1)]
            )
        return due


def _dimension_order(card: ScoreCard) -> list[str]:
    """Dimensions with the biggest gap (lowest score) first; ties keep the rules' order."""
    position = {d.id: i for i, d in enumerate(card.dimensions)}
    scores = {d.id: d.score for d in card.dimensions}
    return sorted(position, key=lambda d: (scores[d], position[d]))


def build_action_plan(
    definition: AssessmentDefinition, card: ScoreCard, answers: Mapping[str, Any], today: dt.date
) -> ActionPlan:
    """Build the plan; ``definition.plan`` must be set (check with ``definition.plan``)."""
    if definition.plan is None:
        raise ValueError(f"questionnaire '{definition.id}' has no plan rules")
    builder = _PlanBuilder(definition, definition.plan, card, answers, today)
    order = _dimension_order(card)
    selected = sorted(
        (s for s in definition.plan.plan.steps if builder.step_applies(s)),
        key=lambda s: order.index(s.dimension),
    )
    due = builder.due_dates(selected)
    dimensions = tuple(_dimension_plan(builder, dim_id, selected, due) for dim_id in order)
    savings = _savings_plan(builder)
    language = _language_goal(builder)
    resources: dict[str, MatchedResource] = {}
    for step in (s for dim in dimensions for s in dim.steps):
        for resource in step.resources:
            resources.setdefault(resource.id, resource)
    for resource in [
        *(savings.loans if savings else ()),
        *(language.resources if language else ()),
    ]:
        resources.setdefault(resource.id, resource)
    return ActionPlan(
        as_of=today.isoformat(),
        return_date=builder.return_date.isoformat() if builder.return_date else None,
        months_left=builder.months_left,
        country=builder.country,
        country_label=builder.option_label(definition.plan.plan.profile.country, builder.country),
        dimensions=dimensions,
        savings=savings,
        language=language,
        timeline=_timeline(builder, dimensions, language),
        resources=tuple(resources.values()),
    )


def _dimension_plan(
    builder: _PlanBuilder, dim_id: str, selected: list[Step], due: dict[str, dt.date]
) -> DimensionPlan:
    score = builder.card.dimension(dim_id)
    steps = tuple(_plan_step(builder, s, due) for s in selected if s.dimension == dim_id)
    band = builder.bands.get(score.band, {}).get("label", {"en": score.band})
    return DimensionPlan(dim_id, dict(score.label), score.score, score.band, dict(band), steps)


def _plan_step(builder: _PlanBuilder, step: Step, due: dict[str, dt.date]) -> PlanStep:
    resources = builder.resources_for_step(step)
    unmatched = None
    if not resources and (step.resources or step.match):
        unmatched, resources = builder.nearest_route(step)
    return PlanStep(
        id=step.id,
        dimension=step.dimension,
        phase=step.phase,
        title=dict(step.title),
        detail=dict(step.detail),
        why=dict(step.why),
        due=due[step.id].isoformat(),
        resources=resources,
        source=tuple(step.source),
        unmatched=unmatched,
    )


def _savings_plan(builder: _PlanBuilder) -> SavingsPlan | None:
    questions = builder.rules.savings
    if questions is None:
        return None
    shown = builder.shown
    capital = shown.get(questions.capital_needed)
    savings = float(shown.get(questions.savings, 0))
    monthly = float(shown.get(questions.monthly_saving, 0))
    debt = float(shown.get(questions.debt, 0)) if questions.debt else 0.0
    months = builder.months_left or 0
    projected = savings + monthly * months - debt
    gap = max(0.0, float(capital) - projected) if capital is not None else 0.0
    extra = math.ceil(gap / months) if months > 0 else gap
    closes = capital is not None and (
        gap == 0 or (months > 0 and monthly + extra <= questions.max_monthly_saving)
    )
    loans: tuple[MatchedResource, ...] = ()
    if not closes:
        serves = builder.plan.savings_dimension
        loans = tuple(
            builder.matched(r, serves if serves in r.dimensions else None)
            for r in builder.plan.catalogue.resources
            if r.kind in ("loan", "grant")
            and builder.fits_profile(r)
            and ANY not in r.countries
            and r.returnee != "no"  # a returnee cannot get it: no help closing the gap
            and (serves is None or serves in r.dimensions)  # money for the business
        )
    return SavingsPlan(
        capital_needed=float(capital) if capital is not None else None,
        savings=savings,
        monthly_saving=monthly,
        debt=debt,
        months_left=months,
        projected_at_return=projected,
        gap=gap,
        extra_monthly_needed=float(extra),
        max_monthly_saving=questions.max_monthly_saving,
        closes_by_saving=closes,
        loans=loans,
    )


def _language_goal(builder: _PlanBuilder) -> LanguageGoal | None:
    language = builder.rules.language
    if language is None:
        return None
    current = builder.shown.get(language.question)
    levels = language.levels
    index = levels.index(current) if current in levels else 0
    target = levels[index + 1] if index + 1 < len(levels) else None
    test_date = next_test_date(builder.today, language.test_months, language.min_months_ahead)
    before_return = builder.return_date is None or test_date <= builder.return_date
    resources = tuple(
        builder.matched(builder.plan.resources[r], builder.plan.language_dimension)
        for r in language.resources
        if builder.fits_profile(builder.plan.resources[r])
    )
    return LanguageGoal(
        current=current,
        current_label=builder.option_label(language.question, current),
        target=target,
        target_label=builder.option_label(language.question, target),
        test_name=dict(language.test_name),
        test_date=test_date.isoformat() if target else None,
        before_return=before_return,
        resources=resources,
    )


def _timeline(
    builder: _PlanBuilder, dimensions: tuple[DimensionPlan, ...], language: LanguageGoal | None
) -> tuple[Milestone, ...]:
    by_date: dict[str, list[str]] = {}
    for step in (s for dim in dimensions for s in dim.steps):
        by_date.setdefault(step.due, []).append(step.id)
    milestones = [Milestone(builder.today.isoformat(), _phrase("today"), ())]
    milestones += [Milestone(day, _phrase("due"), tuple(ids)) for day, ids in by_date.items()]
    if language is not None and language.test_date and language.target:
        label = _phrase("test", test=language.test_name, level=language.target_label)
        milestones.append(Milestone(language.test_date, label, ()))
    if builder.return_date:
        milestones.append(Milestone(builder.return_date.isoformat(), _phrase("return"), ()))
        for months, key in ((3, "after_3"), (12, "after_12")):
            day = add_months(builder.return_date, months).isoformat()
            milestones.append(Milestone(day, _phrase(key), ()))
    return tuple(sorted(milestones, key=lambda m: m.date))
