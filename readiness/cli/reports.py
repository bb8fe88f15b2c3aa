"""``report``, ``reports`` and ``reproduce``: plan PDFs and results of stored assessments."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from readiness.extensions import db
from readiness.models import Assessment
from readiness.services.assessments import reproduce_scorecard
from readiness.services.bulk_reports import write_organisation_zip
from readiness.services.organisations import find_organisation, organisation_interns
from readiness.services.report_store import report_pdf
from readiness.state import current_state

OUTPUT = click.Path(dir_okay=False, path_type=Path)


def _assessment(assessment_id: int) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"no assessment {assessment_id}")
    return assessment


@click.command("reproduce")
@click.argument("assessment_id", type=int)
@with_appcontext
def reproduce_command(assessment_id: int) -> None:
    """Score a submitted assessment again with the definitions stored for it; compare."""
    assessment = _assessment(assessment_id)
    try:
        card = reproduce_scorecard(assessment)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    stored = json.loads(assessment.scorecard_json or "{}")
    same = card.to_dict() == stored
    click.echo(json.dumps(card.to_dict(), ensure_ascii=False, indent=2))
    click.echo(f"identical to the stored result: {'yes' if same else 'NO'}", err=True)
    if not same:
        sys.exit(1)


@click.command("report")
@click.argument("assessment_id", type=int)
@click.option("-o", "--output", type=OUTPUT, required=True, help="Where to write the PDF.")
@click.option("--locale", default="en", show_default=True, help="Language of the plan text.")
@with_appcontext
def report_command(assessment_id: int, output: Path, locale: str) -> None:
    """Render the action-plan PDF of a submitted assessment."""
    assessment = _assessment(assessment_id)
    state = current_state()
    definition = state.definitions.get(assessment.questionnaire_id)
    if definition is None:
        raise click.ClickException(f"questionnaire '{assessment.questionnaire_id}' is not loaded")
    try:
        pdf, report_id = report_pdf(
            assessment, definition, state.renderer, locale, rates=state.rates
        )
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    output.write_bytes(pdf)
    click.echo(f"wrote {output} ({len(pdf):,} bytes, report {report_id})")


@click.command("reports")
@click.option("--org", "organisation_name", required=True, help="Organisation name (or id).")
@click.option("-o", "--output", type=OUTPUT, required=True, help="Where to write the ZIP.")
@click.option("--locale", default="ja", show_default=True, help="Language of the plans.")
@with_appcontext
def reports_command(organisation_name: str, output: Path, locale: str) -> None:
    """Write one ZIP with the latest plan PDF of every intern of an organisation."""
    organisation = find_organisation(organisation_name)
    if organisation is None:
        raise click.ClickException(f"no organisation '{organisation_name}'")
    with click.progressbar(length=len(organisation_interns(organisation.id))) as bar:
        job = write_organisation_zip(organisation.id, locale, output, bar.update)
    for problem in job.errors:
        click.echo(f"not included: {problem}", err=True)
    made = job.total - len(job.errors) - len(job.not_submitted)
    click.echo(
        f"wrote {output}: {made} PDF(s), {len(job.errors)} not made, "
        f"{len(job.not_submitted)} not submitted yet"
    )
