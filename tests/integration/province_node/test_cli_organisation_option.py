"""``--org`` of ``unionfed import`` and ``unionfed export``: the organisation named by its id, its number or its
credit code, looked up in the tenant; a name no organisation has is refused with the API's ``NOT_FOUND``."""

from __future__ import annotations

import pytest

from province_node.api.ids import global_id
from province_node.domain.access import Caller
from province_node.domain.errors import DomainError, ErrorCode
from province_node.services.unit_of_work import Database, UnitOfWork
from tests.integration.province_node.world import World
from unionfed.commands.organisation_option import resolve_organisation

pytestmark = pytest.mark.anyio


async def resolved(world: World, reference: str, caller: Caller | None = None) -> int:
    """The organisation id ``reference`` names, looked up as the commands do (``import`` before it has a caller)."""
    async with world.tenant.sessions() as session:
        return await resolve_organisation(UnitOfWork(Database(session), world.tenant, caller), reference)


async def test_an_organisation_is_found_by_its_credit_code_whatever_its_case_and_blanks(world: World) -> None:
    code = str(world.tianxin_union.credit_code)
    assert await resolved(world, code) == world.tianxin_union.id
    assert await resolved(world, f" {code.lower()}\n") == world.tianxin_union.id


async def test_an_organisation_is_found_by_the_id_the_api_shows_or_its_number(world: World) -> None:
    assert await resolved(world, global_id("Organisation", world.furong.id)) == world.furong.id
    assert await resolved(world, str(world.furong.id)) == world.furong.id


@pytest.mark.parametrize("reference", ["91430100MA4L16JQ8X", "99999999"], ids=["credit-code", "number"])
async def test_a_reference_no_organisation_has_is_not_found(world: World, reference: str) -> None:
    with pytest.raises(DomainError) as refused:
        await resolved(world, reference)
    assert (refused.value.code, refused.value.message) == (ErrorCode.NOT_FOUND, "在您的管辖范围内找不到该工会组织")


async def test_a_credit_code_with_a_control_character_is_refused_before_the_database_sees_it(world: World) -> None:
    with pytest.raises(DomainError) as refused:
        await resolved(world, "91430100MA4L16JQ8\x00")
    assert refused.value.code is ErrorCode.INVALID_ARGUMENT
    assert "控制字符" in refused.value.message


@pytest.mark.parametrize("form", ["credit-code", "number"])
async def test_a_caller_is_told_an_organisation_outside_its_subtree_is_not_found(world: World, form: str) -> None:
    outside = world.tianxin_union
    reference = str(outside.credit_code) if form == "credit-code" else str(outside.id)
    with pytest.raises(DomainError) as refused:
        await resolved(world, reference, world.caller(world.furong))
    assert (refused.value.code, refused.value.message) == (ErrorCode.NOT_FOUND, "在您的管辖范围内找不到该工会组织")
