"""Located, coded errors for YAML definitions (questionnaires, rules).

Every problem found while loading or checking a definition file becomes a
:class:`DefinitionIssue` that names the file, line and column and carries a
stable code (``TOPIC_NNN``) so tests and authors can rely on it. Loading
collects all issues instead of stopping at the first one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


class ErrorCode(Enum):
    """Catalogue of definition problems; the value is a one-line description."""

    YAML_001 = "the file is not valid YAML"
    YAML_002 = "anchors and aliases are not allowed in definition files"
    YAML_003 = "the file is too large"
    YAML_004 = "the document is nested too deeply"
    YAML_005 = "duplicate key"
    YAML_006 = "ambiguous YAML 1.1 value"
    YAML_007 = "the file is not UTF-8 text"
    YAML_008 = "the file must hold exactly one YAML document"
    YAML_009 = "tags are not allowed in definition files"
    YAML_010 = "mapping keys must be plain strings"
    SCHEMA_001 = "the value does not match the schema"
    SCHEMA_002 = "unknown field"
    SCHEMA_003 = "missing field"
    SCHEMA_004 = "unknown kind of file"
    REF_001 = "duplicate id"
    REF_002 = "reference to an unknown question"
    REF_003 = "reference to an unknown option"
    REF_004 = "condition refers to a question that is not asked earlier"
    REF_005 = "operator does not fit the question type"
    REF_006 = "reference to an unknown dimension"
    REF_007 = "rules refer to an unknown questionnaire"
    REF_008 = "question type cannot be scored this way"
    REF_009 = "reference to an unknown resource"
    REF_010 = "reference to an unknown band"
    RULE_001 = "weights do not add up to 100"
    RULE_002 = "bands overlap"
    RULE_003 = "bands leave a gap"
    RULE_004 = "ranges overlap or leave a gap"
    RULE_005 = "bands must cover 0 to 100"
    RULE_006 = "a scored option has no points"
    RULE_007 = "a dimension has no rules"
    RULE_008 = "no answer of a rule gives any points"
    RULE_009 = "a cap is above what the answers can add up to"
    RULE_010 = "a computed rule is left out whenever a question it reads is hidden"
    QUEST_001 = "invalid numeric limits"
    PLAN_001 = "a resource has not been checked for too long"
    PLAN_002 = "a resource's last_checked date is in the future"
    PLAN_003 = "a plan role could serve several dimensions"
    PLAN_004 = "a resource does not say how to apply"
    PLAN_005 = "a resource lists a report before the programme's own page"
    RATE_001 = "the currency rates file is wrong"
    I18N_001 = "a text has no translation in a complete locale"
    I18N_002 = "a UI message has no translation in a complete locale"
    I18N_003 = "a questionnaire names a language readiness does not speak"
    SET_001 = "no questionnaire found"
    SET_002 = "questionnaire has no rules file"
    ANSWER_001 = "an answer the questionnaire cannot take"
    UPLOAD_001 = "an uploaded file cannot be used"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a definition file; line and column are 1-based."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}"
        return self.path


@dataclass(frozen=True)
class DefinitionIssue:
    """One problem in a definition file."""

    code: ErrorCode
    location: Location
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        level = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.location}: {self.code.name}: {level}{self.message}"


@dataclass
class IssueList:
    """Collects issues from every stage so all of them are reported at once."""

    items: list[DefinitionIssue] = field(default_factory=list)

    def add(
        self, code: ErrorCode, location: Location, message: str, *, severity: str = "error"
    ) -> None:
        self.items.append(DefinitionIssue(code, location, message, severity))

    def extend(self, other: IssueList) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[DefinitionIssue]:
        return [i for i in self.items if i.severity == "error"]

    @property
    def warnings(self) -> list[DefinitionIssue]:
        return [i for i in self.items if i.severity != "error"]

    def sorted(self) -> list[DefinitionIssue]:
        return sorted(self.items, key=lambda i: (i.location, i.code.name))


def did_you_mean(name: object, known: Iterable[object]) -> str:
    """ " (did you mean 'x'?)" for the known id nearest to a misspelt one, else ""."""
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown(kind: str, name: object, known: Iterable[object]) -> str:
    """The message for a reference to an id that does not exist, with the nearest one."""
    return f"unknown {kind} '{name}'{did_you_mean(name, known)}"


class DefinitionError(Exception):
    """Raised when definition files hold errors; carries every issue found."""

    def __init__(self, issues: list[DefinitionIssue]) -> None:
        self.issues = issues
        lines = "\n".join(str(i) for i in issues)
        super().__init__(f"{len(issues)} error(s) in definition files:\n{lines}")
