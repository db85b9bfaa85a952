"""The national exchange service: identity index, claims, event ingestion, conflicts, verification and
national aggregates, served over the API of ``exchange/PROTOCOL.md``.

Layers, inner to outer: ``domain`` (the rules, plain Python) ← ``wire`` (request checking) ← ``store``
(SQL) ← ``api`` / ``app`` (HTTP). Province nodes and the gateway never import this package: they talk to
it over HTTP (``exchange.protocol``).
"""

from exchange.service.app import create_app
from exchange.service.settings import ExchangeSettings, SettingsError, exchange_settings

__all__ = ["ExchangeSettings", "SettingsError", "create_app", "exchange_settings"]
