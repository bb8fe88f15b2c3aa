"""Command-line tools, grouped by what they touch.

``check``, ``score`` and ``export-schema`` (:mod:`readiness.cli.definitions`) are Flask
plugin commands (``flask.commands`` entry points): they run without building the app,
so ``check`` works precisely when the app refuses to start. The others need the app and
its database and are registered by :func:`register_commands`.
"""

from __future__ import annotations

from flask import Flask

from readiness.cli.accounts import create_admin_command, reset_totp_command
from readiness.cli.database import init_db_command, purge_command
from readiness.cli.demo import demo_command
from readiness.cli.reports import report_command, reports_command, reproduce_command


def register_commands(app: Flask) -> None:
    """Commands that need the app and its database."""
    for command in (
        init_db_command,
        demo_command,
        reproduce_command,
        report_command,
        create_admin_command,
        reports_command,
        purge_command,
        reset_totp_command,
    ):
        app.cli.add_command(command)
