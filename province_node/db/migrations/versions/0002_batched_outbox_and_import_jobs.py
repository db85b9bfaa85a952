"""Outbox rows carry a batch of member events (a bulk import writes one row per chunk, a registration a
batch of one); import jobs record uploads, their progress and their outcome.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def upgrade() -> None:
    op.add_column("outbox", sa.Column("event_count", sa.Integer(), server_default=sa.text("1"), nullable=False))
    op.execute("UPDATE outbox SET payload = jsonb_build_object('events', jsonb_build_array(payload))")
    op.drop_column("outbox", "token")

    op.create_table(
        "import_job",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("layout", sa.Text(), nullable=True),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.BigInteger(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("account_id", sa.BigInteger(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("rows_done", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("summary", postgresql.JSONB(), nullable=True),
        sa.Column("error", postgresql.JSONB(), nullable=True),
        sa.Column("upload_path", sa.Text(), nullable=True),
        sa.Column("report_path", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'refused', 'failed', 'interrupted')",
            name="import_job_status_known",
        ),
    )
    op.create_index("import_job_organisation", "import_job", ["organisation_id", "id"])


def downgrade() -> None:
    op.drop_table("import_job")
    op.add_column("outbox", sa.Column("token", sa.String(64), nullable=True))
    op.execute("UPDATE outbox SET token = payload->'events'->0->>'token', payload = payload->'events'->0")
    op.drop_column("outbox", "event_count")
