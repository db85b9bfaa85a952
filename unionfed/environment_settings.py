"""Reading a service's settings from the environment: the one error the node, the exchange and the gateway raise
for a missing or malformed variable, and the number and service-URL parsers they share."""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Mapping

_LOOPBACK_NAMES = frozenset({"localhost"})


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


def service_url(name: str, value: str) -> str:
    """The URL of another service in ``value`` (a node, the exchange, an OpenID Connect issuer; no trailing
    slash): ``https``, or ``http`` only to a loopback address. Between machines the services carry signed
    tokens, keys and members' data, and each must know that it talks to the service itself: TLS gives both."""
    url = value.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name} must be an http(s) URL, not {value!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise SettingsError(f"{name} must be an https URL when it names another machine ({parts.hostname})")
    return url


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
