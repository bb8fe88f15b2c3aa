"""What the app loads once at start, and the typed way to reach it.

:class:`ReadinessState` holds the checked definitions and a scorer for each, the
exchange rates, the job queue, the PDF renderer and worker pools, and the cohort
cache. Views, commands and services reach it with :func:`current_state` (or
:func:`state_of` for an app object) instead of looking a string up in
``app.extensions``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar, cast

from flask import Flask, current_app

from readiness.config import PROJECT_ROOT
from readiness.core.definitions import DefinitionSet
from readiness.core.money import ExchangeRates
from readiness.core.scoring import Scorer
from readiness.queue import JobQueue
from readiness.reports.pool import RenderPool, cpu_workers, shared_pool
from readiness.reports.render import ReportRenderer

EXTENSION_KEY = "readiness"
TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TimedCache(Generic[K, V]):
    """Values reused for ``seconds`` per key, shared by the threads of one process.

    The dashboard's cohort charts do not change with the table's filters, sorting or
    page, so a coordinator working through the table computes them once; they may lag
    a submit by ``seconds``.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._entries: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K, compute: Callable[[], V]) -> V:
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = compute()
        if self.seconds > 0:
            with self._lock:
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
                self._entries[key] = (now + self.seconds, value)
        return value


class ReadinessState:
    """What the app loads once: the checked definitions, a scorer for each, the PDF renderer."""

    def __init__(
        self,
        definitions: DefinitionSet,
        config: dict[str, Any],
        rates: ExchangeRates | None,
        queue: JobQueue,
    ) -> None:
        self.definitions = definitions
        self.scorers = {qid: Scorer(d) for qid, d in definitions.definitions.items()}
        #: Exchange rates for home-currency amounts (None: yen only).
        self.rates = rates
        self.queue = queue
        self.pdf_limits = (float(config["PDF_TIMEOUT"]), int(config["PDF_MEMORY_MB"]))
        self.cohort_cache: TimedCache[Any, Any] = TimedCache(float(config["COHORT_CACHE_SECONDS"]))
        self._renderer: ReportRenderer | None = None

    @property
    def renderer(self) -> ReportRenderer:
        """Built on first use: WeasyPrint and its fonts take a moment to load."""
        if self._renderer is None:
            self._renderer = ReportRenderer(TEMPLATES, STATIC)
        return self._renderer

    @property
    def render_pool(self) -> RenderPool:
        """The PDF worker process with its time and memory limits (shared in the process)."""
        timeout, memory_mb = self.pdf_limits
        return shared_pool(TEMPLATES, STATIC, timeout, memory_mb)

    @property
    def bulk_pool(self) -> RenderPool:
        """Worker processes for bulk reports: one per core, same limits."""
        timeout, memory_mb = self.pdf_limits
        return shared_pool(TEMPLATES, STATIC, timeout, memory_mb, processes=cpu_workers())


def state_of(app: Flask) -> ReadinessState:
    return cast(ReadinessState, app.extensions[EXTENSION_KEY])


def current_state() -> ReadinessState:
    """The state of the app handling this request or command."""
    return state_of(current_app)
