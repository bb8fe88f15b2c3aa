"""Questionnaire pages as WTForms forms: one form class per page, built from the YAML model.

Each question type maps to a field factory in :data:`FIELD_FACTORIES`. Fields
check the format of what was posted (a valid option, a number within limits,
a real date, a length cap); whether an answer is required depends on which
questions are shown, so :class:`~readiness.web.page_submission.PageSubmission` checks
that after validation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from wtforms import (
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from readiness.core.answers import (
    DATE_AHEAD,
    DATE_PASSED,
    NOT_A_DATE,
    NOT_A_NUMBER,
    NOT_ALONE,
    NOT_WHOLE,
    OUT_OF_RANGE,
    TOO_LONG,
    TOO_MANY,
    YEAR_OUT_OF_RANGE,
    AnswerProblem,
    check_answer,
    read_typed_number,
)
from readiness.core.model import (
    ChoiceQuestion,
    DateQuestion,
    LikertQuestion,
    NumberQuestion,
    Question,
    TextQuestion,
    localize,
)
from readiness.core.readings import NumberReading, shown_number
from readiness.web.forms import Form, LocalDateField, at_most, date_problem


class AnswerForm(Form):
    """Base of every page form: the hidden fields that travel with a page."""

    #: Soft-required questions the intern was already warned about.
    soft_ack = HiddenField()
    #: Content hash of the questionnaire the page was built from (stale-form check).
    definition_hash = HiddenField()
    #: The page's saved state when the form was shown (a save from another tab changes it).
    page_version = HiddenField()
    #: Numbers that could be read two ways, as the intern typed them, after the page asked
    #: back once (JSON: question id -> text); sent again unchanged, the first reading stays.
    number_ack = HiddenField()


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NumberAnswerField(StringField):
    """A number as people type it, read in the page's language (core.readings).

    ``reading`` says what the text means for this question: one value (``number``), two
    (the page asks back which one), or a problem (a message beside the field).
    """

    def __init__(self, *args: Any, question: NumberQuestion, locale: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        self.locale = locale
        self.reading = NumberReading()
        self.number: int | float | None = None

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        self.number, self.reading = None, NumberReading()
        text = (self.data or "").strip()
        if not text:
            return
        self.reading = read_typed_number(self.question, text, self.locale)
        if self.reading.problem is not None:
            raise ValueError(number_problem(self.reading.problem, self.question, self.locale))
        self.number = self.reading.value

    def confirm(self, value: int | float) -> None:
        """The intern kept this reading of an ambiguous text."""
        self.number, self.reading = value, NumberReading(value=value)


def number_problem(problem: str, question: NumberQuestion, locale: str) -> str:
    """Why a typed number was refused, in the page's language, with the question's limits."""
    if problem == NOT_WHOLE:
        return _("Enter a whole number, without decimals.")
    if problem == OUT_OF_RANGE:
        unit = localize(question.unit, locale) if question.unit else ""
        bounds = {
            "lower": _bound(question.min, locale),
            "upper": _bound(question.max, locale),
            "unit": unit,
        }
        if unit:
            return _("Enter a number from %(lower)s to %(upper)s %(unit)s.", **bounds)
        return _("Enter a number from %(lower)s to %(upper)s.", **bounds)
    return _("Enter a number, for example %(example)s.", example=shown_number(150000, locale))


def _bound(value: float | None, locale: str) -> str:
    return _("any") if value is None else shown_number(value, locale)


def ambiguity_note(field: NumberAnswerField) -> str:
    """What the page says when a number can be read two ways: how it read it, and how to
    write the other reading so that it cannot be misread."""
    kept, other = field.reading.choices[0], field.reading.choices[1]
    locale = field.locale
    return _(
        "We read this as %(kept)s. If you meant %(other)s, write %(plain)s instead. "
        "Send the page again to keep %(kept)s.",
        kept=shown_number(kept, locale),
        other=shown_number(other, locale),
        plain=f"{other:g}" if isinstance(other, float) else str(other),
    )


def answer_problem(problem: AnswerProblem, question: Question, locale: str) -> str:
    """A problem the core found with an answer, said in the page's language."""
    code = problem.code
    if code == NOT_ALONE:
        return _(
            "“%(label)s” cannot be combined with other answers.",
            label=localize(problem.details["label"], locale),
        )
    if code == TOO_MANY:
        return _("Too many answers were sent.")
    if code in (NOT_WHOLE, OUT_OF_RANGE, NOT_A_NUMBER) and isinstance(question, NumberQuestion):
        return number_problem(code, question, locale)
    if code == DATE_PASSED:
        return _("This date has passed; enter a date from today on.")
    if code == DATE_AHEAD:
        return _("This date is in the future; enter today or an earlier date.")
    if code in (YEAR_OUT_OF_RANGE, NOT_A_DATE):
        return date_problem(code, locale)
    if code == TOO_LONG:
        limit = shown_number(problem.details["limit"], locale)
        return _("Please keep this under %(limit)s characters.", limit=limit)
    return _("This answer is not one of the options; choose from the list.")


def _checked_by_the_core(question: Question, locale: str) -> Callable[..., None]:
    """The one answer check (core.answers) as a WTForms validator, said in the page's words."""

    def check(_form: Any, field: Field) -> None:
        if field.process_errors:
            return  # already refused while reading the text
        value = field_answer(question, field)
        if value is None:
            return
        problem = check_answer(question, value, dt.date.today())
        if problem is not None:
            raise ValidationError(answer_problem(problem, question, locale))

    return check


def _choice_field(question: ChoiceQuestion, label: str, locale: str) -> Field:
    choices = [SelectChoice(o.id, localize(o.label, locale)) for o in question.options]
    field_class = RadioField if question.type == "single_choice" else CheckboxListField
    return field_class(
        label,
        choices=choices,
        validate_choice=False,
        validators=[_checked_by_the_core(question, locale)],
    )


def _likert_field(question: LikertQuestion, label: str, locale: str) -> Field:
    values = list(range(1, question.scale + 1))
    return RadioField(
        label,
        choices=[SelectChoice(v, str(v)) for v in values],
        coerce=_to_int,
        validate_choice=False,
        validators=[_checked_by_the_core(question, locale)],
    )


def _to_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(_("This answer is not one of the options; choose from the list.")) from exc


def _yes_no_field(question: Question, label: str, locale: str) -> Field:
    return RadioField(
        label,
        choices=[SelectChoice("yes", _("Yes")), SelectChoice("no", _("No"))],
        validate_choice=False,
        validators=[_checked_by_the_core(question, locale)],
    )


def _number_field(question: NumberQuestion, label: str, locale: str) -> Field:
    return NumberAnswerField(
        label,
        question=question,
        locale=locale,
        validators=[at_most(40), _checked_by_the_core(question, locale)],
    )


def _date_field(question: DateQuestion, label: str, locale: str) -> Field:
    return LocalDateField(label, validators=[_checked_by_the_core(question, locale)])


def _text_field(question: TextQuestion, label: str, locale: str) -> Field:
    field_class = StringField if question.type == "short_text" else TextAreaField
    return field_class(label, validators=[_checked_by_the_core(question, locale)])


#: Question type -> factory(question, label, locale) building its WTForms field.
FIELD_FACTORIES: dict[str, Callable[[Any, str, str], Field]] = {
    "single_choice": _choice_field,
    "multiple_choice": _choice_field,
    "likert": _likert_field,
    "yes_no": _yes_no_field,
    "number": _number_field,
    "date": _date_field,
    "short_text": _text_field,
    "long_text": _text_field,
}


def build_page_form(
    questions: list[Question], locale: str, content_hash: str, **kwargs: Any
) -> AnswerForm:
    """Instantiate the form for a page's questions, fields named by question id.

    Form classes are cached per (definition content hash, questions, locale):
    building a class is slow and, for the same content, its fields never change.
    """
    key = (content_hash, tuple(q.id for q in questions), locale)
    form_class = _FORM_CLASSES.get(key)
    if form_class is None:
        fields = {
            q.id: FIELD_FACTORIES[q.type](q, localize(q.label, locale), locale) for q in questions
        }
        form_class = type("PageForm", (AnswerForm,), fields)
        if len(_FORM_CLASSES) >= _FORM_CLASS_LIMIT:
            _FORM_CLASSES.clear()
        _FORM_CLASSES[key] = form_class
    return form_class(**kwargs)


_FORM_CLASSES: dict[tuple[str, tuple[str, ...], str], type[AnswerForm]] = {}
_FORM_CLASS_LIMIT = 1000


def field_answer(question: Question, field: Field) -> Any:
    """The answer a valid field holds, in the form the core scores; None when empty."""
    if question.type == "number":
        return field.number
    if question.type == "date":
        return field.data.isoformat() if field.data else None
    if question.type == "multiple_choice":
        return list(field.data) if field.data else None
    if question.type in ("short_text", "long_text"):
        text = (field.data or "").strip()
        return text or None
    return field.data if field.data not in ("", None) else None


def initial_field_data(question: Question, value: Any) -> Any:
    """Turn a stored answer into what the field shows."""
    if value is None:
        return None
    if question.type == "date":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    if question.type == "number":
        return f"{value:g}" if isinstance(value, float) else str(value)
    return value
