"""Checklist item T3 (stored XSS, pages) of docs/security.md, in a real browser.

An intern invited under a hostile name answers every free-text question with hostile markup;
then every page that shows it, the intern's and the coordinator's, is opened with a dialog
hook. Passes when no script ran (no dialog at all) and the payload is shown as text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect
from sqlalchemy import select

from readiness.core.definitions import AssessmentDefinition
from readiness.extensions import db
from readiness.models import User
from readiness.services.invitations import create_invitation
from tests.fixtures.browser import (
    DESKTOP,
    PHONE,
    SIGN_UP_PASSWORD,
    LiveServer,
    agree,
    fill_page_with_mouse,
    new_context,
    sign_in,
)

#: The security checklist's inputs 1, 2, 4 and 5 (docs/security.md, T3), in one text under 100
#: characters.
PAYLOAD = '"><img src=x onerror=alert(1)><svg onload=alert(2)><script>alert(3)</script>{{7*7}}'

pytestmark = pytest.mark.browser


def hooked(page: Page, dialogs: list[str]) -> Page:
    """Record and dismiss any dialog: a script that ran would open one."""

    def record(dialog: Dialog) -> None:
        dialogs.append(f"{page.url}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", record)
    return page


def test_t3_hostile_answers_run_no_script_on_any_page(
    browser: Browser,
    live_server: LiveServer,
    definition: AssessmentDefinition,
    full_answers: dict[str, Any],
) -> None:
    """Hostile answers are stored once and then every page that shows them is visited, by the
    intern and the coordinator: one test, longer than 40 lines, so the answers are typed once."""
    base, dialogs = live_server.url, []
    with live_server.app.app_context():
        coordinator = db.session.scalar(select(User).where(User.username == "coord-sakura"))
        code = create_invitation(coordinator, {"display_name": PAYLOAD, "home_country": "vn"}).code
    texts = [q.id for q in definition.questions.values() if q.type in ("short_text", "long_text")]
    answers = {**full_answers, **dict.fromkeys(texts, PAYLOAD)}

    phone = hooked(new_context(browser, PHONE).new_page(), dialogs)
    phone.goto(f"{base}/auth/join/{code}")
    phone.fill("#username", "t3-intern")
    phone.fill("#password", SIGN_UP_PASSWORD)
    phone.fill("#confirm", SIGN_UP_PASSWORD)
    phone.click("form button[type=submit].primary")
    agree(phone)
    phone.click("form[action$='/assessments'] button")
    while "/pages/" in phone.url:
        fill_page_with_mouse(phone, definition, answers)
        phone.click(".buttons button[value=next]")
    expect(phone.get_by_text(PAYLOAD).first).to_be_visible()  # the review shows it as text
    phone.click("form[action$='/submit'] button[type=submit]")
    expect(phone).to_have_url(re.compile(r"/result$"))
    for path in ("/me", "/me/data", "/me/consent"):
        phone.goto(f"{base}{path}")

    desktop = hooked(new_context(browser, DESKTOP).new_page(), dialogs)
    sign_in(desktop, live_server, "coord-sakura")
    with live_server.app.app_context():
        intern_id = db.session.scalar(select(User.id).where(User.username == "t3-intern"))
    desktop.goto(f"{base}/coordinator/?sort=name")
    desktop.goto(f"{base}/coordinator/interns/{intern_id}")
    expect(desktop.get_by_text(PAYLOAD).first).to_be_visible()
    desktop.goto(f"{base}/coordinator/invitations")
    phone.context.close()
    desktop.context.close()
    assert dialogs == []
    assert len(texts) >= 3  # the questionnaire's free-text questions were all attacked
