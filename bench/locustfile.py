"""What the load test's simulated people do (run by bench/load.py, not on its own).

Interns sign in, start an assessment, save it page by page and submit it, then
start the next one; every third round one signs out and in again. Coordinators
open the dashboard with and without filters, an intern's page, and a plan PDF.
Think times (``LOAD_THINK``, default 5 to 15 s a page) are shorter than a
person's: reading and answering a page of 6 to 9 questions on a phone takes
30 s or more, so the load is heavier than the same number of real people.

Every page save carries markers (a text or number answer unique to the attempt),
and every attempt is written to ``LOAD_RECORD`` at the end, acknowledged or not,
so bench/load.py can check that no acknowledged save was lost.
"""

from __future__ import annotations

import json
import os
import random
import re
import urllib.parse
from itertools import count
from pathlib import Path
from typing import Any

import pyotp
from locust import FastHttpUser, between, events, task

from readiness.config import PROJECT_ROOT
from readiness.core.definitions import require_definitions
from readiness.services.demo import demo_answer_sets

DEFINITION = require_definitions(PROJECT_ROOT / "questionnaires").default
ANSWERS = demo_answer_sets()["base"]
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-password")
INTERN_PREFIX = os.environ.get("LOAD_INTERN_PREFIX", "load-intern-")
COORDINATOR_PREFIX = os.environ.get("LOAD_COORDINATOR_PREFIX", "load-coordinator-")
TOTP_SECRET = os.environ.get("LOAD_TOTP_SECRET", "")
_coordinator_numbers = count(1)
#: The answer on each page that carries a marker unique to the save attempt.
MARKERS = {
    "profile": "home_region",
    "financing": "savings",
    "business_idea": "idea_description",
    "network": "coordinator_note",
}
#: Seconds an intern spends on a page (a person needs 30 s or more for 6 to 9 questions).
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "5,15").split(","))
ATTEMPTS: list[dict[str, Any]] = []
SUBMITS: list[dict[str, Any]] = []
_intern_numbers = count(1)
_sequence = count(1)

TOKEN = re.compile(r'name="(csrf_token|definition_hash|submit_token)"[^>]*value="([^"]*)"')
FORM_URLENCODED = {"Content-Type": "application/x-www-form-urlencoded"}


def hidden_fields(html: str) -> dict[str, str]:
    return dict(TOKEN.findall(html))


def marker_value(question_id: str, sequence: int) -> Any:
    return 100_000 + sequence if question_id == "savings" else f"load marker {sequence}"


def post_form(user: FastHttpUser, path: str, fields: dict[str, str], name: str) -> bool:
    """POST a form without following its redirect; anything but 303 counts as a failure."""
    with user.client.post(
        path, data=fields, name=name, allow_redirects=False, catch_response=True
    ) as response:
        if response.status_code != 303:
            response.failure(f"{name} answered {response.status_code}")
            return False
    return True


def sign_in(user: FastHttpUser, username: str, name: str) -> bool:
    """The password step of signing in (coordinators then need a code)."""
    page = user.client.get("/auth/signin", name="sign-in page").text or ""
    fields = {
        "csrf_token": hidden_fields(page).get("csrf_token", ""),
        "username": username,
        "password": PASSWORD,
    }
    return post_form(user, "/auth/signin", fields, name)


class Intern(FastHttpUser):
    weight = 50
    max_retries = 0  # a request that fails is counted, never quietly sent again
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.username = f"{INTERN_PREFIX}{next(_intern_numbers)}"
        self.rounds = 0
        self.sign_in()

    def sign_in(self) -> None:
        sign_in(self, self.username, "sign in")

    @task
    def one_assessment(self) -> None:
        home = self.client.get("/me", name="home").text or ""
        token = hidden_fields(home).get("csrf_token", "")
        with self.client.post(
            "/assessments",
            data={"csrf_token": token},
            name="start",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            match = re.search(r"/assessments/(\d+)", response.headers.get("Location", ""))
            if response.status_code != 303 or not match:
                response.failure(f"start answered {response.status_code}")
                return
        assessment = int(match.group(1))
        for page in DEFINITION.visible_pages(ANSWERS):
            self.wait()
            if not self.save_page(assessment, page):
                return  # the next round resumes the draft where it stopped
        self.wait()
        if self.submit(assessment):
            self.rounds += 1
            if self.rounds % 3 == 0:  # a new session now and then: sign out, sign in
                self.sign_out_and_in(token)

    def save_page(self, assessment: int, page: Any) -> bool:
        url = f"/assessments/{assessment}/pages/{page.id}"
        html = self.client.get(url, name="page").text or ""
        fields = hidden_fields(html)
        answers = dict(ANSWERS)
        attempt: dict[str, Any] = {
            "user": self.username,
            "assessment": assessment,
            "page": page.id,
            "ok": False,
        }
        if page.id in MARKERS:
            question = MARKERS[page.id]
            answers[question] = marker_value(question, next(_sequence))
            attempt.update(question=question, value=answers[question])
        body = [
            ("csrf_token", fields.get("csrf_token", "")),
            ("definition_hash", fields.get("definition_hash", "")),
            ("soft_ack", ""),
            ("action", "next"),
        ]
        for question in DEFINITION.visible_questions(page, answers):
            value = answers.get(question.id)
            values = value if isinstance(value, list) else [value] if value is not None else []
            body += [(question.id, str(v)) for v in values]
        ATTEMPTS.append(attempt)
        with self.client.post(
            url,
            data=urllib.parse.urlencode(body),
            headers=FORM_URLENCODED,
            name="page save",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 303:
                response.failure(f"page save answered {response.status_code}")
                return False
        attempt["ok"] = True
        return True

    def submit(self, assessment: int) -> bool:
        review = self.client.get(f"/assessments/{assessment}/review", name="review").text or ""
        fields = hidden_fields(review)
        record = {"user": self.username, "assessment": assessment, "ok": False}
        SUBMITS.append(record)
        with self.client.post(
            f"/assessments/{assessment}/submit",
            data={k: fields.get(k, "") for k in ("csrf_token", "submit_token")},
            name="submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 303 or "/result" not in response.headers.get("Location", ""):
                response.failure(f"submit answered {response.status_code}")
                return False
        record["ok"] = True
        self.client.get(f"/assessments/{assessment}/result", name="result")
        return True

    def sign_out_and_in(self, token: str) -> None:
        self.client.post(
            "/auth/signout", data={"csrf_token": token}, name="sign out", allow_redirects=False
        )
        self.sign_in()


class Coordinator(FastHttpUser):
    max_retries = 0
    fixed_count = int(os.environ.get("LOAD_COORDINATORS", "4"))
    abstract = fixed_count == 0  # none at all (a fixed count of 0 would mean "by weight")
    wait_time = between(3, 8)

    def on_start(self) -> None:
        """Password, then the code from the account's authenticator (each its own account)."""
        username = f"{COORDINATOR_PREFIX}{next(_coordinator_numbers)}"
        if sign_in(self, username, "sign in (coordinator)"):
            page = self.client.get("/auth/code", name="code page").text or ""
            fields = {
                "csrf_token": hidden_fields(page).get("csrf_token", ""),
                "code": pyotp.TOTP(TOTP_SECRET).now(),
            }
            post_form(self, "/auth/code", fields, "second factor")

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/coordinator/", name="dashboard")
        self.wait()
        self.client.get("/coordinator/?not_ready=1&sort=return", name="dashboard filtered")
        self.wait()
        html = self.client.get(
            "/coordinator/?status=submitted&sort=overall&order=desc", name="dashboard sorted"
        ).text
        interns = re.findall(r'href="/coordinator/interns/(\d+)"', html or "")
        if interns:
            self.wait()
            self.intern_and_pdf(random.choice(interns))  # noqa: S311 - not security

    def intern_and_pdf(self, user_id: str) -> None:
        html = self.client.get(f"/coordinator/interns/{user_id}", name="intern page").text or ""
        pdf = re.search(r'href="(/coordinator/interns/\d+/assessments/\d+/plan\.pdf)"', html)
        if pdf:
            with self.client.get(pdf.group(1), name="plan PDF", catch_response=True) as response:
                if not (response.content or b"").startswith(b"%PDF"):
                    response.failure("not a PDF")


@events.test_stop.add_listener
def _write_record(**_: Any) -> None:
    path = os.environ.get("LOAD_RECORD")
    if path:
        Path(path).write_text(json.dumps({"attempts": ATTEMPTS, "submits": SUBMITS}))
