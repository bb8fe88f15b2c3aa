"""The checked, compiled set of questionnaires with their rules, ready to serve and score.

:func:`load_definitions` reads a folder, validates every file, runs the
cross-checks and, when nothing is wrong, pairs each questionnaire with its
rules into an :class:`AssessmentDefinition` whose conditions are compiled
once. :func:`require_definitions` raises :class:`DefinitionError` instead,
which is how the app refuses to start on an invalid file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from readiness.core.checks import check_questionnaire
from readiness.core.conditions import Predicate, always, compile_condition
from readiness.core.errors import DefinitionError, ErrorCode, IssueList, Location, did_you_mean
from readiness.core.loader import LoadedFile, M, files_of_kind, load_definition_text, load_folder
from readiness.core.model import Page, Question, Questionnaire, RuleSet, Strict, TextQuestion
from readiness.core.plan.checks import check_catalogue, check_plan
from readiness.core.plan.definition import PlanDefinition
from readiness.core.plan.model import Catalogue, PlanRules
from readiness.core.rule_checks import check_rules


@dataclass(frozen=True)
class AssessmentDefinition:
    """A questionnaire, its rules, and where and what they were (path, version, hash)."""

    questionnaire: Questionnaire
    rules: RuleSet
    questionnaire_source: LoadedFile[Questionnaire]
    rules_source: LoadedFile[RuleSet]
    #: The action-plan rules and catalogue, when a plan file names this questionnaire.
    plan: PlanDefinition | None = None
    _page_predicates: dict[str, Predicate] = field(default_factory=dict, repr=False)
    _question_predicates: dict[str, Predicate] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        questions = self.questions
        for page in self.questionnaire.pages:
            self._page_predicates[page.id] = (
                compile_condition(page.show_if, questions) if page.show_if else always
            )
            for question in page.questions:
                self._question_predicates[question.id] = (
                    compile_condition(question.show_if, questions) if question.show_if else always
                )

    @property
    def id(self) -> str:
        return self.questionnaire.id

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Every question by id, in questionnaire order."""
        return {q.id: q for page in self.questionnaire.pages for q in page.questions}

    @cached_property
    def pages(self) -> dict[str, Page]:
        return {page.id: page for page in self.questionnaire.pages}

    @cached_property
    def page_of(self) -> dict[str, str]:
        """The page id of every question id."""
        return {q.id: page.id for page in self.questionnaire.pages for q in page.questions}

    @cached_property
    def content_hash(self) -> str:
        """One hash for the questionnaire and rules contents together."""
        both = self.questionnaire_source.content_hash + self.rules_source.content_hash
        return hashlib.sha256(both.encode()).hexdigest()

    def visibility(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
        """Return the answers that count and the ids of every question shown.

        A question is shown when its page's condition and its own hold, judged on
        the shown answers that come before it; answers to hidden questions never count.
        """
        shown: dict[str, Any] = {}
        shown_ids: set[str] = set()
        for page_predicate, questions in self._walk_plan:
            if page_predicate is not None and not page_predicate(shown):
                continue
            for question_id, predicate in questions:
                if predicate is None or predicate(shown):
                    shown_ids.add(question_id)
                    if question_id in answers:
                        shown[question_id] = answers[question_id]
        return shown, shown_ids

    @cached_property
    def _walk_plan(self) -> list[tuple[Predicate | None, list[tuple[str, Predicate | None]]]]:
        """Pages and questions with their predicates; None where nothing is to test."""

        def test(predicate: Predicate) -> Predicate | None:
            return None if predicate is always else predicate

        return [
            (
                test(self._page_predicates[page.id]),
                [(q.id, test(self._question_predicates[q.id])) for q in page.questions],
            )
            for page in self.questionnaire.pages
        ]

    def visible_answers(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Only the answers to questions that are shown."""
        return self.visibility(answers)[0]

    def visible_pages(self, answers: Mapping[str, Any]) -> list[Page]:
        """The pages shown for these answers, in order."""
        shown = self.visible_answers(answers)
        return [p for p in self.questionnaire.pages if self._page_predicates[p.id](shown)]

    def visible_questions(self, page: Page, answers: Mapping[str, Any]) -> list[Question]:
        """The questions of ``page`` shown for these answers."""
        shown_ids = self.visibility(answers)[1]
        return [q for q in page.questions if q.id in shown_ids]

    def coordinator_notes(self, answers: Mapping[str, Any]) -> list[tuple[TextQuestion, str]]:
        """What the intern wrote to their coordinator (``for_coordinator`` questions), in
        questionnaire order; unanswered or blank notes are left out."""
        shown = self.visible_answers(answers)
        return [
            (question, str(shown[question.id]))
            for question in self.questions.values()
            if isinstance(question, TextQuestion)
            and question.for_coordinator
            and str(shown.get(question.id) or "").strip()
        ]


@dataclass(frozen=True)
class DefinitionSet:
    """All checked definitions from one folder, by questionnaire id."""

    definitions: dict[str, AssessmentDefinition]
    warnings: tuple[Any, ...] = ()

    def get(self, questionnaire_id: str) -> AssessmentDefinition | None:
        return self.definitions.get(questionnaire_id)

    @property
    def default(self) -> AssessmentDefinition:
        """The first questionnaire in file order: the one interns take."""
        return next(iter(self.definitions.values()))


def load_definitions(
    folder: Path, today: dt.date | None = None
) -> tuple[DefinitionSet | None, IssueList]:
    """Load and check every definition under ``folder``; None when any error is found.

    ``today`` decides which catalogue entries are stale (default: the current date).
    """
    issues = IssueList()
    if not folder.is_dir():
        issues.add(ErrorCode.SET_001, Location(str(folder)), "no such folder")
        return None, issues
    loaded, failed = load_folder(folder, issues)
    return _assemble(loaded, failed, issues, str(folder), today or dt.date.today())


def load_definition_texts(
    files: Mapping[str, bytes],
    today: dt.date | None = None,
    where: str = "<stored definitions>",
) -> tuple[DefinitionSet | None, IssueList]:
    """Load and check definitions held in memory (file name -> bytes): stored snapshots, an
    upload to preview. ``where`` names them in a problem with the set as a whole."""
    issues = IssueList()
    loaded: list[LoadedFile[Strict]] = []
    for name, raw in files.items():
        result = load_definition_text(raw, name, issues)
        if result is not None:
            loaded.append(result)
    return _assemble(loaded, len(files) - len(loaded), issues, where, today or dt.date.today())


def _assemble(
    loaded: list[LoadedFile[Strict]], failed: int, issues: IssueList, where: str, today: dt.date
) -> tuple[DefinitionSet | None, IssueList]:
    """Cross-check loaded files and pair each questionnaire with its rules."""
    questionnaires = files_of_kind(loaded, Questionnaire)
    rule_files = files_of_kind(loaded, RuleSet)
    for source in questionnaires:
        check_questionnaire(source.model, source.document, issues)
    by_id = _index_unique(questionnaires, "id", "questionnaire id '{}' is also used in {}", issues)
    models = {qid: source.model for qid, source in by_id.items()}
    for rules_file in rule_files:
        check_rules(rules_file.model, rules_file.document, models, issues, others_failed=failed > 0)
    rules_for = _index_unique(
        rule_files, "questionnaire", "questionnaire '{}' already has rules in {}", issues
    )
    _require_pairs(where, by_id, rules_for, issues, others_failed=failed > 0)
    # Plans are checked even when the files above have errors: every problem at once.
    plans = _check_plans(loaded, by_id, rules_for, issues, today, others_failed=failed > 0)
    if issues.errors:
        return None, issues
    definitions = {}
    for qid, source in by_id.items():
        plan = None
        if qid in plans:  # compiled only now: its conditions are known to be valid
            questions = {q.id: q for page in source.model.pages for q in page.questions}
            plan = PlanDefinition(*plans[qid], questions, rules_for[qid].model)
        definitions[qid] = AssessmentDefinition(
            source.model, rules_for[qid].model, source, rules_for[qid], plan
        )
    return DefinitionSet(definitions, tuple(issues.warnings)), issues


def _check_plans(
    loaded: list[LoadedFile[Strict]],
    by_id: dict[str, LoadedFile[Questionnaire]],
    rules_for: dict[str, LoadedFile[RuleSet]],
    issues: IssueList,
    today: dt.date,
    *,
    others_failed: bool,
) -> dict[str, tuple[LoadedFile[PlanRules], LoadedFile[Catalogue]]]:
    """Check catalogues and plan rules; return (plan, catalogue) files per questionnaire id."""
    catalogues = _checked_catalogues(loaded, issues)
    plan_files = _index_unique(
        files_of_kind(loaded, PlanRules),
        "questionnaire",
        "questionnaire '{}' already has a plan in {}",
        issues,
    )
    plans: dict[str, tuple[LoadedFile[PlanRules], LoadedFile[Catalogue]]] = {}
    for qid, source in plan_files.items():
        questionnaire, rules = by_id.get(qid), rules_for.get(qid)
        catalogue = catalogues.get(source.model.catalogue)
        if questionnaire is None or rules is None or catalogue is None:
            if not others_failed:
                _report_missing_plan_parts(
                    source,
                    qid,
                    catalogue is None and questionnaire is not None,
                    catalogues,
                    by_id,
                    issues,
                )
            continue
        check_plan(
            source.model,
            source.document,
            questionnaire.model,
            rules.model,
            catalogue.model,
            catalogue.document,
            issues,
            today,
        )
        plans[qid] = (source, catalogue)
    return plans


def _checked_catalogues(
    loaded: list[LoadedFile[Strict]], issues: IssueList
) -> dict[str, LoadedFile[Catalogue]]:
    """The catalogues by id, each checked on its own."""
    catalogues = _index_unique(
        files_of_kind(loaded, Catalogue), "id", "catalogue id '{}' is also used in {}", issues
    )
    for catalogue_file in catalogues.values():
        check_catalogue(catalogue_file.model, catalogue_file.document, issues)
    return catalogues


def _report_missing_plan_parts(
    source: LoadedFile[PlanRules],
    qid: str,
    no_catalogue: bool,
    catalogues: Mapping[str, object],
    questionnaires: Mapping[str, object],
    issues: IssueList,
) -> None:
    """A plan names a catalogue, or a questionnaire with rules, that is not there (REF_007)."""
    if no_catalogue:
        name, known = source.model.catalogue, catalogues
        what, where = f"catalogue '{name}'", ("catalogue",)
    else:
        name, known = qid, questionnaires
        what, where = f"questionnaire '{qid}' with rules", ("questionnaire",)
    issues.add(
        ErrorCode.REF_007,
        source.document.locate(where),
        f"no {what} for this plan{did_you_mean(name, known)}",
    )


def _index_unique(
    sources: list[LoadedFile[M]], field: str, message: str, issues: IssueList
) -> dict[str, LoadedFile[M]]:
    """Index files by a model field; a second file with the same value is an error (REF_001)."""
    index: dict[str, LoadedFile[M]] = {}
    for source in sources:
        key = getattr(source.model, field)
        if key in index:
            issues.add(
                ErrorCode.REF_001,
                source.document.locate((field,)),
                message.format(key, index[key].path),
            )
        index.setdefault(key, source)
    return index


def _require_pairs(
    where: str,
    by_id: dict[str, LoadedFile[Questionnaire]],
    rules_for: dict[str, LoadedFile[RuleSet]],
    issues: IssueList,
    *,
    others_failed: bool,
) -> None:
    """Each questionnaire needs its rules (unless a failed file may have held them)."""
    if others_failed:
        return
    if not by_id:
        issues.add(
            ErrorCode.SET_001,
            Location(where),
            "no questionnaire file (kind: questionnaire) in this folder",
        )
    for qid, source in by_id.items():
        if qid not in rules_for:
            issues.add(
                ErrorCode.SET_002,
                source.document.locate(("id",)),
                f"questionnaire '{qid}' has no rules file (kind: rules, questionnaire: {qid})",
            )


def require_definitions(folder: Path) -> DefinitionSet:
    """Load definitions or raise :class:`DefinitionError` listing every error."""
    definitions, issues = load_definitions(folder)
    if definitions is None:
        raise DefinitionError(sorted(issues.errors, key=lambda i: (i.location, i.code.name)))
    return definitions
