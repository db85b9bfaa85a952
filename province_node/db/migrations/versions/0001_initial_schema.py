"""The province tenant schema: organisations, units, members, memberships and their history, accounts,
audit log, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from province_node.db.tables import Ltree

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NOW = sa.text("now()")

# Rows of the member history and of the audit log are never changed or removed once written.
APPEND_ONLY = """
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER membership_event_append_only BEFORE UPDATE OR DELETE ON membership_event
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
"""


def _id(*, always: bool = True) -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger(), sa.Identity(always=always), primary_key=True)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    if nullable:
        return sa.Column(name, sa.DateTime(timezone=True), nullable=True)
    return sa.Column(name, sa.DateTime(timezone=True), server_default=NOW, nullable=False)


def _text(name: str, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS ltree")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE SEQUENCE temporary_code_sequence")

    op.create_table(
        "organisation",
        _id(always=False),  # the id is taken from the sequence before insert: it is part of the path
        sa.Column("parent_id", sa.BigInteger(), sa.ForeignKey("organisation.id"), nullable=True),
        sa.Column("path", Ltree(), nullable=False),
        _text("name", nullable=False),
        _text("org_level", nullable=False),
        _text("union_type", nullable=False),
        _text("credit_code"),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("term_start", sa.Date(), nullable=True),
        sa.Column("term_end", sa.Date(), nullable=True),
        _text("leader"),
        _text("phone"),
        _timestamp("dissolved_at", nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint("(parent_id IS NULL) = (nlevel(path) = 1)", name="organisation_root_has_no_parent"),
        sa.UniqueConstraint("credit_code"),
    )
    op.create_index("organisation_path_gist", "organisation", ["path"], postgresql_using="gist")
    op.create_index(
        "organisation_name_trgm",
        "organisation",
        ["name"],
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_index("organisation_parent", "organisation", ["parent_id"])
    op.create_index(
        "organisation_one_root",
        "organisation",
        [sa.text("(parent_id IS NULL)")],
        unique=True,
        postgresql_where=sa.text("parent_id IS NULL"),
    )

    op.create_table(
        "unit",
        _id(),
        _text("name", nullable=False),
        _text("credit_code", nullable=False),
        _text("nature"),
        _text("address"),
        sa.Column("employee_count", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.BigInteger(), sa.ForeignKey("organisation.id"), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint("employee_count IS NULL OR employee_count >= 0", name="unit_employee_count_not_negative"),
        sa.UniqueConstraint("credit_code"),
    )
    op.create_index("unit_name_trgm", "unit", ["name"], postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"})
    op.create_index("unit_organisation", "unit", ["organisation_id"])

    op.create_table(
        "organisation_unit",
        sa.Column("organisation_id", sa.BigInteger(), sa.ForeignKey("organisation.id"), primary_key=True),
        sa.Column("unit_id", sa.BigInteger(), sa.ForeignKey("unit.id"), primary_key=True),
    )
    op.create_index("organisation_unit_by_unit", "organisation_unit", ["unit_id"])

    op.create_table(
        "account",
        _id(),
        _text("username", nullable=False),
        _text("display_name"),
        _text("password_hash", nullable=False),
        sa.Column("organisation_id", sa.BigInteger(), sa.ForeignKey("organisation.id"), nullable=False),
        _text("role", nullable=False),
        sa.Column("must_change_password", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("token_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("failed_logins", sa.Integer(), server_default=sa.text("0"), nullable=False),
        _timestamp("locked_until", nullable=True),
        _timestamp("disabled_at", nullable=True),
        sa.Column("created_by", sa.BigInteger(), sa.ForeignKey("account.id"), nullable=True),
        _timestamp("created_at"),
        _timestamp("last_login_at", nullable=True),
        sa.CheckConstraint("role IN ('admin', 'clerk', 'viewer')", name="account_role_known"),
    )
    op.create_index("account_username_unique", "account", [sa.text("lower(username)")], unique=True)
    op.create_index("account_organisation", "account", ["organisation_id"])

    op.create_table(
        "member",
        _id(),
        sa.Column("token", sa.String(64), nullable=False),
        _text("id_type", nullable=False),
        sa.Column("id_number", sa.LargeBinary(), nullable=False),
        _text("name", nullable=False),
        _text("gender", nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.LargeBinary(), nullable=False),
        *(
            _text(name)
            for name in (
                "ethnicity",
                "political_status",
                "education",
                "household_type",
                "nationality",
                "employment_status",
                "new_employment_form",
                "union_position",
                "position_kind",
            )
        ),
        sa.Column("card_status", sa.Text(), server_default="0", nullable=False),
        sa.Column("card_issued_on", sa.Date(), nullable=True),
        sa.Column("card_activated_on", sa.Date(), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.UniqueConstraint("token"),
    )
    op.create_index(
        "member_name_trgm", "member", ["name"], postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}
    )
    op.create_index("member_birth_date", "member", ["birth_date"])

    op.create_table(
        "membership",
        sa.Column("member_id", sa.BigInteger(), sa.ForeignKey("member.id"), primary_key=True),
        sa.Column("union_id", sa.BigInteger(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("unit_id", sa.BigInteger(), sa.ForeignKey("unit.id"), nullable=False),
        _text("status", nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        _text("end_reason"),
        _timestamp("updated_at"),
        sa.CheckConstraint(
            "status IN ('active', 'retired', 'reserved', 'transferring_out', 'ended')", name="membership_status_known"
        ),
        sa.CheckConstraint("(status = 'ended') = (end_reason IS NOT NULL)", name="membership_ended_has_reason"),
    )
    op.create_index(
        "membership_union_current", "membership", ["union_id"], postgresql_where=sa.text("status <> 'ended'")
    )
    op.create_index("membership_unit", "membership", ["unit_id"])

    op.create_table(
        "membership_event",
        _id(),
        sa.Column("member_id", sa.BigInteger(), sa.ForeignKey("member.id"), nullable=False),
        _text("kind", nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        _timestamp("recorded_at"),
        sa.Column("actor_id", sa.BigInteger(), sa.ForeignKey("account.id"), nullable=True),
        _text("reason"),
        sa.Column("changes", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
    )
    op.create_index("membership_event_member", "membership_event", ["member_id", "id"])

    op.create_table(
        "audit_log",
        _id(),
        _timestamp("at"),
        sa.Column("account_id", sa.BigInteger(), sa.ForeignKey("account.id"), nullable=True),
        _text("action", nullable=False),
        _text("target_type"),
        sa.Column("target_ids", postgresql.ARRAY(sa.BigInteger()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("details", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
    )
    op.create_index("audit_log_account", "audit_log", ["account_id", "at"])
    op.create_index("audit_log_targets", "audit_log", ["target_ids"], postgresql_using="gin")

    op.create_table(
        "outbox",
        _id(),
        _timestamp("created_at"),
        _text("event_type", nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        _timestamp("sent_at", nullable=True),
        sa.UniqueConstraint("seq"),
    )
    op.create_index("outbox_unsequenced", "outbox", ["id"], postgresql_where=sa.text("seq IS NULL"))

    op.execute(APPEND_ONLY)


def downgrade() -> None:
    for table in (
        "outbox",
        "audit_log",
        "membership_event",
        "membership",
        "member",
        "account",
        "organisation_unit",
        "unit",
        "organisation",
    ):
        op.drop_table(table)
    op.execute("DROP FUNCTION refuse_change()")
    op.execute("DROP SEQUENCE temporary_code_sequence")
