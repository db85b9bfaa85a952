"""Code lists (下拉键): one CSV file per list under ``data/codes``, loaded once, looked up by code or label.

Clerks type labels, often shortened (``本科`` for 大学本科, ``团员`` for 共青团员) or in full-width
characters, so a lookup accepts the code, the Chinese label, the English label or any alias listed in
the file, compared after NFKC without spaces and case. Numeric codes also match without their leading
zeros (``1`` finds ethnicity ``01``) because Excel strips them.
"""

from __future__ import annotations

import csv
import functools
import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Final

from exchange.standard.exceptions import BadCodeListData, UnknownCodeList

_CODES_DIR: Final = "data/codes"


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One code with its Chinese label (what clerks see), English label and accepted aliases."""

    code: str
    label: str
    label_en: str
    aliases: tuple[str, ...]


def _lookup_key(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split()).casefold()


class CodeList:
    """An ordered list of codes with lookup by any of the names an entry answers to."""

    def __init__(self, name: str, entries: tuple[CodeEntry, ...]) -> None:
        self.name = name
        self.entries = entries
        self._by_code = {entry.code: entry for entry in entries}
        self._by_key: dict[str, CodeEntry] = {}
        for entry in entries:
            for key in {entry.code, entry.label, entry.label_en, *entry.aliases} - {""}:
                other = self._by_key.setdefault(_lookup_key(key), entry)
                if other is not entry:
                    msg = f"code list {name!r}: {key!r} names both {other.code!r} and {entry.code!r}"
                    raise BadCodeListData(msg)
        widths = {len(entry.code) for entry in entries}
        numeric = all(entry.code.isdigit() for entry in entries)
        self._pad_to = widths.pop() if numeric and len(widths) == 1 else 0

    def __iter__(self) -> Iterator[CodeEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, code: str) -> CodeEntry | None:
        """The entry with exactly this code."""
        return self._by_code.get(code)

    def label(self, code: str) -> str:
        """The Chinese label of ``code`` (the code itself if the list has no such code)."""
        entry = self._by_code.get(code)
        return entry.label if entry else code

    def find(self, value: object) -> CodeEntry | None:
        """The entry a cell means: by code, label, English label or alias; ``None`` if nothing matches."""
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str) or len(value) > 100:
            return None
        entry = self._by_key.get(value)  # most cells hold a label exactly as listed
        if entry is not None:
            return entry
        key = _lookup_key(value)
        entry = self._by_key.get(key)
        if entry is None and self._pad_to and key.isdigit() and len(key) < self._pad_to:
            entry = self._by_code.get(key.zfill(self._pad_to))
        return entry


def _read_list(name: str) -> CodeList:
    source = resources.files("exchange.standard").joinpath(f"{_CODES_DIR}/{name}.csv")
    if not source.is_file():
        raise UnknownCodeList(f"no code list named {name!r}")
    with source.open(encoding="utf-8") as rows:
        entries = tuple(
            CodeEntry(
                code=row["code"],
                label=row["label"],
                label_en=row["label_en"],
                aliases=tuple(alias for alias in row["aliases"].split("|") if alias),
            )
            for row in csv.DictReader(rows)
        )
    return CodeList(name, entries)


@functools.cache
def code_list(name: str) -> CodeList:
    """The code list called ``name`` (e.g. ``ethnicity``), read once per process."""
    return _read_list(name)


@functools.cache
def code_list_names() -> tuple[str, ...]:
    """Names of every code list the standard defines, sorted."""
    folder = resources.files("exchange.standard").joinpath(_CODES_DIR)
    return tuple(sorted(item.name.removesuffix(".csv") for item in folder.iterdir() if item.name.endswith(".csv")))
