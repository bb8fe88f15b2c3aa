"""The base of every readiness form, and the fields and rules they share."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import support
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Length


@lru_cache(maxsize=32)
def _wtforms_catalogue(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """Every readiness form: WTForms' own messages in the page's language, read once.

    Flask-WTF would read WTForms' catalogue from disk again on every request.
    """

    class Meta:
        def get_translations(self, form: Any) -> support.NullTranslations:
            return _wtforms_catalogue(str(get_locale()))


class ActionForm(Form):
    """A form with nothing but the CSRF token, for buttons that change state."""


#: Every required account or admin field says so in the page's language.
REQUIRED = InputRequired(message=_l("Please fill this in."))


def at_most(limit: int) -> Length:
    """A length cap whose message is in the page's language."""
    return Length(max=limit, message=_l("Please keep this under %(max)d characters."))


class LocalDateField(DateField):
    """A date field whose "not a date" message is in the page's language."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_("Enter a date like 2027-06-30.")) from exc
