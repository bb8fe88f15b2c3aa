"""``create-admin`` and ``reset-totp``: accounts that only the operator can touch."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

from readiness.extensions import db
from readiness.models import ADMIN
from readiness.services.accounts import (
    PASSWORD_GUESSABLE,
    PASSWORD_HAS_NAME,
    PASSWORD_LENGTH_WRONG,
    UsernameTakenError,
    create_user,
    find_user,
    issue_enrolment_code,
    password_problem,
    reset_second_factor,
    username_problem,
)

PASSWORD_ADVICE = {
    PASSWORD_LENGTH_WRONG: "use 8 to 128 characters",
    PASSWORD_GUESSABLE: "many people use this password: choose another",
    PASSWORD_HAS_NAME: "the password contains the user name: choose another",
}


@click.command("create-admin")
@click.argument("username")
@click.password_option(help="The admin's password (asked twice when not given).")
@with_appcontext
def create_admin_command(username: str, password: str) -> None:
    """Create an administrator (there is no default admin account)."""
    if username_problem(username):
        raise click.BadParameter(
            "use 3 to 40 letters, digits, '.', '_' or '-'", param_hint="USERNAME"
        )
    problem = password_problem(password, username)
    if problem:
        raise click.BadParameter(PASSWORD_ADVICE[problem], param_hint="--password")
    try:
        admin = create_user(username, password, role=ADMIN, locale="ja")
    except UsernameTakenError as exc:
        raise click.ClickException(f"user name '{username}' is taken") from exc
    code = issue_enrolment_code(admin)
    db.session.commit()
    click.echo(f"admin '{username}' created: sign in at /auth/signin")
    _echo_enrolment_code(code, admin.totp_enrolment_expires)


def _echo_enrolment_code(code: str, expires: dt.datetime | None) -> None:
    click.echo(
        f"enrolment code (once, until {expires:%Y-%m-%d %H:%M} UTC): {code}\n"
        "it is typed after the password at the first sign-in, then an authenticator app "
        "is set up; it is shown only now"
    )


@click.command("reset-totp")
@click.argument("username")
@with_appcontext
def reset_totp_command(username: str) -> None:
    """Forget a coordinator's or admin's authenticator (lost phone): they enrol again."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    code = reset_second_factor(user)
    click.echo(f"'{username}' will set up a new authenticator at the next sign-in")
    _echo_enrolment_code(code, user.totp_enrolment_expires)
