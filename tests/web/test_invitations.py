"""Invitations: one link per intern, once and before it expires; rosters of many."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from readiness.extensions import db
from readiness.models import Invitation, User, utcnow
from readiness.services.accounts import create_user
from readiness.services.organisations import ensure_organisation
from readiness.services.roster import parse_roster
from tests.fixtures.accounts import (
    TOTP_SECRET,
    Join,
    MakeUser,
    SignedIn,
    invite,
    pass_second_factor,
    submit_sign_in,
)
from tests.fixtures.html import csrf_token

ROSTER = (
    "name,home_country,field,programme,planned_return\n"
    "Trần Thị Hoa,vn,construction,titp2,2027-03-31\n"
    "Dewi Lestari,Indonesia,食品製造 is wrong,ssw1,2027/09/30\n"
)


def upload(client: FlaskClient, content: bytes) -> Any:
    page = client.get("/coordinator/invitations").text
    return client.post(
        "/coordinator/invitations/import",
        data={"csrf_token": csrf_token(page), "roster": (io.BytesIO(content), "interns.csv")},
        content_type="multipart/form-data",
    )


def test_an_invitation_works_once(
    app: Flask, join: Join, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("coord-c", "coordinator", "Org C")
    path = invite(signed_in("coord-c"), display_name="Once")
    join(path, "first-one")
    again = app.test_client().get(path)
    assert again.status_code == 404
    assert "not valid" in again.text


def test_an_expired_invitation_is_refused(
    app: Flask, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("coord-d", "coordinator", "Org D")
    path = invite(signed_in("coord-d"))
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        invitation.expires_at = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_a_bad_roster_lists_every_problem_and_imports_nothing(
    app: Flask, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("coord-e", "coordinator", "Org E")
    client = signed_in("coord-e")
    bad = ROSTER + ",xx,construction,titp9,30/12/2027\n"
    response = upload(client, bad.encode())
    assert response.status_code == 400
    text = response.text
    assert "Nothing was imported" in text
    assert "Row 3, field: &#39;食品製造 is wrong&#39; is not one of the answers" in text
    assert "Row 4, name: the name is empty." in text
    assert "Row 4, home_country: &#39;xx&#39;" in text
    assert "Row 4, programme: &#39;titp9&#39;" in text
    assert "Row 4, planned_return: &#39;30/12/2027&#39; is not a date" in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_a_good_roster_creates_one_link_per_intern(
    app: Flask, join: Join, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("coord-f", "coordinator", "Org F")
    client = signed_in("coord-f")
    good = ROSTER.replace("食品製造 is wrong", "飲食料品製造業")
    response = upload(client, good.encode())
    assert response.status_code == 200
    links = re.findall(r"(/auth/join/[A-Za-z0-9_-]+)", response.text)
    assert len(links) == 2
    join(links[1], "dewi")
    with app.app_context():
        dewi = db.session.scalar(select(User).where(User.username == "dewi"))
        assert (dewi.display_name, dewi.home_country, dewi.field, dewi.programme) == (
            "Dewi Lestari",
            "id",
            "food_manufacturing",
            "ssw1",
        )
        assert dewi.planned_return == dt.date(2027, 9, 30)


def test_a_shift_jis_roster_from_excel_is_read(
    app: Flask, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("coord-g", "coordinator", "Org G")
    roster = (
        "name,home_country,field,programme,planned_return\n"
        "山田 花子,ベトナム,建設,技能実習2号,2027-01-31\n"
    )
    response = upload(signed_in("coord-g"), roster.encode("cp932"))
    assert response.status_code == 200
    assert "山田 花子" in response.text


@pytest.mark.parametrize(
    "header",
    [
        "氏名,国籍,分野,在留資格,帰国予定日",
        "Name,Home Country,Field,Programme,Planned_Return",
        "ＮＡＭＥ,nationality,trade,visa,return date",  # full-width letters, other words
    ],
)
def test_rosters_with_japanese_or_english_headers_are_read(definition: Any, header: str) -> None:
    result = parse_roster(
        f"{header}\n山田 花子,ベトナム,建設,技能実習2号,2027-01-31\n".encode(), definition
    )
    assert result.errors == []
    assert result.rows[0]["display_name"] == "山田 花子"
    assert result.rows[0]["home_country"] == "vn"


def test_a_shift_jis_file_that_lost_the_names_letters_says_how_to_save_it(definition: Any) -> None:
    """Excel on a Japanese Windows saves "CSV" as Shift_JIS, writing "?" for Vietnamese
    letters; the roster says so instead of creating invitations for "Nguy?n"."""
    text = f"{ROSTER_HEADER}\nNguyễn Văn An,vn,,,2027-01-31\n山田 花子,vn,,,2027-01-31\n"
    result = parse_roster(text.encode("cp932", errors="replace"), definition)
    assert result.rows == []
    assert len(result.errors) == 1
    assert "Row 2, name: 'Nguy?n V?n An' has '?' where letters were" in result.errors[0]
    assert "CSV UTF-8" in result.errors[0]
    assert parse_roster(text.encode("utf-8"), definition).errors == []  # the same in UTF-8


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,land\nA,vn\n", "missing column(s): home_country, field, programme"),
        (b"name\x00,\x81\x00\xff\xfe", "not UTF-8, UTF-16 or Shift_JIS"),
    ],
)
def test_unreadable_rosters_say_why(
    app: Flask, content: bytes, message: str, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("coord-h", "coordinator", "Org H")
    response = upload(signed_in("coord-h"), content)
    assert response.status_code == 400
    assert message in response.text


def test_rosters_are_capped_in_size_and_rows(definition) -> None:
    assert "larger than 1024 KB" in parse_roster(b"x" * (1024 * 1024 + 1), definition).errors[0]
    many = "name,home_country,field,programme,planned_return\n" + "A,vn,,,\n" * 5001
    assert parse_roster(many.encode(), definition).errors == [
        "More than 5000 interns; split the file."
    ]


ROSTER_HEADER = "name,home_country,field,programme,planned_return"


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated.
        (
            (ROSTER_HEADER.replace(",", "\t") + "\nNguyen An\tvn\t\t\t2027-06-30\n").encode(
                "utf-16"
            ),
            ["Nguyen An"],
        ),
        (
            b"\xfe\xff" + (ROSTER_HEADER + "\r\nDewi A,id,,,2027/09/30\r\n").encode("utf-16-be"),
            ["Dewi A"],
        ),
        # Old Mac line ends (a lone CR), and Windows ones.
        ((ROSTER_HEADER + "\rAn,vn,,,\rBinh,vn,,,\r").encode(), ["An", "Binh"]),
        ((ROSTER_HEADER + "\r\nAn,vn,,,\r\n").encode("utf-8-sig"), ["An"]),
    ],
)
def test_rosters_in_the_encodings_and_line_ends_people_have_are_read(
    definition: Any, raw: bytes, names: list[str]
) -> None:
    result = parse_roster(raw, definition)
    assert result.errors == []
    assert [row["display_name"] for row in result.rows] == names


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("x" * 200_000, "Row 2: a cell is longer than 1000 characters."),
        ("x" * 5_000, "Row 2: a cell is longer than 1000 characters."),
        ('"An, unclosed', "Line 2: the file could not be read as CSV (a quote may be missing)"),
        ("A\x00B", "Row 2, name: it holds a control character."),
    ],
)
def test_a_broken_row_is_a_message(definition: Any, cell: str, message: str) -> None:
    raw = f"{ROSTER_HEADER}\n{cell},vn,,,\n".encode()
    errors = parse_roster(raw, definition).errors
    assert len(errors) == 1
    assert errors[0].startswith(message)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_roster_dates_outside_1900_to_2100_are_refused(definition: Any, day: str) -> None:
    result = parse_roster(f"{ROSTER_HEADER}\nAn,vn,,,{day}\n".encode(), definition)
    assert result.rows == []
    assert result.errors == [f"Row 2, planned_return: '{day}' is not between 1900 and 2100."]


def test_a_column_given_twice_is_refused(definition: Any) -> None:
    raw = f"{ROSTER_HEADER},name\nAn,vn,,,,Binh\n".encode()
    assert parse_roster(raw, definition).errors == ["Row 1: column(s) given twice: name."]


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-16")))
def test_any_bytes_as_a_roster_give_rows_or_messages_never_an_exception(
    definition: Any, raw: bytes
) -> None:
    result = parse_roster(ROSTER_HEADER.encode() + b"\n" + raw, definition)
    assert all(isinstance(e, str) and e for e in result.errors)
    assert not (result.errors and result.rows)


def test_invitation_links_use_the_configured_host_not_the_request_header(
    make_app: Any, make_user: MakeUser
) -> None:
    """Issue 15: a request reaching the app by another allowed name (or a forged Host that
    a lax proxy let through) must not put that name into links handed to interns."""
    app = make_app(TRUSTED_HOSTS=["readiness.example.org", "localhost"])
    with app.app_context():
        organisation = ensure_organisation("Org Links")
        create_user(
            "coord-links",
            "correct horse battery",
            role="coordinator",
            organisation_id=organisation.id,
            totp_secret=TOTP_SECRET,
        )
        db.session.commit()
    client = app.test_client()  # it reaches the app as "localhost", the second name
    assert submit_sign_in(client, "coord-links", "correct horse battery").status_code == 303
    pass_second_factor(app, client, "coord-links")
    page = client.get("/coordinator/invitations").text
    response = client.post(
        "/coordinator/invitations",
        data={"csrf_token": csrf_token(page), "display_name": "Linked"},
    )
    listing = client.get(response.location).text
    assert "http://readiness.example.org/auth/join/" in listing
    assert "localhost/auth/join" not in listing


@pytest.mark.parametrize(
    ("country", "language", "hello"),
    [
        ("vn", "vi", "Xin chào"),
        ("ph", "fil", "Kumusta"),
        ("mm", "my", "မင်္ဂလာပါ"),
        ("other", "en", "Hello"),
    ],
)
def test_an_invitation_comes_with_a_qr_code_and_a_message_in_the_interns_language(
    app: Flask, make_user: MakeUser, signed_in: SignedIn, country: str, language: str, hello: str
) -> None:
    """The language is an official language of the intern's country that readiness speaks
    (CLDR through Babel; English when there is none); Japanese comes beside it."""
    make_user("coord-q", "coordinator", "Sakura Cooperative")
    coordinator = signed_in("coord-q")
    path = invite(coordinator, display_name="An <b>Nguyen</b>", home_country=country)
    page = coordinator.get("/coordinator/invitations").text
    share = page[page.index('<details class="share"') :]
    share = share[: share.index("</details>")]
    assert share.count("<svg") == 1  # the QR code, drawn inline
    messages = re.findall(r'<textarea id="message-\d+-(\w+)"[^>]*>(.*?)</textarea>', share, re.S)
    assert [locale for locale, _ in messages] == [language, "ja"]
    own = unescape(messages[0][1])
    assert own.startswith(hello)
    assert "Sakura Cooperative" in own
    assert own.rstrip().endswith(path)  # the whole link, ready to paste
    assert "An <b>Nguyen</b>" in own
    assert "<b>Nguyen</b>" not in share  # escaped in the page
    assert path in unescape(messages[1][1])
