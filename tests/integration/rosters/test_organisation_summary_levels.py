"""The organisation summary has no column for a union's level: a union it creates is a grassroots one
(level 6), and a union it finds keeps the level it has (a township federation is not demoted)."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pytest

from province_node.domain.access import Role
from province_node.services import organisations
from province_node.synthetic.credit_codes import ENTERPRISE, GRASSROOTS_UNION, make_uscc
from tests.integration.province_node.conftest import scalar
from tests.integration.province_node.world import World
from tests.integration.rosters.importing import run_import
from tests.roster_files import write_sheet

pytestmark = pytest.mark.anyio

HEADERS = ("序号", "单位名称", "单位组织机构代码证", "单位性质", "单位地址", "职工人数", "工会名称", "建会时间",
           "工会类型", "会员人数", "工会负责人", "联系电话", "备注", "工会统一社会信用代码")  # fmt: skip
FOUNDED = datetime.date(2015, 3, 1)
TOWNSHIP_FEDERATION = {"name": "某街道工会联合会", "orgLevel": "4", "unionType": "3", "foundedOn": "2001-05-06",
                       "leader": "张三", "phone": "0731-12345678"}  # fmt: skip


async def _township_federation(world: World) -> tuple[int, str]:
    """A level-4 township federation (街道工会联合会) under 芙蓉区总工会: its id and credit code."""
    uow = world.uow(world.caller(world.city, Role.ADMIN))
    async with uow:
        town = await organisations.create_organisation(
            uow,
            parent_id=world.furong.id,
            record=TOWNSHIP_FEDERATION,
            issue_temporary=True,
        )
        return town.id, str(town.credit_code)


async def _level(world: World, name: str) -> str:
    return str(await scalar(world.tenant, "SELECT org_level FROM organisation WHERE name = :name", name=name))


async def test_a_summary_row_for_an_existing_union_keeps_its_level_and_a_new_union_is_grassroots(
    world: World, tmp_path: Path
) -> None:
    town_id, town_code = await _township_federation(world)
    rng = random.Random(11)
    rows = [
        [1, "街道社区服务中心", make_uscc(rng, ENTERPRISE, "430102"), "私营经济", "长沙市芙蓉区人民路8号", 20,
         "某街道工会联合会", FOUNDED, "工会联合会", 12, "王五", "13812345679", "", town_code],
        [2, "蓉城新材料有限公司", make_uscc(rng, ENTERPRISE, "430102"), "私营经济", "长沙市芙蓉区人民路9号", 40,
         "蓉城新材料公司工会", FOUNDED, "单独基层工会（单建）", 30, "李明", "13812345678", "",
         make_uscc(rng, GRASSROOTS_UNION, "430102")],
    ]  # fmt: skip
    summary = await run_import(world, write_sheet(tmp_path / "汇总表.xlsx", [HEADERS, *rows]), world.furong)
    assert (summary.created, summary.rejected, summary.written) == (2, {}, True)  # both units are new
    assert await _level(world, "某街道工会联合会") == "4"
    assert await scalar(world.tenant, "SELECT leader FROM organisation WHERE id = :i", i=town_id) == "王五"
    assert await _level(world, "蓉城新材料公司工会") == "6"
