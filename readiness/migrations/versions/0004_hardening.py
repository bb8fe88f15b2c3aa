"""Hardening (issue 15): user names compared folded, one open draft per questionnaire,
TOTP set-up on the server with an enrolment code, and rate limits in the database.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

Existing data is kept. User names that already collide once folded keep their accounts:
the later ones get a key that no new name can take (``name#id``) and still sign in with
their exact name. Where an intern already has several open drafts of one questionnaire,
the newest stays open; an older one's answers to questions the newest lacks are copied
into it, and the older drafts are closed as ``superseded`` (kept, exported with My data).
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _key(username: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username.strip()).casefold())


def _fill_username_keys(connection: sa.Connection) -> None:
    taken: set[str] = set()
    rows = connection.execute(sa.text('SELECT id, username FROM "user" ORDER BY id')).all()
    for user_id, username in rows:
        key = _key(username)
        if key in taken:
            key = f"{key}#{user_id}"
        taken.add(key)
        connection.execute(
            sa.text('UPDATE "user" SET username_key = :key WHERE id = :id'),
            {"key": key, "id": user_id},
        )


def _close_duplicate_drafts(connection: sa.Connection) -> None:
    groups = connection.execute(
        sa.text(
            "SELECT user_id, questionnaire_id FROM assessment WHERE status = 'draft' "
            "GROUP BY user_id, questionnaire_id HAVING COUNT(*) > 1"
        )
    ).all()
    for user_id, questionnaire_id in groups:
        ids = connection.scalars(
            sa.text(
                "SELECT id FROM assessment WHERE status = 'draft' AND user_id = :u "
                "AND questionnaire_id = :q ORDER BY updated_at DESC, id DESC"
            ),
            {"u": user_id, "q": questionnaire_id},
        ).all()
        kept, older = ids[0], ids[1:]
        for old in older:  # newest first: a newer draft's answer wins over an older one's
            connection.execute(
                sa.text(
                    "INSERT INTO answer (assessment_id, question_id, value_json, updated_at) "
                    "SELECT :kept, question_id, value_json, updated_at FROM answer a "
                    "WHERE a.assessment_id = :old AND NOT EXISTS (SELECT 1 FROM answer b "
                    "WHERE b.assessment_id = :kept AND b.question_id = a.question_id)"
                ),
                {"kept": kept, "old": old},
            )
            connection.execute(
                sa.text("UPDATE assessment SET status = 'superseded' WHERE id = :old"),
                {"old": old},
            )


def upgrade() -> None:
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("username_key", sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column("totp_pending_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_enrolment_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_enrolment_expires", sa.DateTime(), nullable=True))
    connection = op.get_bind()
    _fill_username_keys(connection)
    _close_duplicate_drafts(connection)
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("username_key", existing_type=sa.String(length=160), nullable=False)
        batch_op.create_unique_constraint("uq_user_username_key", ["username_key"])
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(
            "uq_assessment_one_draft",
            ["user_id", "questionnaire_id"],
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index("uq_assessment_one_draft")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint("uq_user_username_key", type_="unique")
        batch_op.drop_column("totp_enrolment_expires")
        batch_op.drop_column("totp_enrolment_hash")
        batch_op.drop_column("totp_pending_secret")
        batch_op.drop_column("username_key")
    op.drop_table("rate_limit")
