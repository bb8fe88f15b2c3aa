"""Page saves per second on gunicorn + PostgreSQL, against hello world on the same gunicorn.

Both servers run with readiness's gunicorn settings (readiness/gunicorn_conf.py) on
loopback. Each client thread is one signed-in intern who saves the profile page again
and again (a real upsert of its answers); the hello-world threads fetch "/". The aim
(production issue) is page-save time within 4x hello-world time.

    .venv/bin/python bench/page_save.py [--seconds 10] [--threads 8]
        [--database postgresql://postgres@127.0.0.1:5432/readiness_bench]
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import re
import threading
import time
import urllib.parse
import urllib.request
from typing import Any

from servers import SECRET, fresh_database, start_gunicorn, stop, wait_until_up

from readiness.config import PROJECT_ROOT
from readiness.core.definitions import require_definitions
from readiness.services.demo import demo_answer_sets


def intern_session(port: int, number: int) -> tuple[str, str, bytes]:
    """Sign up an intern and open the profile page: (cookie, path, form body to save it)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"

    def page(path: str, fields: list[tuple[str, str]] | None = None) -> tuple[str, str]:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        with opener.open(base + path, data=data, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def token(html: str, name: str = "csrf_token") -> str:
        return re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)

    _, html = page("/auth/signup")
    account = [("username", f"bench-{number}"), ("password", "correct horse")]
    page(
        "/auth/signup",
        [("csrf_token", token(html)), *account, ("confirm", "correct horse"), ("locale", "en")],
    )
    _, consent = page("/me/consent")
    page("/me/consent", [("csrf_token", token(consent)), ("agree", "y")])
    _, home = page("/me")
    url, html = page("/assessments", [("csrf_token", token(home))])
    path = urllib.parse.urlsplit(url).path
    answers = demo_answer_sets()["base"]
    definition = require_definitions(PROJECT_ROOT / "questionnaires").default
    profile = definition.questionnaire.pages[0]
    fields = [
        ("csrf_token", token(html)),
        ("definition_hash", token(html, "definition_hash")),
        ("soft_ack", ""),
        ("action", "save"),
    ]
    for question in definition.visible_questions(profile, answers):
        value = answers.get(question.id)
        if value is not None:
            fields.append((question.id, str(value)))
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, path, urllib.parse.urlencode(fields).encode()


def hammer(
    port: int, request: tuple[str, str, bytes, dict[str, str]], seconds: float, out: list[Any]
) -> None:
    method, path, body, headers = request
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times, errors = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.perf_counter()
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - started)
        errors += response.status >= 400
    out.append((times, errors))


def run(
    port: int, requests: list[tuple[str, str, bytes, dict[str, str]]], seconds: float
) -> tuple[float, float, int]:
    """Requests per second, 95th percentile in ms, and errors, with one thread per request."""
    results: list[Any] = []
    threads = [threading.Thread(target=hammer, args=(port, r, seconds, results)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(t for ts, _ in results for t in ts)
    p95 = times[int(len(times) * 0.95)] * 1000 if times else float("nan")
    return len(times) / seconds, p95, sum(e for _, e in results)


def _page_save(port: int, number: int) -> tuple[str, str, bytes, dict[str, str]]:
    """The request that saves one signed-in intern's page: method, path, body, headers."""
    cookie, path, body = intern_session(port, number)
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    return "POST", path, body, headers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--database", default="postgresql://postgres@127.0.0.1:5432/readiness_bench"
    )
    options = parser.parse_args()
    database = fresh_database(options.database)
    # Not READINESS_ENV=production: its cookies are HTTPS-only, and this runs on plain HTTP.
    env = {
        "DATABASE_URL": database,
        "READINESS_SECRET_KEY": SECRET,
        "READINESS_SIGNUP_LIMIT": "1000 per hour",
    }
    app_port, hello_port = 8731, 8732
    app = start_gunicorn("readiness.wsgi:app", app_port, env, PROJECT_ROOT)
    hello = start_gunicorn("run:hello_world_app()", hello_port, {}, PROJECT_ROOT / "bench")
    try:
        wait_until_up(app_port)
        wait_until_up(hello_port)
        saves = [_page_save(app_port, number) for number in range(options.threads)]
        hellos = [("GET", "/", b"", {})] * options.threads
        run(hello_port, hellos, 2)  # warm up both
        run(app_port, saves, 2)
        hello_rate, hello_p95, _ = run(hello_port, hellos, options.seconds)
        save_rate, save_p95, errors = run(app_port, saves, options.seconds)
    finally:
        for server in (app, hello):
            stop(server)
    workers = os.environ.get("READINESS_WORKERS", f"{(os.cpu_count() or 1) * 2 + 1}")
    print(
        f"gunicorn ({workers} workers) + PostgreSQL, {options.threads} clients, "
        f"{options.seconds:g} s:"
    )
    print(f"  hello world: {hello_rate:8,.0f}/s  p95 {hello_p95:6.1f} ms")
    print(f"  page saves:  {save_rate:8,.0f}/s  p95 {save_p95:6.1f} ms  errors {errors}")
    print(f"  -> a page save takes {hello_rate / save_rate:.1f}x hello-world time (aim: <= 4x)")


if __name__ == "__main__":
    main()
