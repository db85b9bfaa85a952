"""``unionfed validate KIND VALUE...``: check doubtful numbers against the national standard.

Prints one JSON object per value, one per line, and exits 0 only when every value is valid. With no
values on the command line it reads one value per line from standard input. Bytes that are not UTF-8
become U+FFFD, so such a value is refused for its characters like any other, never a crash.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Iterable

from exchange.standard import PersonIdVerdict, Problem, Verdict, code_list, validate_phone, validate_resident_id
from exchange.standard import validate_uscc as _validate_uscc


def _phone(value: str) -> Verdict:
    return validate_phone(value, allow_landline=True)


def _uscc(value: str) -> Verdict:
    return _validate_uscc(value)


def _resident_id(value: str) -> Verdict:
    return validate_resident_id(value)


KINDS: dict[str, Callable[[str], Verdict]] = {"resident-id": _resident_id, "uscc": _uscc, "phone": _phone}


def _problems(problems: Iterable[Problem]) -> list[dict[str, str]]:
    return [{"code": item.code.value, "message": item.message} for item in problems]


def verdict_json(value: str, verdict: Verdict) -> dict[str, object]:
    """The stable JSON shape of one checked value."""
    result: dict[str, object] = {
        "input": value,
        "valid": verdict.valid,
        "normalized": verdict.normalized,
        "errors": _problems(verdict.errors),
        "warnings": _problems(verdict.warnings),
    }
    if isinstance(verdict, PersonIdVerdict):
        result["birthDate"] = verdict.birth_date.isoformat() if verdict.birth_date else None
        result["gender"] = code_list("gender").label(verdict.gender) if verdict.gender else None
    return result


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``validate``."""
    parser = commands.add_parser(
        "validate",
        help="check resident ID numbers, credit codes or phone numbers",
        description="Print one JSON line per value; exit 0 when all are valid, 1 otherwise.",
    )
    parser.add_argument("kind", choices=sorted(KINDS), help="what the values are")
    parser.add_argument("values", nargs="*", help="values to check (default: one per line on standard input)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Validate every value and print its verdict."""
    check = KINDS[args.kind]
    all_valid = True
    for value in _values(args.values):
        verdict = check(value)
        all_valid = all_valid and verdict.valid
        print(json.dumps(verdict_json(value, verdict), ensure_ascii=False))
    return 0 if all_valid else 1


def _values(given: list[str]) -> Iterable[str]:
    """The values of the command line, or else the lines of standard input, as UTF-8 text."""
    if given:
        return map(_as_text, given)
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="surrogateescape")
    return (_as_text(line.rstrip("\r\n")) for line in sys.stdin)


def _as_text(value: str) -> str:
    # Python hands undecodable bytes over as lone surrogates, which cannot be printed.
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
