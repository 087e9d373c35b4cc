"""Article genre from general cues: is this a news report, or an opinion or rubric item?

``classify_genre(title, text) -> (genre, cue)``; the enrich stage :func:`find_genre` wraps it as a
:class:`~storyline.records.Genre`. Genres (``GENRES``): news, opinion (columns, op-eds), editorial, letter,
interview (interviews and profiles), review, brief (news-in-brief digests), liveblog, comic (strips and
cartoons), other (quote of the day, polls, corrections, weather, puzzles, birth notices, lists, empty items).

The cues, strongest first (the first that fires decides, so a rubric word beats the voice of the text):

1. rubric words in a title segment or the first words of the text ("Column", "Commentaar", "Brieven",
   "Interview", "Recensie", "Kort nieuws", "Quote van de dag", ...);
2. a letter's reference to the article it answers ("(Opinie, 7 maart)", "(AD 8-4)") near the start;
3. layout: no text or a line of text under a name-only title (a strip), a question-answer layout;
4. voice: first person outside quotation marks, at a density news reports do not reach.

Precision first: a cue fires only where news reports on the DPG 2019 corpus do not carry it, and everything
else is news. Hand-written because no Dutch genre model is available as a package; the rules are word lists,
not a model, and are measured by ``storyline eval genre`` (docs/benchmarks.md).
"""

from __future__ import annotations

import re

__all__ = ["GENRES", "NEWS_GENRES", "classify_genre", "is_news_genre"]

GENRES = ("news", "opinion", "editorial", "letter", "interview", "review", "brief", "liveblog", "comic", "other")
# Genres whose items report a happening and so may be members of a news event.
NEWS_GENRES = frozenset({"news", "liveblog"})

# Rubric words, matched as a whole title segment ("Verbouwing. Column") or its first/last words
# ("Column Thomas Verbogt", "Nynke de Jong Column"), or as the first words of the text.
_RUBRICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("editorial", ("commentaar", "hoofdredactioneel commentaar", "redactioneel", "ons commentaar", "editorial",
                   "leader", "leitartikel", "éditorial", "editoriale")),
    ("letter", ("brieven", "lezersbrieven", "lezersreacties", "brief van de dag", "geachte redactie",
                "ingezonden", "ingezonden brief", "ingezonden brieven", "letters", "leserbriefe",
                "stuur uw mening", "lezerspost")),
    ("opinion", ("column", "opinie", "opinion", "beschouwing", "kanttekening", "commentary", "kolumne",
                 "essay", "kroniek", "de wetenschapper beziet de wereld")),
    ("interview", ("interview", "vraaggesprek", "profiel", "portret", "het gesprek", "zaterdaginterview",
                   "in gesprek met")),
    ("review", ("recensie", "review", "filmrecensie", "boekrecensie", "theaterrecensie", "cd-recensie",
                "concertrecensie", "kritiek")),
    ("brief", ("kort nieuws", "kort", "in het kort", "nieuws in het kort", "kort binnenland", "kort buitenland",
               "kort economie", "kort sport", "de dag", "agenda", "uitgaanstips", "tips")),
    ("liveblog", ("liveblog", "live blog", "live", "live-blog")),
    ("comic", ("strip", "cartoon", "stripverhaal", "tekening")),
    ("other", ("quote van de dag", "uitspraak van de dag", "citaat van de dag", "de stelling", "stelling",
               "oneens eens", "correctie", "rectificatie", "weer", "het weer", "weerbericht", "puzzel",
               "sudoku", "kruiswoordpuzzel", "horoscoop", "familieberichten", "net op de wereld",
               "geboren", "in memoriam", "goedemorgen", "tv-tips", "tv vandaag", "overlijdensberichten")),
)
_RUBRIC = {word: genre for genre, words in _RUBRICS for word in words}
# Words that close a title segment with a person's name: "Nynke de Jong Column", "Column Özcan Akyol".
_RUBRIC_EDGE = {w: g for w, g in _RUBRIC.items() if " " not in w and g in ("opinion", "editorial", "interview",
                                                                          "review", "liveblog")}
# Single rubric words that are also plain title words: they count only as a whole segment, never at an edge
# of a longer one ("Live muziek", "Kritiek op Rutte", "Weer een laken op straat").
_SEGMENT_ONLY = {"kort", "de dag", "agenda", "tips", "live", "weer", "kritiek", "stelling", "geboren", "tekening",
                 "portret", "profiel", "essay", "kroniek", "leader", "letters", "review"}

# A letter answers an article: "(Opinie, 7 maart)", "(AD 8-4)", "(de Verdieping, 29 maart)", "(Tijd, 2 maart)".
_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
           "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec")
_REPLY = re.compile(r"\((?:[A-Za-z][^()\d]{0,38},\s*\d{1,2}\s+(?:" + _MONTHS + r")|[A-Z][A-Za-z]{1,10}\s+\d{1,2}-\d{1,2})\)")
_REPLY_PHRASE = re.compile(r"\b(naar aanleiding van|als reactie op|in reactie op|reagerend op)\b[^.]{0,80}"
                           r"\b(artikel|column|interview|commentaar|opiniestuk|stuk|brief|bijdrage)\b",
                           re.IGNORECASE)

_FIRST_PERSON = re.compile(r"\b(ik|mij|mijn|me|m'n|mezelf|ikzelf)\b", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)
# Quoted speech: Dutch ,,...'' and „...”, double quotes, and single-quoted phrases of a few words or more.
_QUOTED = re.compile(r",,.*?(''|\"|”)|„.*?[”\"]|“.*?”|\"[^\"]*\"|(?<!\w)'[^']{12,}?'(?!\w)", re.DOTALL)
# An interview's questions: a question sentence followed by the answer (short question, then a capital).
_QUESTION = re.compile(r"(?:^|[.!?]\s)([A-Z][^.!?]{8,140}\?)\s+[A-Z,„\"']")

# An interviewer's questions address the interviewee; an explainer's questions ("Waar gaat het om?") do not.
_YOU = re.compile(r"\b(u|uw|jij|je|jou|jouw|jullie)\b", re.IGNORECASE)

# First person outside quotes, per 100 words of the first 600 words: the DPG columns and letters read run at
# 1.5-5, news reports with their quotes removed under 0.6 (a reporter writes "ik" only in a quote).
FIRST_PERSON_PER_100 = 1.2
FIRST_PERSON_MIN = 4
# ... and "ik" in the first two sentences: a report that quotes a letter or a memo at length (a quote whose marks
# the regex misses) runs as dense, but opens in the third person (MEANTIME's translated Wikinews, the DPG
# "Wiegel zoekt breed college").


def classify_genre(title: str | None, text: str | None, language: str | None = "nl") -> tuple[str, str]:
    """The genre of an article and the cue that decided it ("news", "default" when none fired).

    The rubric words cover a few languages; the voice and letter cues read Dutch only (``language`` "nl" or
    unknown): another language is news unless a rubric word says otherwise.

    >>> classify_genre("Verbouwing. Column", "Sommige kwesties zie je van verre aankomen.")
    ('opinion', 'rubric:column')
    >>> classify_genre("Ebola-uitbraak Congo rukt op", "Het aantal ebola-gevallen is de duizend gepasseerd.")
    ('news', 'default')
    """
    title = (title or "").strip()
    text = (text or "").strip()
    found = _rubric(title, text)
    if found:
        return found
    if (not text or (len(text) < 80 and not _sentence(text))) and not _sentence(title):
        if _name_only(title):
            return "comic", "layout:name-only title, no text"
        return "other", "layout:no report text"
    if language not in (None, "nl"):
        return "news", "default"
    head = text[:600]
    if _REPLY_PHRASE.search(head) or _REPLY.search(text[:400]):
        return ("letter", "reply:first person") if _first_person(text) else ("opinion", "reply:answers an article")
    if sum(1 for q in _QUESTION.findall(text) if _YOU.search(q)) >= 3:
        return "interview", "layout:questions to the interviewee"
    if _first_person(text):
        return "opinion", "voice:first person"
    return "news", "default"


def is_news_genre(genre: str | None) -> bool:
    """May an item of this genre be a member of a news event? (Unknown genre: yes, as before genres.)"""
    return genre is None or genre in NEWS_GENRES


def _segments(title: str) -> list[str]:
    parts = [p.strip(" .:-|").lower() for p in re.split(r"\.\s+|\s+[|:]\s+|\s+-\s+", title)]
    return [p for p in parts if p]


def _rubric(title: str, text: str) -> tuple[str, str] | None:
    for seg in _segments(title):
        if seg in _RUBRIC:
            return _RUBRIC[seg], f"rubric:{seg}"
        words = seg.split()
        if 2 <= len(words) <= 7:
            for edge in (words[0], words[-1]):
                if edge in _RUBRIC_EDGE and edge not in _SEGMENT_ONLY and _rest_is_name(words, edge):
                    return _RUBRIC_EDGE[edge], f"rubric:{edge}"
    # The text's first words as a rubric line ("Stuur uw mening naar brieven ...", "Commentaar De FNV ...").
    lead = text[:60].lower()
    for word, genre in _RUBRIC.items():
        if " " in word and word not in _SEGMENT_ONLY and lead.startswith(word + " "):
            return genre, f"lead:{word}"
    return None


def _rest_is_name(words: list[str], edge: str) -> bool:
    """The other words of "Column Thomas Verbogt" / "Nynke de Jong Column" look like a person's name: at most
    four words, not a sentence (rubric words at a segment's edge inside a headline are plain words)."""
    rest = list(words)
    rest.remove(edge)
    return 1 <= len(rest) <= 6 and all(w.isalpha() or "-" in w for w in rest)


def _name_only(title: str) -> bool:
    """A title of one to three names and "en"/"&" (a strip's or cartoonist's name: "Toos en Henk")."""
    words = [w for w in re.split(r"[\s.]+", title) if w]
    if not 1 <= len(words) <= 6:
        return False
    return all((w[:1].isupper() and not w.isupper()) or w.lower() in ("en", "&", "de", "van", "der", "den")
               for w in words)


def _sentence(text: str) -> bool:
    return bool(re.search(r"\w[.!?]['\"”]?\s*$", text)) and len(_WORD.findall(text)) >= 6


def _first_person(text: str) -> bool:
    """The writer speaks as "ik": often enough outside quotes, and from the first two sentences on.

    A reporter's "ik" comes in a quote, and a quote whose closing mark the regex misses (a long single-quoted
    passage) leaks a few; a column or letter opens in the first person."""
    words = text.split()[:600]
    unquoted = _QUOTED.sub(" ", " ".join(words))
    hits = len(_FIRST_PERSON.findall(unquoted))
    n = max(1, len(_WORD.findall(unquoted)))
    if hits < FIRST_PERSON_MIN:
        return False
    density = 100.0 * hits / n
    opening = re.split(r"(?<=[.!?])\s", unquoted.strip(), maxsplit=2)[:2]
    return density >= FIRST_PERSON_PER_100 and any(_FIRST_PERSON.search(s) for s in opening)
