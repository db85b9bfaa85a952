"""The last good answer of each province to each statistics question, for serving it marked stale when the
province cannot answer now. Bounded: the least recently stored entries are forgotten first."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Answer = TypeVar("Answer")


class LastKnownAnswers(Generic[Answer]):
    """Answers by (province, question), at most ``capacity`` of them."""

    def __init__(self, capacity: int = 1024) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._answers: OrderedDict[tuple[str, Hashable], Answer] = OrderedDict()

    def remember(self, province: str, question: Hashable, answer: Answer) -> None:
        """Keep ``answer`` as the latest of ``province`` to ``question``."""
        key = (province, question)
        self._answers[key] = answer
        self._answers.move_to_end(key)
        while len(self._answers) > self.capacity:
            self._answers.popitem(last=False)

    def recall(self, province: str, question: Hashable) -> Answer | None:
        """The latest answer kept, if any."""
        return self._answers.get((province, question))
