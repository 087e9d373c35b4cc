"""Sentence splitting that respects Dutch (and English/German) abbreviations.

Written by hand on purpose: the pure-Python splitters measured in
shared/research/models.md (pysbd, syntok, spaCy's sentencizer) all split after
``Dhr.``, ``feb.`` or ``Prof. dr.``; frog gets it right but is a 900 MB process.
The rule: split after . ! ? (plus closing quotes) followed by space and an upper-case
letter, digit or opening quote, unless the token before the period is a known
abbreviation or a single letter (initials).
"""

from __future__ import annotations

import re

ABBREVIATIONS = {
    # Dutch
    "dhr", "mevr", "mw", "mr", "prof", "dr", "drs", "ir", "ing", "ds", "st", "sr", "jr",
    "o.a", "a.s", "j.l", "m.a.w", "d.w.z", "i.p.v", "t.o.v", "z.g.a", "e.d", "e.a", "m.b.t",
    "n.a.v", "v.d", "c.q", "resp", "ca", "bijv", "bv", "evt", "incl", "excl", "nr", "blz",
    "jan", "feb", "mrt", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dec",
    "ma", "di", "wo", "do", "vr", "za", "zo", "mln", "mld", "mrd", "min", "max", "gem",
    "vs", "etc", "enz", "vgl", "zgn", "art", "lid", "kol", "gen", "lt", "sgt",
    # English / German
    "mrs", "ms", "gen", "gov", "sen", "rep", "col", "capt", "lt", "inc", "ltd", "co", "corp",
    "no", "u.s", "u.k", "e.g", "i.e", "z.b", "u.a", "bzw", "usw", "hr", "fr", "nr",
}

_CANDIDATE = re.compile(r"([.!?…]+)([\"'”’»)\]]*)(\s+)(?=(?:,,|[\"'“‘„«(\[])?[A-ZÀ-ÖØ-Þ0-9])")
_TOKEN_BEFORE = re.compile(r"(\S+)$")


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = paragraph.strip()
        if paragraph:
            sentences.extend(_split_paragraph(paragraph))
    return sentences


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character offsets (start, end) of each sentence in ``text``."""
    spans = []
    pos = 0
    for sentence in split_sentences(text):
        start = text.find(sentence, pos)
        if start < 0:
            continue
        spans.append((start, start + len(sentence)))
        pos = start + len(sentence)
    return spans


def _split_paragraph(paragraph: str) -> list[str]:
    out = []
    start = 0
    for match in _CANDIDATE.finditer(paragraph):
        if match.group(1) == "." and _is_abbreviation(paragraph[start:match.start(1)]):
            continue
        end = match.end(2)
        out.append(paragraph[start:end].strip())
        start = match.end(3)
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def _is_abbreviation(before: str) -> bool:
    # Only the tail can hold the token: searching all of ``before`` made long unsplit runs
    # ("J. J. J. ...") quadratic. No abbreviation is anywhere near 40 characters long.
    m = _TOKEN_BEFORE.search(before[-40:])
    if not m:
        return False
    token = m.group(1).lstrip("(\"'“‘„«[").lower()
    if len(token) == 1 and token.isalpha():
        return True  # an initial: "J. Smit"
    return token in ABBREVIATIONS or token.rstrip(".") in ABBREVIATIONS
