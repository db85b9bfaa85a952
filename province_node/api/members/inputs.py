"""Input types of member queries and mutations: fields as clerks write them, checked by the standard."""

from __future__ import annotations

from enum import Enum

import strawberry

from province_node.api.codes import filter_codes
from province_node.api.ids import decode_optional_id
from province_node.domain.errors import ErrorCode, RuleViolation
from province_node.domain.lifecycle import EndReason, StatusChange
from province_node.services.members import MemberFilter

# Input attribute -> field name of the standard's member record.
PERSON_FIELDS = {
    "name": "name",
    "id_type": "idType",
    "id_number": "idNumber",
    "gender": "gender",
    "birth_date": "birthDate",
    "phone": "phone",
    "ethnicity": "ethnicity",
    "political_status": "politicalStatus",
    "education": "education",
    "household_type": "householdType",
    "nationality": "nationality",
    "employment_status": "employmentStatus",
    "joined_on": "joinedOn",
    "new_employment_form": "newEmploymentForm",
    "union_position": "unionPosition",
    "position_kind": "positionKind",
    "card_status": "cardStatus",
}


@strawberry.input(description="A new member's fields as written (labels or codes; dates as 2001-05-06 etc.).")
class MemberInput:
    name: str | None = None
    id_type: str | None = strawberry.field(default=None, description="Default: 居民身份证.")
    id_number: str | None = None
    gender: str | None = strawberry.field(default=None, description="Taken from a resident ID when left out.")
    birth_date: str | None = None
    phone: str | None = None
    ethnicity: str | None = None
    political_status: str | None = None
    education: str | None = None
    household_type: str | None = None
    nationality: str | None = strawberry.field(default=None, description="Default: 中国.")
    employment_status: str | None = None
    joined_on: str | None = None
    new_employment_form: str | None = None
    union_position: str | None = None
    position_kind: str | None = None
    card_status: str | None = None
    union: strawberry.ID | None = strawberry.field(default=None, description="The member's grassroots union.")
    unit: strawberry.ID | None = strawberry.field(default=None, description="The member's unit (employer).")

    def record(self) -> dict[str, object]:
        """The record the standard validates (``union``/``unit`` as row ids, blank when missing)."""
        record: dict[str, object] = {field: getattr(self, name) for name, field in PERSON_FIELDS.items()}
        union = decode_optional_id("Organisation", self.union, what="工会组织")
        unit = decode_optional_id("Unit", self.unit, what="单位")
        record["union"] = str(union) if union is not None else None
        record["unit"] = str(unit) if unit is not None else None
        return record


@strawberry.input(description="Fields to change; fields left out stay as they are, null clears.")
class MemberChangesInput:
    name: str | None = strawberry.UNSET
    id_type: str | None = strawberry.UNSET
    id_number: str | None = strawberry.field(default=strawberry.UNSET, description="Correcting it changes the token.")
    gender: str | None = strawberry.UNSET
    birth_date: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    ethnicity: str | None = strawberry.UNSET
    political_status: str | None = strawberry.UNSET
    education: str | None = strawberry.UNSET
    household_type: str | None = strawberry.UNSET
    nationality: str | None = strawberry.UNSET
    employment_status: str | None = strawberry.UNSET
    joined_on: str | None = strawberry.UNSET
    new_employment_form: str | None = strawberry.UNSET
    union_position: str | None = strawberry.UNSET
    position_kind: str | None = strawberry.UNSET
    card_status: str | None = strawberry.UNSET

    def changes(self) -> dict[str, object]:
        """The given fields, by the standard's field names."""
        return {
            field: getattr(self, name)
            for name, field in PERSON_FIELDS.items()
            if getattr(self, name) is not strawberry.UNSET
        }


@strawberry.enum(name="StatusChange", description="What to do to a membership.")
class StatusChangeKind(Enum):
    RETIRE = StatusChange.RETIRE.value
    RESERVE = StatusChange.RESERVE.value
    REACTIVATE = StatusChange.REACTIVATE.value
    END = StatusChange.END.value
    REJOIN = StatusChange.REJOIN.value


@strawberry.enum(name="EndReason", description="Why a membership ends (调出 only comes from a transfer).")
class EndReasonKind(Enum):
    LEFT_JOB = EndReason.LEFT_JOB.value
    RESIGNED = EndReason.RESIGNED.value
    EXPELLED = EndReason.EXPELLED.value
    DECEASED = EndReason.DECEASED.value
    OTHER = EndReason.OTHER.value


@strawberry.input(description="Which members to list or count. Values are codes or labels of the code lists.")
class MemberFilterInput:
    statuses: list[str] | None = strawberry.field(default=None, description="Default: every current status.")
    union: strawberry.ID | None = strawberry.field(
        default=None, description="Only members of this organisation's subtree."
    )
    unit: strawberry.ID | None = None
    genders: list[str] | None = None
    age_bands: list[str] | None = None
    min_age: int | None = None
    max_age: int | None = None
    educations: list[str] | None = None
    political_statuses: list[str] | None = None
    household_types: list[str] | None = None
    new_employment_forms: list[str] | None = None
    card_statuses: list[str] | None = None
    name: str | None = strawberry.field(default=None, description="Part of the name.")

    def to_filter(self) -> MemberFilter:
        """The service-level filter; ``RuleViolation`` for unknown codes or malformed ids."""
        for age in (self.min_age, self.max_age):
            if age is not None and not 0 <= age <= 150:
                raise RuleViolation(ErrorCode.INVALID_ARGUMENT, "年龄须在 0 至 150 之间")
        return MemberFilter(
            statuses=filter_codes("member_status", self.statuses),
            union_id=decode_optional_id("Organisation", self.union, what="工会组织"),
            unit_id=decode_optional_id("Unit", self.unit, what="单位"),
            genders=filter_codes("gender", self.genders),
            age_bands=filter_codes("age_band", self.age_bands),
            min_age=self.min_age,
            max_age=self.max_age,
            educations=filter_codes("education", self.educations),
            political_statuses=filter_codes("political_status", self.political_statuses),
            household_types=filter_codes("household_type", self.household_types),
            new_employment_forms=filter_codes("new_employment_form", self.new_employment_forms),
            card_statuses=filter_codes("card_status", self.card_statuses),
            name=self.name,
        )


def member_filter(value: MemberFilterInput | None) -> MemberFilter:
    """The filter of a query argument (all current members when omitted)."""
    return value.to_filter() if value is not None else MemberFilter()
