"""The Hunan node and the exchange as separate processes over real HTTP: members reach the index exactly
once, a person held by another province is refused (at registration, at a rejoin, at an ID correction),
and one registered or rejoined while the exchange was down is kept pending, claimed again later and
recorded as a conflict both sides can see."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Awaitable, Callable

import anyio
import pytest

from exchange.protocol.service_tokens import PeerKey
from province_node.exchange_link.client import ClaimOutcome, ExchangeClient
from province_node.exchange_link.reconcile import Reconciliation, reconcile
from province_node.tenant import Tenant
from tests.e2e.processes import Service, node_environment
from tests.integration.province_node.conftest import GraphQLClient, gid, scalar
from tests.integration.province_node.test_members import UPDATE, change, furong_input, register
from tests.integration.province_node.world import World

pytestmark = pytest.mark.anyio

CONFLICTS = """{ identityConflicts { unavailable conflicts { otherProvince otherProvinceName heldHere
    member { name } } } }"""


async def eventually(check: Callable[[], Awaitable[bool]], *, seconds: float = 30) -> None:
    """Wait until ``check`` holds (the relay works in the background)."""
    with anyio.fail_after(seconds):
        while not await check():
            await anyio.sleep(0.1)


async def reconciled(tenant: Tenant) -> Reconciliation:
    """The reconciliation of the tenant once its outbox is empty and nothing differs."""
    assert tenant.exchange is not None
    found: list[Reconciliation] = []

    async def clean() -> bool:
        found[:] = [await reconcile(tenant, tenant.exchange)]  # type: ignore[arg-type]
        return found[0].unsent_events == 0 and found[0].differences == 0

    await eventually(clean)
    return found[0]


async def test_the_provinces_members_reach_the_index_and_reconcile_without_difference(
    world: World, client: object
) -> None:
    report = await reconciled(world.tenant)
    assert report.index_current == report.node_current > 0
    assert await scalar(world.tenant, "SELECT count(*) FROM outbox WHERE seq IS NULL OR sent_at IS NULL") == 0


async def test_a_person_another_province_holds_is_refused_with_the_province(
    world: World, furong_clerk: GraphQLClient, hubei: ExchangeClient
) -> None:
    fields = furong_input(world)
    token = await _token_of(world, fields)
    assert (await hubei.claim("42", [token]))[token].outcome is ClaimOutcome.GRANTED
    result = await register(furong_clerk, fields)
    assert result["__typename"] == "DuplicateMemberError"
    assert result["code"] == "DUPLICATE_IN_OTHER_PROVINCE"
    assert "湖北省" in result["where"]


async def test_a_member_registered_while_the_exchange_is_down_is_kept_and_the_conflict_recorded_later(
    world: World, furong_clerk: GraphQLClient, hubei: ExchangeClient, exchange_service: Service
) -> None:
    fields = furong_input(world)
    token = await _token_of(world, fields)
    await hubei.claim("42", [token])  # Hubei registers the person first
    exchange_service.kill()
    result = await register(furong_clerk, fields)
    assert result["__typename"] == "MemberSaved"  # the clerk's work is not lost
    assert await scalar(world.tenant, "SELECT count(*) FROM identity_check WHERE state = 'pending'") == 1
    exchange_service.start()

    async def recorded() -> bool:  # at the node (claimed again) and at the exchange (the event delivered)
        here = await scalar(world.tenant, "SELECT count(*) FROM identity_check WHERE state = 'conflict'")
        return bool(here) and bool(await hubei.conflicts("42"))

    await eventually(recorded)
    listed = (await furong_clerk.data(CONFLICTS))["identityConflicts"]
    assert listed["unavailable"] is None
    assert [(c["otherProvince"], c["member"]["name"]) for c in listed["conflicts"]] == [("42", fields["name"])]
    hubei_side = await hubei.conflicts("42")
    assert [(c["holder"], c["claimant"]) for c in hubei_side] == [("42", "43")]


async def _ended_member_hubei_has_claimed(world: World, furong_clerk: GraphQLClient, hubei: ExchangeClient) -> int:
    """A Hunan member who ended (the end synced) and has joined in Hubei since."""
    member_id = world.furong_members[0].member.id
    await change(furong_clerk, member_id, "END", endReason="LEFT_JOB")
    await reconciled(world.tenant)
    token = str(await scalar(world.tenant, "SELECT token FROM member WHERE id = :id", id=member_id))
    assert (await hubei.claim("42", [token]))[token].outcome is ClaimOutcome.GRANTED
    return member_id


async def _status(world: World, member_id: int) -> str:
    return str(await scalar(world.tenant, "SELECT status FROM membership WHERE member_id = :id", id=member_id))


async def test_a_rejoin_of_a_person_another_province_holds_is_refused_with_the_province(
    world: World, furong_clerk: GraphQLClient, hubei: ExchangeClient
) -> None:
    member_id = await _ended_member_hubei_has_claimed(world, furong_clerk, hubei)
    result = await change(furong_clerk, member_id, "REJOIN")
    assert (result["__typename"], result["code"]) == ("DuplicateMemberError", "DUPLICATE_IN_OTHER_PROVINCE")
    assert "湖北省" in result["where"]
    assert await _status(world, member_id) == "ended"
    assert not await hubei.conflicts("42")  # refused here, nothing for the exchange to record


async def test_a_rejoin_nobody_else_holds_reaches_the_index_as_current(
    world: World, furong_clerk: GraphQLClient
) -> None:
    member_id = world.furong_members[0].member.id
    await change(furong_clerk, member_id, "END", endReason="LEFT_JOB")
    await reconciled(world.tenant)
    result = await change(furong_clerk, member_id, "REJOIN")
    assert result["__typename"] == "MemberSaved"
    report = await reconciled(world.tenant)
    assert report.index_current == report.node_current
    assert await scalar(world.tenant, "SELECT count(*) FROM identity_check") == 0


async def test_a_rejoin_while_the_exchange_is_down_is_kept_and_the_conflict_recorded_later(
    world: World, furong_clerk: GraphQLClient, hubei: ExchangeClient, exchange_service: Service
) -> None:
    member_id = await _ended_member_hubei_has_claimed(world, furong_clerk, hubei)
    exchange_service.kill()
    result = await change(furong_clerk, member_id, "REJOIN")
    assert result["__typename"] == "MemberSaved"  # the clerk's work is not lost
    assert await scalar(world.tenant, "SELECT state FROM identity_check WHERE member_id = :id", id=member_id) == (
        "pending"
    )
    exchange_service.start()

    async def recorded() -> bool:
        return bool(await hubei.conflicts("42"))

    await eventually(recorded)
    assert [(c["holder"], c["claimant"]) for c in await hubei.conflicts("42")] == [("42", "43")]


async def test_correcting_an_id_number_to_one_another_province_holds_is_refused_with_the_province(
    world: World, furong_clerk: GraphQLClient, hubei: ExchangeClient
) -> None:
    member_id = world.furong_members[0].member.id
    held_in_hubei = furong_input(world)
    token = await _token_of(world, held_in_hubei)
    await hubei.claim("42", [token])
    before = await scalar(world.tenant, "SELECT token FROM member WHERE id = :id", id=member_id)
    corrected = {key: held_in_hubei[key] for key in ("idNumber", "gender", "birthDate")}
    result = (await furong_clerk.data(UPDATE, {"id": gid("Member", member_id), "input": corrected}))["updateMember"]
    assert (result["__typename"], result["code"]) == ("DuplicateMemberError", "DUPLICATE_IN_OTHER_PROVINCE")
    assert "湖北省" in result["where"]
    assert await scalar(world.tenant, "SELECT token FROM member WHERE id = :id", id=member_id) == before


async def test_a_corrected_id_number_nobody_else_holds_reaches_the_index(
    world: World, furong_clerk: GraphQLClient
) -> None:
    member_id = world.furong_members[0].member.id
    new_person = furong_input(world)
    corrected = {key: new_person[key] for key in ("idNumber", "gender", "birthDate")}
    result = (await furong_clerk.data(UPDATE, {"id": gid("Member", member_id), "input": corrected}))["updateMember"]
    assert result["__typename"] == "MemberSaved"
    report = await reconciled(world.tenant)
    assert report.index_current == report.node_current


async def _token_of(world: World, fields: dict[str, object]) -> str:
    from exchange.standard import identity_token, validate_id_number

    verdict = validate_id_number("01", str(fields["idNumber"]))
    assert verdict.document is not None
    return identity_token(world.tenant.national_key, verdict.document)


async def test_the_reconcile_command_reports_no_difference_once_synced(
    world: World, client: object, database_url: str, exchange_service: Service, hunan_key: PeerKey
) -> None:
    await reconciled(world.tenant)
    environment = {
        **os.environ,
        **node_environment({"43": ("hunan", database_url)}, exchange_service, "node-hunan", hunan_key),
    }
    done = await anyio.run_process(
        [sys.executable, "-m", "unionfed", "exchange", "reconcile"], env=environment, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["province"], report["differences"], report["unsentEvents"]) == ("43", 0, 0)
    assert report["nodeCurrent"] == report["indexCurrent"] > 0
