"""Whether free text (a verification's purpose, a log line's words) holds someone's ID or mobile number.

Free text that is kept for good, such as the purpose of a 核查 in the exchange's log, must not carry personal
numbers: the log is kept for audit, not as a register of people. The test is deliberately narrow, so a
date or a document number (湘工发〔2024〕12号) is not taken for one.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# A resident ID (18 characters, the last may be X, or the 15 digits of the old cards) or a mobile number
# (11 digits from 1), standing alone: a longer or shorter run of digits is something else.
_ID_OR_PHONE_NUMBER: Final = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15}|1[0-9]{10})(?![0-9])")
_DIGIT_GAP: Final = re.compile(r"(?<=[0-9])[\s-]+(?=[0-9])")  # "138 0013 8000", "4301-0219..."


def mentions_personal_number(text: str) -> bool:
    """True when ``text`` holds what looks like a resident ID number or a mobile number — full-width
    digits, and digits grouped with spaces or hyphens, included."""
    normal = unicodedata.normalize("NFKC", text)
    return any(_ID_OR_PHONE_NUMBER.search(form) for form in (normal, _DIGIT_GAP.sub("", normal)))
