"""Option types shared by the commands: event and storyline ids as users type them (``E12``, ``12``, ``S3``).

The same parser as the API's (:mod:`storyline.read.ids`); a malformed id is a usage error (exit 2).
"""

from __future__ import annotations

import typer

from storyline.errors import InputError
from storyline.read import event_id, storyline_id

__all__ = ["EVENT", "STORYLINE", "JSON", "parse_event", "parse_storyline"]


def parse_event(value: str) -> int:
    try:
        return event_id(value)
    except InputError as exc:
        raise typer.BadParameter(exc.detail) from None


def parse_storyline(value: str) -> int:
    try:
        return storyline_id(value)
    except InputError as exc:
        raise typer.BadParameter(exc.detail) from None


EVENT = typer.Option(None, "--event", parser=parse_event, metavar="EVENT", help="Only this event (E12 or 12)")
STORYLINE = typer.Option(None, "--storyline", parser=parse_storyline, metavar="STORYLINE",
                         help="Only this storyline (S3 or 3)")
JSON = typer.Option(False, "--json", help="Print JSON")
