"""Reported figures: a number, what it counts, its qualifier and unit, who reported it, as of when.

``meer dan een half miljoen mensen ontvlucht`` → refugees, value 500000, low 500000, qualifier
``meer dan``; ``duizenden burgers gedood`` → killed civilians, low 2000, high 9999.

Numbers in digits are read here (Dutch/German ``500.000`` and ``3,5``, English ``500,000``);
written numbers go through text2num, with the fractions it rejects (``een half miljoen``,
``anderhalf miljoen``) and the plural round numbers (``duizenden``) handled by rule.
Only numbers whose counted thing is recognised are kept: a bare year or a house number
is not a figure anyone disagrees about.
"""

from __future__ import annotations

from dataclasses import replace

import re
from typing import Sequence

from storyline.enrich.quotes import sentence_spans  # cached: one split per article
from storyline.records import Figure

__all__ = ["Figure", "extract_figures", "parse_number"]


# --------------------------------------------------------------------------- numbers
_SCALE = {
    "duizend": 1e3, "miljoen": 1e6, "miljard": 1e9, "mln": 1e6, "mld": 1e9, "mrd": 1e9, "mio": 1e6,
    "thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "bn": 1e9, "m": 1e6,
    "tausend": 1e3, "million": 1e6, "millionen": 1e6, "milliarde": 1e9, "milliarden": 1e9,
}
# Plural round numbers: a range, not a value.
_VAGUE = {
    "tientallen": (20, 99), "honderden": (200, 999), "duizenden": (2000, 9999),
    "tienduizenden": (20000, 99999), "honderdduizenden": (200000, 999999), "miljoenen": (2e6, 9.99e6),
    "dozens": (24, 99), "hundreds": (200, 999), "thousands": (2000, 9999), "millions": (2e6, 9.99e6),
    "dutzende": (24, 99), "hunderte": (200, 999), "tausende": (2000, 9999), "zehntausende": (20000, 99999),
    "hunderttausende": (200000, 999999),
}
_FRACTION = {"half": 0.5, "halve": 0.5, "anderhalf": 1.5, "anderhalve": 1.5, "kwart": 0.25,
             "halb": 0.5, "halbe": 0.5, "anderthalb": 1.5, "eineinhalb": 1.5, "half a": 0.5}
_NUM_WORD = (
    r"(?:een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|"
    r"zestien|zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|"
    r"honderd|duizend|en|ën|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|"
    r"ein|eine|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|vierzig|fünfzig|"
    r"hundert|tausend|und)"
)
_SCALE_RE = r"(?:miljoen|miljard|duizend|mln\.?|mld\.?|mrd\.?|million|millions|billion|thousand|Millionen|Million|Milliarden|Milliarde|Tausend)"
_NUMBER = re.compile(
    r"(?<![\w.,])(?:"
    r"(?P<digits>\d{1,3}(?:[.,  ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?)(?:\s*(?P<dscale>" + _SCALE_RE + r"))?"
    r"|(?P<frac>(?:een\s+)?(?:half|halve|anderhalf|anderhalve|kwart)|(?:eine\s+)?(?:halbe|anderthalb|eineinhalb)|half\s+a)"
    r"\s+(?P<fscale>" + _SCALE_RE + r")"
    r"|(?P<vague>tientallen|honderden|duizenden|tienduizenden|honderdduizenden|miljoenen|dozens|hundreds|thousands|"
    r"millions|[Dd]utzende|[Hh]underte|[Tt]ausende|[Zz]ehntausende|[Hh]underttausende)"
    r"|(?P<words>" + _NUM_WORD + r"+)(?:\s+(?P<wscale>" + _SCALE_RE + r"))?"
    r")(?![\w])",
    re.IGNORECASE,
)


def parse_number(text: str, lang: str = "nl") -> tuple[float | None, float | None, float | None]:
    """(value, low, high) of a number phrase; None values if it is not a number.

    >>> parse_number("een half miljoen")
    (500000.0, 500000.0, 500000.0)
    >>> parse_number("duizenden")
    (None, 2000.0, 9999.0)
    """
    m = _NUMBER.fullmatch(text.strip())
    if not m:
        return None, None, None
    return _value(m, lang)


def _digits(s: str, lang: str) -> float | None:
    s = s.replace(" ", "").replace("\u00a0", "")
    if lang == "en":
        thousands, decimal = ",", "."
    else:
        thousands, decimal = ".", ","
    # "500.000" in Dutch, "500,000" in English: a separator before exactly three digits groups thousands
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", s) and (s.count(thousands) >= 1 and decimal not in s):
        return float(s.replace(thousands, ""))
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3}){2,}", s):
        return float(s.replace(".", "").replace(",", ""))
    try:
        return float(s.replace(thousands, "").replace(decimal, "."))
    except ValueError:
        return None


def _value(m: re.Match, lang: str) -> tuple[float | None, float | None, float | None]:
    if m.group("digits"):
        v = _digits(m.group("digits"), lang)
        if v is None:
            return None, None, None
        scale = m.group("dscale")
        if scale:
            v *= _SCALE.get(scale.lower().rstrip("."), 1)
        return v, v, v
    if m.group("frac"):
        words = m.group("frac").lower().split()
        f = _FRACTION.get(words[-1], _FRACTION.get(" ".join(words), 0.5))
        v = f * _SCALE.get(m.group("fscale").lower().rstrip("."), 1)
        return v, v, v
    if m.group("vague"):
        low, high = _VAGUE[m.group("vague").lower()]
        return None, float(low), float(high)
    words = m.group("words").lower()
    if words in ("een", "één", "en", "ën", "ein", "eine", "und", "one"):
        if not m.group("wscale"):
            return None, None, None  # an article, not a number
    v = _text2num(words, lang)
    if v is None:
        return None, None, None
    scale = m.group("wscale")
    if scale:
        v *= _SCALE.get(scale.lower().rstrip("."), 1)
    return v, v, v


def _text2num(words: str, lang: str) -> float | None:
    from text_to_num import text2num

    code = {"nl": "nl", "en": "en", "de": "de"}.get(lang, "nl")
    try:
        return float(text2num(words.replace("één", "een"), code))
    except (ValueError, TypeError):
        if words in ("een", "één", "ein", "eine", "one"):
            return 1.0
        return None


# --------------------------------------------------------------------------- what is counted
# Stems, matched at the start of a word. General vocabulary of casualty and crisis reporting.
_CATEGORIES = [
    ("injured", r"gewond|verwond|injur|wounded|verletz|verwundet"),
    ("killed", r"dod(?:en|e)\b|gedood|omgekomen|om het leven|omkwamen|sterfgeval|overleden|burgerslachtoffer|"
               r"slachtoffer|killed|dead\b|deaths?\b|died|tote[nr]?\b|getötet|ums leben|gestorben|opfer"),
    ("refugees", r"vluchteling|gevlucht|ontvlucht|vluchtten|vluchten|refugee|fled|flüchtling|geflohen|geflüchtet"),
    ("displaced", r"ontheemd|displaced|vertrieben|binnenlandse vluchteling"),
    ("arrested", r"gearresteerd|aangehouden|opgepakt|arrest|festgenommen|verhaftet"),
    ("missing", r"vermist|missing|vermisst"),
    ("evacuated", r"geëvacueerd|evacu"),
]
# Stems may end a compound (burgerdoden, Todesopfer, oorlogsvluchtelingen).
_CAT_RES = [(name, re.compile(r"(?:" + pat + r")", re.IGNORECASE)) for name, pat in _CATEGORIES]
_SUBJECTS = [
    ("civilians", re.compile(r"(?<![\w])(?:burger|civilian|zivilist|zivilbevölkerung|inwoner|bewoner)", re.I)),
    ("children", re.compile(r"(?<![\w])(?:kind|kinder|child|minderjarig)", re.I)),
    ("soldiers", re.compile(r"(?<![\w])(?:soldat|militair|troops|troepen|militär|strijder|fighter|kämpfer)", re.I)),
]
_CURRENCY = re.compile(
    r"^\s*(?P<cur>dollar|euro|pond|roebel|hryvnia|yuan|yen|frank|dollars|euros|pounds|roubles|rubles|"
    r"rubel|franken|US-dollar|USD|EUR|GBP)\b|^\s*(?P<sym>[$€£])", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"(?P<sym>[$€£]|USD|EUR|GBP)\s*$")
_DISTANCE = re.compile(r"^\s*(?P<u>kilometers?|km|meters?|mijl|miles?|Kilometer|Meter|Meilen)\b", re.IGNORECASE)
_DURATION = re.compile(r"^\s*(?P<u>uur|uren|dagen|dag|weken|week|maanden|maand|jaar|jaren|hours?|days?|weeks?|"
                       r"months?|years?|Stunden|Tage[n]?|Wochen|Monate[n]?|Jahre[n]?)\b", re.IGNORECASE)
_CLOCK = re.compile(r"^\s*uur\s+(?:['’]s|in de)|^\s*o['’]clock|^\s*Uhr", re.IGNORECASE)
_CLOCK_BEFORE = re.compile(r"(?:\bom|\bvanaf|\bvoor|\btot|\bat|\bum|\bab)\s*$", re.IGNORECASE)
# "dag vijf van de oorlog", "artikel 5": an ordinal or a label, not a count
_ORDINAL_BEFORE = re.compile(r"(?:\b(?:dag|day|tag|week|nummer|nr\.?|no\.?|artikel|article|pagina|page|seite|fase|"
                             r"phase|ronde|round|runde|hoofdstuk|chapter|kapitel|resolutie|resolution))\s*$",
                             re.IGNORECASE)

_QUALIFIERS = [
    # (pattern before the number, normalised qualifier, bound kind)
    (r"meer dan|ruim|over|more than|over|mehr als|über", "more than", "low"),
    (r"zeker|minstens|ten minste|tenminste|op zijn minst|at least|mindestens|wenigstens", "at least", "low"),
    (r"bijna|nagenoeg|almost|nearly|fast|knapp", "almost", "high"),
    (r"minder dan|less than|fewer than|weniger als", "less than", "high"),
    (r"hooguit|maximaal|tot wel|up to|bis zu|höchstens", "up to", "high"),
    (r"circa|ca\.|ongeveer|rond de|rond|zo['’]n|naar schatting|about|around|approximately|roughly|some|"
     r"etwa|rund|ungefähr|circa|schätzungsweise", "about", "approx"),
]
_QUAL_RE = [(re.compile(r"(?:^|\s)(?:" + p + r")\s*$", re.IGNORECASE), q, k) for p, q, k in _QUALIFIERS]
_WORD_AFTER = re.compile(r"\s*([\w'’-]+)")
_ONDER = re.compile(r"(?:onder wie|onder hen|onder de doden|waaronder|among them|including|darunter)\s*$", re.I)


def _categorise(after: str, before: str, clause: str) -> tuple[str | None, str | None, str | None]:
    """(category, subject, unit) from the words after the number, then the clause around it."""
    if _CLOCK.match(after) or (_CLOCK_BEFORE.search(before) and re.match(r"\s*(?:uur|u\b|h\b|Uhr|o['’]clock)", after)) \
            or _ORDINAL_BEFORE.search(before):
        return None, None, None
    m = _CURRENCY.match(after)
    if m:
        return "money", None, (m.group("cur") or m.group("sym"))
    m = _CURRENCY_BEFORE.search(before)
    if m:
        return "money", None, m.group("sym")
    m = _DISTANCE.match(after)
    if m:
        return "distance", None, m.group("u").lower()
    m = _DURATION.match(after)
    if m:
        return "duration", None, m.group("u").lower()
    head = re.split(r"[,;:.()]", after[:40], maxsplit=1)[0]
    subject = None
    for name, rx in _SUBJECTS:
        if rx.match(head.strip()) or rx.search(head[:25]):
            subject = name
            break
    # the counted noun itself (gewonden, doden, vluchtelingen) decides first, then the clause
    for scope in (head[:30], clause):
        for name, rx in _CAT_RES:
            if rx.search(scope):
                if subject is None:
                    for sname, srx in _SUBJECTS:
                        sm = srx.search(scope)
                        if sm and name == "killed" and sname == "civilians":
                            subject = sname
                            break
                return name, subject, None
    return None, subject, None


# --------------------------------------------------------------------------- extraction
def extract_figures(text: str, lang: str | None = "nl", quotes: Sequence | None = None,
                    source: str | None = None, published: str | None = None,
                    time_expressions: Sequence | None = None) -> list[Figure]:
    """Figures in ``text`` with category, qualifier, unit, reporter and date.

    Args:
        text: article text.
        lang: language code (nl, en, de).
        quotes: quotations of the article (:class:`storyline.records.Quote`); a figure inside
            one is reported by its speaker.
        source: the outlet, the reporter when the text names no one.
        published: the article date, the ``as_of`` when the sentence has no time expression.
        time_expressions: resolved time expressions of the article (objects with start, end, date).
    """
    lang = (lang or "nl")[:2].lower()
    out: list[Figure] = []
    if not text:
        return out
    sents = sentence_spans(text)
    quotes = sorted(quotes or [], key=lambda q: q.start)
    times = [t for t in (time_expressions or []) if getattr(t, "date", None)]
    paragraph_breaks = [m.start() for m in re.finditer(r"\n", text)]
    for si, (s, e) in enumerate(sents):
        sentence = text[s:e]
        for m in _NUMBER.finditer(text, s, e):
            value, low, high = _value(m, lang)
            if value is None and low is None:
                continue
            before = text[max(s, m.start() - 40):m.start()]
            after = text[m.end():min(e, m.end() + 60)]
            if value is not None and 1900 <= value <= 2100 and m.group("digits") and not m.group("dscale") \
                    and not _CURRENCY.match(after):
                continue  # a year
            clause = _clause(text, s, e, m.start(), m.end())
            what, subject, unit = _categorise(after, before, clause)
            if what is None:
                continue
            if subject is None and _ONDER.search(before):
                # "zeker 102, onder wie 7 kinderen": the part is named right after the number
                subject = _subject_after(after)
            qualifier = None
            for rx, q, kind in _QUAL_RE:
                if rx.search(before):
                    qualifier = q
                    if value is not None:
                        if kind == "low":
                            low, high = value, None
                        elif kind == "high":
                            low, high = None, value
                    break
            reporter = _reporter(m.start(), si, sents, quotes, text, paragraph_breaks) or source
            as_of = _as_of(s, e, times) or published
            out.append(Figure(what, subject, value, low, high, qualifier, unit, reporter, as_of,
                              sentence, m.start(), m.end()))
    return out


_CLAUSE_SEP = re.compile(r"[;:]|,\s+(?:maar|but|aber|en|and|und|terwijl|while|hoewel)\b|\s[–—]\s")


def _clause(text: str, s: int, e: int, a: int, b: int) -> str:
    """The part of the sentence around the number, up to ; : or a coordinating comma."""
    left = s
    for m in _CLAUSE_SEP.finditer(text, s, a):
        left = m.end()
    right = e
    m = _CLAUSE_SEP.search(text, b, e)
    if m:
        right = m.start()
    # keep the noun before a colon: "veel burgerslachtoffers: zeker 102"
    if left > s and text[left - 1] == ":":
        left = max(s, left - 40)
    return text[left:right]


def _subject_after(after: str) -> str | None:
    for name, rx in _SUBJECTS:
        if rx.search(after[:25]):
            return name
    return None


def _reporter(pos: int, si: int, sents, quotes, text: str, breaks) -> str | None:
    # a quote whose speaker the article leaves unresolved is reported by its phrase as written ("de gouverneur")
    quotes = [replace(q, speaker=q.speaker or q.speaker_text) for q in quotes]
    for q in quotes:
        if q.start <= pos < q.end and q.speaker:
            return q.speaker
    # An attribution that closes the next sentence of the same paragraph covers this one too
    # ("... zeker 102. 304 mensen zouden gewond zijn, zei X.")
    if si + 1 < len(sents):
        ns, ne = sents[si + 1]
        if not any(sents[si][1] <= b < ns for b in breaks):
            for q in quotes:
                if q.kind == "indirect" and q.start == ns and q.speaker and q.speaker_start and q.speaker_start > q.end:
                    return q.speaker
    # The sentence's own reporting cue outside a quote ("volgens X" at its start)
    for q in quotes:
        if q.sentence == si and q.speaker and q.kind == "indirect":
            return q.speaker
    return None


def _as_of(s: int, e: int, times) -> str | None:
    for t in times:
        if s <= t.start < e:
            return t.date
    return None
