"""``check``, ``score`` and ``export-schema``: the definition files, without the app.

They are Flask plugin commands (``flask.commands`` entry points in pyproject.toml), so
they run without building the app: ``check`` must work precisely when the app refuses
to start.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click

from readiness.config import PROJECT_ROOT
from readiness.core.answers import checked_answer_file, read_answer_file
from readiness.core.coverage import (
    coverage_table,
    definition_coverage,
    required_languages,
    ui_coverage,
)
from readiness.core.definitions import DefinitionSet, load_definitions
from readiness.core.errors import IssueList
from readiness.core.loader import DEFINITION_KINDS
from readiness.core.locales import COMPLETE_LOCALES, LOCALES, TRANSLATIONS
from readiness.core.model import ChoiceQuestion, localize
from readiness.core.plan.report import catalogue_report
from readiness.core.scoring import Scorer


def default_questionnaire_dir() -> Path:
    return Path(os.environ.get("READINESS_QUESTIONNAIRE_DIR", PROJECT_ROOT / "questionnaires"))


@click.command("check")
@click.argument("folder", required=False, type=click.Path(path_type=Path))
def check_command(folder: Path | None) -> None:
    """Validate every questionnaire and rules file under FOLDER (default: questionnaires/)."""
    folder = folder or default_questionnaire_dir()
    definitions, issues = load_definitions(folder)
    for issue in issues.sorted():
        click.echo(str(issue), err=issue.severity == "error")
    errors = len(issues.errors)
    if definitions is None:
        click.echo(f"{errors} error(s), {len(issues.warnings)} warning(s) in {folder}", err=True)
        sys.exit(1)
    for definition in definitions.definitions.values():
        q, r = definition.questionnaire, definition.rules
        click.echo(
            f"ok: {definition.questionnaire_source.path} — questionnaire '{q.id}' "
            f"v{q.version}: {len(q.pages)} pages, {len(definition.questions)} questions"
        )
        click.echo(
            f"ok: {definition.rules_source.path} — rules '{r.id}' v{r.version}: "
            f"{len(r.dimensions)} dimensions, {len(r.rules)} rules, {len(r.bands)} bands"
        )
        if definition.plan is not None:
            plan, catalogue = definition.plan.plan, definition.plan.catalogue
            click.echo(
                f"ok: {definition.plan.plan_source.path} — plan '{plan.id}' "
                f"v{plan.version}: {len(plan.steps)} steps"
            )
            click.echo(
                f"ok: {definition.plan.catalogue_source.path} — catalogue "
                f"'{catalogue.id}' v{catalogue.version}: {len(catalogue.resources)} "
                f"resources"
            )
    coverage_errors = _print_coverage(definitions)
    if coverage_errors:
        click.echo(f"{coverage_errors} error(s): missing translations", err=True)
        sys.exit(1)
    click.echo(f"0 errors, {len(issues.warnings)} warning(s)")


def _print_coverage(definitions: DefinitionSet) -> int:
    """Print the translation coverage table and any missing text in a required language."""
    issues = IssueList()
    locales = list(LOCALES)
    rows = definition_coverage(definitions, locales, COMPLETE_LOCALES, issues)
    rows.append(ui_coverage(TRANSLATIONS, locales, COMPLETE_LOCALES, issues))
    click.echo("translation coverage (translated/texts; * = every text must have it):")
    click.echo(coverage_table(rows, locales, required_languages(definitions, COMPLETE_LOCALES)))
    for issue in issues.sorted():
        click.echo(str(issue), err=True)
    return len(issues.errors)


def _definitions_or_exit(folder: Path | None) -> DefinitionSet:
    """The definitions under ``folder`` (default: questionnaires/), or their errors and exit 1."""
    definitions, issues = load_definitions(folder or default_questionnaire_dir())
    if definitions is None:
        for issue in issues.sorted():
            click.echo(str(issue), err=True)
        sys.exit(1)
    return definitions


def _as_of(text: str | None) -> dt.date:
    """The ``--as-of`` date, or today."""
    try:
        return dt.date.fromisoformat(text) if text else dt.date.today()
    except ValueError as exc:
        raise click.BadParameter("write the date as YYYY-MM-DD", param_hint="--as-of") from exc


@click.command("catalogue")
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option("--as-of", "as_of", help="Review dates as of YYYY-MM-DD (default: today).")
@click.option("--locale", default="en", show_default=True, help="Language of country names.")
def catalogue_command(folder: Path | None, as_of: str | None, locale: str) -> None:
    """List each plan's catalogue by country and kind, with source sites and the gaps."""
    definitions = _definitions_or_exit(folder)
    day = _as_of(as_of)
    for definition in definitions.definitions.values():
        if definition.plan is None:
            continue
        plan = definition.plan
        question = plan.questions.get(plan.plan.profile.country)
        options = question.options if isinstance(question, ChoiceQuestion) else []
        countries = {option.id: localize(option.label, locale) for option in options}
        report = catalogue_report(plan.catalogue, countries, day, plan.plan.stale_after_days)
        click.echo(f"{plan.catalogue_source.path} (for '{definition.id}'), as of {day}:")
        for line in report.lines():
            click.echo(line)


@click.command("score")
@click.argument("answers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--questionnaire", "questionnaire_id", help="Questionnaire id (default: the first).")
@click.option("--as-of", "as_of", help="Date to score on, YYYY-MM-DD (default: today).")
@click.option("--dir", "folder", type=click.Path(path_type=Path), help="Definitions folder.")
def score_command(
    answers_file: Path, questionnaire_id: str | None, as_of: str | None, folder: Path | None
) -> None:
    """Print scores, bands and contributions for a YAML file of answers, as JSON."""
    definitions = _definitions_or_exit(folder)
    definition = definitions.get(questionnaire_id) if questionnaire_id else definitions.default
    if definition is None:
        raise click.BadParameter(
            f"no questionnaire '{questionnaire_id}'", param_hint="--questionnaire"
        )
    day = _as_of(as_of)
    issues = IssueList()
    document = read_answer_file(answers_file.read_bytes(), str(answers_file), issues)
    answers = checked_answer_file(definition, document, day, issues) if document else None
    if answers is None:
        for issue in issues.sorted():
            click.echo(str(issue), err=True)
        sys.exit(1)
    card = Scorer(definition).score(answers, day)
    click.echo(json.dumps(card.to_dict(), ensure_ascii=False, indent=2))


@click.command("export-schema")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT_ROOT / "docs" / "schema",
    show_default=True,
)
def export_schema_command(out: Path) -> None:
    """Write the JSON Schema of the questionnaire and rules formats."""
    out.mkdir(parents=True, exist_ok=True)
    for name, text in schema_documents().items():
        (out / name).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out / name}")


def schema_documents() -> dict[str, str]:
    """The JSON Schema files, by file name."""
    return {
        f"{name}.schema.json": json.dumps(
            model.model_json_schema(by_alias=True), indent=2, ensure_ascii=False
        )
        + "\n"
        for name, model in DEFINITION_KINDS.items()
    }
