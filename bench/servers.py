"""Starting real servers for benchmarks and the load test: a fresh PostgreSQL database,
gunicorn with readiness's settings, and waiting until it answers."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from readiness.config import normalise_database_url

BIN = Path(sys.executable).parent
GUNICORN = str(BIN / "gunicorn")
SECRET = "bench-" + "s" * 40


def fresh_database(url: str) -> str:
    """Drop and create a PostgreSQL database, then migrate it with ``flask init-db``."""
    server_url, name = url.rsplit("/", 1)
    engine = create_engine(
        normalise_database_url(server_url + "/postgres"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": url, "READINESS_SECRET_KEY": SECRET}
    subprocess.run(  # noqa: S603 - our own flask command, fixed arguments
        [str(BIN / "flask"), "--app", "readiness", "init-db"],
        env=env,
        check=True,
        capture_output=True,
    )
    return url


def start_gunicorn(
    target: str, port: int, env: dict[str, str], cwd: Path, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """gunicorn with readiness/gunicorn_conf.py on 127.0.0.1:``port``."""
    command = [GUNICORN, "-c", "python:readiness.gunicorn_conf", target]
    server_env = {**os.environ, **env, "READINESS_BIND": f"127.0.0.1:{port}"}
    output = log.open("wb") if log else subprocess.DEVNULL
    return subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        command, env=server_env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT
    )


def wait_until_up(port: int, path: str = "/", seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
