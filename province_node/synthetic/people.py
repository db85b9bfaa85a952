"""Synthetic people: Chinese names, resident IDs with the province's real region codes, phones, and the
coded attributes in proportions like those of a real workforce."""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import random
from dataclasses import dataclass
from typing import Final

from exchange.standard import current_county_codes
from exchange.standard.checksums import mod11_2_check

SURNAMES: Final = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
MALE_GIVEN: Final = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国峰亮成志文斌博睿泽晨"
FEMALE_GIVEN: Final = "芳娜敏静丽艳娟霞秀玲燕婷雪慧颖琳晶倩佳欣悦怡萍红梅兰丹莉洁蕾薇琴瑶璐思雨涵"
MOBILE_PREFIXES: Final = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "186", "187", "188", "189", "199",
)  # fmt: skip

# (code, weight) pairs: shares of a typical union membership.
EDUCATION: Final = (("10", 4), ("20", 28), ("30", 27), ("40", 12), ("60", 15), ("70", 11), ("80", 2), ("90", 1))
POLITICAL_STATUS: Final = (("01", 16), ("02", 1), ("03", 9), ("05", 1), ("12", 1), ("13", 72))
HOUSEHOLD_TYPE: Final = (("1", 36), ("2", 42), ("3", 20), ("9", 2))
EMPLOYMENT_STATUS: Final = (("1", 88), ("2", 6), ("3", 1), ("5", 4), ("9", 1))
NEW_EMPLOYMENT_FORM: Final = (("0", 91), ("1", 2), ("2", 2), ("3", 2), ("4", 2), ("5", 1), ("9", 1))
UNION_POSITION: Final = (("99", 90), ("04", 5), ("09", 2), ("03", 1), ("01", 1), ("08", 1))
CARD_STATUS: Final = (("0", 30), ("1", 40), ("2", 30))
# Ethnic minorities with a large population in a province, beside the Han majority.
MINORITIES: Final = {"43": ("15", "06", "12", "13"), "42": ("15", "06"), "33": ("22",)}


@functools.cache
def _cumulative(weighted: tuple[tuple[str, int], ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    codes, weights = zip(*weighted, strict=True)
    return codes, tuple(itertools.accumulate(weights))


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    # What ``rng.choices(codes, weights)[0]`` picks, with the running totals worked out once.
    codes, totals = _cumulative(weighted)
    return codes[bisect.bisect(totals, rng.random() * totals[-1], 0, len(totals) - 1)]


def chinese_name(rng: random.Random, gender: str) -> str:
    """A Chinese name: a common surname and one or two given-name characters typical of ``gender``."""
    given = MALE_GIVEN if gender == "1" else FEMALE_GIVEN
    length = 1 if rng.random() * 100 < 35 else 2  # what rng.choices((1, 2), (35, 65)) draws
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(length))


def mobile_phone(rng: random.Random) -> str:
    """A mainland mobile number with a real operator prefix."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


@dataclass(frozen=True, slots=True)
class Person:
    """A synthetic member's personal fields, as codes (the standard's camelCase names)."""

    name: str
    id_number: str
    gender: str
    birth_date: datetime.date
    phone: str
    ethnicity: str
    political_status: str
    education: str
    household_type: str
    employment_status: str
    new_employment_form: str
    union_position: str
    position_kind: str
    card_status: str
    joined_on: datetime.date

    def record(self) -> dict[str, object]:
        """The person as a member record for the standard's validator."""
        return {
            "name": self.name,
            "idType": "01",
            "idNumber": self.id_number,
            "gender": self.gender,
            "birthDate": self.birth_date,
            "phone": self.phone,
            "ethnicity": self.ethnicity,
            "politicalStatus": self.political_status,
            "education": self.education,
            "householdType": self.household_type,
            "nationality": "CHN",
            "employmentStatus": self.employment_status,
            "newEmploymentForm": self.new_employment_form,
            "unionPosition": self.union_position,
            "positionKind": self.position_kind,
            "cardStatus": self.card_status,
            "joinedOn": self.joined_on,
        }


class PersonFactory:
    """Makes people of one province, deterministic for the seed of ``rng``."""

    def __init__(self, province: str, rng: random.Random, today: datetime.date) -> None:
        self.province = province
        self.rng = rng
        self.today = today
        self.regions = current_county_codes(province)
        self.minorities = MINORITIES.get(province, ())

    def birth_date(self) -> datetime.date:
        """Birth years 1955-2006, weighted toward today's working ages."""
        year = min(2006, max(1955, round(self.rng.triangular(1958, 2005, 1985))))
        return datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randrange(365))

    def resident_id(self, birth: datetime.date, gender: str, region: str | None = None) -> str:
        """A valid resident ID: a real county code of the province (``region`` if given), the birth date,
        sequence parity = gender."""
        sequence = self.rng.randrange(500) * 2 + (1 if gender == "1" else 0)
        body = f"{region or self.rng.choice(self.regions)}{birth:%Y%m%d}{sequence:03d}"
        return body + mod11_2_check(body)

    def name(self, gender: str) -> str:
        return chinese_name(self.rng, gender)

    def phone(self) -> str:
        return mobile_phone(self.rng)

    def person(self, region: str | None = None) -> Person:
        """One synthetic person, valid under every profile; ``region``: the county code of their ID."""
        rng = self.rng
        gender = "1" if rng.random() < 0.55 else "2"
        birth = self.birth_date()
        earliest_join = datetime.date(birth.year + 18, birth.month, min(birth.day, 28))
        span = max(1, (self.today - earliest_join).days)
        joined = min(self.today, earliest_join + datetime.timedelta(days=rng.randrange(span)))
        position = _pick(rng, UNION_POSITION)
        ethnicity = rng.choice(self.minorities) if self.minorities and rng.random() < 0.06 else "01"
        return Person(
            name=self.name(gender),
            id_number=self.resident_id(birth, gender, region),
            gender=gender,
            birth_date=birth,
            phone=self.phone(),
            ethnicity=ethnicity,
            political_status=_pick(rng, POLITICAL_STATUS),
            education=_pick(rng, EDUCATION),
            household_type=_pick(rng, HOUSEHOLD_TYPE),
            employment_status=_pick(rng, EMPLOYMENT_STATUS),
            new_employment_form=_pick(rng, NEW_EMPLOYMENT_FORM),
            union_position=position,
            position_kind="9" if position == "99" else rng.choice(("1", "2", "2", "2")),
            card_status=_pick(rng, CARD_STATUS),
            joined_on=joined,
        )
