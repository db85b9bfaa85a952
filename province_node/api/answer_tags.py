"""Answer tags: an ``ETag`` on a statistics answer, so that whoever holds the answer (the national gateway,
asking every province again and again) can ask "has it changed?" and be told ``304 Not Modified`` without the
node executing the query again.

A statistics answer is decided by the question (query text, variables, operation, extensions), the caller's
reach (province, subtree, role and its limits), the day (age bands move with it) and the version of the
counted data (``services.statistics_version``, which every write of members, memberships, organisations or
units moves). The tag is a digest of them all, keyed with a secret each tenant's endpoint draws when the node
starts (``new_tag_key``). It is given only to an answer without errors whose every root field is
``statistics``, each counted at the same version; a request bringing it back in ``If-None-Match`` while the
digest of the same things, the version read now, still equals it is answered 304 with no body. Nothing the
caller may not see is told: a 304 needs the same authenticated reach as the answer it confirms.

Why the key: the version is a count of writing statements, which names a state of the data only within one
database's history and one release of the node. A database restored from a backup reaches the same count again
with other data after as many writes; a new release may count or label otherwise with the same data. Both
mean a restart, which draws a new key, so no tag from before is confirmed (as the node's kept answers are
forgotten). And a caller cannot make up a tag from what it knows, to learn the province's write count. With
several worker processes for one province, a tag is confirmed only by the process that gave it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from typing import Final

from strawberry.http import GraphQLRequestData

from province_node.domain.access import Caller

NOT_MODIFIED: Final = 304


def new_tag_key() -> bytes:
    """A fresh secret to key tags with, drawn when a node starts."""
    return secrets.token_bytes(32)


def answer_tag(key: bytes, caller: Caller, request: GraphQLRequestData, today: datetime.date, version: int) -> str:
    """The tag, keyed with ``key``, of the answer to ``request`` by ``caller`` on ``today`` at data ``version``
    (a quoted ETag)."""
    limits = None if caller.limited_to is None else sorted(permission.value for permission in caller.limited_to)
    reach = [caller.province, caller.scope_path, caller.role.value, caller.must_change_password, limits]
    question = [request.query, request.variables, request.operation_name, request.extensions]
    # default=str: an upload among the variables (a multipart request) becomes a text naming that one object,
    # so the request is tagged but never confirmed, rather than failing.
    decided_by = json.dumps([reach, question, today.isoformat(), version], ensure_ascii=False, sort_keys=True,
                            default=str)  # fmt: skip
    return f'"{hmac.new(key, decided_by.encode(), hashlib.sha256).hexdigest()}"'


def tag_asked(if_none_match: str | None) -> list[str]:
    """The tags an ``If-None-Match`` header lists (strong ones; ours are never weak)."""
    if not if_none_match:
        return []
    return [tag.strip() for tag in if_none_match.split(",") if tag.strip().startswith('"')]


def tagged_version(answer_keys: Sequence[str], statistics_versions: Sequence[int]) -> int | None:
    """The version an answer may be tagged with: the one every root field counted at, when the answer's root
    fields (``answer_keys``) are all root ``statistics`` fields; ``None`` for any other answer."""
    if not answer_keys or len(answer_keys) != len(statistics_versions) or len(set(statistics_versions)) != 1:
        return None
    return statistics_versions[0]
