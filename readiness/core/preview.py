"""Trying a definition set before it goes live: every check, and one intern's result.

A programme officer gives the four files (and, if they like, a file of answers); this
runs what ``flask check`` runs (loading, cross-references, translation coverage) and, when
the set loads, what submitting those answers would give: the score card and the plan. It
reads bytes held in memory and returns plain values, so nothing is stored and the live
definitions are never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from readiness.core.answers import checked_answer_file, read_answer_file
from readiness.core.coverage import Coverage, definition_coverage, required_languages
from readiness.core.definitions import AssessmentDefinition, DefinitionSet, load_definition_texts
from readiness.core.errors import IssueList
from readiness.core.locales import COMPLETE_LOCALES, LOCALES
from readiness.core.plan.builder import build_action_plan
from readiness.core.plan.result import ActionPlan
from readiness.core.scoring import ScoreCard, Scorer
from readiness.core.yamlsource import YamlDocument

#: How the uploaded set is named in a problem with the set as a whole.
UPLOADED = "<uploaded files>"


@dataclass
class Preview:
    """What checking a set (and scoring one answers file against it) found."""

    issues: IssueList
    definitions: DefinitionSet | None
    definition: AssessmentDefinition | None = None
    answers: dict[str, Any] | None = None
    card: ScoreCard | None = None
    plan: ActionPlan | None = None
    #: How many texts each file has in each language (when the set loads).
    coverage: list[Coverage] = field(default_factory=list)
    #: The languages every text must have (the questionnaire's, else the complete ones).
    required: list[str] = field(default_factory=list)


def preview_definitions(
    files: Mapping[str, bytes],
    today: dt.date,
    answer_file: tuple[str, bytes] | None = None,
    complete: Iterable[str] = COMPLETE_LOCALES,
) -> Preview:
    """Check ``files`` (name -> bytes) as ``flask check`` does; with ``answer_file`` (name,
    bytes) also score those answers and build their plan as of ``today``."""
    definitions, issues = load_definition_texts(files, today, UPLOADED)
    preview = Preview(issues, definitions)
    if definitions is None:
        return preview
    complete = list(complete)
    preview.coverage = definition_coverage(definitions, list(LOCALES), complete, issues)
    preview.required = required_languages(definitions, complete)
    if answer_file is None:
        return preview
    document = read_answer_file(answer_file[1], answer_file[0], issues)
    if document is None:
        return preview
    preview.definition = questionnaire_for(definitions, document)
    preview.answers = checked_answer_file(preview.definition, document, today, issues)
    if preview.answers is not None:
        preview.card = Scorer(preview.definition).score(preview.answers, today)
        if preview.definition.plan is not None:
            preview.plan = build_action_plan(
                preview.definition, preview.card, preview.answers, today
            )
    return preview


def questionnaire_for(definitions: DefinitionSet, document: YamlDocument) -> AssessmentDefinition:
    """The questionnaire the answers were written for: the one that asks most of the
    questions they answer (the first one on a tie)."""
    answered = {str(key) for key in document.data}
    return max(
        definitions.definitions.values(),
        key=lambda definition: len(answered & definition.questions.keys()),
    )
