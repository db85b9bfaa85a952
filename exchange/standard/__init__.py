"""The national data standard as a library: code lists, validators, identity tokens, profiles.

Every service imports it; it imports nothing but the Python standard library and its own data files, so
a province node, the exchange and the gateway all apply exactly the same rules. Validators accept any
cell value and never raise on bad input: they return a ``Verdict`` with problems that carry a stable
code, the field and a Chinese message.
"""

from exchange.standard.code_lists import CodeEntry, CodeList, code_list, code_list_names
from exchange.standard.credit_codes import (
    UNION_USCC_PREFIXES,
    is_temporary_code,
    temporary_code,
    validate_credit_code,
    validate_temporary_code,
    validate_uscc,
)
from exchange.standard.dates import china_today, excel_serial_date, parse_date
from exchange.standard.exceptions import (
    BadCodeListData,
    NationalKeyError,
    StandardError,
    UnknownCodeList,
    UnknownProfile,
)
from exchange.standard.id_numbers import (
    FEMALE,
    FOREIGN_PERMANENT_RESIDENT_ID,
    HK_MACAO_RESIDENCE_PERMIT,
    HK_MACAO_TRAVEL_PERMIT,
    MALE,
    PASSPORT,
    RESIDENT_ID,
    TAIWAN_RESIDENCE_PERMIT,
    TAIWAN_TRAVEL_PERMIT,
    validate_id_number,
    validate_resident_id,
)
from exchange.standard.identity import IdentityDocument, NationalKey, identity_token, tokens_match
from exchange.standard.member_record import MemberVerdict, validate_member
from exchange.standard.organisation_record import (
    RecordVerdict,
    is_grassroots,
    validate_union_record,
    validate_unit_record,
)
from exchange.standard.phones import validate_phone
from exchange.standard.problems import FIELD_LABELS, Problem, ProblemCode, problem
from exchange.standard.profiles import Profile, profile, profile_names
from exchange.standard.record_fields import is_blank
from exchange.standard.regions import (
    current_city_codes,
    current_county_codes,
    is_known_region,
    region_name,
    resident_id_prefixes,
)
from exchange.standard.verdict import DateVerdict, PersonIdVerdict, Verdict

__all__ = [
    "FEMALE",
    "FIELD_LABELS",
    "FOREIGN_PERMANENT_RESIDENT_ID",
    "HK_MACAO_RESIDENCE_PERMIT",
    "HK_MACAO_TRAVEL_PERMIT",
    "MALE",
    "PASSPORT",
    "RESIDENT_ID",
    "TAIWAN_RESIDENCE_PERMIT",
    "TAIWAN_TRAVEL_PERMIT",
    "UNION_USCC_PREFIXES",
    "BadCodeListData",
    "CodeEntry",
    "CodeList",
    "DateVerdict",
    "IdentityDocument",
    "MemberVerdict",
    "NationalKey",
    "NationalKeyError",
    "PersonIdVerdict",
    "Problem",
    "ProblemCode",
    "Profile",
    "RecordVerdict",
    "StandardError",
    "UnknownCodeList",
    "UnknownProfile",
    "Verdict",
    "china_today",
    "code_list",
    "code_list_names",
    "current_city_codes",
    "current_county_codes",
    "excel_serial_date",
    "identity_token",
    "is_blank",
    "is_grassroots",
    "is_known_region",
    "is_temporary_code",
    "parse_date",
    "problem",
    "profile",
    "profile_names",
    "region_name",
    "resident_id_prefixes",
    "temporary_code",
    "tokens_match",
    "validate_credit_code",
    "validate_id_number",
    "validate_member",
    "validate_phone",
    "validate_resident_id",
    "validate_temporary_code",
    "validate_union_record",
    "validate_unit_record",
    "validate_uscc",
]
