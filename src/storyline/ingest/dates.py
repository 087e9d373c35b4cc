"""Published dates, keeping their precision (day or month)."""

from __future__ import annotations

import re
from datetime import date, datetime

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def parse_published(value) -> tuple[str | None, str | None]:
    """Return (iso, precision) with iso ``YYYY-MM-DD`` or ``YYYY-MM``; raise ValueError if impossible.

    ``None`` or an empty value gives (None, None): undated articles are accepted.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime):
        return value.date().isoformat(), "day"
    if isinstance(value, date):
        return value.isoformat(), "day"
    if isinstance(value, (int, float)):
        raise ValueError(f"published must be an ISO date string, got number {value!r}")
    text = str(value).strip()
    m = _MONTH.match(text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"impossible month in date {text!r}")
        return f"{year:04d}-{month:02d}", "month"
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        # Feeds and pages use RFC 2822 and friends; dateutil reads those (a dependency of dateparser).
        from dateutil import parser as dateutil_parser

        try:
            parsed = dateutil_parser.parse(text)
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"unreadable date {text!r}") from exc
    if not 1000 <= parsed.year <= 2999:
        raise ValueError(f"implausible year in date {text!r}")
    return parsed.date().isoformat(), "day"
