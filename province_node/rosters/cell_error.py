"""What a read cell holds when its formula failed: shared by the readers that find such cells."""

from __future__ import annotations


class CellError(str):
    """A cell holding a formula's error (``#N/A``, ``#REF!``…), not a value; it reads as that text."""

    __slots__ = ()
