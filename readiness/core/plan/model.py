"""The schema of the resource catalogue and of the action-plan rules (YAML).

The catalogue lists real programmes (seminars, training, associations, loans,
grants) with the countries, fields, dimensions and bands they help. The plan
rules say which steps an intern gets and which resources each step points to,
using the same condition syntax as the questionnaire and scoring rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import Field, StringConstraints, model_validator

from readiness.core.model import (
    Condition,
    Identifier,
    LocalizedText,
    NonEmptyText,
    Strict,
    Version,
)

ResourceKind = Literal[
    "seminar",
    "training",
    "mentoring",
    "association",
    "network",
    "loan",
    "grant",
    "information",
    "test",
]
RESOURCE_KINDS: tuple[str, ...] = get_args(ResourceKind)
Phase = Literal["in_japan", "after_return", "both"]
#: Links in the catalogue are web pages only: no file:, javascript: or data: URLs.
WebUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"']+$", max_length=500)]
ANY = "any"


class Contact(Strict):
    url: WebUrl
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s<>]+@[^@\s<>]+$")] | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^[+0-9 ()-]{5,30}$")] | None = None


class Source(Strict):
    """Where a catalogue entry's facts come from: the programme's own page or a report on it."""

    url: WebUrl
    #: ``official``: the programme's own page, or its ministry's, agency's or state bank's;
    #: ``secondary``: news, explainers, copies. An entry lists its official page first.
    kind: Literal["official", "secondary"]
    #: The date printed on the page (2023-12-20, 2023-12 or 2023), or ``undated``.
    dated: Annotated[
        str, StringConstraints(pattern=r"^(undated|[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)$")
    ] = "undated"


Returnee = Literal["yes", "no", "uncertain"]


class Resource(Strict):
    """One real programme an intern can use, with where it applies and where it comes from."""

    id: Identifier
    kind: ResourceKind
    provider: LocalizedText
    title: LocalizedText
    summary: LocalizedText
    #: Country option ids of the questionnaire's country question, or ``any``.
    countries: list[Identifier] = Field(min_length=1)
    #: Field option ids of the questionnaire's field question, or ``any``.
    fields: list[Identifier] = Field(default_factory=lambda: [ANY], min_length=1)
    dimensions: list[Identifier] = Field(min_length=1)
    #: The bands (of those dimensions) where this resource helps most.
    bands: list[Identifier] = Field(min_length=1)
    when: Phase
    #: Who qualifies.
    eligibility: LocalizedText | None = None
    #: Whether a TITP/SSW returnee qualifies; ``uncertain`` (the default) is shown as such.
    returnee: Returnee = "uncertain"
    #: Why the answer above (one sentence).
    returnee_note: LocalizedText | None = None
    #: How to apply, in steps: where to go, what to bring.
    how_to_apply: list[LocalizedText] = Field(default_factory=list, max_length=12)
    cost: LocalizedText | None = None
    contact: Contact
    #: When a person last checked the facts against the sources.
    last_checked: Annotated[dt.date, Field(strict=False)]
    #: Review again by this date (a deadline, a quota); default: last_checked + stale_after_days.
    review_by: Annotated[dt.date, Field(strict=False)] | None = None
    #: Where the facts come from, official page first (``sources``), or plain references
    #: (``source``, the older form); at least one of the two.
    sources: list[Source] = Field(default_factory=list)
    source: list[NonEmptyText] = Field(default_factory=list)
    #: Ids of the research notes the entry comes from (e.g. programmes.md's VN-1).
    ref: list[NonEmptyText] = Field(default_factory=list)
    #: True where a fact could not be confirmed by a primary source: shown to readers.
    uncertain: bool = False

    @model_validator(mode="after")
    def _has_a_source(self) -> Resource:
        if not self.sources and not self.source:
            raise ValueError(
                "an entry needs its sources: sources: [{url: ..., kind: official}] "
                "(the programme's own page first)"
            )
        return self

    @property
    def source_urls(self) -> list[str]:
        return [s.url for s in self.sources] + list(self.source)

    @property
    def official(self) -> bool:
        """Whether an official page is among the sources."""
        return any(s.kind == "official" for s in self.sources)

    def review_date(self, stale_after_days: int) -> dt.date:
        return self.review_by or self.last_checked + dt.timedelta(days=stale_after_days)


class Catalogue(Strict):
    """The resource catalogue."""

    kind: Literal["catalogue"]
    id: Identifier
    version: Version
    resources: list[Resource] = Field(min_length=1, max_length=1000)


class ProfileQuestions(Strict):
    """Which questions hold the profile the plan is built from."""

    country: Identifier
    field: Identifier
    programme: Identifier
    return_date: Identifier


class SavingsQuestions(Strict):
    """Which questions hold the money figures, and what a monthly saving can realistically be."""

    savings: Identifier
    monthly_saving: Identifier
    capital_needed: Identifier
    debt: Identifier | None = None
    #: The dimension the savings plan and its loans serve (a loan "helps" it); optional.
    dimension: Identifier | None = None
    #: The most a worker can be expected to save a month; above it the gap needs a loan.
    max_monthly_saving: int = Field(gt=0)
    source: NonEmptyText


class LanguagePlan(Strict):
    """How to set a Japanese-language target: levels in order and when the test is held."""

    question: Identifier
    #: The dimension the language goal and its resources serve; optional.
    dimension: Identifier | None = None
    #: Option ids from the lowest level to the highest.
    levels: list[Identifier] = Field(min_length=2)
    test_name: LocalizedText
    #: Months in which the test is held (JLPT: July and December).
    test_months: list[Annotated[int, Field(ge=1, le=12)]] = Field(min_length=1)
    #: At least this many months of study before the target test date.
    min_months_ahead: int = Field(default=3, ge=0, le=24)
    source: NonEmptyText
    resources: list[Identifier] = Field(default_factory=list)


class ResourceMatch(Strict):
    """Pick resources from the catalogue by kind (and dimension, default: the step's)."""

    kinds: list[ResourceKind] = Field(min_length=1)
    dimensions: list[Identifier] | None = None


class Step(Strict):
    """One thing to do, in Japan or after return, for one dimension."""

    id: Identifier
    dimension: Identifier
    phase: Literal["in_japan", "after_return"]
    title: LocalizedText
    detail: LocalizedText
    #: Why this step was chosen, in words the intern understands.
    why: LocalizedText
    when: Condition | None = None
    #: The dimension's bands in which the step applies (default: all).
    bands: list[Identifier] | None = None
    resources: list[Identifier] = Field(default_factory=list)
    match: ResourceMatch | None = None
    #: Where the step's facts come from (URLs or references), shown under the step.
    source: list[NonEmptyText] = Field(default_factory=list)


class PlanRules(Strict):
    """Action-plan rules for one questionnaire and catalogue."""

    kind: Literal["plan"]
    id: Identifier
    version: Version
    questionnaire: Identifier
    catalogue: Identifier
    #: Resources checked longer ago than this are flagged by ``check`` and marked in plans.
    stale_after_days: int = Field(default=365, ge=1, le=3650)
    profile: ProfileQuestions
    #: A savings plan towards the capital needed (leave out when the programme has none).
    savings: SavingsQuestions | None = None
    #: A language goal with a test date (leave out when the programme has none).
    language: LanguagePlan | None = None
    steps: list[Step] = Field(min_length=1, max_length=300)
