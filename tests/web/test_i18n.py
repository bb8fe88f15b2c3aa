"""UI languages: complete catalogues, who sees which language, and the switcher."""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask

from readiness.core.locales import COMPLETE_LOCALES, TRANSLATIONS
from tests.fixtures import PROJECT_ROOT
from tests.fixtures.accounts import MakeUser, SignedIn
from tests.fixtures.html import csrf_token

#: Locales whose UI catalogue must be complete (English is the source language).
COMPLETE = [code for code in COMPLETE_LOCALES if code != "en"]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "N_": None,
}


def source_messages() -> set[str]:
    """Every UI message in the code and templates, as `make translations` extracts them."""
    found: set[str] = set()
    for folder, method in (
        (PROJECT_ROOT / "readiness", "python"),
        (PROJECT_ROOT / "templates", "jinja2"),
    ):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
            folder, method_map=[(pattern, method)], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def test_the_extraction_finds_the_ui_text() -> None:
    messages = source_messages()
    assert "Save for later" in messages  # a template
    assert "Please answer this question." in messages  # Python code
    assert "User name" in messages  # a lazy form label


def test_every_ui_message_is_translated_in_each_complete_locale() -> None:
    messages = source_messages()
    for locale in COMPLETE:
        cat = catalogue(locale)
        translated = {
            m.id if isinstance(m.id, str) else m.id[0]
            for m in cat
            if m.id and all(m.string if isinstance(m.string, tuple) else [m.string]) and not m.fuzzy
        }
        missing = sorted(messages - translated)
        assert not missing, f"{locale}: untranslated (run `make translations`): {missing}"


def test_translations_keep_their_placeholders() -> None:
    for locale in COMPLETE:
        problems = [(m.id, errors) for m, errors in catalogue(locale).check() if errors]
        assert not problems, problems
        for message in catalogue(locale):
            if not message.id:
                continue
            source = message.id if isinstance(message.id, str) else message.id[0]
            target = message.string if isinstance(message.string, str) else message.string[0]
            names = sorted(re.findall(r"%\((\w+)\)", source))
            assert sorted(re.findall(r"%\((\w+)\)", target)) == names, (locale, source)


def test_compiled_catalogues_match_their_sources() -> None:
    """The .mo files the app loads are compiled from the current .po (`make translations`)."""
    for locale in COMPLETE:
        compiled = Path(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo")
        mo = read_mo(io.BytesIO(compiled.read_bytes()))
        expected = {plain(m.id): plain(m.string) for m in catalogue(locale) if m.id}
        assert {plain(m.id): plain(m.string) for m in mo if m.id} == expected


def plain(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    """Plural ids and strings come back as lists from .mo files and tuples from .po files."""
    return value if isinstance(value, str) else tuple(value)


def test_a_coordinator_sees_japanese_whatever_the_browser_says(
    app: Flask, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("coord-ja", "coordinator", "Org J", locale=None)
    client = signed_in("coord-ja")  # the test browser sends Accept-Language: en
    page = client.get("/coordinator/").text
    assert '<html lang="ja">' in page
    assert "Org J：実習生一覧" in page
    assert "分野別の段階" in page
    assert "今後6か月以内の帰国者" in page
    assert "絞り込む" in page
    assert "Filter" not in page
    invitations = client.get("/coordinator/invitations").text
    assert "実習生を招待" in invitations
    assert "帰国予定日" in invitations


def test_a_coordinator_can_switch_to_english_and_back(
    app: Flask, make_user: MakeUser, signed_in: SignedIn
) -> None:
    make_user("coord-sw", "coordinator", "Org S", locale=None)
    client = signed_in("coord-sw")
    page = client.get("/coordinator/").text
    response = client.post(
        "/language",
        data={"csrf_token": csrf_token(page), "locale": "en", "next": "/coordinator/?page=1"},
    )
    assert (response.status_code, response.location) == (303, "/coordinator/?page=1")
    english = client.get("/coordinator/").text
    assert "Org S: interns" in english
    assert "Bands by dimension" in english
    client.post("/language", data={"csrf_token": csrf_token(english), "locale": "ja"})
    assert "分野別の段階" in client.get("/coordinator/").text


def test_an_intern_reads_the_pages_and_errors_in_japanese(client, definition) -> None:
    signup = client.get("/auth/signup", headers={"Accept-Language": "ja"}).text
    assert "アカウントを作成" in signup
    assert "ユーザー名" in signup
    response = client.post(
        "/auth/signup",
        headers={"Accept-Language": "ja"},
        data={
            "csrf_token": csrf_token(signup),
            "username": "x",
            "password": "short",
            "confirm": "other",
            "locale": "ja",
        },
    )
    page = response.text
    assert "半角英数字と「.」「_」「-」で3〜40文字にしてください。" in page
    assert "8文字以上（128文字まで）にしてください。" in page
    assert "2つのパスワードが一致しません。" in page


def test_error_pages_speak_the_visitors_language(client) -> None:
    page = client.get("/no/such/page", headers={"Accept-Language": "ja"}).text
    assert "このページは存在しないか、アクセスする権限がありません。" in page
    assert "This page does not exist" in client.get("/no/such/page").text
