"""How fast the standard validates: resident IDs, USCCs and whole member records, per item.

Issue 4's import target is 20,000 rows/s end to end on 2 cores, so a whole-record validation must stay
well under 50 µs. Prints the median of several rounds.

    .venv/bin/python bench/standard_validators.py
"""

from __future__ import annotations

import datetime
import platform
import random
import statistics
import time
from collections.abc import Callable

from exchange.standard import NationalKey, identity_token, profile, validate_member, validate_resident_id, validate_uscc
from exchange.standard.checksums import mod11_2_check, uscc_check

ROUNDS = 5
ITEMS = 20_000
TODAY = datetime.date(2026, 11, 22)


def resident_ids(count: int, rng: random.Random) -> list[str]:
    numbers = []
    for _ in range(count):
        birth = datetime.date(1955, 1, 1) + datetime.timedelta(days=rng.randrange(18_000))
        body = f"4201{rng.randrange(1, 20):02d}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        numbers.append(body + mod11_2_check(body))
    return numbers


def usccs(count: int, rng: random.Random) -> list[str]:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    codes = []
    for _ in range(count):
        body = "91420100" + "".join(rng.choice(alphabet) for _ in range(9))
        codes.append(body + uscc_check(body))
    return codes


def median_microseconds(work: Callable[[], object], items: int) -> float:
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) / items * 1e6


def main() -> None:
    rng = random.Random(7)
    ids = resident_ids(ITEMS, rng)
    codes = usccs(ITEMS, rng)
    records = [
        {
            "name": "张伟",
            "idNumber": number,
            "phone": "13812345678",
            "householdType": "非农业户口",
            "education": "大学本科",
            "politicalStatus": "群众",
            "ethnicity": "汉族",
            "unit": "武汉钢铁有限公司",
            "union": "武汉钢铁有限公司工会",
        }
        for number in ids
    ]
    hunan = profile("hunan")
    key = NationalKey(b"k" * 32)
    documents = [validate_resident_id(number, today=TODAY).document for number in ids]

    results = {
        "resident ID": median_microseconds(lambda: [validate_resident_id(n, today=TODAY) for n in ids], ITEMS),
        "USCC": median_microseconds(lambda: [validate_uscc(code) for code in codes], ITEMS),
        "member record (hunan)": median_microseconds(
            lambda: [validate_member(record, hunan, today=TODAY) for record in records], ITEMS
        ),
        "identity token": median_microseconds(
            lambda: [identity_token(key, doc) for doc in documents if doc is not None], ITEMS
        ),
    }
    print(f"standard validators, {ITEMS} items x {ROUNDS} rounds, median; {platform.python_version()}")
    for name, micros in results.items():
        print(f"  {name:<24} {micros:8.2f} µs/item  {1e6 / micros:>12,.0f} items/s (one core)")


if __name__ == "__main__":
    main()
