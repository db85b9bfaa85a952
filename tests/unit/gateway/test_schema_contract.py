"""``gateway/schema.graphql`` is the gateway's contract: it must equal the schema exported from the code
(which includes the node contract beneath ``province``: a change of the node's schema shows here too)."""

from __future__ import annotations

from pathlib import Path

from gateway.api.schema import schema_sdl

REPO = Path(__file__).resolve().parents[3]


def test_the_committed_gateway_schema_equals_the_schema_of_the_code() -> None:
    committed = (REPO / "gateway" / "schema.graphql").read_text(encoding="utf-8")
    assert committed == schema_sdl(), (
        "gateway/schema.graphql is stale: run `unionfed gateway schema --write gateway/schema.graphql`"
    )


def test_the_province_field_reuses_the_node_query_type_and_leaves_mutations_out() -> None:
    sdl = schema_sdl()
    assert "province(code: String!): ProvinceQuery" in sdl
    assert "memberByIdNumber(idNumber: String!" in sdl  # the node's own field, not re-declared
    assert "registerMember" not in sdl
    assert "input MemberInput" not in sdl
