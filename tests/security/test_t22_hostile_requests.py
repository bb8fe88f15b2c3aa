"""No 5xx for any request: every route of the URL map, signed in or not, with bodies of
every shape (form, JSON, multipart files where text is expected, oversize, chunked) and
query values in Unicode digit forms (issue 15; docs/security.md, T22).

A fixed sweep sends each class of hostile input to every route as every persona, so no
route is left out by chance; hypothesis then mixes names, values and shapes at random.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.core.definitions import AssessmentDefinition
from readiness.state import state_of
from tests.fixtures.hostile import (
    NASTY_VALUES,
    HostileRequest,
    harvested_names,
    hostile_values,
    json_bodies,
)
from tests.fixtures.html import csrf_token

pytestmark = pytest.mark.slow

PERSONAS = ("anonymous", "intern_a", "coordinator_1", "admin")
TOKEN_PAGES = {
    "anonymous": "/auth/signin",
    "intern_a": "/me",
    "coordinator_1": "/coordinator/",
    "admin": "/admin/",
}
#: Routes whose success would end the persona's session for the rest of the test.
SESSION_ENDING = {"auth.sign_out", "my_data.delete"}
BODIES = ("none", "form", "json", "multipart", "oversize", "chunked")


def _rules(app: Flask) -> list[Any]:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"),
        key=lambda r: r.rule,
    )


def _methods(rule: Any) -> list[str]:
    return sorted(m for m in rule.methods if m not in {"HEAD", "OPTIONS"})


def _url(app: Flask, rule: Any, values: dict[str, Any]) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


class HeldQueue:
    """Keeps the bulk-report jobs a fuzzed request starts instead of running them: a job
    runs on another thread, which cannot share this test's rolled-back transaction. Jobs
    themselves are tested in tests/web/test_report_jobs.py."""

    def __init__(self) -> None:
        self.held: list[int] = []

    def enqueue(self, job_id: int) -> None:
        self.held.append(job_id)


@pytest.fixture
def tokens(app: Flask, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr(state_of(app), "queue", HeldQueue())
    return {
        persona: csrf_token(world["personas"][persona].get(TOKEN_PAGES[persona]).text)
        for persona in PERSONAS
    }


def _fits_in_a_url(value: str) -> bool:
    """Text a URL can carry (a lone surrogate cannot be encoded; T17 sends raw bytes)."""
    return bool(value.strip("/")) and "\ud800" not in value and value.isprintable()


def _assert_no_server_error(response: Any, request: HostileRequest, persona: str) -> None:
    assert response.status_code < 500, f"{persona}: {request.describe()} -> {response.status}"


def test_every_route_survives_every_body_shape_and_unicode_digits(
    app: Flask, world: dict[str, Any], tokens: dict[str, str], definition: AssessmentDefinition
) -> None:
    names = harvested_names(definition)
    digits = [*NASTY_VALUES[:7], "a\x00b"]  # and NUL, which PostgreSQL refuses in text
    failures = []
    for rule in _rules(app):
        url = _url(app, rule, world["values"])
        for method in _methods(rule):
            for persona in PERSONAS:
                if rule.endpoint in SESSION_ENDING and persona != "anonymous":
                    continue
                for index, body in enumerate(BODIES if method != "GET" else ("none",)):
                    value = digits[index % len(digits)]
                    request = HostileRequest(
                        method,
                        url,
                        [(name, value) for name in names],
                        body,
                        fields=[(name, value) for name in names],
                        json_value={name: [value, {"x": 1}] for name in names},
                    )
                    client = world["personas"][persona]
                    response = request.send(client, app, tokens[persona])
                    if response.status_code >= 500:
                        failures.append(f"{persona}: {request.describe()[:200]}")
    assert not failures, "\n".join(failures)


def test_ids_in_paths_out_of_any_range_are_not_found(app: Flask, world: dict[str, Any]) -> None:
    for rule in _rules(app):
        int_arguments = [
            name
            for name, conv in rule._converters.items()
            if type(conv).__name__ == "IntegerConverter"
        ]
        if not int_arguments or "GET" not in rule.methods:
            continue
        for huge in ("99999999999999999999", "9223372036854775808", "0"):
            values = {**world["values"], **{name: int(huge) for name in int_arguments}}
            url = _url(app, rule, values)
            for persona in PERSONAS:
                status = world["personas"][persona].get(url).status_code
                assert status < 500, f"{persona} GET {url}: {status}"


class Target:
    """What the random test needs, with a short repr (hypothesis prints its arguments)."""

    def __init__(self, app: Flask, world: dict[str, Any], tokens: dict[str, str], names: list[str]):
        self.app, self.world, self.tokens, self.names = app, world, tokens, names

    def __repr__(self) -> str:
        return "Target(world of tests/fixtures/organisations.py)"


@pytest.fixture
def target(
    app: Flask, world: dict[str, Any], tokens: dict[str, str], definition: AssessmentDefinition
) -> Target:
    return Target(app, world, tokens, harvested_names(definition))


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_hostile_requests_get_no_server_error(target: Target, data: st.DataObject) -> None:
    app, world, tokens, names = target.app, target.world, target.tokens, target.names
    rules = [r for r in _rules(app) if r.endpoint not in SESSION_ENDING]
    rule = data.draw(st.sampled_from(rules), label="rule")
    method = data.draw(st.sampled_from(_methods(rule)), label="method")
    persona = data.draw(st.sampled_from(PERSONAS), label="persona")
    values = dict(world["values"])
    for name in rule.arguments:
        if data.draw(st.booleans(), label=f"hostile {name}"):
            values[name] = data.draw(
                st.sampled_from([0, 99999999999999999999, -1])
                if name.endswith("_id")
                else hostile_values().filter(_fits_in_a_url),
                label=name,
            )
    pairs = st.lists(st.tuples(st.sampled_from(names), hostile_values()), max_size=6)
    body = data.draw(st.sampled_from(BODIES if method != "GET" else ("none",)), label="body")
    query = data.draw(pairs, label="query")
    fields = data.draw(pairs, label="fields")
    json_value = data.draw(json_bodies(names), label="json")
    headers = data.draw(
        st.dictionaries(
            st.sampled_from(["Accept-Language", "User-Agent", "Referer", "X-Forwarded-For"]),
            st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
        ),
        label="headers",
    )
    url = _url(app, rule, values)
    request = HostileRequest(method, url, query, body, fields, json_value, headers)
    response = request.send(world["personas"][persona], app, tokens[persona])
    _assert_no_server_error(response, request, persona)
