"""Checklist item T1 (access matrix) of docs/security.md: every GET route, for each of seven
personas against tests/security/access.yaml, and refused POSTs that change nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from tests.fixtures.database import row_counts
from tests.fixtures.html import csrf_token
from tests.fixtures.organisations import route_url

MATRIX = yaml.safe_load((Path(__file__).parent / "access.yaml").read_text())


def test_t1_every_get_route_answers_each_persona_as_the_matrix_says(
    app: Flask, world: dict[str, Any]
) -> None:
    assert list(world["personas"]) == MATRIX["personas"]
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    unlisted = sorted({r.endpoint for r in rules} - set(MATRIX["routes"]))
    assert not unlisted, f"routes missing from access.yaml: {unlisted}"
    with app.test_request_context():
        urls = {rule.endpoint: route_url(rule, world["values"]) for rule in rules}
    wrong = []
    for endpoint, url in sorted(urls.items()):
        for persona, client in world["personas"].items():
            expected = MATRIX["routes"][endpoint][persona]
            status = client.get(url).status_code
            if status != expected:
                wrong.append(f"{persona} GET {url}: {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


#: POSTs to another person's objects, or outside one's role: (persona, endpoint, status).
REFUSED_POSTS = [
    ("intern_a2", "intern.page", 404),
    ("intern_c", "intern.submit", 404),
    ("coordinator_1", "intern.page", 403),
    ("admin", "intern.submit", 403),
    ("intern_a", "coordinator.start_reports", 403),
    ("intern_a", "coordinator.invitations", 403),
    ("coordinator_1", "admin.create_organisation", 403),
    ("coordinator_2", "admin.create_coordinator", 403),
    ("coordinator_1", "my_data.delete", 403),
    ("admin", "my_data.delete", 403),
    ("coordinator_1", "admin.reset_totp", 403),
]
TOKEN_PAGES = {"intern": "/me", "coordinator": "/coordinator/", "admin": "/admin/"}


@pytest.mark.parametrize(("persona", "endpoint", "expected"), REFUSED_POSTS)
def test_t1_a_refused_post_changes_nothing(
    app: Flask, world: dict[str, Any], persona: str, endpoint: str, expected: int
) -> None:
    client = world["personas"][persona]
    token = csrf_token(client.get(TOKEN_PAGES[persona.split("_")[0]]).text)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        url = route_url(rule, world["values"])
    with app.app_context():
        before = row_counts()
    fields = {"csrf_token": token, "name": "Org X", "home_region": "changed", "action": "next"}
    assert client.post(url, data=fields).status_code == expected
    with app.app_context():
        assert row_counts() == before
