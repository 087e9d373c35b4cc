"""Ids as users type them: ``E12``/``e12``/``12`` for events, ``S3``/``3`` for storylines.

One parser for the CLI's options and the API's parameters, so ``--event E1`` and
``/api/quotes?event=E1`` accept the same things and reject the same things.
"""

from __future__ import annotations

import re

from storyline.errors import InputError

__all__ = ["MAX_ID", "parse_event_id", "parse_storyline_id", "event_id", "storyline_id", "event_label",
           "storyline_label"]

MAX_ID = 2 ** 63 - 1  # SQLite INTEGER range: a larger id cannot exist (and would not bind)
_EVENT = re.compile(r"\s*[Ee]?(\d+)\s*")
_STORYLINE = re.compile(r"\s*[Ss]?(\d+)\s*")


def _parse(pattern: re.Pattern, value: str | int | None) -> int | None:
    if isinstance(value, int):
        return value if value >= 0 else None
    m = pattern.fullmatch(value or "")
    return int(m.group(1)) if m else None


def parse_event_id(value: str | int | None) -> int | None:
    """``E12``, ``e12``, ``12`` -> 12; None when it is not an event id.

    >>> parse_event_id("E12"), parse_event_id(" 7 "), parse_event_id("S3")
    (12, 7, None)
    """
    return _parse(_EVENT, value)


def parse_storyline_id(value: str | int | None) -> int | None:
    """``S3``, ``s3``, ``3`` -> 3; None when it is not a storyline id."""
    return _parse(_STORYLINE, value)


def _required(parsed: int | None, value: str | int, what: str, example: str) -> int:
    if parsed is None:
        raise InputError(f"not {what} id: {value!r} (expected e.g. {example})")
    return parsed


def event_id(value: str | int) -> int:
    """The event number of ``value``.

    Raises:
        InputError: ``value`` is not an event id.
    """
    return _required(parse_event_id(value), value, "an event", "E12 or 12")


def storyline_id(value: str | int) -> int:
    """The storyline number of ``value``.

    Raises:
        InputError: ``value`` is not a storyline id.
    """
    return _required(parse_storyline_id(value), value, "a storyline", "S3 or 3")


def event_label(number: int | None) -> str | None:
    return None if number is None else f"E{number}"


def storyline_label(number: int | None) -> str | None:
    return None if number is None else f"S{number}"
