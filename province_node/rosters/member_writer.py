"""Writing prepared member rows, chunk by chunk, inside the import's one transaction.

For each chunk: repeated IDs in the file are refused; the rest are copied into a temporary table and
inserted as members with ``ON CONFLICT (token) DO NOTHING``, so the unique index itself says, row by row,
who is new. New members get their memberships and history events with ``INSERT ... SELECT``, and an outbox
batch of their events built here, where every value is at hand (the database spent a fifth of the chunk's
time building the same JSON with ``jsonb_agg``). Only the rows that conflicted (people the province already
knows, including one registered by someone else while the import runs) are fetched and compared: a
re-imported row that changes nothing writes nothing, one that changes fields is an update with history (a
field the file has no column for is left as stored), one that belongs elsewhere is refused with where the
person is. A fresh import never looks anyone up.

It runs in a thread of its own with its own connection, so the database works while the file is read.
Nothing is visible to anyone until ``finish`` commits, and a failure or a kill leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg

from exchange.standard import region_name
from exchange.standard.events import MemberDimensions, MemberEvent, MemberEventType, batch_payload
from province_node.domain.access import Caller, Role
from province_node.domain.errors import DomainError, ErrorCode, RuleViolation
from province_node.domain.lifecycle import MembershipStatus
from province_node.domain.masking import mask_phone, shown_in_history
from province_node.exchange_link.claims import ChunkClaims
from province_node.exchange_link.client import ClaimOutcome
from province_node.exchange_link.release import hold_import_claims
from province_node.rosters.member_rows import STAGING_COLUMNS, StagedMember
from province_node.rosters.outcome import ROW_MESSAGES, ImportMode, RowProblemCode, RowReason, RowReasons
from province_node.rosters.uploader import ROLLED_BACK, AccountNow, uploader_as_now
from province_node.security.personal_data import PersonalDataCipher
from province_node.services.organisations import HIERARCHY_LOCK

# Person columns a re-import may change (staging column = member column), and their history names.
PERSON_COLUMNS = {
    "name": "name", "gender": "gender", "birth_date": "birthDate", "ethnicity": "ethnicity",
    "political_status": "politicalStatus", "education": "education", "household_type": "householdType",
    "nationality": "nationality", "employment_status": "employmentStatus", "new_employment_form": "newEmploymentForm",
    "union_position": "unionPosition", "position_kind": "positionKind", "card_status": "cardStatus",
}  # fmt: skip
_COLUMN = {name: position for position, name in enumerate(STAGING_COLUMNS)}
_TOKEN, _BIRTH_DATE, _JOINED_ON, _UNION_ID, _UNIT_ID = (
    _COLUMN[name] for name in ("token", "birth_date", "joined_on", "union_id", "unit_id")
)
_DIMENSION_COLUMNS = tuple(
    _COLUMN[name] for name in ("gender", "education", "political_status", "household_type", "new_employment_form")
)
_STAGING_TYPES = {
    "row_no": "integer", "id_number": "bytea", "phone": "bytea", "birth_date": "date", "joined_on": "date",
    "union_id": "bigint", "unit_id": "bigint",
}  # fmt: skip
_STAGING = ", ".join(f"{name} {_STAGING_TYPES.get(name, 'text')}" for name in STAGING_COLUMNS)
TEMPORARY_TABLES = (
    f"CREATE TEMP TABLE import_new ({_STAGING}, PRIMARY KEY (token)) ON COMMIT DROP",
    "CREATE TEMP TABLE import_created (token text PRIMARY KEY, member_id bigint NOT NULL) ON COMMIT DROP",
    f"CREATE TEMP TABLE import_update ({_STAGING}, member_id bigint PRIMARY KEY, changes jsonb) ON COMMIT DROP",
)


@dataclass(frozen=True, slots=True)
class WriteScope:
    """Who writes, where, and what their history events say."""

    caller: Caller
    province: str
    today: datetime.date
    reason: str  # recorded with every history event of the import


_PERSON = ", ".join(PERSON_COLUMNS)
INSERT_MEMBERS = f"""
    WITH inserted AS (
        INSERT INTO member (token, id_type, id_number, phone, {_PERSON})
        SELECT token, id_type, id_number, phone, {_PERSON} FROM import_new ORDER BY row_no
        ON CONFLICT (token) DO NOTHING RETURNING id, token)
    INSERT INTO import_created (token, member_id) SELECT token, id FROM inserted"""
NOT_CREATED = "SELECT n.token FROM import_new n LEFT JOIN import_created c USING (token) WHERE c.token IS NULL"
INSERT_MEMBERSHIPS = """
    INSERT INTO membership (member_id, union_id, unit_id, status, joined_on)
    SELECT c.member_id, n.union_id, n.unit_id, 'active', n.joined_on
    FROM import_new n JOIN import_created c USING (token)"""
INSERT_REGISTERED_EVENTS = """
    INSERT INTO membership_event (member_id, kind, occurred_on, actor_id, reason, changes)
    SELECT c.member_id, 'registered', coalesce(n.joined_on, %(today)s::date), %(actor)s::bigint, %(reason)s::text,
           jsonb_build_object('union', n.union_id, 'unit', n.unit_id, 'status', 'active')
    FROM import_new n JOIN import_created c USING (token) ORDER BY n.row_no"""
UPDATE_MEMBERS = f"""
    UPDATE member m SET {", ".join(f"{name} = x.{name}" for name in PERSON_COLUMNS)}, phone = x.phone,
           updated_at = now()
    FROM import_update x WHERE m.id = x.member_id"""
UPDATE_MEMBERSHIPS = """
    UPDATE membership ms SET unit_id = x.unit_id, joined_on = coalesce(x.joined_on, ms.joined_on), updated_at = now()
    FROM import_update x WHERE ms.member_id = x.member_id"""
INSERT_UPDATED_EVENTS = """
    INSERT INTO membership_event (member_id, kind, occurred_on, actor_id, reason, changes)
    SELECT member_id, 'updated', %(today)s::date, %(actor)s::bigint, %(reason)s::text, changes
    FROM import_update ORDER BY row_no"""
INSERT_OUTBOX = "INSERT INTO outbox (event_type, event_count, payload) VALUES (%s, %s, %s::jsonb)"
# The coded attributes of unions and units the events carry (fetched once per import for each one used).
ATTRIBUTES = """
    SELECT 'union', id, org_level, union_type FROM organisation WHERE id = ANY(%(unions)s)
    UNION ALL SELECT 'unit', id, nature, NULL FROM unit WHERE id = ANY(%(units)s)"""
FIND_EXISTING = f"""
    SELECT m.token, m.id, {", ".join(f"m.{name}" for name in PERSON_COLUMNS)}, m.phone, ms.union_id, ms.unit_id,
           ms.status, ms.joined_on, ltree2text(o.path), o.name
    FROM member m JOIN membership ms ON ms.member_id = m.id JOIN organisation o ON o.id = ms.union_id
    WHERE m.token = ANY(%s)"""


# Checked just before the commit, under the hierarchy lock held shared: the unions written into are still
# there and in the uploader's subtree, and the uploader may still import.
SHARE_HIERARCHY = "SELECT pg_advisory_xact_lock_shared(%s)"
ACCOUNT_NOW = """
    SELECT a.disabled_at IS NULL, a.organisation_id, a.role, ltree2text(o.path)
    FROM account a JOIN organisation o ON o.id = a.organisation_id WHERE a.id = %s"""
UNION_GONE = """
    SELECT name FROM organisation WHERE id = ANY(%s) AND (dissolved_at IS NOT NULL OR NOT path <@ %s::ltree)
    ORDER BY id LIMIT 1"""


@dataclass(frozen=True, slots=True)
class _Stored:
    member_id: int
    person: dict[str, object]
    phone: bytes
    union_id: int
    unit_id: int
    status: str
    joined_on: datetime.date | None
    union_path: str
    union_name: str


@dataclass
class MemberWriter:
    """Writes chunks of staged members in the import's transaction; counts and refuses as it goes."""

    connection: psycopg.Connection[Any]
    scope: WriteScope
    cipher: PersonalDataCipher
    mode: ImportMode
    absent: frozenset[str] = frozenset()  # person columns the file has no column for: left as stored
    claims: ChunkClaims | None = None  # asks the exchange about each chunk's people; None: no exchange
    pending_check: bool = False  # the exchange could not answer: new members are kept pending check
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: RowReasons = field(default_factory=RowReasons)  # a million rows refused stay small (outcome.py)
    timings: dict[str, float] = field(default_factory=dict)  # seconds spent per step, for the log
    _seen: dict[int, int] = field(default_factory=dict)  # 64-bit token prefix -> first row with it
    _regions: dict[int, str] = field(default_factory=dict)
    _unions: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)  # id -> org level, union type
    _units: dict[int, str | None] = field(default_factory=dict)  # id -> unit nature
    _refused_elsewhere: bool = False  # rows refused by the reader or the checker

    def __post_init__(self) -> None:
        if self.claims is not None:  # the claims made for this import stay until its transaction ends
            hold_import_claims(self.connection)
        for statement in TEMPORARY_TABLES:
            self.connection.execute(statement)

    @property
    def _params(self) -> dict[str, object]:
        return {"today": self.scope.today, "actor": self.scope.caller.account_id, "reason": self.scope.reason}

    def refused_elsewhere(self) -> None:
        """Rows were refused before reaching the writer: an all-or-nothing import will not be kept."""
        self._refused_elsewhere = True

    @property
    def keeping(self) -> bool:
        """Whether the import's writes may be kept: never in a dry run, and not once an all-or-nothing
        import has a refused row."""
        if self.mode is ImportMode.DRY_RUN:
            return False
        return self.mode is ImportMode.ACCEPT_VALID or not (self.rejected or self._refused_elsewhere)

    def _refuse(self, row: int, code: RowProblemCode, detail: object) -> None:
        field_name = "idNumber"
        reason = RowReason(field=field_name, code=code.value, message=ROW_MESSAGES[code].format(detail=detail))
        self.rejected.add(row, (reason,))

    @contextlib.contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - started

    def write(self, staged: Iterable[StagedMember]) -> None:
        """Write one chunk of accepted rows (a dry run or a refused import writes too, and rolls back)."""
        fresh = self._first_occurrences(staged)
        if fresh and self.claims is not None:
            with self._timed("claim"):
                fresh = self._claimed(fresh, self.claims)
        if not fresh:
            return
        with self._timed("insert new"):
            known = self._insert(fresh)
        if not known:
            return
        with self._timed("compare known"):
            stored = self._stored(known)
            updates: list[tuple[StagedMember, _Stored, str]] = []
            for row in fresh:
                existing = stored.get(str(row[1]))
                if str(row[1]) in known:
                    if existing is None:  # registered and gone again within this moment: report, never guess
                        self._refuse(int(str(row[0])), RowProblemCode.DUPLICATE_IN_PROVINCE, "本省（刚刚由他人登记）")
                    else:
                        self._compare(row, existing, updates)
        if updates:
            with self._timed("update"):
                self._update(updates)

    def _first_occurrences(self, staged: Iterable[StagedMember]) -> list[StagedMember]:
        fresh = []
        for row in staged:
            key = int(str(row[1])[:16], 16)
            first = self._seen.setdefault(key, int(str(row[0])))
            if first != row[0]:
                self._refuse(int(str(row[0])), RowProblemCode.DUPLICATE_IN_FILE, first)
            else:
                fresh.append(row)
        return fresh

    def _claimed(self, rows: list[StagedMember], claims: ChunkClaims) -> list[StagedMember]:
        """The rows no other province holds; the others refused with where the person is."""
        answers = claims([str(row[1]) for row in rows])
        if answers is None:
            self.pending_check = True
            return rows
        kept = []
        for row in rows:
            answer = answers.get(str(row[1]))
            if answer is not None and answer.outcome is ClaimOutcome.CONFLICT and answer.province:
                where = region_name(answer.province + "0000") or answer.province
                self._refuse(int(str(row[0])), RowProblemCode.DUPLICATE_IN_OTHER_PROVINCE, where)
            else:
                kept.append(row)
        return kept

    def _stored(self, tokens: set[str]) -> dict[str, _Stored]:
        if not tokens:
            return {}
        count = len(PERSON_COLUMNS)
        found = {}
        for row in self.connection.execute(FIND_EXISTING, (sorted(tokens),)):
            person = dict(zip(PERSON_COLUMNS, row[2 : 2 + count], strict=True))
            phone, union_id, unit_id, status, joined_on, path, name = row[2 + count :]
            found[row[0]] = _Stored(row[1], person, bytes(phone), union_id, unit_id, status, joined_on, path, name)
        return found

    def _region(self, path: str) -> str:
        labels = path.split(".")
        region = int(labels[1] if len(labels) > 1 else labels[0])
        if region not in self._regions:
            found = self.connection.execute("SELECT name FROM organisation WHERE id = %s", (region,)).fetchone()
            self._regions[region] = found[0] if found else "本省"
        return self._regions[region]

    def _compare(self, row: StagedMember, stored: _Stored, updates: list[tuple[StagedMember, _Stored, str]]) -> None:
        number = int(str(row[0]))
        if not self.scope.caller.governs(stored.union_path):
            self._refuse(
                number, RowProblemCode.DUPLICATE_IN_PROVINCE, f"{self._region(stored.union_path)}辖区内的其他工会"
            )
        elif stored.status == MembershipStatus.ENDED.value:
            self._refuse(number, RowProblemCode.MEMBERSHIP_ENDED, stored.union_name)
        elif stored.union_id != row[_COLUMN["union_id"]]:
            self._refuse(number, RowProblemCode.DUPLICATE_IN_PROVINCE, stored.union_name)
        else:
            if self.absent:
                row = tuple(stored.person[name] if name in self.absent else value
                            for name, value in zip(STAGING_COLUMNS, row, strict=True))  # fmt: skip
            changes = self._changes(row, stored)
            if changes:
                updates.append((row, stored, json.dumps(changes, ensure_ascii=False)))
            else:
                self.unchanged += 1

    def _changes(self, row: StagedMember, stored: _Stored) -> dict[str, list[object]]:
        changes: dict[str, list[object]] = {}
        for column, name in PERSON_COLUMNS.items():
            before, after = stored.person[column], row[_COLUMN[column]]
            if before != after:
                changes[name] = [shown_in_history(name, before), shown_in_history(name, after)]
        token = str(row[_COLUMN["token"]])
        phone = self.cipher.open(stored.phone, field="phone", token=token)
        if self.cipher.fingerprint(phone, field="phone") != row[_COLUMN["phone_fingerprint"]]:
            changes["phone"] = [mask_phone(phone), row[_COLUMN["phone_masked"]]]
        joined = row[_COLUMN["joined_on"]]
        if joined is not None and joined != stored.joined_on:
            changes["joinedOn"] = [shown_in_history("joinedOn", stored.joined_on), shown_in_history("joinedOn", joined)]
        if stored.unit_id != row[_COLUMN["unit_id"]]:
            changes["unit"] = [stored.unit_id, row[_COLUMN["unit_id"]]]
        return changes

    def _insert(self, rows: list[StagedMember]) -> set[str]:
        """Insert the rows of people nobody has; the tokens of the others (the province knows them)."""
        cursor = self.connection.cursor()
        with cursor.copy(f"COPY import_new ({', '.join(STAGING_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(INSERT_MEMBERS)
        known = {token for (token,) in cursor.execute(NOT_CREATED).fetchall()}
        for statement in (INSERT_MEMBERSHIPS, INSERT_REGISTERED_EVENTS):
            cursor.execute(statement, self._params)
        created = [row for row in rows if row[_TOKEN] not in known]
        self._write_events(cursor, MemberEventType.REGISTERED, [(row, "active") for row in created])
        if self.pending_check:
            cursor.execute(
                "INSERT INTO identity_check (member_id, state) SELECT member_id, 'pending' FROM import_created"
            )
        self.created += len(rows) - len(known)
        cursor.execute("TRUNCATE import_new, import_created")
        return known

    def _update(self, updates: list[tuple[StagedMember, _Stored, str]]) -> None:
        cursor = self.connection.cursor()
        columns = ", ".join((*STAGING_COLUMNS, "member_id", "changes"))
        with cursor.copy(f"COPY import_update ({columns}) FROM STDIN") as copy:
            for row, stored, changes in updates:
                copy.write_row((*row, stored.member_id, changes))
        for statement in (UPDATE_MEMBERS, UPDATE_MEMBERSHIPS, INSERT_UPDATED_EVENTS):
            cursor.execute(statement, self._params)
        self._write_events(cursor, MemberEventType.UPDATED, [(row, stored.status) for row, stored, _ in updates])
        self.updated += len(updates)
        cursor.execute("TRUNCATE import_update")

    def _write_events(
        self, cursor: psycopg.Cursor[Any], kind: MemberEventType, rows: list[tuple[StagedMember, str]]
    ) -> None:
        """One outbox batch of the events of ``rows`` (each with its membership's status), in file order."""
        if not rows:
            return
        self._fetch_attributes(cursor, [row for row, _status in rows])
        events = [self._event(kind, row, status) for row, status in rows]
        payload = json.dumps(batch_payload(events), ensure_ascii=False, separators=(",", ":"))
        cursor.execute(INSERT_OUTBOX, (kind.value, len(events), payload))

    def _fetch_attributes(self, cursor: psycopg.Cursor[Any], rows: list[StagedMember]) -> None:
        unions = {row[_UNION_ID] for row in rows} - self._unions.keys()
        units = {row[_UNIT_ID] for row in rows} - self._units.keys()
        if unions or units:
            for kind, key, first, second in cursor.execute(ATTRIBUTES, {"unions": list(unions), "units": list(units)}):
                if kind == "union":
                    self._unions[key] = (first, second)
                else:
                    self._units[key] = first

    def _event(self, kind: MemberEventType, row: StagedMember, status: str) -> MemberEvent:
        """The event of one row, as ``services.membership`` records a registration or an update."""
        birth, joined = row[_BIRTH_DATE], row[_JOINED_ON]
        org_level, union_type = self._unions[int(str(row[_UNION_ID]))]
        registered_on = joined if kind is MemberEventType.REGISTERED and isinstance(joined, datetime.date) else None
        gender, education, political, household, new_form = (_code(row[index]) for index in _DIMENSION_COLUMNS)
        return MemberEvent(
            type=kind,
            token=str(row[_TOKEN]),
            province=self.scope.province,
            status=status,
            occurred_on=registered_on or self.scope.today,
            dimensions=MemberDimensions(
                gender=gender,
                birth_year=birth.year if isinstance(birth, datetime.date) else None,
                education=education,
                political_status=political,
                household_type=household,
                new_employment_form=new_form,
                org_level=org_level,
                union_type=union_type,
                unit_nature=self._units[int(str(row[_UNIT_ID]))],
            ),
        )

    def finish(self, *, keep: bool, details: dict[str, object]) -> bool:
        """Commit (writing one audit entry) when ``keep`` and the mode allows, else roll back; True if kept.

        Before committing, with the hierarchy lock held shared (no union is dissolved or moved until the
        commit), the import checks that what it started from still holds; when not it rolls back and raises.
        """
        if keep and self.keeping:
            try:
                self._confirm_still_permitted()
            except DomainError:
                self.connection.rollback()
                raise
            self.connection.execute(
                """INSERT INTO audit_log (account_id, action, target_type, details)
                   VALUES (%(actor)s::bigint, 'members_imported', 'import', %(details)s::jsonb)""",
                {"actor": self.scope.caller.account_id, "details": json.dumps(details, ensure_ascii=False)},
            )
            self.connection.commit()
            return True
        self.connection.rollback()
        return False

    def _confirm_still_permitted(self) -> None:
        """Raise when the uploader may no longer import, or a union written into was dissolved or moved out
        of the uploader's subtree while the import ran."""
        self.connection.execute(SHARE_HIERARCHY, (HIERARCHY_LOCK,))
        found = self.connection.execute(ACCOUNT_NOW, (self.scope.caller.account_id,)).fetchone()
        now = AccountNow(found[0], found[1], Role(found[2]), found[3]) if found else None
        uploader = uploader_as_now(self.scope.caller, now, outcome=ROLLED_BACK)
        gone = self.connection.execute(UNION_GONE, (sorted(self._unions), uploader.scope_path)).fetchone()
        if gone is not None:
            raise RuleViolation(
                ErrorCode.ORG_DISSOLVED,
                f"导入期间工会「{gone[0]}」已撤销或已不在您的管辖范围内，{ROLLED_BACK}，未写入任何数据",
            )


def _code(value: object) -> str | None:
    return None if value is None else str(value)
