"""The definition model: questionnaires and scoring rules as frozen pydantic models.

These models are the schema of the YAML files (their JSON Schema is exported to
``docs/schema/``). They check the shape of one file; references across files
and numeric consistency are checked in :mod:`readiness.core.checks`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

#: Locales whose text may be missing in a file; the first present one is used.
FALLBACK_LOCALES: tuple[str, ...] = ("en", "ja")
DEFAULT_LOCALE = "en"

IDENTIFIER_PATTERN = r"^[a-z][a-z0-9_]*$"
LOCALE_PATTERN = r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$"
Identifier = Annotated[
    str, StringConstraints(pattern=IDENTIFIER_PATTERN, min_length=1, max_length=64)
]
LocaleCode = Annotated[str, StringConstraints(pattern=LOCALE_PATTERN)]
NonEmptyText = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Version = Annotated[str, StringConstraints(min_length=1, max_length=40)]


def _needs_default_locale(value: dict[str, str]) -> dict[str, str]:
    if DEFAULT_LOCALE not in value:
        raise ValueError(f"text needs an '{DEFAULT_LOCALE}' entry (the fallback locale)")
    return value


#: Text in several locales, e.g. ``{en: "Savings", ja: "貯金"}``; ``en`` is required.
LocalizedText = Annotated[dict[LocaleCode, NonEmptyText], AfterValidator(_needs_default_locale)]


#: Furigana in a text: ``{漢字|かんじ}`` shows 漢字 with かんじ above it where ruby is
#: supported (questionnaire pages), with the reading in brackets in the PDF, and plain
#: 漢字 elsewhere.
RUBY = re.compile(r"\{([^{}|]+)\|([^{}|]+)\}")


def localize(text: dict[str, str] | None, locale: str) -> str:
    """``locale``'s text (with fallback) as plain text: furigana marks are dropped."""
    source = localize_source(text, locale)
    return RUBY.sub(r"\1", source) if "{" in source else source


def localize_source(text: dict[str, str] | None, locale: str) -> str:
    """Pick ``locale``'s text, else the fallback locales, else any text (marks kept)."""
    if not text:
        return ""
    if locale in text:
        return text[locale]
    base = locale.split("_")[0]
    if base in text:
        return text[base]
    for fallback in FALLBACK_LOCALES:
        if fallback in text:
            return text[fallback]
    return next(iter(text.values()))


class Strict(BaseModel):
    """Base for every definition model: strict types, no unknown fields, frozen."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)


# --- conditions -------------------------------------------------------------------------

Scalar = str | int | float | bool

COMPARISON_OPERATORS = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "contains",
    "contains_any",
    "contains_all",
    "answered",
)
GROUP_OPERATORS = ("all", "any", "not")


class Condition(Strict):
    """A declarative test on earlier answers, shared by questionnaires and rules.

    Either ``question`` with exactly one comparison operator, e.g.
    ``{question: programme, in: [ssw1, ssw2]}``, or exactly one of ``all``,
    ``any`` (lists of conditions) or ``not`` (one condition).
    """

    question: Identifier | None = None
    equals: Scalar | None = None
    not_equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    gt: int | float | str | None = None
    gte: int | float | str | None = None
    lt: int | float | str | None = None
    lte: int | float | str | None = None
    contains: Identifier | None = None
    contains_any: list[Identifier] | None = None
    contains_all: list[Identifier] | None = None
    answered: bool | None = None
    all_: list[Condition] | None = Field(default=None, alias="all", min_length=1)
    any_: list[Condition] | None = Field(default=None, alias="any", min_length=1)
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        groups = [name for name in GROUP_OPERATORS if getattr(self, _attr(name)) is not None]
        comparisons = [op for op in COMPARISON_OPERATORS if getattr(self, _attr(op)) is not None]
        if groups:
            if len(groups) > 1 or comparisons or self.question is not None:
                raise ValueError("a condition with all/any/not must have nothing else beside it")
            return self
        if self.question is None:
            raise ValueError("a condition needs 'question' and one operator, or all/any/not")
        if len(comparisons) != 1:
            found = ", ".join(comparisons) or "none"
            raise ValueError(
                "a condition needs exactly one operator of "
                f"{', '.join(COMPARISON_OPERATORS)} (found: {found})"
            )
        return self

    @property
    def operator(self) -> str:
        """The one operator this condition uses."""
        for name in (*GROUP_OPERATORS, *COMPARISON_OPERATORS):
            if getattr(self, _attr(name)) is not None:
                return name
        raise AssertionError("validated condition without operator")  # pragma: no cover

    @property
    def operand(self) -> Any:
        return getattr(self, _attr(self.operator))


def _attr(operator: str) -> str:
    return operator + "_" if operator in ("in", "all", "any", "not") else operator


# --- questionnaire ----------------------------------------------------------------------

Requirement = Literal["required", "optional", "soft"]


class QuestionBase(Strict):
    id: Identifier
    label: LocalizedText
    help: LocalizedText | None = None
    #: required: must answer; optional: may skip; soft: warned once, then may skip.
    requirement: Requirement = "required"
    show_if: Condition | None = None


class Option(Strict):
    id: Identifier
    label: LocalizedText


class ChoiceQuestion(QuestionBase):
    type: Literal["single_choice", "multiple_choice"]
    options: list[Option] = Field(min_length=2, max_length=100)
    #: multiple_choice only: an option that excludes all others ("none of these").
    exclusive: Identifier | None = None


class LikertQuestion(QuestionBase):
    type: Literal["likert"]
    scale: int = Field(default=5, ge=3, le=11)
    low: LocalizedText
    high: LocalizedText


class YesNoQuestion(QuestionBase):
    type: Literal["yes_no"]


class NumberQuestion(QuestionBase):
    type: Literal["number"]
    unit: LocalizedText | None = None
    min: int | float | None = None
    max: int | float | None = None
    integer: bool = True


class DateQuestion(QuestionBase):
    type: Literal["date"]
    #: past: today or earlier; future: today or later; any: no limit.
    when: Literal["past", "future", "any"] = "any"


class TextQuestion(QuestionBase):
    type: Literal["short_text", "long_text"]
    max_length: int | None = Field(default=None, ge=1, le=10000)
    #: A note to the coordinator: their page shows it first, and the question tells the
    #: intern who will read it.
    for_coordinator: bool = False

    @property
    def length_limit(self) -> int:
        return self.max_length or (200 if self.type == "short_text" else 2000)


Question = Annotated[
    ChoiceQuestion | LikertQuestion | YesNoQuestion | NumberQuestion | DateQuestion | TextQuestion,
    Field(discriminator="type"),
]
QUESTION_TYPES = (
    "single_choice",
    "multiple_choice",
    "likert",
    "yes_no",
    "number",
    "date",
    "short_text",
    "long_text",
)


class Page(Strict):
    id: Identifier
    title: LocalizedText
    intro: LocalizedText | None = None
    show_if: Condition | None = None
    questions: list[Question] = Field(min_length=1, max_length=50)


class Questionnaire(Strict):
    """One self-assessment: pages of questions in a fixed order."""

    kind: Literal["questionnaire"]
    id: Identifier
    version: Version
    title: LocalizedText
    description: LocalizedText | None = None
    #: The languages every text of this questionnaire, its rules, plan and catalogue is
    #: written in: ``check`` requires each text in each of them. Default: the languages
    #: readiness promises complete (docs/translations.md); ``en`` is always required.
    languages: list[LocaleCode] | None = Field(default=None, min_length=1)
    pages: list[Page] = Field(min_length=1, max_length=50)
    sources: list[NonEmptyText] = Field(default_factory=list)


# --- rules ------------------------------------------------------------------------------


class Expression(Strict):
    """A number computed from answers: exactly one of the fields is set.

    ``answer``: a number question; ``months_until``: whole months from the
    assessment date to a date answer (0 if past); ``sum``/``product`` of
    several expressions; ``difference``/``ratio`` of two. Plain numbers are
    allowed wherever an expression is.
    """

    answer: Identifier | None = None
    months_until: Identifier | None = None
    sum: list[Expression | int | float] | None = Field(default=None, min_length=2)
    product: list[Expression | int | float] | None = Field(default=None, min_length=2)
    difference: list[Expression | int | float] | None = Field(
        default=None, min_length=2, max_length=2
    )
    ratio: list[Expression | int | float] | None = Field(default=None, min_length=2, max_length=2)
    #: With ``answer`` or ``months_until``: the number to use when the question is hidden
    #: or unanswered (without it, such a question leaves the whole rule out).
    otherwise: int | float | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Expression:
        set_fields = [name for name in EXPRESSION_FORMS if getattr(self, name) is not None]
        if len(set_fields) != 1:
            raise ValueError(
                "an expression needs exactly one of "
                f"{', '.join(EXPRESSION_FORMS)} (found: {', '.join(set_fields) or 'none'})"
            )
        if self.otherwise is not None and set_fields[0] not in ("answer", "months_until"):
            raise ValueError("'otherwise' goes with 'answer' or 'months_until'")
        return self

    @property
    def form(self) -> str:
        return next(name for name in EXPRESSION_FORMS if getattr(self, name) is not None)

    def question_ids(self, *, needed_only: bool = False) -> list[str]:
        """The question ids this expression reads (``needed_only``: those without an
        ``otherwise``, whose absence leaves the rule out)."""
        form = self.form
        if form in ("answer", "months_until"):
            needed = not (needed_only and self.otherwise is not None)
            return [getattr(self, form)] if needed else []
        parts = [part for part in getattr(self, form) if isinstance(part, Expression)]
        return [q for part in parts for q in part.question_ids(needed_only=needed_only)]


EXPRESSION_FORMS = ("answer", "months_until", "sum", "product", "difference", "ratio")


class Range(Strict):
    """Points for a computed value in ``[min, max)``; an open end is unbounded."""

    min: int | float | None = None
    max: int | float | None = None
    points: int | float = Field(ge=0, le=1000)
    explain: LocalizedText | None = None


class Dimension(Strict):
    id: Identifier
    label: LocalizedText
    description: LocalizedText | None = None
    #: Share of the overall score, in percent; dimension weights add up to 100.
    weight: int | float = Field(gt=0, le=100)


class Band(Strict):
    """A named score range ``[min, max)`` (the top band includes its max, 100)."""

    id: Identifier
    label: LocalizedText
    min: int | float = Field(ge=0, le=100)
    max: int | float = Field(ge=0, le=100)
    advice: LocalizedText | None = None


class Rule(Strict):
    """One scored item: points for a question's answer, or for a computed value.

    Choice form: ``question`` + ``points`` per option id (or per scale value
    for Likert, ``"yes"``/``"no"`` for yes/no). Numeric form: ``value`` (an
    expression) + ``ranges``. ``weight`` is the rule's share of its dimension
    in percent; weights in one dimension add up to 100.
    """

    id: Identifier
    dimension: Identifier
    weight: int | float = Field(gt=0, le=100)
    explain: LocalizedText
    when: Condition | None = None
    question: Identifier | None = None
    points: dict[Identifier | int, int | float] | None = None
    #: multiple_choice only: the most points the selected options may add up to.
    cap: int | float | None = Field(default=None, gt=0)
    value: Expression | None = None
    ranges: list[Range] | None = Field(default=None, min_length=1)
    #: What an unanswered optional question gives: zero points, or leave the rule out.
    missing: Literal["zero", "skip"] = "zero"
    #: How to show a computed value to the intern: a plain number or a percentage.
    display: Literal["number", "percent"] = "number"
    option_explain: dict[Identifier | int, LocalizedText] | None = None

    def question_ids(self) -> list[str]:
        """The questions this rule reads: its question, or those of its value."""
        if self.question is not None:
            return [self.question]
        return self.value.question_ids() if self.value is not None else []

    @model_validator(mode="after")
    def _one_form(self) -> Rule:
        choice = self.question is not None or self.points is not None
        numeric = self.value is not None or self.ranges is not None
        if choice == numeric:
            raise ValueError(
                "a rule needs either 'question' with 'points', or 'value' with 'ranges'"
            )
        if choice and (self.question is None or self.points is None):
            raise ValueError("a choice rule needs both 'question' and 'points'")
        if numeric and (self.value is None or self.ranges is None):
            raise ValueError("a numeric rule needs both 'value' and 'ranges'")
        if self.points is not None and any(p < 0 for p in self.points.values()):
            raise ValueError("points must not be negative")
        return self


class RuleSet(Strict):
    """Scoring rules for one questionnaire: dimensions, bands and rules."""

    kind: Literal["rules"]
    id: Identifier
    version: Version
    questionnaire: Identifier
    dimensions: list[Dimension] = Field(min_length=1, max_length=20)
    bands: list[Band] = Field(min_length=2, max_length=10)
    rules: list[Rule] = Field(min_length=1, max_length=500)
    sources: list[NonEmptyText] = Field(default_factory=list)


def parse_iso_date(text: str) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` or return None."""
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
