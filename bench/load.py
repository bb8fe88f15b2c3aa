"""Load test: simulated interns and coordinators against gunicorn + PostgreSQL (+ Redis).

    .venv/bin/python bench/load.py                      # 200 interns, 60 s, the aim
    .venv/bin/python bench/load.py --kill-worker-at 20  # SIGKILL one gunicorn worker at 20 s
    .venv/bin/python bench/load.py --restart-postgres-at 30

Everything listens on 127.0.0.1. The run: a fresh PostgreSQL database (migrated),
seeded with an organisation, its coordinator and the interns (one password hash,
computed once); gunicorn with readiness's production settings (workers from the CPU
count) and rate limits in Redis; then locust (bench/locustfile.py) headless: the
interns sign in while they are spawned, then the measured window of ``--seconds``
runs with all of them at once. At the end it prints throughput, errors and latency
percentiles per request, and checks the database: every page save the server
acknowledged is there, and no assessment is half-written. It exits 1 when that
check fails, or when a run without faults misses the aim (page-save p95 < 300 ms,
zero errors).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from servers import BIN, SECRET, fresh_database, start_gunicorn, stop, wait_until_up
from sqlalchemy import select

from readiness import create_app
from readiness.config import PROJECT_ROOT
from readiness.extensions import db
from readiness.models import COORDINATOR, INTERN, SUBMITTED, Assessment, User
from readiness.services.accounts import set_password
from readiness.services.assessments import (
    refresh_intern_summary,
    start_assessment,
    submit_assessment,
)
from readiness.services.demo import answer_pages, demo_answer_sets
from readiness.services.organisations import create_organisation
from readiness.services.privacy import CONSENT_VERSION
from readiness.state import state_of

PASSWORD = "load-password"  # noqa: S105 - throwaway accounts in a throwaway database
PREFIX = "load-intern-"
COORDINATOR_PREFIX = "load-coordinator-"
TOTP_SECRET = "LOADTESTLOADTESTLOADTESTLOADTEST"  # noqa: S105 - throwaway accounts
PAGE_SAVE_P95_AIM_MS = 300


def seed(database: str, interns: int, with_results: int, coordinators: int) -> None:
    """The organisation, its coordinators and interns; the first ``with_results`` submitted."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": SECRET})
    with app.app_context():
        organisation = create_organisation("Load test cooperative")
        # Not create_user per account: one scrypt hash, shared, keeps seeding thousands fast
        # while sign-ins still verify a hash of production cost.
        template = User(username="template", role=INTERN)
        set_password(template, PASSWORD)
        users = [
            User(
                username=f"{PREFIX}{number}",
                role=INTERN,
                locale="en",
                organisation_id=organisation.id,
                password_hash=template.password_hash,
                consent_version=CONSENT_VERSION,
            )
            for number in range(1, interns + 1)
        ]
        coordinators = [  # one account each: a TOTP code signs in once
            User(
                username=f"{COORDINATOR_PREFIX}{number}",
                role=COORDINATOR,
                locale="ja",
                organisation_id=organisation.id,
                password_hash=template.password_hash,
                totp_secret=TOTP_SECRET,
            )
            for number in range(1, coordinators + 1)
        ]
        db.session.add_all([*users, *coordinators])
        db.session.commit()
        _submit_results(app, users[:with_results])
        db.engine.dispose()


def _submit_results(app: Any, users: list[User]) -> None:
    """Each of these interns answers every page and submits, as the demo intern did."""
    state = state_of(app)
    definition = state.definitions.default
    answers = demo_answer_sets()["base"]
    for user in users:
        assessment = start_assessment(user, definition)
        answer_pages(assessment, definition, answers)
        submit_assessment(assessment, state.scorers[definition.id], dt.date.today())
        refresh_intern_summary(user)


def gunicorn_workers(master: int) -> list[int]:
    """The worker processes of a gunicorn master: its children (Linux /proc), as in
    tests/test_two_servers.py."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def restart_postgres() -> str:
    """Restart the local PostgreSQL cluster (Debian's pg_ctlcluster, as root)."""
    versions = sorted(os.listdir("/etc/postgresql")) if Path("/etc/postgresql").is_dir() else []
    if not versions:
        return "no local PostgreSQL cluster (/etc/postgresql) to restart"
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    took = time.monotonic() - started
    if done.returncode:
        return f"restart failed: {done.stderr.strip()}"
    return f"PostgreSQL {versions[-1]} restarted in {took:.1f} s"


def seconds_list(text: str) -> list[float]:
    return [float(part) for part in text.split(",") if part.strip()]


def schedule(events: list[str], delay: float, action: Any) -> threading.Timer:
    def run() -> None:
        events.append(f"{time.strftime('%H:%M:%S')} {action()}")

    timer = threading.Timer(delay, run)
    timer.daemon = True
    timer.start()
    return timer


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with Path(f"{prefix}_stats.csv").open(newline="") as file:
        return list(csv.DictReader(file))


def print_stats(rows: list[dict[str, str]], seconds: float) -> None:
    print(
        f"{'request':<22}{'count':>7}{'errors':>7}{'req/s':>8}"
        f"{'p50':>7}{'p95':>7}{'p99':>7}{'max':>8}  (ms)"
    )
    for row in rows:
        name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"{name:<22}{row['Request Count']:>7}{row['Failure Count']:>7}"
            f"{int(row['Request Count']) / seconds:>8.1f}{row['50%']:>7}{row['95%']:>7}"
            f"{row['99%']:>7}{float(row['Max Response Time']):>8.0f}"
        )


def check_database(database: str, record: dict[str, Any]) -> list[str]:
    """What the database lost or half-wrote; empty when everything acknowledged is there."""
    problems: list[str] = []
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": SECRET})
    with app.app_context():
        assessments = {a.id: a for a in db.session.scalars(select(Assessment))}
        problems += _lost_saves(assessments, record["attempts"])
        problems += _half_written(assessments)
        for submit in record["submits"]:
            assessment = assessments.get(submit["assessment"])
            if submit["ok"] and (assessment is None or assessment.status != SUBMITTED):
                problems.append(f"acknowledged submit of assessment {submit['assessment']} lost")
        drafts: dict[int, int] = defaultdict(int)
        for assessment in assessments.values():
            drafts[assessment.user_id] += assessment.status != SUBMITTED
        problems += [f"user {user} has {n} open drafts" for user, n in drafts.items() if n > 1]
        db.engine.dispose()
    return problems


def _lost_saves(assessments: dict[int, Assessment], attempts: list[dict[str, Any]]) -> list[str]:
    problems = []
    by_answer: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for attempt in attempts:
        assessment = assessments.get(attempt["assessment"])
        if attempt["ok"] and (assessment is None or attempt["page"] not in assessment.saved_pages):
            problems.append(f"acknowledged save of {attempt['page']} in {attempt['assessment']}")
        if "question" in attempt:
            by_answer[(attempt["assessment"], attempt["question"])].append(attempt)
    for (assessment_id, question), tries in by_answer.items():
        acknowledged = [t for t in tries if t["ok"]]
        if not acknowledged:
            continue
        stored = assessments[assessment_id].answer_values().get(question)
        # The stored answer is the last acknowledged one, or a later attempt that reached
        # the database although its answer never came back.
        later = tries[tries.index(acknowledged[-1]) :]
        if stored not in [t["value"] for t in later]:
            problems.append(f"{question} of assessment {assessment_id}: {stored!r} stored")
    return problems


def _half_written(assessments: dict[int, Assessment]) -> list[str]:
    problems = []
    for assessment in assessments.values():
        frozen = (
            assessment.submitted_at,
            assessment.scorecard_json,
            assessment.answers_json,
            assessment.content_hash,
        )
        if assessment.status == SUBMITTED and not all(frozen):
            problems.append(f"submitted assessment {assessment.id} lacks its frozen result")
        if assessment.status != SUBMITTED and any(frozen):
            problems.append(f"draft {assessment.id} has parts of a result")
    return problems


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200, help="simulated interns")
    parser.add_argument("--coordinators", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60, help="measured window")
    parser.add_argument("--spawn-rate", type=float, default=10, help="interns started per s")
    parser.add_argument(
        "--think", default="5,15", help="seconds an intern spends on a page: min,max"
    )
    parser.add_argument("--kill-worker-at", type=seconds_list, default=[], help="s,s,…")
    parser.add_argument("--restart-postgres-at", type=seconds_list, default=[], help="s,s,…")
    parser.add_argument("--port", type=int, default=8741)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/readiness_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--out", type=Path, help="folder for locust's CSV files and the log")
    return parser.parse_args()


def main() -> int:
    options = _options()
    out = options.out or Path(tempfile.mkdtemp(prefix="readiness-load-"))
    out.mkdir(parents=True, exist_ok=True)
    database = fresh_database(options.database)
    seed(database, options.users, with_results=20, coordinators=options.coordinators)
    env = {
        "DATABASE_URL": database,
        "READINESS_SECRET_KEY": SECRET,
        "REDIS_URL": options.redis,
        "READINESS_JOB_QUEUE": "readiness-load",
    }
    _flush_redis(options.redis)
    server = start_gunicorn(
        "readiness.wsgi:app", options.port, env, PROJECT_ROOT, out / "gunicorn.log"
    )
    ramp = (options.users + options.coordinators) / options.spawn_rate
    record = out / "record.json"
    events: list[str] = []
    try:
        wait_until_up(options.port, "/healthz")
        print(f"gunicorn: {len(gunicorn_workers(server.pid))} workers; log in {out}")
        locust = _start_locust(options, ramp, out, record)
        for at in options.kill_worker_at:
            schedule(events, ramp + at, lambda: _kill_worker(server.pid))
        for at in options.restart_postgres_at:
            schedule(events, ramp + at, restart_postgres)
        locust.wait(timeout=ramp + options.seconds + 120)
    finally:
        stop(server)
    return _report(options, ramp, read_stats(out / "locust"), events, database, record)


def _start_locust(
    options: argparse.Namespace, ramp: float, out: Path, record: Path
) -> subprocess.Popen[bytes]:
    """locust, headless, for the ramp and the measured window; its CSVs and log go to ``out``."""
    command = [
        str(BIN / "locust"),
        *("-f", str(PROJECT_ROOT / "bench" / "locustfile.py")),
        *("--headless", "--only-summary", "--reset-stats"),
        *("--users", str(options.users + options.coordinators)),
        *("--spawn-rate", str(options.spawn_rate)),
        *("--run-time", f"{int(ramp + options.seconds)}s"),
        *("--host", f"http://127.0.0.1:{options.port}"),
        *("--csv", str(out / "locust")),
        *("--loglevel", "WARNING"),
    ]
    env = {
        **os.environ,
        "LOAD_RECORD": str(record),
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_INTERN_PREFIX": PREFIX,
        "LOAD_COORDINATOR_PREFIX": COORDINATOR_PREFIX,
        "LOAD_TOTP_SECRET": TOTP_SECRET,
        "LOAD_COORDINATORS": str(options.coordinators),
        "LOAD_THINK": options.think,
    }
    return subprocess.Popen(  # noqa: S603 - our own locust, fixed arguments
        command, env=env, stdout=(out / "locust.log").open("wb"), stderr=subprocess.STDOUT
    )


def _report(
    options: argparse.Namespace,
    ramp: float,
    stats: list[dict[str, str]],
    events: list[str],
    database: str,
    record: Path,
) -> int:
    """Print the figures and the database check; 1 when a save was lost or an aim missed."""
    print(
        f"{options.users} interns and {options.coordinators} coordinators, "
        f"{options.seconds:g} s measured after a {ramp:.0f} s ramp (sign-ins), "
        f"{options.think.replace(',', '-')} s a page:"
    )
    print_stats(stats, options.seconds)
    for event in events:
        print("fault:", event)
    recorded = json.loads(record.read_text())
    problems = check_database(database, recorded)
    attempts = recorded["attempts"]
    print(
        f"database check: {sum(a['ok'] for a in attempts)} acknowledged page saves "
        f"of {len(attempts)} attempts checked; {len(problems)} problems"
    )
    for problem in problems[:20]:
        print("  LOST OR HALF-WRITTEN:", problem)
    saves = next(r for r in stats if r["Name"] == "page save")
    everything = next(r for r in stats if r["Name"] == "Aggregated")
    p95, errors = float(saves["95%"]), int(everything["Failure Count"])
    print(
        f"page-save p95 {p95:.0f} ms (aim < {PAGE_SAVE_P95_AIM_MS}), "
        f"errors {errors} of {everything['Request Count']} requests"
    )
    faults = options.kill_worker_at or options.restart_postgres_at
    missed = not faults and (p95 >= PAGE_SAVE_P95_AIM_MS or errors)
    return 1 if problems or missed else 0


def _kill_worker(master: int) -> str:
    workers = gunicorn_workers(master)
    if not workers:
        return "no gunicorn worker to kill"
    os.kill(workers[0], signal.SIGKILL)
    return f"killed gunicorn worker {workers[0]} (SIGKILL) of {len(workers)}"


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


if __name__ == "__main__":
    sys.exit(main())
