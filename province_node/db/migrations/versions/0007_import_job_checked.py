"""Import jobs get the status ``checked``: a dry run that read its whole file ends so, not ``refused``.

A clean dry run used to end ``refused`` (nothing written), the status of an all-or-nothing file with refused
rows; a clerk read it as a refusal. Jobs that ended before keep their status: which of them were dry runs is
in their ``mode``, and the upgrade renames those.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_CONSTRAINT = "import_job_status_known"
_BEFORE = "('queued', 'running', 'succeeded', 'refused', 'failed', 'interrupted')"
_AFTER = "('queued', 'running', 'succeeded', 'checked', 'refused', 'failed', 'interrupted')"


def upgrade() -> None:
    op.drop_constraint(_CONSTRAINT, "import_job", type_="check")
    op.create_check_constraint(_CONSTRAINT, "import_job", f"status IN {_AFTER}")
    op.execute("UPDATE import_job SET status = 'checked' WHERE status = 'refused' AND mode = 'dry_run'")


def downgrade() -> None:
    op.execute("UPDATE import_job SET status = 'refused' WHERE status = 'checked'")
    op.drop_constraint(_CONSTRAINT, "import_job", type_="check")
    op.create_check_constraint(_CONSTRAINT, "import_job", f"status IN {_BEFORE}")
