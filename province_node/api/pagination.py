"""Relay-style connections over keyset pages."""

from __future__ import annotations

import strawberry


@strawberry.type(description="Where a page ends, and whether more follow.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
