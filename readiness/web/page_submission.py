"""Showing and saving one questionnaire page.

The rules that keep an intern's work safe live here: a page is saved only
when everything on it is valid; a tampered post (unknown question, repeated
single answer, wrong CSRF token, questionnaire changed meanwhile) saves
nothing and shows the page again with what was typed; answers are saved per
question, and questions hidden by an answer on the same page keep their
stored value but never count.
"""

from __future__ import annotations

import json
from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from readiness.core.conditions import condition_questions
from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import Page, Question
from readiness.core.progress import Progress
from readiness.extensions import db
from readiness.i18n import LOCALES
from readiness.models import Assessment
from readiness.services.assessments import page_version, save_page
from readiness.web.forms import FORM_REFUSED
from readiness.web.language import choose_locale, remember_locale
from readiness.web.question_forms import (
    AnswerForm,
    NumberAnswerField,
    ambiguity_note,
    build_page_form,
    field_answer,
    initial_field_data,
)

META_FIELDS = {
    "csrf_token",
    "soft_ack",
    "number_ack",
    "definition_hash",
    "page_version",
    "action",
    "locale",
    "return_to",
    "offline_sync",
}
#: "language" saves what is valid, like "save", and shows the same page in another language.
ACTIONS = ("next", "back", "save", "language")
MULTI_VALUED = ("multiple_choice",)


class PageSubmission:
    """One page of one assessment, for one request."""

    def __init__(
        self,
        assessment: Assessment,
        definition: AssessmentDefinition,
        page: Page,
        locale: str,
        saved: dict[str, Any],
    ) -> None:
        self.assessment = assessment
        self.definition = definition
        self.page = page
        self.locale = locale
        self.saved = saved
        self.questions = self._questions_to_render()
        self.soft_warned: set[str] = set()
        #: Numbers that read two ways, by question id: what the page says about each.
        self.asked: dict[str, str] = {}
        self.problems: list[str] = []

    def _questions_to_render(self) -> list[Question]:
        """Shown questions, plus those whose condition depends on this page's own answers."""
        shown_ids = self.definition.visibility(self.saved)[1]
        page_ids = {q.id for q in self.page.questions}
        return [
            q
            for q in self.page.questions
            if q.id in shown_ids or (q.show_if and condition_questions(q.show_if) & page_ids)
        ]

    def live_conditions(self) -> dict[str, str]:
        """JSON conditions the browser may evaluate: those reading only this page's answers."""
        page_ids = {q.id for q in self.page.questions}
        return {
            q.id: json.dumps(q.show_if.model_dump(by_alias=True, exclude_none=True))
            for q in self.questions
            if q.show_if and condition_questions(q.show_if) <= page_ids
        }

    def form_for_display(self) -> AnswerForm:
        data: dict[str, Any] = {
            q.id: initial_field_data(q, self.saved.get(q.id)) for q in self.questions
        }
        data["definition_hash"] = self.definition.content_hash
        data["page_version"] = page_version(self.assessment, self.page)
        return build_page_form(
            self.questions, self.locale, self.definition.content_hash, formdata=None, data=data
        )

    def handle_post(self, progress: Progress) -> Response | tuple[str, int] | str:
        action = request.form.get("action", "next")
        action = action if action in ACTIONS else "next"
        if action == "language":
            return self._switch_language(progress)
        return self._handle(action, progress)

    def _switch_language(self, progress: Progress) -> Response | tuple[str, int] | str:
        """Save the page's valid answers, then show it again in the chosen language."""
        locale = request.form.get("locale", "")
        if locale in LOCALES:
            choose_locale(locale)
            self.locale = locale
        response = self._handle("language", progress)
        db.session.commit()  # the profile's language, when nothing else committed it
        if isinstance(response, tuple):
            response = make_response(*response)
        return remember_locale(make_response(response), self.locale)

    def _handle(self, action: str, progress: Progress) -> Response | tuple[str, int] | str:
        form = build_page_form(self.questions, self.locale, self.definition.content_hash)
        form.validate()
        tampered = self._check_tampering(form)
        self._resolve_ambiguous_numbers(form)
        posted = {
            q.id: field_answer(q, form[q.id]) for q in self.questions if not form[q.id].errors
        }
        merged = {k: v for k, v in {**self.saved, **posted}.items() if v is not None}
        shown_ids = self.definition.visibility(merged)[1]
        for question in self.questions:
            if question.id not in shown_ids:
                form[question.id].errors = []  # problems in hidden questions do not count
                self.asked.pop(question.id, None)
        if action == "next":
            self._check_requirements(form, posted, shown_ids)
        has_errors = any(form[q.id].errors for q in self.questions)
        if tampered or has_errors or self.soft_warned or self.asked:
            # Tampered: 400. Answers to correct: 422. Only a question to confirm: 200.
            status = 400 if tampered else (FORM_REFUSED if has_errors else 200)
            return render_page(self, form, progress, status=status)
        values = {q.id: posted.get(q.id) for q in self.questions if q.id in shown_ids}
        after = Progress(self.definition, merged, progress.saved_pages | {self.page.id})
        target_page, target_url = self._target(action, after)
        saved_elsewhere = self._saved_since_shown(form)
        if saved_elsewhere and request.form.get("offline_sync") == "1":
            # Answers kept on the phone while offline, and the page was saved elsewhere since:
            # neither is lost silently; the phone keeps its answers and shows the page.
            self.problems.append(
                _(
                    "You answered this page without a connection, and it was saved elsewhere "
                    "since. Your answers from then are below: check them and press Next to "
                    "keep them."
                )
            )
            return render_page(self, form, progress, status=409)
        save_page(self.assessment, self.page, values, target_page, self.definition)
        if saved_elsewhere:
            flash(
                _(
                    "This page was also saved in another tab or window after you opened it "
                    "here. What you just sent is now saved; your other pages did not change."
                ),
                "warning",
            )
        if action == "save":
            flash(_("Saved. You can continue any time from where you stopped."), "success")
        return redirect(target_url, 303)

    def _resolve_ambiguous_numbers(self, form: AnswerForm) -> None:
        """Ask back once about a number that reads two ways; sent again unchanged, keep the
        first reading (the page's language's). The texts asked about travel in the form."""
        asked_before = _text_map(form.number_ack.data)
        asked_now: dict[str, str] = {}
        for question in self.questions:
            field = form[question.id]
            if not isinstance(field, NumberAnswerField) or not field.reading.ambiguous:
                continue
            text = (field.data or "").strip()
            if asked_before.get(question.id) == text:
                field.confirm(field.reading.choices[0])
            else:
                self.asked[question.id] = ambiguity_note(field)
                asked_now[question.id] = text
        form.number_ack.data = json.dumps(asked_now, ensure_ascii=False) if asked_now else ""

    def _saved_since_shown(self, form: AnswerForm) -> bool:
        """Whether this page was saved (in another tab) after this form was shown.

        The later save wins, page by page; the intern is told. Forms without a version
        (sent before this check existed) are not compared.
        """
        shown = form.page_version.data
        return bool(shown) and shown != page_version(self.assessment, self.page)

    def _check_tampering(self, form: AnswerForm) -> bool:
        """Note what makes a post untrustworthy as a whole (call after validating)."""
        known = {q.id for q in self.questions} | META_FIELDS
        # A file part is never an answer, even under a question's name.
        unknown = sorted((set(request.form.keys()) - known) | set(request.files.keys()))
        repeated = [
            q.id
            for q in self.questions
            if q.type not in MULTI_VALUED and len(request.form.getlist(q.id)) > 1
        ]
        if unknown:
            self.problems.append(
                _(
                    "This page sent answers to questions it does not have. "
                    "Nothing was saved: please check the page and send it again."
                )
            )
        if repeated:
            self.problems.append(
                _(
                    "A question that takes one answer was sent several. "
                    "Nothing was saved: please check the page and send it again."
                )
            )
        if "csrf_token" in form.errors:
            self.problems.append(
                _(
                    "For your security this page had to be refreshed. Your answers "
                    "are still here and were not saved yet: please send it again."
                )
            )
        if form.definition_hash.data != self.definition.content_hash:
            self.problems.append(
                _(
                    "The questionnaire was updated while this page was open. "
                    "Please check your answers here and send the page again."
                )
            )
            form.definition_hash.data = self.definition.content_hash
        return bool(self.problems)

    def _check_requirements(
        self, form: AnswerForm, posted: dict[str, Any], shown_ids: set[str]
    ) -> None:
        acknowledged = {x for x in (form.soft_ack.data or "").split(",") if x}
        for question in self.questions:
            field = form[question.id]
            answered = posted.get(question.id) is not None or question.id in self.asked
            if question.id not in shown_ids or field.errors or answered:
                continue
            if question.requirement == "required":
                field.errors = [*field.errors, _("Please answer this question.")]
            elif question.requirement == "soft" and question.id not in acknowledged:
                self.soft_warned.add(question.id)
        form.soft_ack.data = ",".join(sorted(acknowledged | self.soft_warned))

    def _target(self, action: str, after: Progress) -> tuple[str | None, str]:
        assessment_id = self.assessment.id
        if action == "back":
            previous = after.previous_page(self.page.id) or self.page
            return previous.id, url_for(
                "intern.page", assessment_id=assessment_id, page_id=previous.id
            )
        if action == "language":
            return self.page.id, url_for(
                "intern.page", assessment_id=assessment_id, page_id=self.page.id
            )
        following = after.next_page(self.page.id)
        if action == "save":
            return (following or self.page).id, url_for("intern.home")
        if request.form.get("return_to") == "review":
            # Changed from the review page: back to it, not through the pages after this one.
            return following.id if following else None, url_for(
                "intern.review", assessment_id=assessment_id, _anchor=f"review-{self.page.id}"
            )
        if following is None:
            return None, url_for("intern.review", assessment_id=assessment_id)
        return following.id, url_for(
            "intern.page", assessment_id=assessment_id, page_id=following.id
        )


def render_page(
    submission: PageSubmission, form: AnswerForm, progress: Progress, status: int = 200
) -> tuple[str, int]:
    index = progress.position(submission.page.id) or 0
    html = render_template(
        "intern/page.html",
        submission=submission,
        form=form,
        page=submission.page,
        questions=submission.questions,
        assessment=submission.assessment,
        locale=submission.locale,
        page_number=index + 1,
        progress=progress,
        previous=progress.previous_page(submission.page.id),
        live_conditions=submission.live_conditions(),
    )
    return html, status


def _text_map(raw: str | None) -> dict[str, str]:
    """A small JSON object of texts from a hidden field; anything else (tampered) is empty."""
    if not raw or len(raw) > 4000:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}
