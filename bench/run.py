"""Benchmarks, as ratios against a baseline measured in the same run.

1. Scoring throughput: assessments scored per second on one core, with the real
   questionnaire and rules (a mix of demo answer sets).
2. Questionnaire page: GET of a filled-in questionnaire page through Flask's
   test client, against a bare Flask "hello world" measured the same way.

Usage: .venv/bin/python bench/run.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import logging
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

from demo_app import signed_in_demo_client
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from readiness.config import PROJECT_ROOT
from readiness.core.definitions import require_definitions
from readiness.core.scoring import Scorer
from readiness.services.demo import demo_answer_sets


def rate(action: Callable[[], object], seconds: float) -> float:
    """Calls per second: the median of five runs of about ``seconds`` / 5 each."""
    rates = []
    for _ in range(5):
        count, started = 0, time.perf_counter()
        deadline = started + seconds / 5
        while time.perf_counter() < deadline:
            for _ in range(20):
                action()
            count += 20
        rates.append(count / (time.perf_counter() - started))
    return statistics.median(rates)


def bench_scoring(seconds: float) -> float:
    definition = require_definitions(PROJECT_ROOT / "questionnaires").default
    scorer = Scorer(definition)
    answer_sets = list(demo_answer_sets().values())
    today = dt.date.today()
    index = 0

    def score_one() -> None:
        nonlocal index
        scorer.score(answer_sets[index % len(answer_sets)], today)
        index += 1

    return rate(score_one, seconds)


def hello_world_app() -> Flask:
    app = Flask("hello")

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    return app


class HttpClient:
    """A keep-alive HTTP/1.1 client on loopback, sending the session cookie it was given."""

    def __init__(self, port: int, cookie: str = "") -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.headers = {"Cookie": cookie} if cookie else {}

    def get(self, path: str) -> int:
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        return response.status


def serve(app: Flask) -> tuple[BaseWSGIServer, int]:
    """Serve ``app`` with Werkzeug's threaded server on a free loopback port."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log in the measurement
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_port


def against_hello_world(
    app: Flask, client: Any, url: str, seconds: float
) -> tuple[float, float, float, float]:
    """Requests/s for ``url`` and for hello world, via the test client and via HTTP.

    Returns (hello, page, hello over HTTP, page over HTTP); the HTTP client sends the
    test client's cookies, so the page is fetched signed in.
    """
    hello_app = hello_world_app()
    hello = hello_app.test_client()
    hello_rate = rate(lambda: hello.get("/"), seconds)
    page_rate = rate(lambda: client.get(url), seconds)
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    hello_server, hello_port = serve(hello_app)
    page_server, page_port = serve(app)
    try:
        hello_http, page_http = HttpClient(hello_port), HttpClient(page_port, cookie)
        assert page_http.get(url) == 200
        hello_http_rate = rate(lambda: hello_http.get("/"), seconds)
        page_http_rate = rate(lambda: page_http.get(url), seconds)
    finally:
        hello_server.shutdown()
        page_server.shutdown()
    return hello_rate, page_rate, hello_http_rate, page_http_rate


def bench_pages(seconds: float) -> tuple[float, float, float, float]:
    with signed_in_demo_client("demo-halfway") as (app, client):
        url = client.get("/assessments/1").location
        assert client.get(url).status_code == 200, url
        return against_hello_world(app, client, url, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    seconds = parser.parse_args().seconds
    scoring = bench_scoring(seconds)
    hello, page, hello_http, page_http = bench_pages(seconds)
    print(f"scoring:            {scoring:10,.0f} assessments/s on one core (aim: >= 10,000)")
    print("questionnaire page (signed in, a filled page of 7 questions) against hello world:")
    print(
        f"  in-process test client: hello {hello:8,.0f}/s  page {page:6,.0f}/s  "
        f"-> page time = {hello / page:.1f}x hello-world time"
    )
    print(
        f"  HTTP, Werkzeug server:  hello {hello_http:8,.0f}/s  page {page_http:6,.0f}/s  "
        f"-> page time = {hello_http / page_http:.1f}x hello-world time (aim: <= 3x)"
    )


if __name__ == "__main__":
    main()
