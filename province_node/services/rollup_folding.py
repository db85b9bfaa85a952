"""Folding marked members into the statistics rollups in the background, so that the first count after a
large import or a busy hour does not wait for the fold itself (counts still fold whatever is left first)."""

from __future__ import annotations

import logging

import anyio
from sqlalchemy.exc import SQLAlchemyError

from exchange.standard import china_today
from province_node.services.statistics_rollup import bring_rollups_up_to_date
from province_node.tenant import Tenant

_log = logging.getLogger(__name__)


class RollupFolding:
    """Every ``interval`` seconds, fold a tenant's marked members into its rollups."""

    def __init__(self, tenant: Tenant, *, interval: float) -> None:
        self.tenant = tenant
        self.interval = interval
        self._stopped = anyio.Event()

    def stop(self) -> None:
        """Return from ``run`` after the fold under way, if any."""
        self._stopped.set()

    async def run(self) -> None:
        """Fold until stopped; a failure (the database restarting, say) is logged and tried again later."""
        while not self._stopped.is_set():
            try:
                await bring_rollups_up_to_date(self.tenant.rollup_engine, china_today())
            except SQLAlchemyError as exc:
                _log.warning("tenant %s: statistics rollups not brought up to date: %s", self.tenant.province, exc)
            with anyio.move_on_after(self.interval):
                await self._stopped.wait()
