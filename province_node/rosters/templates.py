"""Empty import templates: one per layout and profile, with the seed headers, drop-downs and instructions.

A template's columns are the layout's columns for the profile, plus what a clerk needs to place and
identify records unambiguously whatever the profile: for members the ID type (a passport holder cannot be
registered without it), the union and its credit code (so one county file can fill several unions) and
the unit's credit code; for organisations the union's credit code (every grassroots union needs one).
Exports use the same columns, so an export is a filled template.
"""

from __future__ import annotations

from typing import Final

from exchange.standard import Profile
from exchange.standard.member_record import ALWAYS_REQUIRED
from province_node.rosters.layouts import MEMBER_ROSTER, ORGANISATION_SUMMARY, Column, Layout
from province_node.rosters.workbook import RosterWorkbook, Target

# Extra columns every template of a layout has, whatever the profile requires.
ALWAYS_OFFERED: Final[dict[str, frozenset[str]]] = {
    MEMBER_ROSTER.name: frozenset({"idType", "union", "unionCreditCode", "unitCreditCode"}),
    ORGANISATION_SUMMARY.name: frozenset({"union.creditCode"}),
}
# Fields required by the standard itself, whatever the profile: a member's unit (no 空挂会员), a unit's
# name and code, a grassroots union's name, type and credit code.
MEMBER_ALWAYS_REQUIRED: Final = ALWAYS_REQUIRED | {"unit"}
UNIT_ALWAYS_REQUIRED: Final = frozenset({"name", "creditCode"})
UNION_ALWAYS_REQUIRED: Final = frozenset({"name", "unionType", "creditCode"})


def template_columns(layout: Layout, profile: Profile) -> tuple[Column, ...]:
    """The columns of ``layout``'s template for ``profile``, in the layout's order."""
    chosen = set(layout.columns_for(profile))
    offered = ALWAYS_OFFERED.get(layout.name, frozenset())
    return tuple(column for column in layout.all_columns if column in chosen or column.field in offered)


def required_fields(layout: Layout, profile: Profile) -> frozenset[str]:
    """Column fields a row of ``layout`` must fill under ``profile`` (its headers are shown in red)."""
    if layout.name == MEMBER_ROSTER.name:
        return MEMBER_ALWAYS_REQUIRED | profile.member
    units = {f"unit.{name}" for name in profile.unit | UNIT_ALWAYS_REQUIRED}
    unions = {f"union.{name}" for name in profile.union | UNION_ALWAYS_REQUIRED}
    return frozenset(units | unions)


def write_template(layout: Layout, profile: Profile, target: Target) -> None:
    """Write the empty template of ``layout`` for ``profile`` to a path or a binary stream."""
    columns = template_columns(layout, profile)
    with RosterWorkbook(target, layout, profile, columns, required_fields(layout, profile), constant_memory=False):
        pass
