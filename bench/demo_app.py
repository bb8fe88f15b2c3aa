"""The app on a throwaway SQLite database with demo data, and a signed-in demo intern."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from readiness import create_app
from readiness.extensions import db
from readiness.services.demo import DEMO_PASSWORD, load_demo_data


@contextmanager
def signed_in_demo_client(username: str) -> Iterator[tuple[Flask, FlaskClient]]:
    """Yield (app, test client signed in as ``username``); the database is removed after."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
                "SECRET_KEY": "bench-" + "x" * 32,
                # These measure pages, not signing in: no second factor (tests/security has it).
                "TOTP_REQUIRED": False,
            }
        )
        with app.app_context():
            db.create_all()
            load_demo_data()
        client = app.test_client()
        page = client.get("/auth/signin").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/auth/signin",
            data={"csrf_token": token, "username": username, "password": DEMO_PASSWORD},
        )
        try:
            yield app, client
        finally:
            with app.app_context():
                db.engine.dispose()
