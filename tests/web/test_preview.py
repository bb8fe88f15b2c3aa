"""The rule authors' preview (/admin/preview): an uploaded set checked with file:line, an
answers file's result as the intern sees it, nothing saved, live definitions untouched,
and uploads that cannot hurt."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from html import unescape
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from readiness.core.yamlsource import MAX_ANSWER_FILE_BYTES
from readiness.state import current_state
from tests.fixtures.accounts import MakeUser, SignedIn
from tests.fixtures.database import row_counts
from tests.fixtures.home_care import home_care_answers, home_care_files
from tests.fixtures.html import csrf_token
from tests.fixtures.pdf import pdf_text

PREVIEW = "/admin/preview"


@pytest.fixture
def admin(make_user: MakeUser, signed_in: SignedIn) -> FlaskClient:
    make_user("rule-author", "admin")
    return signed_in("rule-author")


def answers_yaml(**changes: Any) -> bytes:
    return yaml.safe_dump({**home_care_answers(), **changes}, allow_unicode=True).encode()


def upload(
    client: FlaskClient,
    files: dict[str, bytes] | Iterable[tuple[str, bytes]],
    answers: bytes | None = None,
    **fields: str,
) -> Any:
    """POST the preview form as a browser sends it (multipart, with the page's token)."""
    token = csrf_token(client.get(PREVIEW).text)
    pairs = files.items() if isinstance(files, dict) else files
    data: dict[str, Any] = {
        "csrf_token": token,
        "definitions": [(io.BytesIO(raw), name) for name, raw in pairs],
        "language": "en",
        "action": "check",
        **fields,
    }
    if answers is not None:
        data["answers"] = (io.BytesIO(answers), "answers.yaml")
    return client.post(PREVIEW, data=data, content_type="multipart/form-data")


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, raw in files.items():
            archive.writestr(name, raw)
    return buffer.getvalue()


def problems(page: str) -> list[str]:
    """The problem table's rows as 'where code message' text."""
    rows = re.findall(r'<tr class="problem-(?:error|warning)">(.*?)</tr>', page, re.S)
    return [unescape(" ".join(re.sub(r"<[^>]+>", " ", row).split())) for row in rows]


def test_a_valid_set_and_answers_show_the_result_as_the_intern_sees_it(
    app: Flask, admin: FlaskClient
) -> None:
    with app.app_context():
        before = row_counts()
        live = current_state().definitions
    response = upload(admin, home_care_files(), answers_yaml())
    assert response.status_code == 200
    page = response.text
    assert "No problems: this set passes every check." in page
    result = page[page.index('id="result"') :]
    for text in (
        "Care skills",
        "Money",
        "Standing",
        "Returnee care business loan",
        "Why this score",
    ):
        assert text in result
    assert "Your answer:" in result  # the reasons, with the answers they came from
    assert 'id="plan"' in result
    with app.app_context():
        assert row_counts() == before  # nothing saved
        assert current_state().definitions is live  # the live definitions are untouched
    assert response.headers["Cache-Control"] == "no-store"


def test_a_zip_of_the_set_is_the_same_as_its_files(admin: FlaskClient) -> None:
    archive = zipped({f"home_care/{name}": raw for name, raw in home_care_files().items()})
    page = upload(admin, {"home-care.zip": archive}, answers_yaml()).text
    assert "No problems" in page
    assert "Returnee care business loan" in page
    for name in home_care_files():
        assert name in page  # the files read are listed


def test_the_result_is_shown_in_the_chosen_language(admin: FlaskClient) -> None:
    page = upload(admin, home_care_files(), answers_yaml(), language="ja").text
    result = page[page.index('id="result"') :]
    assert 'lang="ja"' in page
    assert "このスコアの理由" in result
    assert "Why this score" not in result


def test_every_problem_is_listed_with_its_file_and_line(admin: FlaskClient) -> None:
    files = home_care_files()
    rules = files["home-care.rules.yaml"].decode()
    line = rules.splitlines().index(next(x for x in rules.splitlines() if "question: " in x)) + 1
    question = re.search(r"question: (\w+)", rules).group(1)
    files["home-care.rules.yaml"] = rules.replace(
        f"question: {question}", f"question: {question}x", 1
    ).encode()
    page = upload(admin, files, answers_yaml()).text
    found = problems(page)
    assert any(
        row.startswith(f"home-care.rules.yaml:{line}:")
        and "REF_002" in row
        and f"did you mean '{question}'" in row
        for row in found
    ), found
    assert 'id="result"' not in page  # a set with errors is not scored


def test_a_yaml_mistake_is_shown_at_its_line(admin: FlaskClient) -> None:
    files = home_care_files()
    text = files["home-care.yaml"].decode()
    files["home-care.yaml"] = (text + "extra: {en: Ready, ja: はい]\n").encode()
    line = len(text.splitlines()) + 1
    found = problems(upload(admin, files).text)
    assert any(row.startswith(f"home-care.yaml:{line}:") and "YAML_001" in row for row in found)


def test_missing_translations_are_problems_too(admin: FlaskClient) -> None:
    files = home_care_files()
    text = files["home-care.yaml"].decode()
    assert "languages: [en]" in text
    files["home-care.yaml"] = text.replace("languages: [en]", "languages: [en, vi]").encode()
    found = problems(upload(admin, files).text)
    assert any("I18N_001" in row and "no 'vi' text" in row for row in found), found


def test_refused_answers_are_listed_at_their_line_and_nothing_is_scored(
    admin: FlaskClient,
) -> None:
    answers = answers_yaml(origin="mars", put_aside=-5, confidenc=3)
    lines = answers.decode().splitlines()
    page = upload(admin, home_care_files(), answers).text
    found = problems(page)
    for key in ("origin", "put_aside", "confidenc"):
        line = next(i for i, text in enumerate(lines, 1) if text.startswith(f"{key}:"))
        assert any(row.startswith(f"answers.yaml:{line}:1 ANSWER_001") for row in found), found
    assert any("did you mean" in row and "confidence" in row for row in found), found
    assert 'id="result"' not in page


def test_the_pdf_is_the_one_the_intern_would_download(admin: FlaskClient) -> None:
    response = upload(admin, home_care_files(), answers_yaml(), action="pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for label in ("Care skills", "Money", "PREVIEW"):
        assert label in text


def test_uploaded_text_is_escaped_in_messages_and_in_the_result(admin: FlaskClient) -> None:
    files = home_care_files()
    text = files["home-care.yaml"].decode()
    label = re.search(r"label: \{en: ([^,}]+)", text).group(1)
    files["home-care.yaml"] = text.replace(
        f"label: {{en: {label}", 'label: {en: "<script>alert(1)</script>"', 1
    ).encode()
    page = upload(
        admin, {**files, "<img src=x onerror=alert(1)>.yaml": b"kind: <b>"}, answers_yaml()
    ).text
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert "<b>" not in page


@pytest.mark.parametrize(
    ("uploads", "expected"),
    [
        ([("notes.txt", b"hello")], "only .yaml and .yml files"),
        ([("set.zip", b"PK\x03\x04 not really")], "not a ZIP file that can be read"),
        ([("set.zip", zipped({"inner.zip": b"PK"}))], "a ZIP inside a ZIP is not read"),
        (
            [("set.zip", zipped({f"f{n}.yaml": b"kind: plan\n" for n in range(21)}))],
            "the ZIP holds 21 files; the limit is 20",
        ),
        (
            [("a.yaml", b"kind: plan\n"), ("dir/a.yaml", b"kind: plan\n")],
            "a second file with this name",
        ),
    ],
)
def test_uploads_that_cannot_be_used_say_why(
    admin: FlaskClient, uploads: list[tuple[str, bytes]], expected: str
) -> None:
    response = upload(admin, uploads)
    assert response.status_code == 200
    assert any(expected in row for row in problems(response.text)), problems(response.text)


def test_a_zip_bomb_is_never_inflated(admin: FlaskClient) -> None:
    """A member that unpacks to 50 MB is refused from its header; one that lies about
    its size is read no further than the limit allows."""
    bomb = zipped({"bomb.yaml": b"a" * (50 * 1024 * 1024)})
    assert len(bomb) < 200_000
    page = upload(admin, {"bomb.zip": bomb}).text
    assert any("YAML_003" in row and "52,428,800 bytes" in row for row in problems(page))


def test_member_names_cannot_point_anywhere(admin: FlaskClient) -> None:
    archive = zipped({"../../etc/home-care.yaml": home_care_files()["home-care.yaml"]})
    page = upload(admin, {"x.zip": archive}).text
    assert "../" not in page.split('id="problems"')[1]
    assert "home-care.yaml" in page


def test_a_request_over_the_size_limit_is_refused(app: Flask, admin: FlaskClient) -> None:
    """Sent as a browser would; built by hand, as the test client would spool a body this
    large to a temporary file of its own."""
    token = csrf_token(admin.get(PREVIEW).text)
    big = b"#" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    body = (
        b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + token.encode()
        + b'\r\n--b\r\nContent-Disposition: form-data; name="definitions"; '
        + b'filename="big.yaml"\r\nContent-Type: application/yaml\r\n\r\n'
        + big
        + b"\r\n--b--\r\n"
    )
    response = admin.post(PREVIEW, data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413
    assert "The files are larger than 1 MB together" in response.text


def test_an_answers_file_over_the_limit_is_refused_with_its_reason(admin: FlaskClient) -> None:
    page = upload(admin, home_care_files(), b"#" * (MAX_ANSWER_FILE_BYTES + 10)).text
    assert any("YAML_003" in row for row in problems(page))


def test_a_post_without_files_is_a_clear_400(admin: FlaskClient) -> None:
    token = csrf_token(admin.get(PREVIEW).text)
    response = admin.post(PREVIEW, data={"csrf_token": token, "language": "en"})
    assert response.status_code == 400
    assert "Choose the definition files" in response.text


def test_only_admins_preview(make_user: MakeUser, signed_in: SignedIn) -> None:
    make_user("coord-preview", "coordinator", "Org P")
    coordinator = signed_in("coord-preview")
    token = csrf_token(coordinator.get("/coordinator/").text)
    response = coordinator.post(
        PREVIEW,
        data={"csrf_token": token, "definitions": [(io.BytesIO(b"kind: plan"), "a.yaml")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert coordinator.get(PREVIEW).status_code == 403


def test_a_pdf_without_answers_says_what_it_needs(admin: FlaskClient) -> None:
    response = upload(admin, home_care_files(), action="pdf")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "A PDF needs a file of answers" in response.text


def test_an_upload_with_nothing_to_check_lists_only_what_was_wrong_with_it(
    admin: FlaskClient,
) -> None:
    found = problems(upload(admin, {"set.zip": b"PK\x03\x04 broken"}).text)
    assert len(found) == 1
    assert "UPLOAD_001" in found[0]


def test_the_texts_of_each_language_are_counted(admin: FlaskClient) -> None:
    """home_care requires English only; its files' rows show how many texts each has."""
    page = upload(admin, home_care_files()).text
    table = page[page.index('class="interns coverage"') :]
    assert '<th scope="col">en*</th>' in table
    assert '<th scope="col">vi</th>' in table
    assert "home-care.yaml" in table
