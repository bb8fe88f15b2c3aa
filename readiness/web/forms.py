"""The base of every readiness form, and the fields and rules they share."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import support
from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import DateField
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Length

from readiness.core.readings import (
    EARLIEST_DATE,
    LATEST_DATE,
    YEAR_OUT_OF_RANGE,
    date_example,
    read_date,
)
from readiness.i18n import select_locale

#: Flask-WTF's marker for "read the request" (the default of ``formdata``).
_AUTO = FlaskForm.__init__.__defaults__[0]
SUBMIT_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@lru_cache(maxsize=32)
def _wtforms_catalogue(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """Every readiness form: WTForms' own messages in the page's language, read once, and
    only the form fields of the request as its data.

    Flask-WTF would read WTForms' catalogue from disk again on every request. It would
    also merge a JSON body or every uploaded file into the form data, so a text field
    could receive a list, an object or a file (issue 15): here text fields read only the
    posted form, and file fields only the files posted under their own names.
    """

    class Meta:
        def get_translations(self, form: Any) -> support.NullTranslations:
            return _wtforms_catalogue(str(get_locale()))

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            if formdata is not _AUTO:
                return formdata
            if request.method not in SUBMIT_METHODS:
                return None
            file_names = {f.name for f in form if isinstance(f, (FileField, MultipleFileField))}
            files = MultiDict(
                (name, upload)
                for name, upload in request.files.items(multi=True)
                if name in file_names
            )
            return CombinedMultiDict([files, request.form]) if files else request.form


class ActionForm(Form):
    """A form with nothing but the CSRF token, for buttons that change state."""


#: Every required account or admin field says so in the page's language.
REQUIRED = InputRequired(message=_l("Please fill this in."))


#: A posted form shown again because of what was typed: the page says what and where; the
#: status says "refused" to anything that is not a person (a script, a test, a proxy log).
FORM_REFUSED = 422


def form_status(*forms: Any) -> int:
    """422 when a posted form comes back with errors, else 200."""
    refused = request.method == "POST" and any(form.errors for form in forms)
    return FORM_REFUSED if refused else 200


def stripped(value: Any) -> Any:
    """A field filter: spaces around a typed name are not part of it (phones add one)."""
    return value.strip() if isinstance(value, str) else value


def at_most(limit: int) -> Length:
    """A length cap whose message is in the page's language."""
    return Length(max=limit, message=_l("Please keep this under %(max)d characters."))


class LocalDateField(DateField):
    """A date as a date picker sends it (``2027-06-30``) or as people type it in the
    page's language (``30/06/2027`` where days come first), between 1900 and 2100."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        locale = select_locale()
        day, problem = read_date(text, locale)
        if problem is not None:
            raise ValueError(date_problem(problem, locale))
        self.data = day


def date_problem(problem: str, locale: str) -> str:
    """Why a typed date was refused, in the page's language."""
    if problem == YEAR_OUT_OF_RANGE:
        return _(
            "Enter a date between %(earliest)s and %(latest)s.",
            earliest=EARLIEST_DATE.year,
            latest=LATEST_DATE.year,
        )
    return _("Enter a date like %(example)s.", example=date_example(locale))
