"""Translation coverage: how much of each definition file and of the UI each locale has.

Localized texts are found in the files' data as mappings of locale codes to text that
include ``en`` (the shape of ``LocalizedText``). UI messages are counted against the
message template ``messages.pot`` that ``make translations`` extracts from the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from readiness.core.definitions import AssessmentDefinition, DefinitionSet
from readiness.core.errors import ErrorCode, IssueList, Location
from readiness.core.loader import LoadedFile
from readiness.core.model import DEFAULT_LOCALE, LOCALE_PATTERN, Strict

_LOCALE = re.compile(LOCALE_PATTERN)


@dataclass
class Coverage:
    """For one file (or the UI): how many texts there are, and how many each locale has."""

    name: str
    total: int = 0
    translated: dict[str, int] = field(default_factory=dict)

    def missing(self, locale: str) -> int:
        return self.total - self.translated.get(locale, 0)


def _localized_texts(
    data: Any, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every ``{en: ..., ja: ...}`` mapping in the data, with its path."""
    if isinstance(data, dict):
        if (
            DEFAULT_LOCALE in data
            and all(isinstance(k, str) and _LOCALE.match(k) for k in data)
            and all(isinstance(v, str) for v in data.values())
        ):
            yield path, data
            return
        for key, value in data.items():
            yield from _localized_texts(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _localized_texts(value, (*path, index))


def content_coverage(
    files: Iterable[LoadedFile[Strict]],
    locales: Iterable[str],
    complete: Iterable[str],
    issues: IssueList,
) -> list[Coverage]:
    """Coverage per file; a text missing in a ``complete`` locale is an error in ``issues``."""
    locales, complete = list(locales), set(complete)
    result = []
    for source in files:
        coverage = Coverage(source.path, translated=dict.fromkeys(locales, 0))
        for path, text in _localized_texts(source.document.data):
            coverage.total += 1
            for locale in locales:
                if text.get(locale, "").strip():
                    coverage.translated[locale] += 1
                elif locale in complete:
                    issues.add(
                        ErrorCode.I18N_001,
                        source.document.locate(path),
                        f"no '{locale}' text for \"{text[DEFAULT_LOCALE][:60]}\"",
                    )
        result.append(coverage)
    return result


def languages_of(definition: AssessmentDefinition, complete: Iterable[str]) -> list[str]:
    """The languages every text of one definition must have: its questionnaire's
    ``languages``, or else every ``complete`` locale."""
    return definition.questionnaire.languages or list(complete)


def required_languages(definitions: DefinitionSet, complete: Iterable[str]) -> list[str]:
    """The languages some definition of the set requires, in the order they come."""
    complete = list(complete)
    return list(
        dict.fromkeys(
            code for d in definitions.definitions.values() for code in languages_of(d, complete)
        )
    )


def definition_coverage(
    definitions: DefinitionSet,
    locales: Iterable[str],
    complete: Iterable[str],
    issues: IssueList,
) -> list[Coverage]:
    """Coverage of every file of every definition; each text must be in the languages its
    questionnaire declares (``languages``), or else in every ``complete`` locale."""
    rows: dict[str, Coverage] = {}
    for definition in definitions.definitions.values():
        required = languages_of(definition, complete)
        sources: list[LoadedFile[Strict]] = [
            definition.questionnaire_source,
            definition.rules_source,
        ]
        if definition.plan is not None:
            sources += [definition.plan.plan_source, definition.plan.catalogue_source]
        fresh = [s for s in sources if s.path not in rows]
        for row in content_coverage(fresh, locales, required, issues):
            rows[row.name] = row
    return list(rows.values())


def ui_coverage(
    translations: Path, locales: Iterable[str], complete: Iterable[str], issues: IssueList
) -> Coverage:
    """UI messages per locale, from each locale's ``messages.po`` against ``messages.pot``."""
    with (translations / "messages.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    coverage = Coverage(f"UI messages ({translations.name}/)", total=len(template))
    complete = set(complete)
    for locale in locales:
        if locale == DEFAULT_LOCALE:  # the source language of the messages
            coverage.translated[locale] = len(template)
            continue
        po_path = translations / locale / "LC_MESSAGES" / "messages.po"
        done: set[Any] = set()
        if po_path.is_file():
            with po_path.open("rb") as handle:
                done = {
                    m.id
                    for m in read_po(handle, locale=locale)
                    if m.id and not m.fuzzy and all(_strings(m.string))
                }
        coverage.translated[locale] = len(template & done)
        missing = coverage.missing(locale)
        if missing and locale in complete:
            issues.add(
                ErrorCode.I18N_002,
                Location(str(po_path), 1, 1),
                f"{missing} UI message(s) without a '{locale}' translation (run make translations)",
            )
    return coverage


def _strings(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A message's translation as a tuple: one string, or one per plural form."""
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def coverage_table(rows: list[Coverage], locales: list[str], complete: Iterable[str]) -> str:
    """A plain-text table: one row per file, one column per locale (``*``: complete)."""
    complete = set(complete)
    heads = [f"{code}{'*' if code in complete else ''}" for code in locales]
    width = max(len(row.name) for row in rows) if rows else 10
    cells = [[f"{row.translated.get(code, 0)}/{row.total}" for code in locales] for row in rows]
    column = max([len(h) for h in heads] + [len(c) for line in cells for c in line]) + 2
    lines = ["file".ljust(width) + "".join(h.rjust(column) for h in heads)]
    for row, line in zip(rows, cells, strict=True):
        lines.append(row.name.ljust(width) + "".join(c.rjust(column) for c in line))
    return "\n".join(lines)
