"""Each complete locale end to end: questionnaire, scores, result page and PDF in that language."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from readiness import create_app
from readiness.config import ConfigError
from readiness.core.locales import COMPLETE_LOCALES, LOCALES, babel_code, translations
from readiness.core.model import localize, localize_source
from readiness.core.scoring import Scorer
from readiness.extensions import db
from readiness.models import Assessment, User
from readiness.reports.formatting import (
    format_date,
    format_yen,
    heading,
    ruby_inline,
    ruby_markup,
)
from readiness.services.assessments import plan_for, stored_scorecard
from readiness.state import current_state
from tests.fixtures.accounts import Join, MakeUser, SignedIn, give_consent, invite, submit_sign_up
from tests.fixtures.database import EnglishBrowserClient
from tests.fixtures.html import csrf_token, hidden_value
from tests.fixtures.interns import InternBrowser, stored_answers
from tests.fixtures.pdf import (
    SHAPED_SCRIPTS,
    embedded_outlines,
    font_file,
    pdf_text,
    shaped_forms,
    uncovered_characters,
)


def signed_up(client: FlaskClient, definition, locale: str) -> InternBrowser:
    response = submit_sign_up(client, f"intern-{locale}", "correct horse", locale)
    assert response.status_code == 303
    give_consent(client)
    return InternBrowser(client, definition)


def plain(text: str) -> str:
    """Text as compared: NFC (PDF text extraction may decompose accents), single spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def first_page(client: FlaskClient, definition, locale: str) -> tuple[InternBrowser, int, str]:
    """A new intern in ``locale`` starts: the browser, the assessment id, the first page."""
    intern = signed_up(client, definition, locale)
    assessment_id = intern.start()
    url = intern.page_url(assessment_id, definition.questionnaire.pages[0].id)
    return intern, assessment_id, client.get(url).text


@pytest.mark.slow
@pytest.mark.parametrize("locale", COMPLETE_LOCALES)
def test_an_intern_does_everything_in_their_language(
    client: FlaskClient, definition, full_answers: dict[str, Any], app: Flask, locale: str
) -> None:
    intern, assessment_id, page = first_page(client, definition, locale)
    first = definition.questionnaire.pages[0]
    assert f'<html lang="{babel_code(locale).replace("_", "-")}">' in page
    shown = RUBY_TAGS.sub("", page)  # easy Japanese: the words without their readings
    assert localize(first.title, locale) in shown
    assert localize(first.questions[0].label, locale) in shown
    intern.answer_all(assessment_id, full_answers)
    assert intern.submit(assessment_id).status_code == 303

    with app.app_context():
        stored = db.session.get(Assessment, assessment_id)
        card = json.loads(stored.scorecard_json)
    expected = Scorer(definition).score(full_answers, as_of=stored.submitted_at.date())
    assert card["overall"] == pytest.approx(expected.overall)  # the language changes nothing

    result = RUBY_TAGS.sub("", client.get(f"/assessments/{assessment_id}/result").text)
    for dimension in definition.rules.dimensions:
        assert localize(dimension.label, locale) in result
    band = next(b for b in definition.rules.bands if b.id == card["overall_band"])
    assert localize(band.label, locale) in result

    pdf = client.get(f"/assessments/{assessment_id}/plan.pdf").data
    text = plain(pdf_text(pdf))
    assert uncovered_characters(pdf, text) == set()  # no missing-glyph boxes
    label = ruby_inline(localize_source(definition.rules.dimensions[0].label, locale))
    if locale in SHAPED_SCRIPTS:
        # Text extraction gives shaped Devanagari, Burmese and Khmer in drawing order (a reph
        # or a pre-base vowel first): check that the PDF drew them shaped instead.
        family = SHAPED_SCRIPTS[locale]
        for sample in (heading("plan", locale), label):
            assert not shaped_forms(sample, font_file(family)) - embedded_outlines(pdf), sample
    else:
        assert plain(heading("plan", locale)) in text
        assert plain(label) in text
    if locale != "ja":
        assert heading("plan", "ja") in text  # bilingual headings for the coordinator


def switch_on_page(client: FlaskClient, url: str, locale: str, **answers: str) -> Any:
    """Choose ``locale`` with the page's own switcher, sending ``answers`` typed on it."""
    html = client.get(url).text
    fields = [
        ("csrf_token", csrf_token(html)),
        ("definition_hash", hidden_value(html, "definition_hash")),
        ("soft_ack", ""),
        *answers.items(),
        ("locale", locale),
        ("action", "language"),
    ]
    return client.post(url, data=MultiDict(fields))


def test_the_language_switch_on_a_page_saves_what_was_typed(
    client: FlaskClient, definition, app: Flask
) -> None:
    intern = signed_up(client, definition, "en")
    assessment_id = intern.start()
    page_id = definition.questionnaire.pages[0].id
    url = intern.page_url(assessment_id, page_id)
    response = switch_on_page(client, url, "vi", home_country="vn")
    assert (response.status_code, response.location) == (303, url)
    assert "readiness_locale=vi" in response.headers["Set-Cookie"]
    assert stored_answers(app, assessment_id)["home_country"] == "vn"
    again = client.get(url).text
    assert '<html lang="vi">' in again
    assert "Bạn sẽ về nước nào?" in again
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "intern-en"))
        assert user.locale == "vi"


def test_a_switch_with_a_wrong_answer_keeps_it_and_shows_the_error_in_the_new_language(
    client: FlaskClient, definition, app: Flask
) -> None:
    intern = signed_up(client, definition, "en")
    assessment_id = intern.start()
    money = next(
        p for p in definition.questionnaire.pages if any(q.type == "number" for q in p.questions)
    )
    url = intern.page_url(assessment_id, money.id)
    number = next(q for q in money.questions if q.type == "number")
    response = switch_on_page(client, url, "id", **{number.id: "12abc"})
    assert response.status_code == 422
    assert '<html lang="id">' in response.text
    assert 'value="12abc"' in response.text  # what was typed is still there
    assert "Masukkan angka, misalnya 150.000." in response.text


def test_dates_and_money_follow_the_locale() -> None:
    assert format_date("2027-06-30", "ja") == "2027/06/30"
    assert "2027" in format_date("2027-06-30", "vi")
    assert format_date("2027-06-30", "en") == "Jun 30, 2027"
    assert format_yen(1500000, "ja") == "￥1,500,000"
    assert format_yen(1500000, "vi") == "1.500.000\xa0¥"
    assert format_yen(1500000, "id") == "JP¥1.500.000"


def test_the_coordinator_reads_a_vietnamese_intern_in_japanese_and_her_plan_in_both(
    app: Flask,
    definition,
    full_answers: dict[str, Any],
    join: Join,
    make_user: MakeUser,
    signed_in: SignedIn,
) -> None:
    make_user("coord-vn", "coordinator", "Org V", locale=None)
    coordinator = signed_in("coord-vn")
    client = join(invite(coordinator, display_name="Trần Thị Hoa"), "hoa")
    page = client.get("/me").text
    client.post("/language", data={"csrf_token": csrf_token(page), "locale": "vi"})
    intern = InternBrowser(client, definition)
    assessment_id = intern.start()
    intern.answer_all(assessment_id, full_answers)
    intern.submit(assessment_id)
    intern_pdf = plain(pdf_text(client.get(f"/assessments/{assessment_id}/plan.pdf").data))
    assert plain(heading("plan", "vi", bilingual=True)) in intern_pdf  # Vietnamese / Japanese

    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "hoa"))
    person = coordinator.get(f"/coordinator/interns/{user_id}").text
    assert '<html lang="ja">' in person
    assert heading("plan", "ja") in person
    assert heading("plan", "vi") not in person
    pdf = coordinator.get(f"/coordinator/interns/{user_id}/assessments/{assessment_id}/plan.pdf")
    text = plain(pdf_text(pdf.data))
    assert "Trần Thị Hoa" in text
    # Bilingual for the coordinator: the intern's Vietnamese with Japanese beside it, so both
    # can read the same sheet together.
    assert plain(heading("plan", "vi", bilingual=True)) in text
    first_step = plan_of(app, assessment_id).steps[0]
    assert plain(localize(first_step.title, "vi")) in text
    assert plain(localize(first_step.title, "ja")) in text
    card = stored_card(app, assessment_id)
    overall_band = card.band(card.overall_band)["label"]
    assert plain(localize(overall_band, "vi")) in text
    assert plain(localize(overall_band, "ja")) in text  # the levels in both languages too
    # The cover says who, from where, in which trade, returning when, with which organisation.
    cover = plain(pdf_text(pdf.data, pages=[0]))
    country = definition.questions[definition.plan.plan.profile.country]
    vietnam = next(o for o in country.options if o.id == full_answers[country.id])
    assert plain(localize(vietnam.label, "vi")) in cover
    assert plain(localize(vietnam.label, "ja")) in cover
    assert plain(format_date(full_answers["planned_return"], "vi")) in cover
    assert "Org V" in cover
    assert plain(heading("home_country", "vi", bilingual=True)) in cover


def test_amounts_also_show_in_the_home_currency_at_the_configured_rate(
    tmp_path: Path, definition, full_answers: dict[str, Any]
) -> None:
    rates = tmp_path / "currency-rates.yaml"
    rates.write_text('as_of: "2026-11-20"\nsource: "test rate"\nper_yen: {VND: 170.5}\n')
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + "x" * 16,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rates.db'}",
            "CURRENCY_RATES_FILE": str(rates),
        }
    )
    with app.app_context():
        db.create_all()
    app.test_client_class = EnglishBrowserClient
    client = app.test_client()
    intern = signed_up(client, definition, "vi")
    assessment_id = intern.start()
    intern.answer_all(assessment_id, full_answers)  # a Vietnamese intern
    intern.submit(assessment_id)
    result = client.get(f"/assessments/{assessment_id}/result").text
    savings = result.split('id="savings"', 1)[1].split("</section>", 1)[0]
    capital = full_answers["capital_needed"] * 170.5
    assert f"{capital:,.0f}".replace(",", ".") + "\xa0₫" in savings
    assert "1 yên = 170,5 VND" in savings
    text = plain(pdf_text(client.get(f"/assessments/{assessment_id}/plan.pdf").data))
    assert "170,5 VND" in text
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def test_without_rates_amounts_are_in_yen_only(
    client: FlaskClient, definition, full_answers: dict[str, Any]
) -> None:
    intern = signed_up(client, definition, "vi")
    assessment_id = intern.start()
    intern.answer_all(assessment_id, full_answers)
    intern.submit(assessment_id)
    result = client.get(f"/assessments/{assessment_id}/result").text
    assert "home-money" not in result
    assert "₫" not in result


def test_a_wrong_rates_file_stops_the_app_with_its_line(tmp_path: Path) -> None:
    rates = tmp_path / "currency-rates.yaml"
    rates.write_text('as_of: "2026-11-20"\nsource: "x"\nper_yen:\n  VND: zero\n')
    with pytest.raises(ConfigError, match=r"currency-rates.yaml:4:\d+: RATE_001"):
        create_app({"SECRET_KEY": "k" * 32, "CURRENCY_RATES_FILE": str(rates)})
    with pytest.raises(ConfigError, match="no such file"):
        create_app({"SECRET_KEY": "k" * 32, "CURRENCY_RATES_FILE": str(tmp_path / "none")})


@pytest.mark.parametrize("locale", list(LOCALES))
def test_every_locale_shows_the_questionnaire_in_its_language(
    client: FlaskClient, definition, locale: str
) -> None:
    _intern, _assessment_id, page = first_page(client, definition, locale)
    first = definition.questionnaire.pages[0]
    assert f'<html lang="{babel_code(locale).replace("_", "-")}">' in page
    label = first.questions[0].label
    assert locale in label  # translated in the YAML, not a fallback
    assert localize(label, locale) in RUBY_TAGS.sub("", page).replace("（", "").replace("）", "")
    assert translations(locale).gettext("Next") != "Next" or locale == "en"


RUBY_TAGS = re.compile(r"<rp>.*?</rp>|<rt>.*?</rt>|</?ruby>")


def test_easy_japanese_shows_furigana_and_falls_back_to_japanese(
    client: FlaskClient, definition, app: Flask
) -> None:
    intern = signed_up(client, definition, "ja_easy")
    assessment_id = intern.start()
    page = client.get(intern.page_url(assessment_id, "profile")).text
    assert '<html lang="ja">' in page
    assert "<ruby>国<rp>（</rp><rt>くに</rt><rp>）</rp></ruby>" in page
    assert "{国|くに}" not in page  # marks never show as such
    assert "つぎへ" in page  # the easy-Japanese catalogue
    with app.test_request_context():
        easy = translations("ja_easy")
        assert easy.gettext("Coordinators") == "たんとうしゃ"
        assert easy._fallback is not None  # a message it lacks comes from ja
        assert easy._fallback.gettext("Coordinators") == "担当者"


def test_furigana_marks_are_escaped_and_written_out_for_the_pdf() -> None:
    assert str(ruby_markup("{<b>|x}")) == "<ruby>&lt;b&gt;<rp>（</rp><rt>x</rt><rp>）</rp></ruby>"
    assert ruby_inline("{帰国|きこく}する") == "帰国（きこく）する"
    assert localize({"en": "x", "ja_easy": "{帰国|きこく}する"}, "ja_easy") == "帰国する"


def test_form_errors_are_in_the_visitors_language(client: FlaskClient) -> None:
    page = client.get("/auth/signin", headers={"Accept-Language": "vi"}).text
    response = client.post(
        "/auth/signin",
        headers={"Accept-Language": "vi"},
        data={"csrf_token": csrf_token(page), "username": "", "password": ""},
    )
    assert "Hãy điền mục này." in response.text
    assert "This field is required" not in response.text


def plan_of(app: Flask, assessment_id: int) -> Any:
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        return plan_for(assessment, current_state().definitions.get(assessment.questionnaire_id))


def stored_card(app: Flask, assessment_id: int) -> Any:
    with app.app_context():
        return stored_scorecard(db.session.get(Assessment, assessment_id))


@pytest.mark.parametrize("locale", ["vi", "my", "ja_easy"])
def test_the_welcome_after_signing_up_is_in_the_language_just_chosen(
    app: Flask, locale: str
) -> None:
    client = app.test_client()  # a browser that asks for English
    name = f"welcome-{locale.replace('_', '-')}"
    response = submit_sign_up(client, name, "correct horse battery", locale=locale)
    assert response.status_code == 303
    page = client.get(response.location).text
    welcome = translations(locale).gettext("Welcome! Your account is ready.")
    assert welcome != "Welcome! Your account is ready."
    assert welcome in page
