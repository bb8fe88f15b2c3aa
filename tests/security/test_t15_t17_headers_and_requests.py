"""Checklist items T15 (redirects, headers) and T17 (validation of malformed requests) of
docs/security.md: every answer of every GET route carries the security headers, nothing
personal is cached, download names are safe; malformed bodies get a 4xx and store nothing.
(`next=` targets: tests/web/test_auth_and_pages.py::test_next_only_goes_to_our_own_pages;
answer validation on SQLite and PostgreSQL: tests/web/test_bad_input.py.)"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.fixtures.database import row_counts
from tests.fixtures.html import csrf_token
from tests.fixtures.interns import InternBrowser
from tests.fixtures.organisations import route_url

PERSONAL_TYPES = ("text/html", "application/pdf", "text/csv", "application/json", "application/zip")
#: Health checks for load balancers: JSON about the app, nothing personal to keep from caches.
HEALTH = ("/healthz", "/readyz")


def test_t15_every_route_sends_the_security_headers_and_caches_nothing_personal(
    app: Flask,
    world: dict[str, Any],
) -> None:
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    with app.test_request_context():
        urls = sorted(route_url(rule, world["values"]) for rule in rules)
    wrong, downloads = [], 0
    for persona, client in world["personas"].items():
        for url in urls:
            response = client.get(url)
            headers = response.headers
            csp = headers.get("Content-Security-Policy", "")
            problems = [
                "CSP" * ("script-src 'self'" not in csp or "unsafe-inline" in csp),
                "frame-ancestors" * ("frame-ancestors 'none'" not in csp),
                "object-src" * ("object-src 'none'" not in csp),
                "nosniff" * (headers.get("X-Content-Type-Options") != "nosniff"),
                "referrer" * (headers.get("Referrer-Policy") != "same-origin"),
            ]
            personal = response.mimetype in PERSONAL_TYPES and url not in HEALTH
            if response.status_code == 200 and personal:
                problems.append("no-store" * ("no-store" not in headers.get("Cache-Control", "")))
            disposition = headers.get("Content-Disposition", "")
            if disposition:
                downloads += 1
                name = re.search(r'filename="([^"]*)"', disposition)
                problems.append("name" * (not name or not re.fullmatch(r"[\w.-]+", name[1])))
            if any(problems):
                wrong.append(f"{persona} {url}: {[p for p in problems if p]}")
            response.close()
    assert not wrong, "\n".join(wrong)
    assert downloads >= 4  # PDFs, the CSV and the data export were among them


def test_t17_malformed_bodies_get_a_4xx_and_store_nothing(
    app: Flask, intern: InternBrowser
) -> None:
    assessment_id = intern.start()
    page_id = intern.definition.questionnaire.pages[0].id
    url = intern.page_url(assessment_id, page_id)
    token = csrf_token(intern.client.get(url).text)
    form = "application/x-www-form-urlencoded"
    bodies = {
        "invalid UTF-8": (f"csrf_token={token}&action=next&home_region=%FF%FE", form),
        "lone surrogate": (f"csrf_token={token}&action=next&home_region=%ED%A0%80", form),
        "JSON on a form route": ('{"home_region": "x", "action": "next"}', "application/json"),
        "2,000 parts": ("&".join(f"q{n}=x" for n in range(2000)) + f"&csrf_token={token}", form),
        "5 MB": (f"csrf_token={token}&home_region=" + "x" * 5_000_000, form),
    }
    with app.app_context():
        before = row_counts()
    statuses = {}
    for what, (body, content_type) in bodies.items():
        response = intern.client.post(url, data=body, content_type=content_type)
        statuses[what] = response.status_code
    with app.app_context():
        assert row_counts() == before
    assert all(400 <= status < 500 for status in statuses.values()), statuses
    assert statuses["5 MB"] == 413
    junk = intern.client.get("/me", headers={"Accept-Language": "x-" + "j;q=0.1," * 1250})
    assert junk.status_code == 200  # a 10 KB Accept-Language of junk falls back quietly
