"""Valid unified social credit codes for synthetic units and unions."""

from __future__ import annotations

import functools
import itertools
import random

from exchange.standard.checksums import USCC_ALPHABET, uscc_check

# Registration authority + organisation category of the codes we make (GB 32100-2015, table 1).
GOVERNMENT = "11"  # 机构编制 / 机关
PUBLIC_INSTITUTION = "12"  # 机构编制 / 事业单位
LAW_FIRM = "31"  # 司法行政 / 律师执业机构
SOCIAL_ORGANISATION = "51"  # 民政 / 社会团体
PRIVATE_NON_ENTERPRISE = "52"  # 民政 / 民办非企业单位
GRASSROOTS_UNION = "81"  # 工会 / 基层工会
OTHER_UNION = "89"  # 工会 / 其他
ENTERPRISE = "91"  # 工商 / 企业
INDIVIDUAL_BUSINESS = "92"  # 工商 / 个体工商户
VILLAGE_COLLECTIVE = "N2"  # 农业 / 村级集体经济组织


ORGANISATION_CODES = len(USCC_ALPHABET) ** 9  # how many nine-character organisation parts there are


def make_uscc(rng: random.Random, kind: str, region: str) -> str:
    """A valid USCC of ``kind`` (two characters, e.g. ``ENTERPRISE``) registered in ``region`` (6 digits)."""
    organisation = "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    body = kind + region + organisation
    return body + uscc_check(body)


def numbered_uscc(kind: str, region: str, number: int) -> str:
    """The USCC of ``kind`` in ``region`` whose organisation part is ``number`` (0 ≤ number <
    ``ORGANISATION_CODES``) written in the USCC alphabet: one random number per code instead of nine draws."""
    triples = _triples()
    high, low = divmod(number, len(triples))
    high, middle = divmod(high, len(triples))
    body = kind + region + triples[high] + triples[middle] + triples[low]
    return body + uscc_check(body)


@functools.cache
def _triples() -> tuple[str, ...]:
    """Every three-character string of the USCC alphabet, in order."""
    return tuple(map("".join, itertools.product(USCC_ALPHABET, repeat=3)))
