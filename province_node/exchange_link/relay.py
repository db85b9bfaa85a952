"""The outbox relay: delivers a tenant's membership events to the exchange, exactly once in effect.

    outbox rows ──sequence──► seq 1, 2, 3 … (in commit order, gap-free) ──send──► exchange ──ack──► sent_at

Sequence numbers are given only to committed rows (a transaction that commits late gets a later number,
never a skipped one), under an advisory lock so two relays of one tenant never number the same row. The
exchange records (province, seq) with the effect, so a redelivery changes nothing; after a restart the
relay asks the exchange where it stands and resumes after that. A node restored from a backup may find the
exchange ahead of its outbox: the changes in between are lost here, so new rows are numbered after the
exchange's last applied batch (never over it), and the relay says so in the log and in ``missing_batches``
for an operator to reconcile. When the exchange is down the relay waits
with exponential backoff and the events wait in the outbox. Members registered while the exchange was
unreachable (identity check ``pending``) are claimed again here, and marked ``conflict`` when another
province holds them. Now and then the claims no member confirmed are released (``release.py``).

A refusal the relay cannot mend itself (any 4xx but ``SEQUENCE_GAP`` and ``TOKEN_NOT_CLAIMED``: a batch
the exchange finds invalid or too large, a sequence number reused with other content, a revoked key) stops
delivery at that batch: nothing after it can be sent, since the exchange applies batches in order, and
nothing is skipped. The relay logs it as an error naming the batch and the code, counts it in the state
(``refusals``, ``refused_seq``, ``refused_code``; every refused round is also a failure) and tries again
with a backoff growing to ``LONGEST_REFUSED_BACKOFF``, so that an operator who mends the cause (the
exchange's registry, the outbox row) sees the relay resume without a restart.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from typing import Final

import anyio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from province_node.exchange_link.client import (
    ClaimOutcome,
    ExchangeClient,
    ExchangeRefused,
    ExchangeUnavailable,
)
from province_node.exchange_link.release import release_unconfirmed_claims
from province_node.tenant import Tenant

BATCHES_PER_REQUEST: Final = 500
# The exchange decides a request in one piece of CPU work; 20,000 events made every other province's
# request wait behind pieces of a second (lag p99 2 s in bench/exchange_sync.py), 5,000 keep it under 1 s.
EVENTS_PER_REQUEST: Final = 5_000
SEQUENCED_PER_PASS: Final = 10_000
CHECKS_PER_PASS: Final = 5_000
LONGEST_BACKOFF: Final = 30.0
LONGEST_REFUSED_BACKOFF: Final = 300.0  # a refusal needs an operator: retry now and then, not in a loop
LONGEST_RELEASE_INTERVAL: Final = 60.0  # seconds between looks for unconfirmed claims
_log = logging.getLogger(__name__)

# A row is numbered after both the outbox's last number and the exchange's last applied one: a node whose
# database was restored from an earlier point must not reuse numbers the exchange has applied already.
_SEQUENCE = text("""
WITH last AS (SELECT greatest(coalesce(max(seq), 0), :applied) AS seq FROM outbox),
     todo AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM outbox
              WHERE seq IS NULL ORDER BY id LIMIT :limit)
UPDATE outbox SET seq = last.seq + todo.n FROM todo, last WHERE outbox.id = todo.id
""")
# The next batches to send: as many as one request takes (the first whatever its size), their payloads read
# and hashed for those only. The digest lets the exchange tell a redelivery of a batch from other events under
# a reused seq; jsonb's text form is canonical, so the same stored batch always gives the same digest.
_UNSENT = text("""
WITH waiting AS (SELECT id, seq, event_count FROM outbox
                 WHERE seq IS NOT NULL AND sent_at IS NULL AND seq > :after ORDER BY seq LIMIT :batches),
     next AS (SELECT id, row_number() OVER (ORDER BY seq) AS n, sum(event_count) OVER (ORDER BY seq) AS through
              FROM waiting)
SELECT o.seq, o.payload, encode(sha256(convert_to((o.payload -> 'events')::text, 'UTF8')), 'hex')
FROM next JOIN outbox o ON o.id = next.id WHERE next.n = 1 OR next.through <= :events ORDER BY o.seq
""")
# Whether a round has anything to do, in one statement (each answered by a partial index): most rounds of a
# quiet node find nothing, and a round that asked each step's question cost three transactions.
_WAITING = text("""
SELECT EXISTS (SELECT FROM outbox WHERE seq IS NULL),
       EXISTS (SELECT FROM outbox WHERE seq IS NOT NULL AND sent_at IS NULL),
       EXISTS (SELECT FROM identity_check WHERE state = 'pending')
""")
_MEASURE = text("""
SELECT (SELECT coalesce(sum(event_count), 0) FROM outbox WHERE sent_at IS NULL),
       (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox WHERE sent_at IS NULL),
       (SELECT count(*) FROM identity_check WHERE state = 'pending'),
       (SELECT count(*) FROM identity_check WHERE state = 'conflict')
""")
_PENDING = text("""
SELECT m.id, m.token FROM identity_check c JOIN member m ON m.id = c.member_id
JOIN membership ms ON ms.member_id = m.id
WHERE c.state = 'pending' AND ms.status <> 'ended' ORDER BY c.member_id LIMIT :limit
""")
# A member who ended while pending needs no claim (claiming would hold an ended person for the province).
_ENDED_WHILE_PENDING = text("""
DELETE FROM identity_check c USING membership ms
WHERE ms.member_id = c.member_id AND c.state = 'pending' AND ms.status = 'ended'
""")


_MARK_CONFLICT = text("""
INSERT INTO identity_check (member_id, state, province)
SELECT m.id, 'conflict', :province FROM member m JOIN membership ms ON ms.member_id = m.id
WHERE m.token = :token AND ms.status <> 'ended'
ON CONFLICT (member_id) DO UPDATE SET state = 'conflict', province = excluded.province
""")


@dataclass
class RelayState:
    """What the relay knows and has done, for metrics and tests."""

    acknowledged: int | None = None  # the exchange's last applied seq, once asked
    delivered_events: int = 0
    failures: int = 0
    last_error: str | None = None
    checks: dict[str, int] = field(default_factory=dict)
    unsent_events: int = 0  # in the outbox, not yet acknowledged
    lag_seconds: float = 0.0  # age of the oldest unacknowledged outbox row
    pending_checks: int = 0  # members kept active-pending-check
    conflicts: int = 0  # members another province also holds
    released_claims: int = 0  # claims no member confirmed, released
    refusals: int = 0  # rounds the exchange refused with a code the relay cannot mend itself
    refused_seq: int | None = None  # the first batch of the refused request, while delivery is stuck on it
    refused_code: str | None = None  # the exchange's code for that refusal
    missing_batches: int = 0  # batches the exchange applied that the outbox lacks (restored from a backup)
    measured_at: float = 0.0
    released_at: float = 0.0


class OutboxRelay:
    """Relays one tenant's outbox to the exchange; ``run`` until ``stop`` (or cancelled)."""

    def __init__(self, tenant: Tenant, client: ExchangeClient, *, interval: float = 0.2) -> None:
        self.tenant = tenant
        self.client = client
        self.interval = interval
        self.state = RelayState()
        self._stopping = False
        self._woken: anyio.Event | None = None

    def stop(self) -> None:
        """Finish the round under way and return from ``run`` (a shutdown that cuts no query short)."""
        self._stopping = True
        if self._woken is not None:
            self._woken.set()

    async def _pause(self, seconds: float) -> None:
        self._woken = anyio.Event()
        with anyio.move_on_after(seconds):
            await self._woken.wait()

    async def run(self) -> None:
        """Relay until stopped: deliver, re-check pending members, wait; back off while the exchange is down
        or refuses."""
        backoff = refused_backoff = 0.5
        while not self._stopping:
            try:
                busy = await self.pass_once()
                backoff = refused_backoff = 0.5
            except ExchangeUnavailable as exc:
                self._failed(str(exc))
                await self.measure()
                await self._pause(_jittered(backoff))
                backoff = min(backoff * 2, LONGEST_BACKOFF)
                continue
            except ExchangeRefused as exc:
                self._refused(exc)
                await self.measure()
                await self._pause(LONGEST_BACKOFF if exc.status in (401, 403) else _jittered(refused_backoff))
                refused_backoff = min(refused_backoff * 2, LONGEST_REFUSED_BACKOFF)
                continue
            if not busy:
                await self._pause(self.interval)

    def _refused(self, exc: ExchangeRefused) -> None:
        """Count a refused round; log it as an error the first time (and when the refusal changes)."""
        self.state.refusals += 1
        self.state.refused_code = exc.code
        if str(exc) != self.state.last_error:
            where = f" at outbox seq {self.state.refused_seq}" if self.state.refused_seq is not None else ""
            _log.error(
                "tenant %s: the exchange refuses%s (%s): %s; nothing after it is delivered until the cause is "
                "mended, retrying with backoff up to %.0f s",
                self.tenant.province, where, exc.code, exc.message, LONGEST_REFUSED_BACKOFF,
            )  # fmt: skip
        self._failed(str(exc), logged=True)

    def _failed(self, error: str, *, logged: bool = False) -> None:
        self.state.failures += 1
        if error != self.state.last_error and not logged:
            _log.warning("tenant %s: exchange relay: %s", self.tenant.province, error)
        self.state.last_error = error

    async def pass_once(self) -> bool:
        """One round: ask what waits (one statement; a quiet node's round ends there), then number and deliver
        new rows, re-claim pending members. True when there was work (so the next round starts at once)."""
        if self.state.acknowledged is None:
            await self.resume()
        async with self.tenant.engine.connect() as connection:
            unnumbered, unsent, pending = (await connection.execute(_WAITING)).one()
        delivered = await self.deliver() if unnumbered or unsent else 0
        checked = await self.recheck_pending() if pending else 0
        await self.release_claims()
        self.state.last_error = None
        await self.measure()
        return delivered > 0 or checked > 0

    async def measure(self, *, every: float = 1.0) -> None:
        """Refresh the figures the metrics show (at most once per ``every`` seconds)."""
        now = time.monotonic()
        if now - self.state.measured_at < every:
            return
        async with self.tenant.engine.connect() as connection:
            unsent, lag, pending, conflicts = (await connection.execute(_MEASURE)).one()
        self.state.unsent_events, self.state.lag_seconds = int(unsent), float(lag)
        self.state.pending_checks, self.state.conflicts = int(pending), int(conflicts)
        self.state.measured_at = now

    async def release_claims(self) -> int:
        """Release the claims no member confirmed, at most once per grace period (or minute); how many."""
        grace = self.client.settings.claim_grace
        now = time.monotonic()
        if now - self.state.released_at < min(grace, LONGEST_RELEASE_INTERVAL):
            return 0
        released = await release_unconfirmed_claims(self.tenant, self.client, grace=grace)
        self.state.released_at = now
        self.state.released_claims += released
        if released:
            _log.info("tenant %s: released %s claims no member confirmed", self.tenant.province, released)
        return released

    async def resume(self) -> None:
        """Ask the exchange where it stands; rows up to there are sent, rows after it are not."""
        acknowledged = await self.client.progress(self.tenant.province)
        async with self.tenant.engine.begin() as connection:
            numbered = int((await connection.execute(text("SELECT coalesce(max(seq), 0) FROM outbox"))).scalar_one())
            if numbered < acknowledged:
                self._behind_the_exchange(numbered, acknowledged)
            await connection.execute(
                text("UPDATE outbox SET sent_at = now() WHERE seq <= :seq AND sent_at IS NULL"), {"seq": acknowledged}
            )
            await connection.execute(
                text("UPDATE outbox SET sent_at = NULL WHERE seq > :seq AND sent_at IS NOT NULL"),
                {"seq": acknowledged},
            )
        self.state.acknowledged = acknowledged

    def _behind_the_exchange(self, numbered: int, acknowledged: int) -> None:
        """The exchange has applied batches this outbox never numbered: the node's database was restored from
        an earlier point. Those events are gone here; new rows are numbered after them, not over them."""
        self.state.missing_batches = acknowledged - numbered
        _log.error(
            "tenant %s: the exchange has applied outbox seq up to %s but this outbox ends at %s: the database was "
            "restored from an earlier point, and the changes of seq %s-%s are known to the exchange only. New "
            "changes are numbered from %s; run `unionfed exchange reconcile` to list the members that differ.",
            self.tenant.province, acknowledged, numbered, numbered + 1, acknowledged, acknowledged + 1,
        )  # fmt: skip

    async def sequence(self) -> int:
        """Number the committed rows that have no sequence yet; how many were numbered."""
        async with self.tenant.engine.begin() as connection:
            return await self._number(connection)

    async def _number(self, connection: AsyncConnection) -> int:
        await connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('unionfed-outbox-sequence'))"))
        applied = self.state.acknowledged or 0
        result = await connection.execute(_SEQUENCE, {"limit": SEQUENCED_PER_PASS, "applied": applied})
        return int(result.rowcount or 0)

    async def deliver(self) -> int:
        """Number the new rows, then send the next unsent ones in one request; the number of events the
        exchange acknowledged."""
        after = self.state.acknowledged or 0
        asked = {"after": after, "batches": BATCHES_PER_REQUEST, "events": EVENTS_PER_REQUEST}
        async with self.tenant.engine.begin() as connection:  # one transaction: a busy round's first half
            await self._number(connection)
            rows = (await connection.execute(_UNSENT, asked)).all()
        batches = [{"seq": seq, "events": payload["events"], "digest": digest} for seq, payload, digest in rows]
        if not batches:
            return 0
        try:
            acknowledged = await self.client.send_events(self.tenant.province, batches)
        except ExchangeRefused as exc:
            if exc.code == "SEQUENCE_GAP":  # the exchange lost or never had earlier batches: resend from there
                _log.warning("tenant %s: exchange expects seq %s", self.tenant.province, exc.body.get("expected"))
                await self.resume()
                return 1
            if exc.code == "TOKEN_NOT_CLAIMED":  # people this node registered before it joined the exchange
                await self.claim_unclaimed([str(token) for token in exc.body.get("tokens", [])])
                return 1
            self.state.refused_seq = batches[0]["seq"]
            raise
        self.state.refused_seq = self.state.refused_code = None
        async with self.tenant.engine.begin() as connection:
            await connection.execute(
                text("UPDATE outbox SET sent_at = now() WHERE seq <= :seq AND sent_at IS NULL"), {"seq": acknowledged}
            )
        self.state.acknowledged = acknowledged
        delivered = sum(len(batch["events"]) for batch in batches if batch["seq"] <= acknowledged)
        self.state.delivered_events += delivered
        return delivered

    async def claim_unclaimed(self, tokens: list[str]) -> None:
        """Claim people whose events the exchange refused as never claimed; those another province holds
        are marked ``conflict`` here (their events then record the conflict at the exchange too)."""
        if not tokens:
            return
        answers = await self.client.claim(self.tenant.province, tokens)
        conflicts = [{"token": token, "province": answers[token].province} for token in tokens
                     if answers[token].outcome is ClaimOutcome.CONFLICT]  # fmt: skip
        _log.warning("tenant %s: claimed %s people never claimed before (%s held elsewhere)", self.tenant.province,
                     len(tokens), len(conflicts))  # fmt: skip
        if conflicts:
            async with self.tenant.engine.begin() as connection:
                await connection.execute(_MARK_CONFLICT, conflicts)

    async def recheck_pending(self) -> int:
        """Claim again the members registered while the exchange was unreachable; how many were settled."""
        async with self.tenant.engine.begin() as connection:
            await connection.execute(_ENDED_WHILE_PENDING)
            pending = (await connection.execute(_PENDING, {"limit": CHECKS_PER_PASS})).all()
        if not pending:
            return 0
        answers = await self.client.claim(self.tenant.province, [token for _, token in pending])
        confirmed = [member_id for member_id, token in pending if answers[token].outcome is not ClaimOutcome.CONFLICT]
        conflicts = [
            {"member": member_id, "province": answers[token].province}
            for member_id, token in pending
            if answers[token].outcome is ClaimOutcome.CONFLICT
        ]
        async with self.tenant.engine.begin() as connection:
            if confirmed:
                await connection.execute(
                    text("DELETE FROM identity_check WHERE member_id = ANY(:ids) AND state = 'pending'"),
                    {"ids": confirmed},
                )
            if conflicts:
                await connection.execute(
                    text("""UPDATE identity_check SET state = 'conflict', province = :province, checked_at = now()
                            WHERE member_id = :member AND state = 'pending'"""),
                    conflicts,
                )
        self.state.checks["confirmed"] = self.state.checks.get("confirmed", 0) + len(confirmed)
        self.state.checks["conflict"] = self.state.checks.get("conflict", 0) + len(conflicts)
        return len(pending)


def _jittered(seconds: float) -> float:
    """``seconds`` give or take a fifth, so that relays do not retry in step."""
    return seconds * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not a secret
