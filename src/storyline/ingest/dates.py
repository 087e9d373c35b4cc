"""Published dates, keeping their precision (day, month or year) and inventing nothing.

A date string that lacks parts does not get them from today: ``"2019"`` is the year 2019 (precision
``year``), ``"March 2019"`` the month, ``"Monday"`` or ``"March"`` alone no date at all. Numeric dates are
read day-first (``05/03/2019`` = 5 March) unless the article's language writes them month-first
(English). A readable date outside the plausible range (``ingest.earliest_published`` up to
``ingest.future_tolerance_days`` after today) is dropped with a warning: the article is kept, undated,
and the clusterer may still date it from its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

__all__ = ["PublishedDate", "parse_published", "read_published", "MONTH_FIRST_LANGUAGES"]

_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
# Numeric dates whose order the language decides: 05/03/2019, 5.3.2019, 05-03-19.
_NUMERIC = re.compile(r"^\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
# Languages whose news writes numeric dates month first (US English; the rest of Europe writes day first).
MONTH_FIRST_LANGUAGES = frozenset({"en"})
# Two defaults that differ in every part: a part that comes out different was not in the string.
_DEFAULTS = (datetime(2000, 1, 1, 0, 0), datetime(2004, 2, 2, 0, 0))
# Formats no news date has: beyond these the string is unreadable, not implausible.
_MIN_YEAR, _MAX_YEAR = 1000, 2999


@dataclass(frozen=True)
class PublishedDate:
    """``iso`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) with its ``precision``; ``warning`` says why a readable
    date was dropped (then ``iso`` is None)."""

    iso: str | None
    precision: str | None
    warning: str | None = None


def parse_published(value, language: str | None = None) -> tuple[str | None, str | None]:
    """(iso, precision) of a published date; raise ValueError if unreadable. See :func:`read_published`."""
    found = read_published(value, language)
    return found.iso, found.precision


def read_published(value, language: str | None = None, *, today: date | None = None,
                   earliest: date | None = None, future_days: int | None = None) -> PublishedDate:
    """Read a published date, keeping only the parts it has.

    Args:
        value: an ISO string, ``YYYY-MM``, ``YYYY``, an RFC 2822 or other written date, a ``date``/``datetime``,
            or None/empty (undated: accepted).
        language: the article's language (ISO 639-1), for the order of numeric dates.
        today, earliest, future_days: the plausible range (default: today in UTC and ``settings.ingest``).

    Raises:
        ValueError: the value is not a date (a number, garbage, an impossible day or month).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return PublishedDate(None, None)
    if isinstance(value, datetime):
        found = PublishedDate(value.date().isoformat(), "day")
    elif isinstance(value, date):
        found = PublishedDate(value.isoformat(), "day")
    elif isinstance(value, (int, float)):
        raise ValueError(f"published must be an ISO date string, got number {value!r}")
    elif not isinstance(value, str):
        raise ValueError(f"published must be a date string, got {type(value).__name__}")
    else:
        found = _parse_text(value.strip(), language)
    if found.iso is None:
        return found
    return _plausible(found, today, earliest, future_days)


# Periods longer than a day that parsers turn into a day: a quarter ("Q3 2019", "3e kwartaal 2019": dateparser
# gave the quarter's last month, day 1) and an ISO week ("2019-W10": its Monday). They keep the precision they have.
_QUARTER = re.compile(r"^\s*(?:Q[1-4]|[1-4]\s*(?:e|de|ste|st|nd|rd|th|\.)?\s*(?:kwartaal|quarter|quartal|trimestre|"
                      r"trimester))\s*[,/-]?\s*(\d{4})\s*$|^\s*(\d{4})\s*[,/-]?\s*Q[1-4]\s*$", re.IGNORECASE)
_ISO_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{2})(?:-?[1-7])?\s*$", re.IGNORECASE)


def _period(text: str) -> PublishedDate | None:
    """A quarter or an ISO week: the year, or the month when the whole week lies in one (a day named in a week
    date, ``2019-W10-2``, is read as a day)."""
    m = _QUARTER.match(text)
    if m:
        year = int(m.group(1) or m.group(2))
        _check_year(year, text)
        return PublishedDate(f"{year:04d}", "year")
    m = _ISO_WEEK.match(text)
    if m and not re.search(r"W\d{2}-?[1-7]\s*$", text, re.IGNORECASE):
        year, week = int(m.group(1)), int(m.group(2))
        _check_year(year, text)
        try:
            monday, sunday = date.fromisocalendar(year, week, 1), date.fromisocalendar(year, week, 7)
        except ValueError as exc:
            raise ValueError(f"impossible week in date {text!r}") from exc
        if (monday.year, monday.month) == (sunday.year, sunday.month):
            return PublishedDate(f"{monday.year:04d}-{monday.month:02d}", "month")
        return PublishedDate(f"{year:04d}", "year") if monday.year == sunday.year else PublishedDate(None, None,
            f"date {text!r} is a week across two years; the article is kept undated")
    return None


def _parse_text(text: str, language: str | None) -> PublishedDate:
    period = _period(text)
    if period is not None:
        return period
    m = _YEAR.match(text)
    if m:
        year = int(m.group(1))
        _check_year(year, text)
        return PublishedDate(f"{year:04d}", "year")
    m = _MONTH.match(text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"impossible month in date {text!r}")
        _check_year(year, text)
        return PublishedDate(f"{year:04d}-{month:02d}", "month")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return _parse_written(text, language)
    _check_year(parsed.year, text)
    return PublishedDate(parsed.date().isoformat(), "day")


def _parse_written(text: str, language: str | None) -> PublishedDate:
    """RFC 2822 and friends through dateutil (a dependency of dateparser), with the parts the string has."""
    from dateutil import parser as dateutil_parser

    dayfirst = bool(_NUMERIC.match(text)) and (language or "").lower() not in MONTH_FIRST_LANGUAGES
    try:
        readings = [dateutil_parser.parse(text, default=d, dayfirst=dayfirst) for d in _DEFAULTS]
    except (ValueError, OverflowError) as exc:
        found = _parse_in_language(text, language)
        if found is None:
            raise ValueError(f"unreadable date {text!r}") from exc
        return found
    first, second = readings
    if first.year != second.year:
        # No year ("Monday", "March", "5 March"): the year would be today's guess. Undated, not invented.
        return PublishedDate(None, None, f"date {text!r} has no year; the article is kept undated")
    _check_year(first.year, text)
    if first.month != second.month:
        return PublishedDate(f"{first.year:04d}", "year")
    if first.day != second.day:
        return PublishedDate(f"{first.year:04d}-{first.month:02d}", "month")
    return PublishedDate(first.date().isoformat(), "day")


def _parse_in_language(text: str, language: str | None) -> PublishedDate | None:
    """Month names in the article's language ("3 maart 2019", "März 2019") through dateparser, which reports
    the precision it read (its ``period``); a string without a year is not read (REQUIRE_PARTS)."""
    if not language or len(text) > 64:
        return None
    import dateparser
    from dateparser.date import DateDataParser

    order = "MDY" if language in MONTH_FIRST_LANGUAGES else "DMY"

    def read(require: list[str]):
        try:
            parser = DateDataParser(languages=[language], settings={
                "REQUIRE_PARTS": require, "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": order,
                "RETURN_TIME_AS_PERIOD": True, "PARSERS": ["absolute-time"]})
            return parser.get_date_data(text)
        except (ValueError, KeyError, OverflowError, dateparser.conf.SettingValidationError):
            return None

    data = read(["year"])
    if data is None or data.date_obj is None:
        without_year = read([])
        if without_year is not None and without_year.date_obj is not None:  # "maandag", "maart"
            return PublishedDate(None, None, f"date {text!r} has no year; the article is kept undated")
        return None
    d, period = data.date_obj, data.period
    _check_year(d.year, text)
    if period == "year":
        return PublishedDate(f"{d.year:04d}", "year")
    if period == "month":
        return PublishedDate(f"{d.year:04d}-{d.month:02d}", "month")
    return PublishedDate(d.date().isoformat(), "day")


def _check_year(year: int, text: str) -> None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"implausible year in date {text!r}")


def _plausible(found: PublishedDate, today: date | None, earliest: date | None,
               future_days: int | None) -> PublishedDate:
    if today is None or earliest is None or future_days is None:
        from storyline.settings import get_settings

        ingest = get_settings().ingest
        today = today or datetime.now(timezone.utc).date()
        earliest = earliest or date.fromisoformat(ingest.earliest_published)
        future_days = ingest.future_tolerance_days if future_days is None else future_days
    iso = found.iso or ""
    # The first and the last day the date can mean, at its precision.
    year = int(iso[:4])
    month_lo, month_hi = (int(iso[5:7]),) * 2 if len(iso) >= 7 else (1, 12)
    first = date(year, month_lo, int(iso[8:10]) if len(iso) >= 10 else 1)
    last = date(year, month_hi, int(iso[8:10])) if len(iso) >= 10 else \
        (date(year + (month_hi == 12), month_hi % 12 + 1, 1) - timedelta(days=1))
    if first > today + timedelta(days=future_days):
        return PublishedDate(None, None, f"published date {iso} is in the future (more than {future_days} "
                                         "days ahead); the article is kept undated")
    if last < earliest:
        return PublishedDate(None, None, f"published date {iso} is before {earliest.isoformat()} "
                                         "(ingest.earliest_published); the article is kept undated")
    return found
