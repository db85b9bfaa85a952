"""Claims an import made and then rolled back are released, so the people are free for other provinces;
claims of an import still writing are kept."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from exchange.standard import identity_token, validate_id_number
from province_node.exchange_link.client import ClaimOutcome, ExchangeClient
from province_node.exchange_link.release import hold_import_claims, release_unconfirmed_claims
from province_node.synthetic.people import Person
from tests.e2e.test_node_and_exchange import eventually, reconciled
from tests.integration.province_node.conftest import fetch
from tests.integration.province_node.world import World
from tests.integration.rosters.importing import furong_roster, people, run_import
from unionfed.postgres import libpq_url

pytestmark = pytest.mark.anyio


def token_of(world: World, person: Person) -> str:
    """The identity token of a synthetic person, as the node computes it."""
    verdict = validate_id_number("01", person.id_number)
    assert verdict.document is not None
    return identity_token(world.tenant.national_key, verdict.document)


async def test_the_claims_of_a_rolled_back_import_are_released_for_other_provinces(
    world: World, client: object, hubei: ExchangeClient, tmp_path: Path
) -> None:
    persons = people(world, 3)
    held_by_hubei = token_of(world, persons[2])
    await hubei.claim("42", [held_by_hubei])
    summary = await run_import(world, furong_roster(world, tmp_path / "roster.xlsx", persons), world.furong_union)
    assert summary.written is False  # all or nothing: one row is Hubei's, so nothing is kept
    freed = [token_of(world, person) for person in persons[:2]]

    async def released() -> bool:
        answers = await hubei.claim("42", freed)
        return all(answers[token].outcome is ClaimOutcome.GRANTED for token in freed)

    await eventually(released)
    sent = await fetch(
        world.tenant,
        "SELECT e->>'token' FROM outbox, jsonb_array_elements(payload->'events') e WHERE event_type = 'claim.released'",
    )
    assert sorted(token for (token,) in sent) == sorted(freed)  # they had been claimed, and were released


async def test_claims_are_kept_while_an_import_is_writing(
    world: World, hubei: ExchangeClient, database_url: str
) -> None:
    tenant = world.tenant
    assert tenant.exchange is not None
    token = token_of(world, people(world, 1)[0])
    await tenant.exchange.claim("43", [token])
    with psycopg.connect(libpq_url(tenant.settings.database_url)) as importing:
        hold_import_claims(importing)
        assert await release_unconfirmed_claims(tenant, tenant.exchange, grace=0) == 0
        importing.rollback()
    assert await release_unconfirmed_claims(tenant, tenant.exchange, grace=0) == 1


async def test_a_released_claim_is_no_difference_in_the_reconciliation(
    world: World, client: object, tmp_path: Path
) -> None:
    tenant = world.tenant
    assert tenant.exchange is not None
    await tenant.exchange.claim("43", [token_of(world, people(world, 1)[0])])
    await release_unconfirmed_claims(tenant, tenant.exchange, grace=0)
    report = await reconciled(tenant)
    assert report.unconfirmed_claims == 0
