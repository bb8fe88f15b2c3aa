"""Forms about accounts: signing up, in and out, passwords, the second factor, consent,
and the staff's forms (coordinators, invitations, rosters, the definitions preview)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    Field,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import EqualTo, InputRequired, Length, Regexp, ValidationError
from wtforms.validators import Optional as OptionalValue

from readiness.core.definitions import AssessmentDefinition
from readiness.core.locales import LOCALES
from readiness.core.model import ChoiceQuestion, localize
from readiness.services.accounts import (
    PASSWORD_GUESSABLE,
    PASSWORD_HAS_NAME,
    PASSWORD_LENGTH_WRONG,
    password_problem,
    username_problem,
)
from readiness.web.forms import REQUIRED, Form, LocalDateField, at_most, stripped

LANGUAGE_CHOICES = [SelectChoice(code, info.name) for code, info in LOCALES.items()]
#: The accounts service's verdicts on a new password, in the page's language.
PASSWORD_ADVICE = {
    PASSWORD_LENGTH_WRONG: _l("Use at least 8 characters (up to 128)."),
    PASSWORD_HAS_NAME: _l("Your password must not contain your user name. Choose another."),
    PASSWORD_GUESSABLE: _l(
        "Many people use this password, so it is easy to guess. Choose another."
    ),
}


def USERNAME_RULE(_form: Form, field: Field) -> None:  # noqa: N802 - reads as a constant rule
    """The user-name rule of the accounts service (3 to 40 letters, digits, '.', '_', '-')."""
    if field.data and username_problem(field.data):
        raise ValidationError(_l("Use 3 to 40 letters, digits, '.', '_' or '-'."))


def PASSWORD_RULE(form: Form, field: Field) -> None:  # noqa: N802 - reads as a constant rule
    """The password rule of the accounts service: 8 to 128 characters, not easy to guess
    (no composition rules, ASVS 6.2)."""
    if not field.data:
        return
    username = (form.username.data or "") if hasattr(form, "username") else ""
    problem = password_problem(field.data, username)
    if problem:
        raise ValidationError(PASSWORD_ADVICE[problem])


def _password_again() -> Any:
    """The field that repeats ``password``: a typo in a new password is caught here."""
    return PasswordField(
        _l("Password again"),
        validators=[
            REQUIRED,
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


class NewAccountForm(Form):
    """A user name and a password typed twice: joining by invitation, and the base of sign-up."""

    username = StringField(
        _l("User name"), validators=[REQUIRED, USERNAME_RULE], filters=[stripped]
    )
    password = PasswordField(_l("Password"), validators=[REQUIRED, PASSWORD_RULE])
    confirm = _password_again()


class PasswordChangeForm(Form):
    """The current password, and a new one typed twice."""

    current = PasswordField(_l("Current password"), validators=[REQUIRED, at_most(128)])
    password = PasswordField(_l("New password"), validators=[REQUIRED, PASSWORD_RULE])
    confirm = _password_again()


class PasswordResetForm(Form):
    """A forgotten password: the user name, a one-time code, and a new password twice."""

    username = StringField(_l("User name"), validators=[REQUIRED, at_most(40)], filters=[stripped])
    code = StringField(
        _l("Reset code or recovery code"),
        validators=[REQUIRED, at_most(40)],
        filters=[stripped],
        description=_l("From your coordinator, or one of the codes you kept when you signed up."),
    )
    password = PasswordField(_l("New password"), validators=[REQUIRED, PASSWORD_RULE])
    confirm = _password_again()


class NewRecoveryCodesForm(Form):
    """New recovery codes replace the old ones: the current password confirms it."""

    current = PasswordField(_l("Current password"), validators=[REQUIRED, at_most(128)])


class SignUpForm(NewAccountForm):
    display_name = StringField(
        _l("Your name, as it should appear on your plan (optional)"),
        validators=[Length(max=100, message=_l("Please keep your name under 100 characters."))],
    )
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="en")


class SignInForm(Form):
    username = StringField(_l("User name"), validators=[REQUIRED, at_most(40)], filters=[stripped])
    password = PasswordField(_l("Password"), validators=[REQUIRED, at_most(128)])


def _choices_of(
    definition: AssessmentDefinition, question_id: str, locale: str
) -> list[SelectChoice]:
    question = definition.questions.get(question_id)
    options = question.options if isinstance(question, ChoiceQuestion) else []
    return [
        SelectChoice("", "—"),
        *(SelectChoice(o.id, localize(o.label, locale)) for o in options),
    ]


class InvitationForm(Form):
    """One invitation: everything optional, the intern can fill it in later."""

    display_name = StringField(_l("Name"), validators=[at_most(100)])
    home_country = SelectField(_l("Home country"), default="")
    field = SelectField(_l("Field"), default="")
    programme = SelectField(_l("Status"), default="")
    planned_return = LocalDateField(_l("Planned return"), validators=[OptionalValue()])

    @classmethod
    def for_questionnaire(cls, definition: AssessmentDefinition, locale: str) -> InvitationForm:
        form = cls()
        profile = definition.plan.plan.profile if definition.plan else None
        for name in ("home_country", "field", "programme"):
            question = getattr(profile, {"home_country": "country"}.get(name, name), None)
            form[name].choices = (
                _choices_of(definition, question, locale) if question else [SelectChoice("", "—")]
            )
        return form

    def invitation_values(self) -> dict[str, Any]:
        return {
            "display_name": (self.display_name.data or "").strip() or None,
            "home_country": self.home_country.data or None,
            "field": self.field.data or None,
            "programme": self.programme.data or None,
            "planned_return": self.planned_return.data,
        }


class JoinForm(NewAccountForm):
    """Joining an organisation through an invitation link."""


class OrganisationForm(Form):
    name = StringField(_l("Organisation name"), validators=[REQUIRED, at_most(200)])


class CoordinatorForm(Form):
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    username = StringField(
        _l("User name"), validators=[REQUIRED, USERNAME_RULE], filters=[stripped]
    )
    password = PasswordField(_l("Password"), validators=[REQUIRED, PASSWORD_RULE])


class RosterForm(Form):
    roster = FileField(
        _l("CSV file of interns"),
        validators=[
            FileRequired(_l("Choose a CSV file.")),
            FileAllowed(["csv", "txt"], _l("Choose a .csv file.")),
        ],
    )


class PreviewForm(Form):
    """Definition files (or a ZIP) to check, and optionally answers to score against them."""

    definitions = MultipleFileField(
        _l("Definition files: the YAML files, or a ZIP of them"),
        validators=[FileRequired(_l("Choose the definition files, or a ZIP of them."))],
        render_kw={"accept": ".yaml,.yml,.zip"},
    )
    answers = FileField(
        _l("Answers file (optional): question ids and answers, in YAML"),
        validators=[FileAllowed(["yaml", "yml"], _l("Choose a .yaml file."))],
        render_kw={"accept": ".yaml,.yml"},
    )
    as_of = LocalDateField(_l("Score as of (default: today)"), validators=[OptionalValue()])
    language = SelectField(_l("Show the result in"), choices=LANGUAGE_CHOICES)


class ConsentForm(Form):
    """Agreement to the consent text: never ticked in advance (P1)."""

    agree = BooleanField(
        _l("I have read this and agree that readiness keeps and uses my data as described."),
        validators=[
            InputRequired(_l("Please tick the box to agree, or sign out if you do not agree."))
        ],
    )


class DeleteAccountForm(Form):
    """Deleting one's own account needs the password again: a borrowed phone cannot do it."""

    password = PasswordField(_l("Your password"), validators=[REQUIRED, at_most(128)])


class EnrolmentForm(Form):
    """The one-time enrolment code an admin handed over, before an authenticator is set up."""

    enrolment_code = StringField(
        _l("Enrolment code from your administrator"),
        validators=[REQUIRED, at_most(40)],
        render_kw={"autocapitalize": "characters", "spellcheck": "false"},
    )


class TotpForm(Form):
    """The six-digit code from an authenticator app."""

    code = StringField(
        _l("Six-digit code from your authenticator app"),
        validators=[
            REQUIRED,
            Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("Type the six digits the app shows.")),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 7},
    )
