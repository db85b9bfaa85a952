"""Reading a service's settings from the environment: the one error the node, the exchange and the gateway raise
for a missing or malformed variable, and the number parser they share."""

from __future__ import annotations

from collections.abc import Mapping


class SettingsError(ValueError):
    """The configuration is missing or malformed; the message names the variable."""


def number_setting(environ: Mapping[str, str], name: str, default: str, low: float, high: float) -> float:
    """The number in ``environ[name]`` (``default`` when unset), refused unless between ``low`` and ``high``."""
    text = environ.get(name, default).strip()
    try:
        value = float(text)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number") from exc
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low:g} and {high:g}")
    return value
