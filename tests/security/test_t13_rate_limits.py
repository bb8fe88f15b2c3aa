"""T13 (throttling) across processes: the database store that the embedded default uses
instead of each worker's memory (issue 15). tests/security/test_t23_production_server.py
shows the same on gunicorn with three workers."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask
from limits import RateLimitItemPerMinute
from limits.strategies import FixedWindowRateLimiter

from readiness.extensions import db
from readiness.rate_store import DatabaseStorage, storage_uri
from tests.fixtures.html import csrf_token


@pytest.fixture
def database_url(make_app: Callable[..., Flask]) -> str:
    app = make_app()
    with app.app_context():
        return db.engine.url.render_as_string(hide_password=False)


def test_two_stores_on_one_database_share_their_counters(database_url: str) -> None:
    """As two gunicorn workers would: what one counts, the other sees."""
    first, second = (
        DatabaseStorage(storage_uri(database_url)),
        DatabaseStorage(storage_uri(database_url)),
    )
    limit = RateLimitItemPerMinute(3)
    one, two = FixedWindowRateLimiter(first), FixedWindowRateLimiter(second)
    hits = [limiter.hit(limit, "signin", "203.0.113.9|coord") for limiter in (one, two, one, two)]
    assert hits == [True, True, True, False]
    assert first.get(limit.key_for("signin", "203.0.113.9|coord")) == 4  # one count for both
    assert one.hit(limit, "signin", "another|name")  # other keys are not affected


def test_a_window_ends_and_counting_starts_again(database_url: str) -> None:
    store = DatabaseStorage(storage_uri(database_url))
    assert store.incr("k", expiry=1) == 1
    assert store.incr("k", expiry=1) == 2
    assert store.get_expiry("k") > time.time()
    time.sleep(1.1)
    assert store.get("k") == 0
    assert store.incr("k", expiry=60) == 1
    store.clear("k")
    assert store.get("k") == 0
    assert store.check()
    assert store.reset() is not None


def test_the_app_counts_sign_ins_in_the_database_by_default(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(RATELIMIT_STORAGE_URI=None, SIGNIN_LIMIT="2 per minute")
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("readiness-db://")
    client = app.test_client()
    statuses = []
    for _ in range(3):
        token = csrf_token(client.get("/auth/signin").text)
        fields = {"csrf_token": token, "username": "nobody", "password": "wrong-password"}
        statuses.append(client.post("/auth/signin", data=fields).status_code)
    assert statuses == [422, 422, 429]
    with app.app_context():
        assert db.session.execute(db.text("SELECT COUNT(*) FROM rate_limit")).scalar() >= 1
