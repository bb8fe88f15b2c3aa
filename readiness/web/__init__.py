"""The web layer: one blueprint per audience, the forms, and what every response gets.

Only the app factory imports this package (an import-linter contract holds it):
services, the CLI and the core never depend on requests.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from readiness.core.readings import LARGEST_ID
from readiness.web import (
    admin,
    auth,
    bodies,
    coordinator,
    errors,
    intern,
    my_data,
    pages,
    request_log,
    security,
    templating,
)


class DatabaseIdConverter(IntegerConverter):
    """Ids in URLs: ASCII digits up to the largest id every database holds, so a huge
    number or another script's digits is a 404 and never a database error."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def register_web(app: Flask) -> None:
    """Routes, error pages, security headers, request ids and template helpers."""
    app.url_map.converters["int"] = DatabaseIdConverter
    for blueprint in (pages.bp, auth.bp, intern.bp, my_data.bp, coordinator.bp, admin.bp):
        app.register_blueprint(blueprint)
    request_log.register(app)
    bodies.register(app)
    errors.register(app)
    security.register(app)
    templating.register(app)
