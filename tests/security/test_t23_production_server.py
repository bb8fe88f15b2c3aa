"""Issue 15 against a real gunicorn in production mode (three workers): rate limits that
hold across workers, 413 for a chunked body over the limit, and an access log whose every
line is one valid JSON object whatever the client sent (docs/security.md, T23)."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from readiness import create_app
from readiness.extensions import db
from readiness.services.accounts import create_user, issue_enrolment_code
from readiness.services.organisations import ensure_organisation
from tests.fixtures.database import Databases
from tests.fixtures.gunicorn import migrate, start_server
from tests.fixtures.html import csrf_token
from tests.fixtures.servers import wait_for_json

pytestmark = [pytest.mark.servers, pytest.mark.slow, pytest.mark.xdist_group("servers")]

PRODUCTION = {
    "READINESS_ENV": "production",
    "READINESS_TRUSTED_HOSTS": "127.0.0.1",
    "READINESS_SIGNIN_LIMIT": "4 per minute",
    "READINESS_MAX_CONTENT_LENGTH": "65536",
}


@pytest.fixture(scope="module")
def server(
    databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """One server for the module (starting three workers takes seconds)."""
    database = databases.new("t23")
    migrate(database)
    _coordinator(database)
    log = tmp_path_factory.mktemp("t23") / "access.log"
    with log.open("wb") as output:
        process, base = start_server(database, 3, env=PRODUCTION, stdout=output)
        try:
            assert wait_for_json(base + "/readyz", seconds=60)["database"] == "ok"
            yield {"port": int(base.rsplit(":", 1)[1]), "log": log, "database": database}
        finally:
            process.terminate()
            process.wait(timeout=30)
            databases.drop(database)


COORDINATOR = ("coord-t23", "t23 password for the coordinator")


def _coordinator(database: str) -> None:
    """A coordinator who has not set up an authenticator yet (an enrolment code is out)."""
    app = create_app({"SECRET_KEY": "t23-" + "k" * 32, "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        organisation = ensure_organisation("Org T23")
        user = create_user(*COORDINATOR, role="coordinator", organisation_id=organisation.id)
        issue_enrolment_code(user, 7)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    """One request on a new connection (so gunicorn may give it to any worker)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return (
            response.status,
            dict(response.getheaders()),
            response.read().decode("utf-8", "replace"),
        )
    finally:
        connection.close()


def test_the_sign_in_limit_holds_across_workers(server: dict[str, Any]) -> None:
    """Four wrong passwords a minute for one name from one address, counted in the
    database that all three workers share: the fifth is refused whichever worker takes it."""
    statuses = []
    for _ in range(7):
        status, headers, page = request(server["port"], "GET", "/auth/signin")
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        body = f"csrf_token={csrf_token(page)}&username=coord-x&password=wrong-password".encode()
        status, _, _ = request(
            server["port"],
            "POST",
            "/auth/signin",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        statuses.append(status)
    assert statuses == [422] * 4 + [429] * 3
    engine = create_engine(server["database"])
    with engine.connect() as connection:
        counters = connection.execute(text("SELECT key, count FROM rate_limit")).all()
    engine.dispose()
    assert any("coord-x" in key and count >= 4 for key, count in counters), counters


def test_a_chunked_body_over_the_limit_is_refused(server: dict[str, Any]) -> None:
    status, _, _ = request(
        server["port"],
        "POST",
        "/auth/signin",
        iter([b"username=a&password=", b"x" * 70_000]),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413
    small, _, _ = request(
        server["port"],
        "POST",
        "/auth/signin",
        iter([b"username=a&password=b"]),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert small == 400  # read whole, then refused for its missing CSRF token


def _log_until(log: Path, last: Any) -> list[dict[str, Any]]:
    """The access log's entries once the line ``last`` matches is written (gunicorn writes
    a line after it has sent the response)."""
    deadline = time.monotonic() + 10
    while True:
        lines = log.read_bytes().decode("ascii").splitlines()  # ASCII: everything escaped
        entries = [json.loads(line) for line in lines]  # each line one whole JSON object
        if any(last(e) for e in entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.1)


HOSTILE_LINES = [
    b"GET /%0A%7B%22forged%22:1%7D HTTP/1.1",
    b'GET /x"y\\z?q=%0D%0Aline%22%5C%1B[31m HTTP/1.1',
    b"GET /%1B%5B2J%00 HTTP/1.1",
]


def raw_request(port: int, line: bytes, headers: list[bytes]) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            line
            + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + b"\r\n".join(headers)
            + b"\r\n\r\n"
        )
        while sock.recv(65536):
            pass


def test_every_access_log_line_is_one_json_object(server: dict[str, Any]) -> None:
    # gunicorn itself refuses control characters in headers (400, before any log line);
    # in the path and query they arrive percent-encoded and are decoded into the log.
    headers = [
        b'User-Agent: evil"agent\\ {"forged": 1}',
        b'Referer: http://x/"><script>',
        b"X-Request-ID: abc\tdef",
    ]
    for line in HOSTILE_LINES:
        raw_request(server["port"], line, headers)
    request(server["port"], "GET", "/healthz?end-of-t23")
    entries = _log_until(server["log"], lambda e: e["query"] == "end-of-t23")
    hostile = [e for e in entries if e["path"] not in ("/readyz", "/auth/signin", "/healthz")]
    assert len(hostile) == len(HOSTILE_LINES)
    assert any("\n" in e["path"] for e in hostile)  # kept, as data inside one line
    assert any("\x1b" in e["path"] or "\x1b" in e["query"] for e in hostile)
    assert all(e["user_agent"] == 'evil"agent\\ {"forged": 1}' for e in hostile)
    assert not any(e.get("forged") for e in entries)


def test_parallel_code_guesses_are_counted_before_any_is_checked(server: dict[str, Any]) -> None:
    """Thirty wrong enrolment codes sent at once in one signed-in-by-password session: no
    more than the limit (10 per 5 minutes) are even checked, whichever workers take them."""
    port = server["port"]
    status, headers, page = request(port, "GET", "/auth/signin")
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    name, password = COORDINATOR
    body = f"csrf_token={csrf_token(page)}&username={name}&password={password.replace(' ', '+')}"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, headers, _ = request(
        port, "POST", "/auth/signin", body.encode(), {**form, "Cookie": cookie}
    )
    assert status == 303
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    _, headers, page = request(port, "GET", "/auth/code", headers={"Cookie": cookie})
    cookie = headers.get("Set-Cookie", cookie).split(";", 1)[0]  # now with its CSRF secret
    guess = f"csrf_token={csrf_token(page)}&enrolment_code=AAAA-BBBB-CCCC".encode()

    def send(_: int) -> int:
        return request(port, "POST", "/auth/code", guess, {**form, "Cookie": cookie})[0]

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(send, range(30)))
    assert statuses.count(422) <= 10, statuses
    assert statuses.count(429) >= 20, statuses
