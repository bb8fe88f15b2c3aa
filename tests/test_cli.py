"""The command-line tools, run as a rule author would run them (against a real database)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from readiness.cli.definitions import check_command, score_command
from readiness.extensions import db
from readiness.models import Assessment, Organisation, User
from tests.fixtures import PROJECT_ROOT, QUESTIONNAIRES
from tests.fixtures.definitions import MINI_RULES


def test_check_passes_on_the_shipped_files() -> None:
    result = CliRunner().invoke(check_command, [str(QUESTIONNAIRES)])
    assert result.exit_code == 0, result.output
    assert "51 questions" in result.output
    assert "0 errors" in result.output


def test_check_catches_a_broken_rule_with_file_and_line(tmp_path: Path) -> None:
    """A deliberately broken rule: unknown question, reported as file:line:column."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    for source in QUESTIONNAIRES.glob("*.yaml"):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    rules = folder / "entrepreneurship-readiness.rules.yaml"
    text = rules.read_text(encoding="utf-8").replace("question: jlpt\n", "question: jlpt_level\n")
    rules.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "question: jlpt_level" in row)
    result = CliRunner().invoke(check_command, [str(folder)])
    assert result.exit_code == 1
    assert (
        f"entrepreneurship-readiness.rules.yaml:{line}:15: REF_002: unknown question "
        f"'jlpt_level'" in result.output
    )
    assert "1 error(s)" in result.output


def test_check_runs_even_when_the_app_cannot_start(tmp_path: Path) -> None:
    """`flask --app readiness check DIR` needs no app, so it works on broken files."""
    folder = tmp_path / "defs"
    folder.mkdir()
    (folder / "rules.yaml").write_text(
        MINI_RULES.replace("weight: 50", "weight: 5O"), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "readiness", "check", str(folder)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert "rules.yaml:6:" in result.stderr
    assert "SCHEMA_001" in result.stderr


def test_score_prints_json_for_a_file_of_answers(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "home_country: vn\nprogramme: ssw1\nssw_test: passed_i\njlpt: n4\n"
        "savings: 1000000\nmonthly_saving: 50000\ncapital_needed: 2000000\n"
        "planned_return: 2027-05-24\nhas_debt: false\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        score_command, [str(answers), "--as-of", "2026-11-24", "--dir", str(QUESTIONNAIRES)]
    )
    assert result.exit_code == 0, result.output
    card = json.loads(result.output)
    financing = next(d for d in card["dimensions"] if d["id"] == "financing")
    coverage = next(c for c in financing["contributions"] if c["rule_id"] == "capital_coverage")
    assert coverage["answer"] == (1_000_000 + 50_000 * 6) / 2_000_000
    language = next(d for d in card["dimensions"] if d["id"] == "language")
    assert (
        next(c for c in language["contributions"] if c["rule_id"] == "jlpt_level")["points"] == 45
    )
    assert card["as_of"] == "2026-11-24"
    assert len(card["content_hash"]) == 64


def test_score_names_a_bad_answer_by_line(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("jlpt: n4\nprogramme: astronaut\nsavingz: 3\n", encoding="utf-8")
    result = CliRunner().invoke(score_command, [str(answers), "--dir", str(QUESTIONNAIRES)])
    assert result.exit_code == 1
    assert f"{answers}:2:1: ANSWER_001: 'programme' 'astronaut' is not an answer" in result.output
    assert f"{answers}:3:1: ANSWER_001: 'savingz' is not a question" in result.output


def test_demo_is_idempotent_and_prints_the_accounts(make_app: Callable[..., Flask]) -> None:
    """Two organisations with a coordinator and 30+ interns at every stage; a rerun adds nothing."""
    app = make_app(tables=False)  # the command migrates the database first
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "demo-halfway" in first.output
    assert "coord-sakura" in first.output
    assert "demo-password" in first.output

    def counts() -> tuple[int, int]:
        with app.app_context():
            return (
                db.session.scalar(select(func.count()).select_from(User)),
                db.session.scalar(select(func.count()).select_from(Assessment)),
            )

    before = counts()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert counts() == before
    with app.app_context():
        for organisation in db.session.scalars(select(Organisation)):
            statuses = [
                u.assessment_status
                for u in db.session.scalars(
                    select(User).where(
                        User.organisation_id == organisation.id, User.role == "intern"
                    )
                )
            ]
            assert len(statuses) >= 30
            assert {"not_started", "in_progress", "submitted", "reassessed"} <= set(statuses)
        coordinators = db.session.scalars(select(User).where(User.role == "coordinator")).all()
        assert len(coordinators) == 2


def test_init_db_creates_the_tables(make_app: Callable[..., Flask]) -> None:
    result = make_app(tables=False).test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0
    assert "database ready" in result.output
