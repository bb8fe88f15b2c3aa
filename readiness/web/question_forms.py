"""Questionnaire pages as WTForms forms: one form class per page, built from the YAML model.

Each question type maps to a field factory in :data:`FIELD_FACTORIES`. Fields
check the format of what was posted (a valid option, a number within limits,
a real date, a length cap); whether an answer is required depends on which
questions are shown, so :class:`~readiness.web.page_submission.PageSubmission` checks
that after validation.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
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
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from readiness.core.model import (
    ChoiceQuestion,
    DateQuestion,
    LikertQuestion,
    NumberQuestion,
    Question,
    TextQuestion,
    localize,
)
from readiness.web.forms import Form, LocalDateField, at_most

MAX_CHOICES = 100


class AnswerForm(Form):
    """Base of every page form: the hidden fields that travel with a page."""

    #: Soft-required questions the intern was already warned about.
    soft_ack = HiddenField()
    #: Content hash of the questionnaire the page was built from (stale-form check).
    definition_hash = HiddenField()
    #: The page's saved state when the form was shown (a save from another tab changes it).
    page_version = HiddenField()


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NumberAnswerField(StringField):
    """A number typed on a phone: accepts full-width digits, spaces and thousands commas."""

    def __init__(self, *args: Any, integer: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.integer = integer
        self.number: int | float | None = None

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        self.number = None
        text = unicodedata.normalize("NFKC", self.data or "").strip()
        text = re.sub(r"[\s,_']", "", text)
        if not text:
            return
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise ValueError(_("Enter a number using digits only, for example 150000."))
        value = float(text)
        if not math.isfinite(value):  # pragma: no cover - the pattern excludes it
            raise ValueError(_("Enter a normal number."))
        if self.integer:
            if value != int(value):
                raise ValueError(_("Enter a whole number, without decimals."))
            self.number = int(value)
        else:
            self.number = value


def _within(lower: float | None, upper: float | None, unit: str) -> Callable[..., None]:
    def check(_form: Any, field: NumberAnswerField) -> None:
        value = field.number
        if value is None:
            return
        if (lower is not None and value < lower) or (upper is not None and value > upper):
            bounds = {"lower": _fmt(lower), "upper": _fmt(upper), "unit": unit}
            if unit:
                raise ValidationError(
                    _("Enter a number from %(lower)s to %(upper)s %(unit)s.", **bounds)
                )
            raise ValidationError(_("Enter a number from %(lower)s to %(upper)s.", **bounds))

    return check


def _fmt(value: float | None) -> str:
    if value is None:
        return _("any")
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _one_of(allowed: list[Any]) -> Callable[..., None]:
    allowed_set = set(allowed)

    def check(_form: Any, field: Field) -> None:
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(v not in allowed_set for v in values if v not in (None, "")):
            raise ValidationError(_("This answer is not one of the options; choose from the list."))

    return check


def _exclusive(option: str | None, label: str) -> Callable[..., None]:
    def check(_form: Any, field: Field) -> None:
        if option and option in (field.data or []) and len(field.data) > 1:
            raise ValidationError(
                _("“%(label)s” cannot be combined with other answers.", label=label)
            )
        if len(field.data or []) > MAX_CHOICES:
            raise ValidationError(_("Too many answers were sent."))

    return check


def _date_when(when: str) -> Callable[..., None]:
    def check(_form: Any, field: Field) -> None:
        value = field.data
        if value is None or when == "any":
            return
        today = dt.date.today()
        if when == "future" and value < today:
            raise ValidationError(_("This date has passed; enter a date from today on."))
        if when == "past" and value > today:
            raise ValidationError(_("This date is in the future; enter today or an earlier date."))
        if not dt.date(1900, 1, 1) <= value <= dt.date(2100, 12, 31):  # pragma: no cover
            raise ValidationError(_("Enter a date between 1900 and 2100."))

    return check


def _choice_field(question: ChoiceQuestion, label: str, locale: str) -> Field:
    choices = [SelectChoice(o.id, localize(o.label, locale)) for o in question.options]
    ids = [o.id for o in question.options]
    if question.type == "single_choice":
        return RadioField(label, choices=choices, validate_choice=False, validators=[_one_of(ids)])
    exclusive_label = next(
        (localize(o.label, locale) for o in question.options if o.id == question.exclusive), ""
    )
    return CheckboxListField(
        label,
        choices=choices,
        validate_choice=False,
        validators=[_one_of(ids), _exclusive(question.exclusive, exclusive_label)],
    )


def _likert_field(question: LikertQuestion, label: str, _locale: str) -> Field:
    values = list(range(1, question.scale + 1))
    return RadioField(
        label,
        choices=[SelectChoice(v, str(v)) for v in values],
        coerce=_to_int,
        validate_choice=False,
        validators=[_one_of(values)],
    )


def _to_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(_("This answer is not one of the options; choose from the list.")) from exc


def _yes_no_field(_question: Question, label: str, _locale: str) -> Field:
    return RadioField(
        label,
        choices=[SelectChoice("yes", _("Yes")), SelectChoice("no", _("No"))],
        validate_choice=False,
        validators=[_one_of(["yes", "no"])],
    )


def _number_field(question: NumberQuestion, label: str, locale: str) -> Field:
    unit = localize(question.unit, locale) if question.unit else ""
    return NumberAnswerField(
        label,
        integer=question.integer,
        validators=[at_most(40), _within(question.min, question.max, unit)],
    )


def _date_field(question: DateQuestion, label: str, _locale: str) -> Field:
    return LocalDateField(label, format="%Y-%m-%d", validators=[_date_when(question.when)])


def _text_field(question: TextQuestion, label: str, _locale: str) -> Field:
    limit = question.length_limit
    message = _("Please keep this under %(limit)s characters.", limit=f"{limit:,}")
    field_class = StringField if question.type == "short_text" else TextAreaField
    return field_class(label, validators=[Length(max=limit, message=message)])


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
