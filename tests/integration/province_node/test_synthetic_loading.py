"""``unionfed generate province``: a planned province loaded straight into an empty tenant, members through
the bulk import, every member findable in the tree the plan made."""

from __future__ import annotations

from collections import Counter

import anyio
import pytest

from province_node.domain.errors import DomainError
from province_node.synthetic.hierarchy import plan_province
from province_node.synthetic.loading import load_hierarchy, load_members
from province_node.synthetic.rosters import roster_entries
from province_node.tenant import Tenant
from tests.integration.province_node.conftest import fetch, scalar
from tests.integration.province_node.world import TODAY

pytestmark = pytest.mark.anyio


async def test_a_planned_province_is_loaded_with_every_organisation_unit_and_member(tenant: Tenant) -> None:
    hierarchy = plan_province("43", 400, seed=7, as_of=TODAY)
    loaded = await load_hierarchy(tenant, hierarchy, admin_username="province_admin")
    members = await anyio.to_thread.run_sync(
        lambda: load_members(tenant, hierarchy, loaded, seed=7, batch_rows=150, workers=1)
    )
    assert loaded.admin_password is not None  # the empty tenant was bootstrapped
    assert (members.rows, members.created, members.rejected, members.written) == (400, 400, 0, True)
    assert len(members.imports) == 3  # 150 + 150 + 100
    assert await scalar(tenant, "SELECT count(*) FROM organisation") == loaded.organisations
    assert await scalar(tenant, "SELECT count(*) FROM member") == 400
    assert await scalar(tenant, "SELECT count(*) FROM outbox") == 3  # one batch of events per import
    planned = Counter(entry.union for entry in roster_entries(hierarchy, seed=7))
    stored = await fetch(
        tenant,
        "SELECT o.name, count(*) FROM membership ms JOIN organisation o ON o.id = ms.union_id GROUP BY o.name",
    )
    assert dict(stored) == dict(planned)  # every member in the union the plan put them in


async def test_a_province_that_already_holds_members_is_not_loaded_again(tenant: Tenant) -> None:
    hierarchy = plan_province("43", 50, seed=1, as_of=TODAY)
    loaded = await load_hierarchy(tenant, hierarchy, admin_username="province_admin")
    await anyio.to_thread.run_sync(lambda: load_members(tenant, hierarchy, loaded, seed=1, workers=1))
    with pytest.raises(DomainError) as refused:
        await load_hierarchy(tenant, hierarchy, admin_username="province_admin")
    assert refused.value.code.value == "ORG_NOT_EMPTY"
    assert await scalar(tenant, "SELECT count(*) FROM member") == 50


async def test_a_plan_of_another_province_is_refused(tenant: Tenant) -> None:
    with pytest.raises(ValueError, match="province 42"):
        await load_hierarchy(tenant, plan_province("42", 10, as_of=TODAY), admin_username="province_admin")
