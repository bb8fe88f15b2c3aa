"""Render PDFs in a separate worker process with a time and a memory cap.

WeasyPrint's work grows with the document, and a render must never hang a web
worker or exhaust the machine (docs/security.md, T7). One
long-lived worker process (spawned once: importing WeasyPrint costs about half a
second) renders each report under an address-space limit; the caller waits at
most ``timeout`` seconds, after which the worker is killed and replaced, and a
:class:`RenderError` says what happened. Bulk reports use a pool of several such workers.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import resource
import threading
from collections.abc import Iterator
from multiprocessing.pool import Pool
from pathlib import Path

from readiness.reports.render import ReportData, ReportRenderer

LOGGER = logging.getLogger("readiness.reports.pool")
_worker_renderer: ReportRenderer | None = None


class RenderError(RuntimeError):
    """A report could not be rendered within its limits; the message is safe to show."""


def _start_worker(templates_dir: str, static_dir: str, memory_bytes: int) -> None:
    """Worker initializer: cap the address space, then load WeasyPrint and the templates once."""
    global _worker_renderer
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    _worker_renderer = ReportRenderer(Path(templates_dir), Path(static_dir))


def _render(data: ReportData) -> bytes:
    if _worker_renderer is None:  # pragma: no cover - the initializer always runs first
        raise RenderError("the PDF worker did not start")
    try:
        return _worker_renderer.render_pdf(data)
    except MemoryError as exc:
        raise RenderError("the report needs more memory than a report may use") from exc


class RenderPool:
    """One PDF worker process, started on first use and replaced after a timeout."""

    def __init__(
        self,
        templates_dir: Path,
        static_dir: Path,
        *,
        timeout: float = 30.0,
        memory_mb: int = 1024,
        processes: int = 1,
    ) -> None:
        self.processes = processes
        self.templates_dir = templates_dir
        self.static_dir = static_dir
        self.timeout = timeout
        self.memory_bytes = memory_mb * 1024 * 1024
        self._pool: Pool | None = None
        self._lock = threading.Lock()
        atexit.register(self.close)

    def _get_pool(self) -> Pool:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")  # no fork of a threaded server
                self._pool = context.Pool(
                    processes=self.processes,
                    initializer=_start_worker,
                    initargs=(str(self.templates_dir), str(self.static_dir), self.memory_bytes),
                )
            return self._pool

    def render(self, data: ReportData, timeout: float | None = None) -> bytes:
        """Render in the worker; raise :class:`RenderError` on timeout or failure."""
        limit = self.timeout if timeout is None else timeout
        pending = self._get_pool().apply_async(_render, (data,))
        try:
            return pending.get(timeout=limit)
        except multiprocessing.TimeoutError as exc:
            LOGGER.error(
                "report %s: rendering took over %.1f s; worker restarted", data.report_id, limit
            )
            self.close()
            raise RenderError(f"making the PDF took longer than {limit:g} seconds") from exc
        except RenderError:
            self.close()
            raise

    def render_many(self, items: list[ReportData]) -> Iterator[bytes | RenderError]:
        """Render several reports on all workers at once; yield each PDF or its error, in order."""
        pool = self._get_pool()
        pending = [pool.apply_async(_render, (data,)) for data in items]
        timed_out = False
        for data, result in zip(items, pending, strict=True):
            if timed_out:
                yield RenderError("not made: an earlier report in the batch timed out")
                continue
            try:
                yield result.get(timeout=self.timeout * max(1.0, len(items) / self.processes))
            except RenderError as exc:
                yield exc
            except multiprocessing.TimeoutError:
                LOGGER.error("report %s: rendering timed out; workers restarted", data.report_id)
                self.close()
                timed_out = True
                yield RenderError(f"making the PDF took longer than {self.timeout:g} seconds")

    def memory_limit_in_worker(self) -> int:
        """The address-space limit the worker runs under, in bytes (asks the worker itself)."""
        return int(self._get_pool().apply(worker_memory_limit))

    def close(self) -> None:
        """Stop the worker (a new one starts on the next render), waiting a bounded time.

        ``Pool.terminate`` can block forever when a worker dies at the wrong moment (for
        example while it is still starting); the caller must never hang with it, so the
        pool is stopped on a helper thread and its processes are killed if that stalls.
        """
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        stopper = threading.Thread(target=_stop, args=(pool,), name="pdf-pool-stop", daemon=True)
        stopper.start()
        stopper.join(CLOSE_WAIT)
        if stopper.is_alive():
            LOGGER.error("the PDF worker pool did not stop in %s s: killing it", CLOSE_WAIT)
            for worker in getattr(pool, "_pool", []):  # the pool's worker processes
                worker.kill()


#: Seconds to wait for a pool to stop before its processes are killed.
CLOSE_WAIT = 10.0


def _stop(pool: Pool) -> None:
    pool.terminate()
    pool.join()


_SHARED: dict[tuple[str, str, float, int, int], RenderPool] = {}


def shared_pool(
    templates_dir: Path, static_dir: Path, timeout: float, memory_mb: int, processes: int = 1
) -> RenderPool:
    """One pool per configuration in a process, shared by every app instance that asks."""
    key = (str(templates_dir), str(static_dir), timeout, memory_mb, processes)
    if key not in _SHARED:
        _SHARED[key] = RenderPool(
            templates_dir, static_dir, timeout=timeout, memory_mb=memory_mb, processes=processes
        )
    return _SHARED[key]


def worker_memory_limit() -> int:
    """The worker's address-space limit in bytes (run inside the worker; for tests)."""
    return resource.getrlimit(resource.RLIMIT_AS)[0]


def cpu_workers() -> int:
    """How many processes render bulk reports: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))
