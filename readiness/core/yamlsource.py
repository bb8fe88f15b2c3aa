"""Read definition YAML safely and keep the file:line:column of every value.

Rule files are authored by people and may be uploaded, so the reader is strict
(docs/security.md, Y1): PyYAML's safe composer only, no anchors or
aliases, no tags, size and depth capped, duplicate keys reported with both
lines, and YAML 1.1 surprises (``no`` read as false, ``010`` read as 8,
``1:30`` read as 90) reported instead of silently converted. Values are built
from the composed node tree by this module, never by a YAML constructor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from readiness.core.errors import ErrorCode, IssueList, Location

#: A definition file with every language in it: the shipped plan and catalogue are under 1 MB.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: A file of one intern's answers (``flask score``, the admin preview).
MAX_ANSWER_FILE_BYTES = 256 * 1024
MAX_DEPTH = 50

_TAG = "tag:yaml.org,2002:"
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(
    r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
)
_STRICT_BOOLS = {"true": True, "True": True, "false": False, "False": False}

PathKey = tuple[Hashable, ...]


class _Mark(Protocol):
    """Where PyYAML found something (its Python and C marks both have these)."""

    line: int
    column: int


class _RefusedError(Exception):
    """Raised inside the composer to stop at a construct we refuse."""

    def __init__(self, code: ErrorCode, mark: _Mark | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.mark = mark
        self.message = message


class _Refusals:
    """A composer that refuses aliases, anchors, tags and deep nesting (mixed in first)."""

    _depth = 0
    peek_event: Callable[[], yaml.Event]

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _RefusedError(
                ErrorCode.YAML_002,
                event.start_mark,
                f"alias '*{event.anchor}' is not allowed; write the value out",
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _RefusedError(
                ErrorCode.YAML_002,
                event.start_mark,
                f"anchor '&{anchor}' is not allowed; write the value out",
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise _RefusedError(
                ErrorCode.YAML_009,
                event.start_mark,
                f"tag '{tag}' is not allowed; definition files hold plain data only",
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _RefusedError(
                ErrorCode.YAML_004, event.start_mark, f"nesting deeper than {MAX_DEPTH} levels"
            )
        try:
            return super().compose_node(parent, index)  # type: ignore[misc, no-any-return]
        finally:
            self._depth -= 1


class _StrictComposer(_Refusals, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, composing with the refusals. Its errors say best
    what is wrong and where, so every file that fails to compose is read again with it."""


if yaml.__with_libyaml__:
    _CParser: Any = vars(yaml.cyaml)["CParser"]  # libyaml's parser (the stubs do not know it)

    class _FastComposer(_Refusals, yaml.composer.Composer, _CParser, yaml.resolver.Resolver):  # type: ignore[misc]
        """The same composer over libyaml's C scanner and parser: a definition file with every
        language in it (several hundred KB) composes about five times faster."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)

else:  # pragma: no cover - PyYAML wheels ship libyaml
    _FastComposer = _StrictComposer  # type: ignore[misc, assignment]


@dataclass
class YamlDocument:
    """Plain data read from one file, with the location of every value and key."""

    path: str
    data: Any
    positions: dict[PathKey, Location] = field(default_factory=dict)
    key_positions: dict[PathKey, Location] = field(default_factory=dict)

    def locate(self, loc: tuple[Any, ...], *, key: bool = False) -> Location:
        """Return the location of the deepest known path along ``loc``.

        Validation libraries add steps that are not in the data (for example a
        union member's name); those steps are skipped.
        """
        best: PathKey = ()
        current: PathKey = ()
        for step in loc:
            candidate = (*current, step)
            if candidate in self.positions:
                current = candidate
                best = current
        if key and best in self.key_positions:
            return self.key_positions[best]
        return self.positions.get(best, Location(self.path, 1, 1))


def _mark_location(path: str, mark: _Mark | None) -> Location:
    if mark is None:
        return Location(path, 1, 1)
    return Location(path, mark.line + 1, mark.column + 1)


def decode_definition_bytes(
    raw: bytes, path: str, issues: IssueList, limit: int = MAX_FILE_BYTES
) -> str | None:
    """Decode UTF-8 text, naming BOMs, UTF-16 and Shift_JIS files as such."""
    where = Location(path, 1, 1)
    if len(raw) > limit:
        issues.add(
            ErrorCode.YAML_003, where, f"the file has {len(raw):,} bytes; the limit is {limit:,}"
        )
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        issues.add(ErrorCode.YAML_007, where, "the file looks like UTF-16; save it as UTF-8")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        issues.add(
            ErrorCode.YAML_007,
            where,
            "the file starts with a UTF-8 byte-order mark; it was ignored, save without BOM",
            severity="warning",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            raw.decode("cp932")
            hint = " (it looks like Shift_JIS)"
        except UnicodeDecodeError:
            pass
        line = raw[: exc.start].count(b"\n") + 1
        issues.add(
            ErrorCode.YAML_007,
            Location(path, line, 1),
            f"the file is not UTF-8{hint}; save it as UTF-8",
        )
        return None


def _unreadable(exc: yaml.reader.ReaderError) -> str:
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return f"character U+{code:04X} is a control character, not allowed in YAML: delete it"


def _position_location(path: str, text: str, position: int) -> Location:
    """The 1-based line and column of a character offset (reader errors carry only that)."""
    before = text[:position]
    return Location(path, before.count("\n") + 1, position - before.rfind("\n"))


def read_yaml_text(text: str, path: str, issues: IssueList) -> YamlDocument | None:
    """Compose ``text`` strictly and convert it to plain data with locations."""
    node = _compose(text, path, issues)
    if node is None:
        return None
    document = YamlDocument(path=path, data=None)
    document.data = _NodeConverter(document, issues).convert(node, ())
    return document


def _compose(text: str, path: str, issues: IssueList) -> Node | None:
    """The file's one node tree, or None with the reason in ``issues``.

    The fast (C) composer goes first; anything it refuses or cannot read is composed again by
    the pure-Python one, whose messages and positions the users and the tests know.
    """
    if yaml.reader.Reader.NON_PRINTABLE.search(text):  # libyaml may let some through
        return _compose_strictly(text, path, issues)
    fast = _FastComposer(text)
    try:
        node = fast.get_single_node()
    except Exception:
        node = None
    else:
        if node is not None:
            return node
    finally:
        fast.dispose()
    return _compose_strictly(text, path, issues)


def _compose_strictly(text: str, path: str, issues: IssueList) -> Node | None:
    try:
        loader = _StrictComposer(text)  # the reader refuses control characters here
    except yaml.reader.ReaderError as exc:
        issues.add(
            ErrorCode.YAML_001, _position_location(path, text, exc.position), _unreadable(exc)
        )
        return None
    try:
        node = loader.get_single_node()
    except (_RefusedError, yaml.YAMLError, RecursionError) as exc:
        issues.add(*_parse_failure(exc, path, text))
        return None
    finally:
        loader.dispose()
    if node is None:
        issues.add(ErrorCode.YAML_008, Location(path, 1, 1), "the file is empty")
    return node


def _parse_failure(exc: Exception, path: str, text: str) -> tuple[ErrorCode, Location, str]:
    """What went wrong while composing, where, and how to put it right."""
    if isinstance(exc, _RefusedError):
        return exc.code, _mark_location(path, exc.mark), exc.message
    if isinstance(exc, RecursionError):
        return ErrorCode.YAML_004, Location(path, 1, 1), "nesting is too deep"
    if isinstance(exc, yaml.composer.ComposerError):
        where = _mark_location(path, exc.problem_mark)
        if "single document" in f"{exc.context} {exc.problem}":
            message = "found more than one document; keep one document per file"
            return ErrorCode.YAML_008, where, message
        return ErrorCode.YAML_001, where, str(exc.problem)
    if isinstance(exc, yaml.MarkedYAMLError):
        where = _mark_location(path, exc.problem_mark or exc.context_mark)
        return ErrorCode.YAML_001, where, _explain_parse_problem(str(exc.problem or exc.context))
    if isinstance(exc, yaml.reader.ReaderError):  # control characters met while reading on
        return ErrorCode.YAML_001, _position_location(path, text, exc.position), _unreadable(exc)
    return ErrorCode.YAML_001, Location(path, 1, 1), str(exc)


class _NodeConverter:
    """Turn composed nodes into dicts, lists and scalars, recording locations."""

    def __init__(self, document: YamlDocument, issues: IssueList) -> None:
        self.document = document
        self.issues = issues

    def _loc(self, node: Node) -> Location:
        return _mark_location(self.document.path, node.start_mark)

    def convert(self, node: Node, path: PathKey) -> Any:
        self.document.positions[path] = self._loc(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(cast(ScalarNode, node))  # the only other kind of node

    def _mapping(self, node: MappingNode, path: PathKey) -> dict[Hashable, Any]:
        result: dict[Hashable, Any] = {}
        first_seen: dict[Hashable, Location] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key is None:
                continue
            key_loc = self._loc(key_node)
            if key in first_seen:
                self.issues.add(
                    ErrorCode.YAML_005,
                    key_loc,
                    f"key '{key}' appears twice: first at line "
                    f"{first_seen[key].line}, again at line {key_loc.line}",
                )
                continue
            first_seen[key] = key_loc
            self.document.key_positions[(*path, key)] = key_loc
            result[key] = self.convert(value_node, (*path, key))
        return result

    def _key(self, node: Node) -> Hashable | None:
        if not isinstance(node, ScalarNode):
            self.issues.add(
                ErrorCode.YAML_010, self._loc(node), "a mapping key must be a plain word"
            )
            return None
        if node.tag == _TAG + "merge":
            self.issues.add(ErrorCode.YAML_002, self._loc(node), "merge keys '<<' are not allowed")
            return None
        if node.tag == _TAG + "bool" and node.value not in _STRICT_BOOLS:
            # yes/no/on/off as a key: an answer id such as yes/no points' "yes"
            return self._ambiguous(
                node,
                f"'{node.value}' is read as a yes/no value by YAML 1.1; as a key, write "
                f'it in quotes: "{node.value}"',
            )
        value = self._scalar(node)
        if isinstance(value, bool) or value is None or isinstance(value, float):
            self.issues.add(
                ErrorCode.YAML_010,
                self._loc(node),
                f"key '{node.value}' is not read as text; put it in quotes",
            )
            return None
        return value

    def _scalar(self, node: ScalarNode) -> str | int | float | bool | None:
        text, tag = str(node.value), node.tag
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            if text in _STRICT_BOOLS:
                return _STRICT_BOOLS[text]
            return self._ambiguous(
                node,
                f"'{text}' is read as a yes/no value by YAML 1.1; "
                "write true or false, or put it in quotes",
            )
        if tag == _TAG + "int":
            if _PLAIN_INT.fullmatch(text):
                return int(text)
            return self._ambiguous(
                node,
                f"'{text}' is read as the number "
                f"{_yaml11_number(text)} by YAML 1.1; write a plain "
                "number, or put it in quotes",
            )
        if tag == _TAG + "float":
            if _PLAIN_FLOAT.fullmatch(text):
                return float(text)
            return self._ambiguous(
                node, f"'{text}' is not a plain decimal number; write one, or put it in quotes"
            )
        return text  # str, and timestamps kept as their text for the schema to parse

    def _ambiguous(self, node: ScalarNode, message: str) -> str:
        self.issues.add(ErrorCode.YAML_006, self._loc(node), message)
        return str(node.value)


_PARSE_HINTS = {
    "mapping values are not allowed here": "text containing ': ' must be put in quotes",
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
    "expected ',' or '}', but got '?'": "text containing '?' inside {...} must be put in quotes",
}


def _explain_parse_problem(problem: str) -> str:
    """Add the usual fix to PyYAML's message where we know it."""
    for known, hint in _PARSE_HINTS.items():
        if problem.startswith(known):
            return f"{problem} ({hint})"
    return problem


def _yaml11_number(text: str) -> str:
    """What PyYAML's YAML 1.1 resolver makes of a number-like scalar, for messages."""
    try:
        return str(yaml.safe_load(text))
    except yaml.YAMLError:
        return "?"
