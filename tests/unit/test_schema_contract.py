"""``schema.graphql`` is the province node's contract: it must equal the schema exported from the code."""

from __future__ import annotations

from pathlib import Path

from province_node.api.schema import schema_sdl

REPO = Path(__file__).resolve().parents[2]


def test_the_committed_schema_equals_the_schema_of_the_code() -> None:
    committed = (REPO / "schema.graphql").read_text(encoding="utf-8")
    assert committed == schema_sdl(), "schema.graphql is stale: run `unionfed schema --write schema.graphql`"
