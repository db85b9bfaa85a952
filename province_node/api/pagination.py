"""Relay-style connections over keyset pages (forward: ``first`` and ``after``)."""

from __future__ import annotations

from typing import Any

import strawberry

from province_node.services.pages import Page


@strawberry.type(description="Where a page starts and ends, and whether rows come before and after it.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(description="True for a page asked for after a cursor.")
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, page: Page[Any]) -> PageInfo:
        """The page info of ``page``."""
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.start_cursor,
            end_cursor=page.end_cursor,
        )
