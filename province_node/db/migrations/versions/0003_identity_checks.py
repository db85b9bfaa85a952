"""Members awaiting or failing the national identity check (active-pending-check, conflict), and an index
for the relay's unsent outbox rows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_check",
        sa.Column("member_id", sa.BigInteger(), sa.ForeignKey("member.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("province", sa.Text(), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'conflict')", name="identity_check_state_known"),
        sa.CheckConstraint("(state = 'conflict') = (province IS NOT NULL)", name="identity_check_conflict_where"),
    )
    op.create_index("identity_check_pending", "identity_check", ["member_id"], postgresql_where="state = 'pending'")
    op.create_index("outbox_unsent", "outbox", ["seq"], postgresql_where="seq IS NOT NULL AND sent_at IS NULL")


def downgrade() -> None:
    op.drop_index("outbox_unsent", "outbox")
    op.drop_table("identity_check")
