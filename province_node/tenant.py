"""A province tenant at run time: its settings with the engine, keys and helpers built from them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from exchange.standard import NationalKey
from exchange.standard.profiles import Profile
from province_node.db.committed_reads import CommittedReads
from province_node.db.engines import session_factory, tenant_engine
from province_node.domain.statistics import CountRow
from province_node.domain.versioned_answers import VersionedAnswers
from province_node.exchange_link.client import ExchangeClient
from province_node.security.national_callers import TrustedIdentities
from province_node.security.passwords import Passwords
from province_node.security.personal_data import PersonalDataCipher
from province_node.settings import NodeSettings, TenantSettings


@dataclass(slots=True)
class RootScope:
    """The root organisation's id and path, once looked up: national callers are scoped to it on every
    request, and it never moves (every other organisation is below it)."""

    id: int | None = None
    path: str = ""


@dataclass(frozen=True, slots=True)
class Tenant:
    """One province served by this node process."""

    settings: TenantSettings
    node: NodeSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # One connection of its own for bringing the statistics rollups up to date: a request folds while
    # holding a connection of ``engine``, so folding from that pool could wait for ever on a full pool.
    rollup_engine: AsyncEngine
    committed_reads: CommittedReads
    cipher: PersonalDataCipher
    passwords: Passwords
    exchange: ExchangeClient | None = None  # None: the node runs without the national exchange
    root: RootScope = field(default_factory=RootScope)
    national_identities: TrustedIdentities = field(default_factory=TrustedIdentities)
    # Statistics answers (``services.statistics``), each valid for the data version it was counted at.
    statistics_answers: VersionedAnswers[tuple[CountRow, ...]] = field(default_factory=VersionedAnswers)

    async def aclose(self) -> None:
        """Close the database connections and the link to the exchange."""
        if self.exchange is not None:
            await self.exchange.aclose()
        await self.engine.dispose()
        await self.rollup_engine.dispose()
        await self.committed_reads.aclose()

    @property
    def province(self) -> str:
        """The province code, e.g. ``"42"``."""
        return self.settings.province

    @property
    def profile(self) -> Profile:
        """The required-field profile this province validates against."""
        return self.settings.profile

    @property
    def national_key(self) -> NationalKey:
        """The key for identity tokens, shared by every node."""
        return self.node.national_key


def open_tenant(settings: TenantSettings, node: NodeSettings) -> Tenant:
    """Build a tenant's engine and helpers (connections are opened lazily, on first use)."""
    engine = tenant_engine(settings.database_url, statement_seconds=node.limits.statement_seconds)
    return Tenant(
        settings=settings,
        node=node,
        engine=engine,
        sessions=session_factory(engine),
        rollup_engine=tenant_engine(settings.database_url, pool_size=1, max_overflow=0),
        committed_reads=CommittedReads(settings.database_url, statement_seconds=node.limits.statement_seconds),
        cipher=PersonalDataCipher(settings.data_key),
        passwords=Passwords(node.password_cost),
        exchange=ExchangeClient(node.exchange) if node.exchange else None,
    )
