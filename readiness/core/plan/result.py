"""What the plan builder produces: plain, frozen data for the page, the PDF and JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

Text = dict[str, str]


@dataclass(frozen=True)
class MatchedResource:
    id: str
    kind: str
    title: Text
    provider: Text
    summary: Text
    url: str
    email: str | None
    phone: str | None
    cost: Text | None
    eligibility: Text | None
    #: Whether a TITP/SSW returnee qualifies: yes, no or uncertain (shown as such).
    returnee: str
    returnee_note: Text | None
    #: How to apply, in steps.
    how_to_apply: tuple[Text, ...]
    #: Where the facts come from: (url, "official" or "secondary"), official first.
    sources: tuple[tuple[str, str], ...]
    when: str
    uncertain: bool
    #: Checked longer ago than the plan's stale_after_days: shown as possibly out of date.
    stale: bool
    last_checked: str
    #: Why it was chosen: country, dimension and band, phase.
    reason: Text
    #: The country part of the reason alone ("for Vietnam"), for short mentions.
    scope: Text
    #: True for programmes open to every country (JLPT, ILO courses), False for local ones.
    everywhere: bool


@dataclass(frozen=True)
class PlanStep:
    id: str
    dimension: str
    phase: str
    title: Text
    detail: Text
    why: Text
    due: str
    resources: tuple[MatchedResource, ...]
    #: Where the facts of the step come from (URLs or references).
    source: tuple[str, ...] = ()
    #: Set when the step looks for programmes and none fits the intern's country: says so,
    #: and ``resources`` then holds the nearest general route (programmes for every country).
    unmatched: Text | None = None


@dataclass(frozen=True)
class DimensionPlan:
    id: str
    label: Text
    score: float
    band: str
    band_label: Text
    steps: tuple[PlanStep, ...]


@dataclass(frozen=True)
class SavingsPlan:
    capital_needed: float | None
    savings: float
    monthly_saving: float
    debt: float
    months_left: int
    projected_at_return: float
    gap: float
    #: Extra yen a month that would close the gap by the return date.
    extra_monthly_needed: float
    max_monthly_saving: int
    closes_by_saving: bool
    loans: tuple[MatchedResource, ...]


@dataclass(frozen=True)
class LanguageGoal:
    current: str | None
    current_label: Text
    target: str | None
    target_label: Text
    test_name: Text
    test_date: str | None
    before_return: bool
    resources: tuple[MatchedResource, ...]


@dataclass(frozen=True)
class Milestone:
    date: str
    label: Text
    step_ids: tuple[str, ...]


@dataclass(frozen=True)
class ActionPlan:
    as_of: str
    return_date: str | None
    months_left: int | None
    country: str | None
    country_label: Text
    dimensions: tuple[DimensionPlan, ...]
    savings: SavingsPlan | None
    language: LanguageGoal | None
    timeline: tuple[Milestone, ...]
    #: Every resource the plan points to, once, in the order first used.
    resources: tuple[MatchedResource, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def steps(self) -> list[PlanStep]:
        return [step for dim in self.dimensions for step in dim.steps]
