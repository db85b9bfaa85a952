"""The node configuration the command-line tools act in: read from the environment like ``unionfed node``."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from province_node.settings import NodeSettings, TenantSettings

_log = logging.getLogger(__name__)


def configured_node() -> NodeSettings | None:
    """The node's settings, or None after logging what is wrong with the environment."""
    from province_node.settings import SettingsError, node_settings

    try:
        return node_settings(os.environ)
    except SettingsError as error:
        _log.error("configuration: %s", error)
        return None


def configured_tenant(province: str) -> tuple[NodeSettings, TenantSettings] | None:
    """The node's settings and those of its tenant ``province``, or None after logging why not."""
    settings = configured_node()
    if settings is None:
        return None
    tenant_settings = settings.tenant(province)
    if tenant_settings is None:
        _log.error("this node does not serve province %s (UNIONFED_TENANTS)", province)
        return None
    return settings, tenant_settings
