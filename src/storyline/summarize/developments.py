"""Developments: one count of a storyline followed over the days it was reported (a death toll rising, a vote
margin shrinking in a recount). Shown beside disagreements: a value that changed from one day to the next is a
development, not a dispute between sources.

A development is a series of figures of one storyline that

* count the same people: a count that only grows while a story unfolds
  (:data:`~storyline.summarize.disagreements.CUMULATIVE`: dead, injured, arrested, displaced, ...), a compatible
  head (:func:`~storyline.summarize.disagreements.compatible_what`), the same unit, the same adjective before the
  counted noun ("burgerlijke doden" are not "doden"), and compatible scopes
  (:func:`~storyline.summarize.disagreements.same_scope`). Seats and votes are not followed: the names of their
  clause do not say reliably whose seats they are (read on DPG 2019: "de partij" of four parties in one storyline);
* are reported counts, not expectations (no ``mogelijk``, ``naar verwachting``: see
  :func:`~storyline.summarize.disagreements.hedged`);
* are dated to the day, on at least two different days;
* change materially from one reported day to another (beyond rounding and qualifiers,
  :func:`~storyline.summarize.disagreements.materially_different`).

The figures come in as :class:`storyline.read.contracts.FigureJSON`-shaped dicts (what a listing shows); the
function is pure, so every surface builds the same series.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from storyline.summarize.disagreements import CUMULATIVE, _fold, _parse, _stem, compatible_what, hedged, \
    materially_different, same_scope

__all__ = ["Development", "DevelopmentPoint", "developments"]

MIN_DAYS = 2
# Words before a counted noun that are part of the number, not a property of what is counted.
_NUMBER_WORDS = frozenset("""duizend miljoen miljard honderd tien twintig dertig veertig vijftig zestig zeventig
    tachtig negentig ruim bijna zeker minstens circa ongeveer zo'n zowat ca. naar schatting ten minste tenminste
    nog extra meer minder thousand million billion hundred about nearly almost least some over tausend millionen
    milliarden mehr mindestens etwa rund""".split())
_NUMBER_ENDINGS = ("duizend", "honderd", "miljoen", "miljard", "tig", "tien", "twee", "drie", "vier", "vijf", "zes",
                   "zeven", "acht", "negen", "elf", "twaalf")
_WORD = re.compile(r"[\w'’.-]+")


@dataclass(frozen=True)
class DevelopmentPoint:
    day: str
    values: tuple[float, ...]
    figures: tuple[int, ...]
    articles: tuple[str, ...]
    reported_by: tuple[str, ...]


@dataclass(frozen=True)
class Development:
    what: str
    category: str
    unit: str | None
    points: tuple[DevelopmentPoint, ...]

    def to_json(self) -> dict[str, Any]:
        return {"what": self.what, "category": self.category, "unit": self.unit,
                "points": [{"day": p.day, "values": list(p.values), "figures": list(p.figures),
                            "articles": list(p.articles), "reported_by": list(p.reported_by)} for p in self.points]}


def _numberlike(word: str) -> bool:
    w = _fold(word)
    return any(c.isdigit() for c in w) or w in _NUMBER_WORDS or w.endswith(_NUMBER_ENDINGS)


def modifier(figure: dict) -> str:
    """The adjective right before the counted noun in the figure's sentence ("ongeldige" in "300 duizend
    ongeldige stemmen"), stemmed; "" when the noun follows the number directly."""
    head = _stem(figure.get("what") or "")
    if len(head) < 3:
        return ""
    words = _WORD.findall(figure.get("sentence") or "")
    for i, w in enumerate(words):
        if i == 0 or not _fold(w).startswith(head) or not any(_numberlike(x) for x in words[max(0, i - 3):i]):
            continue
        before = words[i - 1]
        if _numberlike(before) or not before.isalpha() or not before[:1].islower():
            return ""
        return _stem(before)
    return ""


def _value(f: dict) -> float | None:
    for key in ("value", "low", "high"):
        if f.get(key) is not None:
            return float(f[key])
    return None


def _triple(f: dict) -> tuple:
    return f.get("value"), f.get("low"), f.get("high")


def developments(figures: Iterable[dict]) -> list[Development]:
    """The developments among one storyline's figures (dicts with id, what, category, unit, value, low, high,
    qualifier, as_of, article, sentence, reported_by), largest first."""
    groups: list[tuple[tuple, list[dict]]] = []
    for f in figures:
        category = f.get("category")
        qualifier = f.get("qualifier") or ""
        if category not in CUMULATIVE or _value(f) is None or qualifier in ("from", "whole") \
                or qualifier.startswith("of "):
            continue  # "van 4 naar 8": the earlier value of a change; "zes van de twaalf": a part
        if hedged(f.get("sentence") or ""):
            continue  # "mogelijk meer dan duizend doden": an expectation, not a reported count
        parsed = _parse(f.get("as_of"))
        if parsed is None or parsed[1] != "day":
            continue
        key = (category, f.get("unit") or "", modifier(f))
        for gkey, members in groups:
            if gkey == key and compatible_what(members[0].get("what"), f.get("what")) \
                    and all(same_scope(m, f) for m in members):
                members.append(f)
                break
        else:
            groups.append((key, [f]))
    out = []
    for (category, unit, _), members in groups:
        series = _series(members)
        if series is not None:
            out.append(Development(_label(members), category, unit or None, series))
    out.sort(key=lambda d: (-len(d.points), d.points[0].day))
    return out


def _series(members: Sequence[dict]) -> tuple[DevelopmentPoint, ...] | None:
    by_day: dict[str, list[dict]] = {}
    seen: set[tuple] = set()
    for f in members:
        same = (_fold(f.get("sentence") or ""), _value(f))
        if same in seen:
            continue  # one sentence in two articles (a copy): one report
        seen.add(same)
        by_day.setdefault(f["as_of"][:10], []).append(f)
    if len(by_day) < MIN_DAYS:
        return None
    days = sorted(by_day)
    changed = any(materially_different(_triple(a), _triple(b))
                  for d1, d2 in zip(days, days[1:]) for a in by_day[d1] for b in by_day[d2])
    if not changed:
        return None
    points = []
    for d in days:
        fs = sorted(by_day[d], key=lambda f: f.get("id") or 0)
        values = tuple(dict.fromkeys(_value(f) for f in fs))
        points.append(DevelopmentPoint(d, values, tuple(f.get("id") for f in fs),
                                       tuple(dict.fromkeys(f.get("article") for f in fs)),
                                       tuple(dict.fromkeys(f.get("reported_by") or "" for f in fs))))
    return tuple(points)


def _label(members: Sequence[dict]) -> str:
    heads = [m.get("what") for m in members if m.get("what")]
    return max(set(heads), key=lambda h: (heads.count(h), -len(h))) if heads else members[0].get("category", "")
