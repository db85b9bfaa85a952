"""The national GraphQL gateway: fan-out over the province nodes with partial aggregates and partial failure,
delegation of a province's own queries, member location through the exchange, national roles.

What other packages may import: the app factory, the settings, and the schema's SDL.
"""

from gateway.api.schema import schema_sdl
from gateway.app import create_app
from gateway.settings import GatewaySettings, SettingsError, gateway_settings

__all__ = ["GatewaySettings", "SettingsError", "create_app", "gateway_settings", "schema_sdl"]
