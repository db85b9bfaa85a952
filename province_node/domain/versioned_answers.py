"""Answers kept while the data they were computed from is unchanged.

Each answer remembers the data version it was computed at and is given back only for that version, so a
change anywhere makes every older answer miss; there is no expiry to tune and no stale answer to explain.
The store is bounded: the least recently used answer leaves first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class VersionedAnswers(Generic[Value]):
    """At most ``capacity`` answers, each valid for one data version."""

    def __init__(self, capacity: int = 256) -> None:
        self.capacity = capacity
        self._answers: OrderedDict[Hashable, tuple[int, Value]] = OrderedDict()

    def get(self, key: Hashable, version: int) -> Value | None:
        """The answer to ``key`` computed at ``version``, or ``None``."""
        kept = self._answers.get(key)
        if kept is None or kept[0] != version:
            return None
        self._answers.move_to_end(key)
        return kept[1]

    def put(self, key: Hashable, version: int, value: Value) -> None:
        """Keep ``value`` as the answer to ``key`` at ``version`` (replacing an answer of another version)."""
        self._answers[key] = (version, value)
        self._answers.move_to_end(key)
        while len(self._answers) > self.capacity:
            self._answers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._answers)
