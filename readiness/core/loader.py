"""Load definition files into validated models, reporting every problem with file:line.

The loader reads each ``*.yaml`` file under a folder (see
:mod:`readiness.core.yamlsource`), picks its model by the ``kind`` field,
validates it with pydantic and turns each validation error into a located,
coded :class:`~readiness.core.errors.DefinitionIssue`.
"""

from __future__ import annotations

import difflib
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from pydantic import ValidationError

from readiness.core.errors import DefinitionIssue, ErrorCode, IssueList, Location
from readiness.core.model import (
    IDENTIFIER_PATTERN,
    LOCALE_PATTERN,
    Questionnaire,
    RuleSet,
    Strict,
)
from readiness.core.plan.model import Catalogue, PlanRules
from readiness.core.yamlsource import (
    MAX_FILE_BYTES,
    YamlDocument,
    decode_definition_bytes,
    read_yaml_text,
)

#: The model for each ``kind:`` a definition file may declare.
DEFINITION_KINDS: dict[str, type[Strict]] = {
    "questionnaire": Questionnaire,
    "rules": RuleSet,
    "catalogue": Catalogue,
    "plan": PlanRules,
}

#: A file of answers has no ``kind``: the likeliest reason a definition file lacks one.
_ANSWERS_HINT = (
    "; if it is a file of answers, it does not belong with the definitions: give it to "
    "'flask score' or to the preview's answers field"
)

_TYPE_MISMATCHES = {
    "int_type",
    "float_type",
    "string_type",
    "bool_type",
    "model_type",
    "dict_type",
    "list_type",
    "int_from_float",
    "model_attributes_type",
}


_PATTERN_MEANINGS = {
    IDENTIFIER_PATTERN: "a valid id: use lowercase letters, digits and '_', starting with a letter",
    LOCALE_PATTERN: "a locale code such as en, ja or vi (a text with ',' or ': ' inside {...} "
    "needs quotes)",
}


M = TypeVar("M", bound=Strict)
M_co = TypeVar("M_co", bound=Strict, covariant=True)


@dataclass(frozen=True)
class LoadedFile(Generic[M_co]):
    """A definition file that passed its schema: the model, its source and content hash."""

    document: YamlDocument
    model: M_co
    content_hash: str
    #: The file's bytes, kept so a submitted result can store what it was scored with.
    raw: bytes

    @property
    def path(self) -> str:
        return self.document.path


def files_of_kind(loaded: Iterable[LoadedFile[Strict]], kind: type[M]) -> list[LoadedFile[M]]:
    """The loaded files whose model is a ``kind`` (a questionnaire, rules, plan...)."""
    return [cast(LoadedFile[M], f) for f in loaded if isinstance(f.model, kind)]


def _field_vocabulary() -> list[str]:
    """Every field name the definition models know, for 'did you mean' hints."""
    names: set[str] = set()
    pending: list[type[Strict]] = list(DEFINITION_KINDS.values())
    seen: set[type[Strict]] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
        for sub in Strict.__subclasses__():
            pending.append(sub)
            pending.extend(sub.__subclasses__())
    return sorted(names)


_VOCABULARY = _field_vocabulary()


def _describe(error: dict[str, Any]) -> tuple[ErrorCode, str]:
    kind = error["type"]
    loc = error["loc"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        hint = difflib.get_close_matches(key, _VOCABULARY, n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        return ErrorCode.SCHEMA_002, f"unknown field '{key}'{suggestion}"
    if kind == "missing":
        return ErrorCode.SCHEMA_003, f"missing field '{loc[-1]}'"
    if kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        discriminator = str(ctx.get("discriminator", "type")).strip("'")
        return ErrorCode.SCHEMA_001, (
            f"unknown {discriminator} '{ctx.get('tag')}'; use one of {ctx.get('expected_tags')}"
        )
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    pattern = error.get("ctx", {}).get("pattern")
    if kind == "string_pattern_mismatch" and pattern in _PATTERN_MEANINGS:
        return ErrorCode.SCHEMA_001, f"{value!r} is not {_PATTERN_MEANINGS[pattern]}"
    if isinstance(value, str | int | float | bool) and not isinstance(value, dict):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        message = f"{message} (found {shown})"
        if kind == "string_type" and isinstance(value, int | float):
            message += f'; write it in quotes: "{value}"'
    return ErrorCode.SCHEMA_001, message


def _data_path(document: YamlDocument, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    path: tuple[Any, ...] = ()
    for step in loc:
        if (*path, step) in document.positions:
            path = (*path, step)
    return path


_TYPE_WORDS = {
    "int_type": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "list_type": "a list",
    "int_from_float": "a whole number",
    "model_attributes_type": "a mapping",
}


def _relevant_errors(document: YamlDocument, errors: list[Any]) -> list[Any]:
    """Drop 'wrong type' noise from union branches; merge what is left per place.

    A union such as ``int | float`` or ``Expression | number`` reports one
    error per member. Where a sharper error exists at or below the same place,
    the type errors are noise; otherwise they merge into one "should be a or b".
    """
    located = [(e, _data_path(document, e["loc"])) for e in errors]
    sharp = [path for e, path in located if e["type"] not in _TYPE_MISMATCHES]
    kept: list[Any] = []
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for error, path in located:
        if error["type"] not in _TYPE_MISMATCHES:
            kept.append(error)
            continue
        if any(p[: len(path)] == path for p in sharp):
            continue
        if path in merged:
            merged[path]["expected"].append(_TYPE_WORDS.get(error["type"], error["type"]))
            continue
        entry = {**error, "expected": [_TYPE_WORDS.get(error["type"], error["type"])]}
        merged[path] = entry
        kept.append(entry)
    for entry in merged.values():
        words = list(dict.fromkeys(entry["expected"]))
        if "a number" in words and "a whole number" in words:
            words.remove("a whole number")
        entry["msg"] = "Input should be " + " or ".join(words)
    return kept


def validate_document(document: YamlDocument, issues: IssueList) -> Strict | None:
    """Validate one document against the model its ``kind`` names."""
    data = document.data
    if not isinstance(data, dict):
        issues.add(
            ErrorCode.SCHEMA_004,
            document.locate(()),
            "a definition file must be a mapping with a 'kind' field",
        )
        return None
    kind = data.get("kind")
    model_class = DEFINITION_KINDS.get(kind) if isinstance(kind, str) else None
    if model_class is None:
        where = document.locate(("kind",)) if "kind" in data else document.locate(())
        found = f"found {kind!r}" if "kind" in data else "this file has none"
        hint = "" if "kind" in data else _ANSWERS_HINT
        issues.add(
            ErrorCode.SCHEMA_004,
            where,
            f"'kind' must be one of {', '.join(DEFINITION_KINDS)} ({found}){hint}",
        )
        return None
    try:
        return model_class.model_validate(data)
    except ValidationError as exc:
        seen: set[tuple[Location, str]] = set()
        for error in _relevant_errors(document, exc.errors()):
            code, message = _describe(error)
            location = document.locate(error["loc"], key=error["type"] == "extra_forbidden")
            if (location, message) not in seen:
                seen.add((location, message))
                issues.add(code, location, message)
        return None


#: Files already read in this process, by content hash and name, with what reading them
#: found. Reading and validating is the slow part of building an app (a third of a second
#: for the shipped files), and every test, RQ job and CLI command builds one; the results
#: are never changed after reading, so one read serves them all.
_READ: OrderedDict[tuple[str, str], tuple[LoadedFile[Strict] | None, tuple[DefinitionIssue, ...]]]
_READ = OrderedDict()
_READ_LIMIT = 64
_READ_LOCK = threading.Lock()


def load_definition_text(
    raw: bytes, display_path: str, issues: IssueList
) -> LoadedFile[Strict] | None:
    """Read, validate and hash one definition file's bytes (once per content and name)."""
    key = (hashlib.sha256(raw).hexdigest(), display_path)
    with _READ_LOCK:
        known = _READ.get(key)
    if known is None:
        found = IssueList()
        known = (_read_definition(raw, display_path, found, key[0]), tuple(found.items))
        with _READ_LOCK:
            _READ[key] = known
            while len(_READ) > _READ_LIMIT:
                _READ.popitem(last=False)
    issues.items.extend(known[1])
    return known[0]


def _read_definition(
    raw: bytes, display_path: str, issues: IssueList, content_hash: str
) -> LoadedFile[Strict] | None:
    text = decode_definition_bytes(raw, display_path, issues)
    if text is None:
        return None
    document = read_yaml_text(text, display_path, issues)
    if document is None:
        return None
    model = validate_document(document, issues)
    if model is None:
        return None
    return LoadedFile(document, model, content_hash, raw)


def definition_files(folder: Path) -> list[Path]:
    """The YAML files under ``folder``, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def display_name(path: Path) -> str:
    """Name a file as authors see it: relative to the working folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_folder(folder: Path, issues: IssueList) -> tuple[list[LoadedFile[Strict]], int]:
    """Load every definition file under ``folder``; problems go to ``issues``.

    Returns the files that passed their schema and how many did not.
    """
    loaded = []
    failed = 0
    for path in definition_files(folder):
        name = display_name(path)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            issues.add(
                ErrorCode.YAML_003,
                Location(name, 1, 1),
                f"the file has {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
            )
            failed += 1
            continue
        result = load_definition_text(path.read_bytes(), name, issues)
        if result is None:
            failed += 1
        else:
            loaded.append(result)
    return loaded, failed
