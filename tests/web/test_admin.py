"""The admin: organisations, coordinators, and the create-admin command."""

from __future__ import annotations

import re

from flask import Flask

from tests.fixtures.accounts import (
    PASSWORD,
    MakeUser,
    SignedIn,
)
from tests.fixtures.html import csrf_token


def test_an_admin_creates_organisations_and_coordinators(
    app: Flask, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("root-admin", "admin", None)
    admin = signed_in("root-admin")
    page = admin.get("/admin/").text
    admin.post("/admin/organisations", data={"csrf_token": csrf_token(page), "name": "Org New"})
    page = admin.get("/admin/").text
    assert "Org New" in page
    org_id = re.search(r'<option value="(\d+)">Org New</option>', page).group(1)
    admin.post(
        "/admin/coordinators",
        data={
            "csrf_token": csrf_token(page),
            "organisation_id": org_id,
            "username": "coord-new",
            "password": PASSWORD,
        },
    )
    assert signed_in("coord-new").get("/coordinator/").status_code == 200


def test_create_admin_command(app: Flask, signed_in: SignedIn) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "chief", "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    assert signed_in("chief", "a-long-password").get("/admin/").status_code == 200
    short = runner.invoke(args=["create-admin", "chief2", "--password", "short"])
    assert short.exit_code != 0
