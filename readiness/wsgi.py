"""The WSGI entry point for production servers: ``gunicorn readiness.wsgi:app``."""

from __future__ import annotations

from readiness import create_app

app = create_app()
