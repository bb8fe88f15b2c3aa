"""Where an intern is in a questionnaire: shown pages, saved pages, what is still missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from readiness.core.definitions import AssessmentDefinition
from readiness.core.model import Page, Question


@dataclass(frozen=True)
class Progress:
    """Navigation over the pages shown for the current answers."""

    definition: AssessmentDefinition
    answers: Mapping[str, Any]
    saved_pages: frozenset[str]

    @cached_property
    def pages(self) -> list[Page]:
        """The shown pages (computed once: navigation asks for them often)."""
        return self.definition.visible_pages(self.answers)

    def position(self, page_id: str) -> int | None:
        """0-based index of a shown page, or None if it is hidden or unknown."""
        return next((i for i, p in enumerate(self.pages) if p.id == page_id), None)

    def first_unsaved(self) -> Page | None:
        return next((p for p in self.pages if p.id not in self.saved_pages), None)

    def is_reachable(self, page_id: str) -> bool:
        """A page may be opened once every shown page before it has been saved."""
        index = self.position(page_id)
        if index is None:
            return False
        return all(p.id in self.saved_pages for p in self.pages[:index])

    def next_page(self, page_id: str) -> Page | None:
        index = self.position(page_id)
        pages = self.pages
        return pages[index + 1] if index is not None and index + 1 < len(pages) else None

    def previous_page(self, page_id: str) -> Page | None:
        index = self.position(page_id)
        return self.pages[index - 1] if index else None

    @cached_property
    def _shown_question_ids(self) -> frozenset[str]:
        return frozenset(self.definition.visibility(self.answers)[1])

    def _counted(self) -> list[Question]:
        """The questions progress counts: those shown, less the ones not required that the
        intern left empty on a page they saved (skipped by choice, not work left)."""
        return [
            q
            for page in self.pages
            for q in page.questions
            if q.id in self._shown_question_ids
            and (
                q.id in self.answers
                or q.requirement == "required"
                or page.id not in self.saved_pages
            )
        ]

    @property
    def question_count(self) -> int:
        """Questions still to answer or answered (a conditional one counts once it shows)."""
        return len(self._counted())

    @property
    def answered_count(self) -> int:
        return sum(1 for q in self._counted() if q.id in self.answers)

    def percent_done(self) -> int:
        """The one progress figure every page shows: answered questions of those shown.

        Pages and questions that depend on answers count once those answers are given (an
        answer that opens a page adds its questions to the total).
        """
        total = self.question_count
        return round(100 * self.answered_count / total) if total else 0

    def first_to_finish(self) -> Page | None:
        """Where "Continue" goes: the first page that is not saved or still lacks a required
        answer (None: everything is done; the review is next)."""
        missing = {page.id for page, _question in self.missing_required()}
        return next(
            (p for p in self.pages if p.id not in self.saved_pages or p.id in missing), None
        )

    def missing_required(self) -> list[tuple[Page, Question]]:
        """Shown required questions without an answer, in order."""
        shown_ids = self.definition.visibility(self.answers)[1]
        return [
            (page, q)
            for page in self.pages
            for q in page.questions
            if q.id in shown_ids and q.requirement == "required" and q.id not in self.answers
        ]

    def is_complete(self) -> bool:
        return self.first_unsaved() is None and not self.missing_required()
