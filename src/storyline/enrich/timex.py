"""Time expressions in news text, resolved against the article's date. Dutch first, English too.

``find_time_expressions(text, ref_date, lang)`` finds expressions such as ``maandagochtend``,
``gisteravond``, ``vanochtend``, ``drie dagen geleden``, ``28 februari``, ``1 maart 2022`` or
``dag vijf van de oorlog`` (with the war's start date given) and resolves each to an ISO date with a
precision (``day``, ``week``, ``month``, ``year``). ``resolve(expression, ref_date, lang)`` resolves one
expression on its own.

Detection is by pattern (news uses a small closed vocabulary of day words); the resolution of
calendar dates and ``N dagen geleden`` is left to dateparser after Dutch preprocessing
(day+part-of-day compounds split, written numbers turned into digits by text2num's ``alpha2digit``).
Weekdays are resolved here: dateparser maps ``maandag`` on a Monday to the Monday a week before, while a
news report's ``maandag`` on a Monday means that same day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from storyline.records import TimeExpression

__all__ = ["TimeExpression", "find_time_expressions", "resolve", "parse_ref_date"]


_WEEKDAYS = {
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
}
_PARTS = {
    "ochtend": "morning", "morgen": "morning", "middag": "afternoon", "avond": "evening", "nacht": "night",
    "morning": "morning", "afternoon": "afternoon", "evening": "evening", "night": "night",
}
_MONTHS = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"],
    "en": ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"],
}
_MONTH_ABBR = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_NUM_WORDS = {
    "nl": "een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|twintig|dertig",
    "en": "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|thirty",
}
# Relative day words: offset in days from the reference date, and the part of day they imply.
_RELATIVE_DAYS = {
    "nl": {
        "eergisteren": (-2, None), "gisteren": (-1, None), "gisterochtend": (-1, "morning"),
        "gistermorgen": (-1, "morning"), "gistermiddag": (-1, "afternoon"), "gisteravond": (-1, "evening"),
        "gisternacht": (-1, "night"), "vannacht": (0, "night"), "vandaag": (0, None),
        "vanochtend": (0, "morning"), "vanmorgen": (0, "morning"), "vanmiddag": (0, "afternoon"),
        "vanavond": (0, "evening"), "overmorgen": (2, None), "morgen": (1, None),
        "morgenochtend": (1, "morning"), "morgenmiddag": (1, "afternoon"), "morgenavond": (1, "evening"),
    },
    "en": {
        "yesterday": (-1, None), "today": (0, None), "tonight": (0, "evening"), "tomorrow": (1, None),
        "last night": (-1, "night"), "this morning": (0, "morning"), "this afternoon": (0, "afternoon"),
        "this evening": (0, "evening"), "yesterday morning": (-1, "morning"),
        "yesterday afternoon": (-1, "afternoon"), "yesterday evening": (-1, "evening"),
    },
}
_PAST_MODS = {"afgelopen", "vorige", "jongstleden", "last", "past"}
_FUTURE_MODS = {"komende", "volgende", "aanstaande", "next", "coming"}


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


@lru_cache(maxsize=8)
def _pattern(lang: str) -> re.Pattern:
    days = _alt(_WEEKDAYS[lang])
    months = _alt(_MONTHS[lang])
    nums = _NUM_WORDS[lang]
    rel = _alt(_RELATIVE_DAYS[lang])
    mods = _alt(_PAST_MODS | _FUTURE_MODS)
    abbr = _alt(_MONTH_ABBR)
    parts = "ochtend|morgen|middag|avond|nacht" if lang == "nl" else "morning|afternoon|evening|night"
    unit = ("dagen|dag|weken|week|maanden|maand|jaren|jaar" if lang == "nl"
            else "days|day|weeks|week|months|month|years|year")
    ago = "geleden" if lang == "nl" else "ago"
    alternatives = [
        # 1 maart 2022 / 1 maart / March 1, 2008 / 01-Mar-08 / 2022-03-01 / 1-3-2022
        rf"(?P<dmy>\d{{1,2}}\s+(?:{months})(?:\s+\d{{4}})?)",
        rf"(?P<mdy>(?:{months})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)",
        rf"(?P<abbr>\d{{1,2}}-(?:{abbr})-\d{{2,4}})",
        r"(?P<iso>\d{4}-\d{2}-\d{2})",
        r"(?P<numeric>\d{1,2}[-/]\d{1,2}[-/]\d{4})",
        rf"(?P<monthyear>(?:{months})\s+\d{{4}})",
        # dag vijf van de oorlog / day five of the war: needs the start date from the caller
        (rf"(?P<dayof>dag\s+(?:\d+|{nums})\s+van\s+de\s+\w+)" if lang == "nl"
         else rf"(?P<dayof>day\s+(?:\d+|{nums})\s+of\s+the\s+\w+)"),
        rf"(?P<ago>(?:\d+|{nums})\s+(?:{unit})\s+{ago})",
        (r"(?P<lastunit>(?:vorige|afgelopen)\s+(?:week|maand)|vorig\s+jaar)" if lang == "nl"
         else r"(?P<lastunit>last\s+(?:week|month|year))"),
        # in de nacht van woensdag op donderdag -> the night ends on the second day
        (rf"(?P<nightof>(?:in\s+)?de\s+nacht\s+van\s+(?:{days})\s+op\s+(?P<nightday>{days}))" if lang == "nl"
         else rf"(?P<nightof>the\s+night\s+of\s+(?:{days})\s+(?:to|into)\s+(?P<nightday>{days}))"),
        rf"(?P<weekday>(?:(?P<mod>{mods})\s+)?(?P<day>{days})(?:\s*(?P<part>{parts}))?)",
        rf"(?P<rel>{rel})",
    ]
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


def parse_ref_date(ref_date: str | date | None) -> tuple[date | None, str | None]:
    """``YYYY-MM-DD`` -> (that day, "day"); ``YYYY-MM`` -> (first of month, "month"); else (None, None)."""
    if ref_date is None:
        return None, None
    if isinstance(ref_date, datetime):
        return ref_date.date(), "day"
    if isinstance(ref_date, date):
        return ref_date, "day"
    text = str(ref_date).strip()
    try:
        if len(text) >= 10:
            return date.fromisoformat(text[:10]), "day"
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1), "month"
        if len(text) == 4:
            return date(int(text), 1, 1), "year"
    except ValueError:
        return None, None
    return None, None


def _lang(lang: str | None) -> str:
    return lang if lang in _WEEKDAYS else "nl"


def find_time_expressions(text: str, ref_date: str | date | None = None, lang: str | None = "nl",
                          anchors: dict[str, str] | None = None) -> list[TimeExpression]:
    """All time expressions in ``text``, in order, resolved against ``ref_date`` where possible.

    ``anchors`` maps a noun to a start date for ``dag vijf van de oorlog`` (``{"oorlog": "2022-02-24"}``).
    Expressions that need a day-precise reference (weekdays, ``gisteren``) keep ``date=None`` when the
    reference is missing or only a month.
    """
    lang = _lang(lang)
    out = []
    for m in _pattern(lang).finditer(text or ""):
        date_, precision, part = _safe_resolve(m, ref_date, lang, anchors)
        out.append(TimeExpression(m.group(0), m.start(), m.end(), date_, precision, part))
    return out


def resolve(expression: str, ref_date: str | date | None = None, lang: str | None = "nl",
            anchors: dict[str, str] | None = None) -> TimeExpression | None:
    """Resolve one expression (the whole string must be a time expression); None if it is not one."""
    lang = _lang(lang)
    m = _pattern(lang).fullmatch(expression.strip())
    if m is None:
        # Fall back to dateparser for forms the patterns do not list (e.g. "twee weken geleden" variants).
        parsed = _dateparser(_preprocess(expression, lang), ref_date, lang)
        if parsed is None:
            return None
        return TimeExpression(expression, 0, len(expression), parsed.isoformat(), "day")
    date_, precision, part = _safe_resolve(m, ref_date, lang, anchors)
    return TimeExpression(m.group(0), 0, len(expression), date_, precision, part)


def _safe_resolve(m: re.Match, ref_date, lang: str, anchors):
    try:
        return _resolve_match(m, ref_date, lang, anchors)
    except (OverflowError, ValueError):
        # "morgen" on 9999-12-31 or "gisteren" on 0001-01-01: outside the calendar, so unresolvable.
        return None, None, None


def _preprocess(text: str, lang: str) -> str:
    """Dutch/English forms dateparser reads: compounds split, written numbers as digits."""
    from text_to_num import alpha2digit

    text = re.sub(r"(?i)\b(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)"
                  r"(ochtend|morgen|middag|avond|nacht)\b", r"\1 \2", text)
    try:
        text = alpha2digit(text, lang, threshold=0)
    except Exception:  # text2num has no model for this language: leave the words
        pass
    return re.sub(r"\béén\b", "1", text)


def _dateparser(text: str, ref_date, lang: str) -> date | None:
    import dateparser

    ref, _ = parse_ref_date(ref_date)
    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False, "REQUIRE_PARTS": ["day"]}
    if ref is not None:
        settings["RELATIVE_BASE"] = datetime(ref.year, ref.month, ref.day, 12)
    try:
        parsed = dateparser.parse(text, languages=[lang], settings=settings)
    except Exception:
        return None
    return parsed.date() if parsed else None


def _resolve_match(m: re.Match, ref_date, lang: str, anchors) -> tuple[str | None, str | None, str | None]:
    ref, ref_precision = parse_ref_date(ref_date)
    day_ref = ref if ref_precision == "day" else None
    g = m.groupdict()
    if g.get("iso"):
        try:
            return date.fromisoformat(g["iso"]).isoformat(), "day", None
        except ValueError:
            return None, None, None
    if g.get("numeric"):
        d, mo, y = (int(x) for x in re.split(r"[-/]", g["numeric"]))
        try:
            return date(y, mo, d).isoformat(), "day", None
        except ValueError:
            return None, None, None
    if g.get("abbr"):
        d, mon, y = g["abbr"].split("-")
        year = int(y) + (2000 if len(y) == 2 and int(y) < 70 else 1900 if len(y) == 2 else 0)
        try:
            return date(year, _MONTH_ABBR.index(mon.lower()[:3]) + 1, int(d)).isoformat(), "day", None
        except ValueError:
            return None, None, None
    if g.get("dmy") or g.get("mdy"):
        return _calendar(g.get("dmy") or g.get("mdy"), ref, lang)
    if g.get("monthyear"):
        name, year = g["monthyear"].split()
        return f"{int(year):04d}-{_MONTHS[lang].index(name.lower()) + 1:02d}", "month", None
    if g.get("dayof"):
        return _day_of(g["dayof"], lang, anchors)
    if g.get("ago"):
        if day_ref is None:
            return None, None, None
        parsed = _dateparser(_preprocess(g["ago"], lang), day_ref, lang)
        unit = g["ago"].lower()
        precision = "day" if re.search(r"dag|day", unit) else "week" if re.search(r"wee?k", unit) else "month" if re.search(
            r"maand|month", unit) else "year"
        return (parsed.isoformat() if parsed else None), (precision if parsed else None), None
    if g.get("lastunit"):
        if ref is None:
            return None, None, None
        phrase = g["lastunit"].lower()
        if "week" in phrase and day_ref is not None:
            monday = day_ref - timedelta(days=day_ref.weekday() + 7)
            return monday.isoformat(), "week", None
        if "maand" in phrase or "month" in phrase:
            first = ref.replace(day=1) - timedelta(days=1)
            return f"{first.year:04d}-{first.month:02d}", "month", None
        if "jaar" in phrase or "year" in phrase:
            return f"{ref.year - 1:04d}", "year", None
        return None, None, None
    if g.get("nightof"):
        if day_ref is None:
            return None, None, "night"
        return _weekday(g["nightday"], None, day_ref, lang).isoformat(), "day", "night"
    if g.get("weekday"):
        part = _PARTS.get((g.get("part") or "").lower())
        if day_ref is None:
            return None, None, part
        return _weekday(g["day"], g.get("mod"), day_ref, lang).isoformat(), "day", part
    if g.get("rel"):
        offset, part = _RELATIVE_DAYS[lang][re.sub(r"\s+", " ", g["rel"].lower())]
        if day_ref is None:
            return None, None, part
        return (day_ref + timedelta(days=offset)).isoformat(), "day", part
    return None, None, None


def _weekday(name: str, modifier: str | None, ref: date, lang: str) -> date:
    target = _WEEKDAYS[lang].index(name.lower())
    delta = (ref.weekday() - target) % 7
    if modifier and modifier.lower() in _FUTURE_MODS:
        ahead = (target - ref.weekday()) % 7 or 7
        return ref + timedelta(days=ahead)
    if modifier and modifier.lower() in _PAST_MODS and delta == 0:
        delta = 7
    # News reports mostly what happened: the latest such weekday on or before the reference day.
    return ref - timedelta(days=delta)


def _calendar(text: str, ref: date | None, lang: str) -> tuple[str | None, str | None, str | None]:
    parts = re.findall(r"[^\W\d_]+|\d+", text.lower())
    month = next(_MONTHS[lang].index(p) + 1 for p in parts if p in _MONTHS[lang])
    numbers = [int(p) for p in parts if p.isdigit()]
    day = numbers[0]
    year = numbers[1] if len(numbers) > 1 else None
    if year is None:
        if ref is None:
            return None, None, None
        # The year closest to the reference: "28 december" in a January article is last December.
        candidates = []
        for y in (ref.year - 1, ref.year, ref.year + 1):
            try:
                candidates.append(date(y, month, day))
            except ValueError:
                continue
        if not candidates:
            return None, None, None
        best = min(candidates, key=lambda d: abs((d - ref).days))
        return best.isoformat(), "day", None
    try:
        return date(year, month, day).isoformat(), "day", None
    except ValueError:
        return None, None, None


def _day_of(text: str, lang: str, anchors: dict[str, str] | None) -> tuple[str | None, str | None, str | None]:
    from text_to_num import alpha2digit

    if not anchors:
        return None, None, None
    words = alpha2digit(text, lang, threshold=0).split()
    noun = words[-1].lower()
    start, _ = parse_ref_date(anchors.get(noun))
    if start is None:
        return None, None, None
    try:
        n = int(words[1])
    except ValueError:
        return None, None, None
    # Day one is the start day itself.
    return (start + timedelta(days=n - 1)).isoformat(), "day", None


def estimate_publication_date(text: str, published: str | None, lang: str | None = "nl") -> str | None:
    """A day-precise publication date read from the text, for an article dated only by month or not at all.

    The latest explicit calendar date the text mentions that fits the known month (or, with no date at all,
    any explicit date carrying its year): news reports events up to the day it is written.
    """
    ref, ref_precision = parse_ref_date(published)
    if ref_precision == "day":
        return None
    found = []
    for expr in find_time_expressions(text, published, lang):
        if expr.precision != "day" or expr.date is None:
            continue
        d = date.fromisoformat(expr.date)
        if ref_precision == "month":
            if (d.year, d.month) != (ref.year, ref.month):
                continue
        elif ref_precision == "year":
            if d.year != ref.year:
                continue
        elif not re.search(r"\d{4}", expr.text) and "-" not in expr.text:
            continue  # no reference and no year in the text: the year is a guess
        found.append(d)
    return max(found).isoformat() if found else None
