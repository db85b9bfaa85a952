"""Tables of a province tenant's database, as SQLAlchemy models.

The schema is only ever changed by an Alembic migration (``migrations/versions``); a test checks that
these models and the migrated database agree. Personal numbers (ID number, phone) are stored sealed
(``security.personal_data``); the identity token is the unique blind index that makes "one ID, one
member" a database constraint. ``membership_event`` and ``audit_log`` are append-only (a trigger
refuses updates and deletes).
"""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.orm import DeclarativeBase, Mapped, QueryableAttribute, mapped_column
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import UserDefinedType


class Ltree(UserDefinedType[str]):
    """PostgreSQL ``ltree``: organisation paths as dot-separated id chains, indexed with GiST."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "LTREE"

    def bind_expression(self, bindvalue: Any) -> ColumnElement[str]:
        return func.text2ltree(bindvalue, type_=self)

    def column_expression(self, colexpr: Any) -> ColumnElement[str]:
        return func.ltree2text(colexpr, type_=String)


# Let reflection (and Alembic's comparison of models with the database) recognise the column type.
ischema_names["ltree"] = Ltree


def is_within(path: ColumnElement[str] | QueryableAttribute[str], root: str) -> ColumnElement[bool]:
    """``path <@ root``: the organisation at ``path`` is ``root`` or below it (uses the GiST index)."""
    return path.op("<@", return_type=Boolean)(func.text2ltree(root))


NOW = text("now()")


class Base(DeclarativeBase):
    """Declarative base of the tenant schema."""

    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it as a class attribute
        datetime.datetime: DateTime(timezone=True),
        str: Text,
    }


class Organisation(Base):
    """A union organisation (工会组织) in the province's hierarchy."""

    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("(parent_id IS NULL) = (nlevel(path) = 1)", name="organisation_root_has_no_parent"),
        Index("organisation_path_gist", "path", postgresql_using="gist"),
        Index("organisation_name_trgm", "name", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}),
        Index("organisation_parent", "parent_id"),
        Index(
            "organisation_one_root",
            text("(parent_id IS NULL)"),
            unique=True,
            postgresql_where=text("parent_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(
        BigInteger, Identity(always=False), primary_key=True
    )  # taken before insert: it is in the path
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    path: Mapped[str] = mapped_column(Ltree())
    name: Mapped[str]
    org_level: Mapped[str]
    union_type: Mapped[str]
    credit_code: Mapped[str | None] = mapped_column(unique=True)
    founded_on: Mapped[datetime.date | None] = mapped_column(Date)
    term_start: Mapped[datetime.date | None] = mapped_column(Date)
    term_end: Mapped[datetime.date | None] = mapped_column(Date)
    leader: Mapped[str | None]
    phone: Mapped[str | None]
    dissolved_at: Mapped[datetime.datetime | None]
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)
    updated_at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)


class Unit(Base):
    """A unit (单位): the employer. ``organisation_id`` is the organisation that keeps its record."""

    __tablename__ = "unit"
    __table_args__ = (
        CheckConstraint("employee_count IS NULL OR employee_count >= 0", name="unit_employee_count_not_negative"),
        Index("unit_name_trgm", "name", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}),
        Index("unit_organisation", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    name: Mapped[str]
    credit_code: Mapped[str] = mapped_column(unique=True)
    nature: Mapped[str | None]
    address: Mapped[str | None]
    employee_count: Mapped[int | None] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)
    updated_at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)


class OrganisationUnit(Base):
    """A unit a grassroots union covers (a joint union covers several)."""

    __tablename__ = "organisation_unit"
    __table_args__ = (Index("organisation_unit_by_unit", "unit_id"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)


class Member(Base):
    """A person (会员) known to this province, with personal numbers sealed."""

    __tablename__ = "member"
    __table_args__ = (
        Index("member_name_trgm", "name", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}),
        Index("member_birth_date", "birth_date"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    id_type: Mapped[str]
    id_number: Mapped[bytes] = mapped_column(LargeBinary)
    name: Mapped[str]
    gender: Mapped[str]
    birth_date: Mapped[datetime.date | None] = mapped_column(Date)
    phone: Mapped[bytes] = mapped_column(LargeBinary)
    ethnicity: Mapped[str | None]
    political_status: Mapped[str | None]
    education: Mapped[str | None]
    household_type: Mapped[str | None]
    nationality: Mapped[str | None]
    employment_status: Mapped[str | None]
    new_employment_form: Mapped[str | None]
    union_position: Mapped[str | None]
    position_kind: Mapped[str | None]
    card_status: Mapped[str] = mapped_column(server_default="0")
    card_issued_on: Mapped[datetime.date | None] = mapped_column(Date)
    card_activated_on: Mapped[datetime.date | None] = mapped_column(Date)
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)
    updated_at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)


class Membership(Base):
    """A member's membership in this province: union, unit and status (one per member)."""

    __tablename__ = "membership"
    __table_args__ = (
        CheckConstraint(
            "status IN ('active', 'retired', 'reserved', 'transferring_out', 'ended')", name="membership_status_known"
        ),
        CheckConstraint("(status = 'ended') = (end_reason IS NOT NULL)", name="membership_ended_has_reason"),
        Index("membership_union_current", "union_id", postgresql_where=text("status <> 'ended'")),
        Index("membership_unit", "unit_id"),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    union_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    status: Mapped[str]
    joined_on: Mapped[datetime.date | None] = mapped_column(Date)
    ended_on: Mapped[datetime.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None]
    updated_at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)


class MembershipEvent(Base):
    """One change of a member or membership: what, when, who, why. Append-only."""

    __tablename__ = "membership_event"
    __table_args__ = (Index("membership_event_member", "member_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    kind: Mapped[str]
    occurred_on: Mapped[datetime.date] = mapped_column(Date)
    recorded_at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    reason: Mapped[str | None]
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))


class Account(Base):
    """A login of this province, attached to one organisation."""

    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'clerk', 'viewer')", name="account_role_known"),
        Index("account_username_unique", text("lower(username)"), unique=True),
        Index("account_organisation", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    username: Mapped[str]
    display_name: Mapped[str | None]
    password_hash: Mapped[str]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    role: Mapped[str]
    must_change_password: Mapped[bool] = mapped_column(server_default=text("true"))
    token_version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    failed_logins: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    locked_until: Mapped[datetime.datetime | None]
    disabled_at: Mapped[datetime.datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)
    last_login_at: Mapped[datetime.datetime | None]


class AuditEntry(Base):
    """Who did or saw what, when. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("audit_log_account", "account_id", "at"),
        Index("audit_log_targets", "target_ids", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    action: Mapped[str]
    target_type: Mapped[str | None]
    target_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), server_default=text("'{}'"))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))


class OutboxEvent(Base):
    """Membership changes for the exchange, written in the same transaction as the changes.

    ``payload`` is ``{"events": [...]}``: a registration writes a batch of one, a bulk import one batch per
    chunk of rows. ``seq`` is assigned by the relay in commit order (gap-free per tenant), not at insert
    time, so a transaction that commits late can never be skipped.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("outbox_unsequenced", "id", postgresql_where=text("seq IS NULL")),
        Index("outbox_unsent", "seq", postgresql_where=text("seq IS NOT NULL AND sent_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)
    event_type: Mapped[str]
    event_count: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    sent_at: Mapped[datetime.datetime | None]


class StatisticsChange(Base):
    """One statement that wrote data statistics count from (members, memberships, organisations, units),
    appended by a trigger; the sum of the weights is the version cached statistics are checked against
    (``province_node.services.statistics_version``)."""

    __tablename__ = "statistics_change"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    weight: Mapped[int] = mapped_column(BigInteger, server_default=text("1"))


class StatisticsCounted(Base):
    """What the statistics rollups hold for one current member: the path above their union and their
    value in each dimension, ages as on ``StatisticsRollupDay`` (``province_node.services.statistics_rollup``)."""

    __tablename__ = "statistics_counted"
    __table_args__ = (Index("statistics_counted_birthday", "birthday"),)

    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    parent_path: Mapped[str]  # the ids above the member's union, e.g. "1.5.23" ("" under the root union)
    status: Mapped[str]
    org_level: Mapped[str | None]
    union_type: Mapped[str | None]
    unit_nature: Mapped[str | None]
    gender: Mapped[str | None]
    age_band: Mapped[str | None]
    education: Mapped[str | None]
    political_status: Mapped[str | None]
    household_type: Mapped[str | None]
    new_employment_form: Mapped[str | None]
    age: Mapped[int | None] = mapped_column(Integer)
    birthday: Mapped[int | None] = mapped_column(SmallInteger)  # month * 100 + day


class StatisticsRollup(Base):
    """Current members below an organisation (not those of its own union) with one pair of dimension values
    (``ROLLUP_PAIRS[pair]``) and one status, and the sum of their ages."""

    __tablename__ = "statistics_rollup"
    __table_args__ = (
        Index(
            "statistics_rollup_key",
            "organisation_id",
            "pair",
            "key1",
            "key2",
            "status",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    organisation_id: Mapped[int] = mapped_column(BigInteger)
    pair: Mapped[int] = mapped_column(SmallInteger)
    key1: Mapped[str | None] = mapped_column()
    key2: Mapped[str | None] = mapped_column()
    status: Mapped[str] = mapped_column()
    members: Mapped[int] = mapped_column(BigInteger)
    age_sum: Mapped[int] = mapped_column(BigInteger)
    aged: Mapped[int] = mapped_column(BigInteger)

    # No primary key in the table (the unique index holds NULL keys); the mapper still needs one.
    __mapper_args__ = {"primary_key": [organisation_id, pair, key1, key2, status]}  # noqa: RUF012


class StatisticsDirty(Base):
    """A member written since the rollups were brought up to date (appended by triggers; duplicates allowed)."""

    __tablename__ = "statistics_dirty"

    member_id: Mapped[int] = mapped_column(BigInteger)

    __mapper_args__ = {"primary_key": [member_id]}  # noqa: RUF012


class StatisticsRollupDay(Base):
    """The day the rollups' ages and age bands are counted on (one row)."""

    __tablename__ = "statistics_rollup_day"

    day: Mapped[datetime.date] = mapped_column(Date, primary_key=True)


class IdentityCheck(Base):
    """A member the exchange has not confirmed: ``pending`` (registered while it was unreachable, to be
    claimed again) or ``conflict`` (another province, ``province``, holds the person as current)."""

    __tablename__ = "identity_check"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'conflict')", name="identity_check_state_known"),
        CheckConstraint("(state = 'conflict') = (province IS NOT NULL)", name="identity_check_conflict_where"),
        Index("identity_check_pending", "member_id", postgresql_where=text("state = 'pending'")),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str]
    province: Mapped[str | None]
    since: Mapped[datetime.datetime] = mapped_column(server_default=NOW)
    checked_at: Mapped[datetime.datetime | None]


class ImportJob(Base):
    """An uploaded spreadsheet being imported: who, where, how far, and how it ended."""

    __tablename__ = "import_job"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'checked', 'refused', 'failed', 'interrupted')",
            name="import_job_status_known",
        ),
        Index("import_job_organisation", "organisation_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    file_name: Mapped[str]
    layout: Mapped[str | None]
    mode: Mapped[str]
    status: Mapped[str]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=NOW)
    started_at: Mapped[datetime.datetime | None]
    finished_at: Mapped[datetime.datetime | None]
    heartbeat_at: Mapped[datetime.datetime | None]
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    upload_path: Mapped[str | None]
    report_path: Mapped[str | None]
