"""``demo``: load the demo accounts (idempotent) and print them."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from readiness.cli.database import upgrade_or_explain
from readiness.services.demo import demo_password, load_demo_data


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo interns (idempotent) and print their accounts."""
    upgrade_or_explain()
    accounts = load_demo_data()
    click.echo(f"Demo accounts (password for all: {demo_password()}):")
    for username, what in accounts:
        click.echo(f"  {username:<16} {what}")
