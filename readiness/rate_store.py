"""Rate limits kept in the app's own database, so every worker and process shares them.

Flask-Limiter keeps its counters in a storage named by a URI. Redis is the shared store
when ``REDIS_URL`` is set; without it, counters in each gunicorn worker's memory would
multiply every documented limit by the number of workers (issue 15). This storage keeps
fixed-window counters in the ``rate_limit`` table instead: one atomic upsert per hit, on
SQLite and PostgreSQL alike. Its URI is ``readiness-db://?url=<database URL, quoted>``.
"""

from __future__ import annotations

import os
import random
import threading
import time
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

from limits.storage import Storage
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

SCHEME = "readiness-db"
#: One hit in this many also deletes windows that ended (the table stays small).
SWEEP_EVERY = 200

_SWEEP = text("DELETE FROM rate_limit WHERE expires_at <= :now")
_INCREMENT = text(
    "INSERT INTO rate_limit (key, count, expires_at) VALUES (:key, :amount, :expires) "
    "ON CONFLICT (key) DO UPDATE SET "
    "count = CASE WHEN rate_limit.expires_at <= :now THEN :amount "
    "ELSE rate_limit.count + :amount END, "
    "expires_at = CASE WHEN rate_limit.expires_at <= :now THEN :expires "
    "ELSE rate_limit.expires_at END "
    "RETURNING count"
)


def storage_uri(database_url: str) -> str:
    """The Flask-Limiter storage URI that keeps counters in this database."""
    return f"{SCHEME}://?url={quote(database_url, safe='')}"


class DatabaseStorage(Storage):
    """Fixed-window counters in the ``rate_limit`` table (the default strategy's needs)."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 - limits' registry reads this attribute

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        super().__init__(uri, wrap_exceptions, **options)
        urls = parse_qs(urlparse(uri or "").query).get("url")
        if not urls:
            raise ValueError(f"{SCHEME} needs ?url=<database URL>: {uri!r}")
        self.database_url = urls[0]
        self._engine: Engine | None = None
        self._engine_pid = 0
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """An engine of this process (made again after gunicorn forks a worker)."""
        with self._lock:
            if self._engine is None or self._engine_pid != os.getpid():
                # No pool: a connection per hit (only sign-in, sign-up and code posts are
                # limited), closed at once, so nothing is left open in a forked worker.
                self._engine = create_engine(self.database_url, poolclass=NullPool)
                self._engine_pid = os.getpid()
            return self._engine

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as connection:
            count = connection.execute(
                _INCREMENT, {"key": key, "amount": amount, "expires": now + expiry, "now": now}
            ).scalar_one()
            if random.randrange(SWEEP_EVERY) == 0:  # noqa: S311 - not for security
                connection.execute(
                    text("DELETE FROM rate_limit WHERE expires_at <= :now"), {"now": now}
                )
        return int(count)

    def get(self, key: str) -> int:
        with self.engine.connect() as connection:
            count = connection.execute(
                text("SELECT count FROM rate_limit WHERE key = :key AND expires_at > :now"),
                {"key": key, "now": time.time()},
            ).scalar()
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as connection:
            expires = connection.execute(
                text("SELECT expires_at FROM rate_limit WHERE key = :key"), {"key": key}
            ).scalar()
        return float(expires) if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return int(connection.execute(text("DELETE FROM rate_limit")).rowcount)

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(text("DELETE FROM rate_limit WHERE key = :key"), {"key": key})
