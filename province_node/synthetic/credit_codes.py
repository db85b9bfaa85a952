"""Valid unified social credit codes for synthetic units and unions."""

from __future__ import annotations

import random

from exchange.standard.checksums import USCC_ALPHABET, uscc_check

# Registration authority + organisation category of the codes we make.
ENTERPRISE = "91"  # 工商 / 企业
PUBLIC_INSTITUTION = "12"  # 机构编制 / 事业单位
GOVERNMENT = "11"  # 机构编制 / 机关
GRASSROOTS_UNION = "81"  # 工会 / 基层工会
OTHER_UNION = "89"  # 工会 / 其他


def make_uscc(rng: random.Random, kind: str, region: str) -> str:
    """A valid USCC of ``kind`` (two characters, e.g. ``ENTERPRISE``) registered in ``region`` (6 digits)."""
    organisation = "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    body = kind + region + organisation
    return body + uscc_check(body)
