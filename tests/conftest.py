"""The test suite's plugins (tests/fixtures/) and its markers.

Markers (registered in pyproject.toml) say what a test needs beyond the process:
``browser`` (Debian's chromium), ``servers`` (gunicorn or other processes). Browser tests
share one live server, so pytest-xdist keeps them on one worker.
"""

from __future__ import annotations

import pytest

pytest_plugins = [
    "tests.fixtures.environment",
    "tests.fixtures.database",
    "tests.fixtures.accounts",
    "tests.fixtures.interns",
    "tests.fixtures.organisations",
    "tests.fixtures.definitions",
    "tests.fixtures.pdf",
    "tests.fixtures.browser",
    "tests.fixtures.gunicorn",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests share one live server, so they run as one group on one worker; they
    go first, so that longest group starts at once and the other worker takes the rest
    (rather than one worker starting it when the others are nearly done)."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
    items.sort(key=lambda item: 0 if item.get_closest_marker("browser") else 1)
