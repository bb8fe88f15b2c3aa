"""readiness: entrepreneurship-readiness self-assessment for interns in Japan.

Nothing here imports Flask at module level, so ``import readiness.core`` stays
free of web dependencies. ``create_app`` imports the web app lazily, which keeps
``flask --app readiness ...`` working.
"""

from __future__ import annotations

from typing import Any


def create_app(config: dict[str, Any] | None = None) -> Any:
    """Build the Flask application (see :func:`readiness.app.create_app`)."""
    from readiness.app import create_app as _create_app

    return _create_app(config)
