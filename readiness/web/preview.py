"""The rule authors' preview: an uploaded definition set checked, and an answers file's
result shown as the intern would see it, in the intern's language.

Uploads are read in memory (Werkzeug may spool a large one to a temporary file) and
handed to the core; nothing is stored, and the live definitions are not touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import FileStorage

from readiness.core.errors import IssueList
from readiness.core.preview import Preview, preview_definitions
from readiness.core.uploads import definition_files, safe_name
from readiness.core.yamlsource import MAX_ANSWER_FILE_BYTES
from readiness.i18n import use_locale
from readiness.reports.render import ReportData
from readiness.state import current_state
from readiness.web.account_forms import PreviewForm

#: The report id printed on a preview PDF, so it is never taken for an intern's report.
PREVIEW_REPORT_ID = "PREVIEW"


@dataclass
class CheckedUpload:
    """What the preview page shows: the files read, what checking them found, the result."""

    files: list[str]
    preview: Preview
    language: str
    today: dt.date
    answers_given: bool


def check_upload(form: PreviewForm) -> CheckedUpload:
    """Check the form's files, and score its answers file when there is one."""
    upload_issues = IssueList()
    uploads = [(f.filename or "", f.read()) for f in form.definitions.data]
    files = definition_files(uploads, upload_issues)
    answers: FileStorage | None = form.answers.data
    answer_file = None
    if answers:
        answer_file = (safe_name(answers.filename or ""), answers.read(MAX_ANSWER_FILE_BYTES + 1))
    today = form.as_of.data or dt.date.today()
    if files:
        preview = preview_definitions(files, today, answer_file)
        preview.issues.items[:0] = upload_issues.items  # what the upload got wrong first
    else:  # nothing to check: what was wrong with the upload says it all
        preview = Preview(upload_issues, None)
    return CheckedUpload(
        sorted(files), preview, form.language.data, today, answers_given=bool(answers)
    )


def result_markup(checked: CheckedUpload) -> Markup | None:
    """The intern's result page body for the previewed answers, in the chosen language."""
    preview = checked.preview
    if preview.card is None:
        return None
    with use_locale(checked.language):
        html = render_template(
            "admin/_preview_result.html",
            card=preview.card,
            plan=preview.plan,
            definition=preview.definition,
            previous=None,
        )
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


def preview_report(checked: CheckedUpload) -> ReportData | None:
    """The PDF the intern would download for the previewed answers, as report data."""
    preview = checked.preview
    if preview.card is None or preview.plan is None:
        return None
    return ReportData(
        report_id=PREVIEW_REPORT_ID,
        intern_name=_("Preview"),
        organisation="—",
        submitted=checked.today.isoformat(),
        locale=checked.language,
        card=preview.card,
        plan=preview.plan,
        rates=current_state().rates,
    )
