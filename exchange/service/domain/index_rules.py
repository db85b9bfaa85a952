"""The effect of events on the identity index (PROTOCOL.md, "Events"), decided in memory.

An ``IndexLedger`` starts from the rows and open conflicts of the tokens a request touches, applies the
events in order and then says what to write: the final row of every token it changed, the conflicts it
opened, refreshed or resolved. For one token T and an event from province P:

- no row, a row of P, or a row of another province that has ended: the row becomes (P, status, dimensions);
- another province Q holds T (current or claimed) and the event is current: a conflict (holder Q,
  claimant P) is opened, or its claimant state refreshed; Q's row is never overwritten;
- the event ends P's membership: P's open conflicts as claimant are resolved; if P holds the row and
  conflicts are open, the row passes to the earliest claimant with its recorded state (the other
  claimants now conflict with it), else the row becomes P's ended row;
- ``previous_token``: first the previous token's row, if P's, is removed (handed over the same way when
  it is in conflict) and P's claims on it are withdrawn;
- ``claim.released`` (``releases_claim``) ends only a row P still holds as ``claimed``: a release that
  arrives after an event confirmed (or ended) the membership changes nothing.

Invariant kept: every open conflict of T has the row's province as holder and that row holds T.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from exchange.service.domain.model import Conflict, IndexEvent, IndexRow, IndexStatus, Resolution


@dataclass(slots=True)
class _TokenState:
    row: IndexRow | None
    conflicts: list[Conflict] = field(default_factory=list)  # open ones, oldest first


class IndexLedger:
    """The rows and open conflicts of some tokens, changed by events in memory."""

    def __init__(self, rows: Mapping[str, IndexRow], open_conflicts: Iterable[Conflict] = ()) -> None:
        self._initial: dict[str, IndexRow | None] = dict(rows)
        self._states: dict[str, _TokenState] = {token: _TokenState(row) for token, row in rows.items()}
        self._touched: list[Conflict] = []  # conflicts opened or changed, in the order it happened
        for conflict in open_conflicts:
            self._state(conflict.token).conflicts.append(conflict)

    # -- reading -----------------------------------------------------------------------------------

    def row(self, token: str) -> IndexRow | None:
        """The current row of ``token``."""
        state = self._states.get(token)
        return state.row if state else None

    def open_conflicts(self, token: str) -> Sequence[Conflict]:
        """The open conflicts of ``token``, oldest first."""
        state = self._states.get(token)
        return tuple(state.conflicts) if state else ()

    def changed_rows(self) -> dict[str, tuple[IndexRow | None, IndexRow | None]]:
        """``token -> (row before, row now)`` for every token whose row changed (``None``: no row)."""
        changed = {}
        initial = self._initial
        for token, state in self._states.items():
            before, after = initial.get(token), state.row
            if after is not before and (before is None or after is None or after != before):
                changed[token] = (before, after)
        return changed

    def touched_conflicts(self) -> list[Conflict]:
        """Conflicts opened, refreshed or resolved, each once (new ones have ``id is None``)."""
        seen: set[int] = set()
        unique = []
        for conflict in self._touched:
            if id(conflict) not in seen:
                seen.add(id(conflict))
                unique.append(conflict)
        return unique

    # -- applying ----------------------------------------------------------------------------------

    def apply(self, event: IndexEvent) -> None:
        """Apply one event."""
        if event.previous_token is not None and event.previous_token != event.token:
            self._withdraw(event.previous_token, event.province)
        state = self._state(event.token)
        if event.releases_claim and not _claimed_by(state.row, event.province):
            return  # a late release: an event already confirmed or ended the membership
        if event.current:
            self._apply_current(state, event)
        else:
            self._apply_end(state, event)

    def apply_all(self, events: Iterable[IndexEvent]) -> None:
        """Apply events in order."""
        for event in events:
            self.apply(event)

    def _state(self, token: str) -> _TokenState:
        state = self._states.get(token)
        if state is None:
            state = self._states[token] = _TokenState(None)
            self._initial.setdefault(token, None)
        return state

    def _apply_current(self, state: _TokenState, event: IndexEvent) -> None:
        row = state.row
        if row is None or row.province == event.province or not row.holds:
            state.row = IndexRow(event.province, event.status, event.dimensions)
            return
        mine = next((c for c in state.conflicts if c.claimant == event.province), None)
        if mine is None:
            mine = Conflict(
                token=event.token,
                holder=row.province,
                claimant=event.province,
                claimant_status=event.status,
                claimant_dimensions=event.dimensions,
            )
            state.conflicts.append(mine)
        else:
            mine.claimant_status, mine.claimant_dimensions = event.status, event.dimensions
        self._touched.append(mine)

    def _apply_end(self, state: _TokenState, event: IndexEvent) -> None:
        self._resolve_claims_of(state, event.province, Resolution.ENDED)
        row = state.row
        if row is not None and row.holds and row.province != event.province:
            return  # another province holds the person; P's end changes nothing of its row
        if row is not None and row.province == event.province and state.conflicts:
            self._hand_over(state, event.province, Resolution.ENDED)
            return
        state.row = IndexRow(event.province, IndexStatus.ENDED, event.dimensions)

    def _withdraw(self, token: str, province: str) -> None:
        state = self._state(token)
        self._resolve_claims_of(state, province, Resolution.CORRECTED)
        row = state.row
        if row is None or row.province != province:
            return
        if state.conflicts:
            self._hand_over(state, province, Resolution.CORRECTED)
        else:
            state.row = None

    def _resolve_claims_of(self, state: _TokenState, claimant: str, resolution: Resolution) -> None:
        for conflict in [c for c in state.conflicts if c.claimant == claimant]:
            self._resolve(state, conflict, resolution, claimant)

    def _hand_over(self, state: _TokenState, holder: str, resolution: Resolution) -> None:
        """The holder leaves: the earliest claimant gets the row, the others now conflict with it."""
        first, *others = state.conflicts
        for conflict in list(state.conflicts):
            self._resolve(state, conflict, resolution, holder)
        state.row = IndexRow(first.claimant, first.claimant_status, first.claimant_dimensions)
        for other in others:
            reopened = Conflict(
                token=other.token,
                holder=first.claimant,
                claimant=other.claimant,
                claimant_status=other.claimant_status,
                claimant_dimensions=other.claimant_dimensions,
            )
            state.conflicts.append(reopened)
            self._touched.append(reopened)

    def _resolve(self, state: _TokenState, conflict: Conflict, resolution: Resolution, by: str) -> None:
        conflict.resolution, conflict.resolved_by = resolution, by
        state.conflicts.remove(conflict)
        self._touched.append(conflict)


def _claimed_by(row: IndexRow | None, province: str) -> bool:
    """True when ``row`` is ``province``'s claim no event has confirmed yet."""
    return row is not None and row.province == province and row.status is IndexStatus.CLAIMED
