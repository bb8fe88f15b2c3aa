"""Where background jobs wait: in this process, or in Redis for separate worker processes.

Both queues take a job id and run it later; what running means is given to them (the
app factory passes :func:`readiness.services.bulk_reports.run_job`, and RQ workers
call :func:`readiness.worker.run_report_job`), so this module knows nothing about
reports. A job whose runner raises :class:`TemporaryJobError` is retried after a delay,
up to :data:`MAX_ATTEMPTS` starts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from flask import Flask

LOGGER = logging.getLogger("readiness.queue")
#: A job starts at most this many times; temporary failures in between are retried.
MAX_ATTEMPTS = 3
#: Seconds to wait before each retry (RQ and the in-process queue alike).
RETRY_DELAYS = (5.0, 30.0)
#: What an RQ worker imports and calls with the job id.
WORKER_TASK = "readiness.worker.run_report_job"

JobRunner = Callable[[Flask, int], None]


class TemporaryJobError(RuntimeError):
    """The job hit a temporary failure and is marked ``retrying``; run it again later."""


class JobQueue(Protocol):
    def enqueue(self, job_id: int) -> Any: ...


class InProcessQueue:
    """The embedded default: jobs run one at a time on a background thread of this process."""

    def __init__(self, app: Flask, runner: JobRunner) -> None:
        self.app = app
        self.runner = runner
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-jobs")

    def enqueue(self, job_id: int) -> Future[None]:
        return self.executor.submit(self._run, job_id)

    def _run(self, job_id: int) -> None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                self.runner(self.app, job_id)
                return
            except TemporaryJobError:
                time.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])


class RedisQueue:
    """With ``REDIS_URL`` set: jobs wait in Redis and ``rq`` worker processes run them.

    Start workers with ``make worker`` (see docs/coordinators.md); they build the app from
    the same environment (``DATABASE_URL``, ``READINESS_*``) as the web processes.
    """

    def __init__(self, url: str, name: str) -> None:
        from redis import Redis
        from rq import Queue

        self.queue = Queue(name, connection=Redis.from_url(url))

    def enqueue(self, job_id: int) -> Any:
        from rq import Retry

        return self.queue.enqueue(
            WORKER_TASK,
            job_id,
            job_timeout=3600,
            retry=Retry(max=MAX_ATTEMPTS - 1, interval=[round(d) for d in RETRY_DELAYS]),
            description=f"readiness report job {job_id}",
        )


def redis_answers(url: str) -> bool:
    """Whether Redis at ``url`` answers within two seconds (the readiness probe); logs why not."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except RedisError:
        LOGGER.exception("readyz: Redis does not answer")
        return False
    return True


def make_queue(app: Flask, runner: JobRunner) -> JobQueue:
    """Redis when ``REDIS_URL`` is configured, else this process (the embedded default)."""
    url = app.config.get("REDIS_URL")
    if url:
        return RedisQueue(url, app.config["JOB_QUEUE"])
    return InProcessQueue(app, runner)
