"""Required-field profiles (``national``, ``hubei``, ``hunan``): which fields each register must fill.

Provinces demand different sets; a node is configured with one, its records are validated against it and
completeness is measured against it. The sets live in ``data/profiles.toml``.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

from exchange.standard.exceptions import UnknownProfile


@dataclass(frozen=True, slots=True)
class Profile:
    """The fields a province requires of members, union organisations and units."""

    name: str
    label: str
    member: frozenset[str]
    union: frozenset[str]
    unit: frozenset[str]


@functools.cache
def _profiles() -> dict[str, Profile]:
    text = resources.files("exchange.standard").joinpath("data/profiles.toml").read_text(encoding="utf-8")
    return {
        name: Profile(
            name=name,
            label=table["label"],
            member=frozenset(table["member"]),
            union=frozenset(table["union"]),
            unit=frozenset(table["unit"]),
        )
        for name, table in tomllib.loads(text).items()
    }


def profile(name: str) -> Profile:
    """The profile called ``name``; ``UnknownProfile`` names the ones that exist."""
    try:
        return _profiles()[name]
    except KeyError:
        raise UnknownProfile(f"no profile {name!r}; known: {', '.join(sorted(_profiles()))}") from None


def profile_names() -> tuple[str, ...]:
    """Names of every profile, sorted."""
    return tuple(sorted(_profiles()))
