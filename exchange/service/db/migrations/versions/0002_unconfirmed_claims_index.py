"""An index of the unconfirmed claims of each province, so a node can list the claims no event confirmed
(an import rolled back, a registration abandoned) without reading its whole share of the index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX identity_unconfirmed_claim ON identity (province, token) WHERE status = 'claimed'")


def downgrade() -> None:
    op.execute("DROP INDEX identity_unconfirmed_claim")
