"""Dutch syntax: tokens, lemmas, UPOS, morphology and dependency trees for chosen sentences of an article.

The model is a spaCy pipeline trained by ``make train-syntax`` (:mod:`storyline.eval.train_syntax`) on UD Dutch
Alpino/LassySmall; it ships in ``trained_models/syntax-nl`` (``paths.syntax_model`` in the settings, or
``STORYLINE_SYNTAX_MODEL``, points elsewhere). Only Dutch has a model: :func:`available` says so, and the other
languages get no parses rather than a Dutch analysis of their text.

* :func:`sentences_to_parse` — the sentence spans worth parsing (quote marks, digits, number words, reporting
  cues), so the syntax layer costs little on long articles;
* :func:`parse_spans` — those spans parsed into :class:`~storyline.records.ParsedSentence` records whose
  offsets point into the article text; :func:`parse_many` does it for many texts in one model call.

Example::

    >>> text = "Rutte zei dat het kabinet valt. Het regent."
    >>> sentences_to_parse(text, "nl")
    [(0, 31)]
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Iterable, Sequence

from storyline.errors import ModelMissingError
from storyline.ingest.sentences import sentence_spans
from storyline.records import ParsedSentence, Token

LOGGER = logging.getLogger(__name__)

__all__ = ["MODEL_DIR", "MODEL_LANGUAGES", "available", "model_path", "load_model", "sentences_to_parse",
           "parse_spans", "parse_many", "parse_docs", "pipe_sentences",
           "lemma_of"]

MODEL_DIR = Path(__file__).resolve().parent.parent / "trained_models" / "syntax-nl"
MODEL_LANGUAGES = ("nl",)
# Sentences per nlp.pipe batch (about 5,000 words): larger batches gain little and cost memory.
BATCH_SIZE = 256
# A sentence longer than this (characters) is cut there for the parser: a run-on "sentence" of a badly split
# page (a list, a table) costs parse time and its tree is of no use anyway.
MAX_SENTENCE_CHARS = 600

# Quote marks; ' and ’ only at a word edge, and not as the elision of 's/'t/'n ("'s avonds", "zo’n").
_QUOTE_MARKS = re.compile(r",,|''|[\"“”„‘«»‚]|(?<!\w)['’](?![stn]\b)|(?<=\w)['’](?!\w)")
_DIGIT = re.compile(r"\d")
# Dutch number words (cardinals, fractions, large units), as whole words or the start of a compound
# (``drieduizend``, ``tientallen``). Not ``een``: the article would pick nearly every sentence.
_NUMBER_WORDS = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf",
                 "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien",
                 "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig",
                 "honderd", "duizend", "miljoen", "miljard", "biljoen", "helft", "kwart", "procent", "dozijn")
# Reporting cues: verb stems and their past forms as word starts (``zeg`` covers zegt/zeggen, ``verklaar``
# verklaarde), and fixed phrases. Opinion verbs (vindt, denkt) report too in Dutch news ("X vindt dat ...").
_CUES = ("zei", "zeg", "stelt", "stelde", "meld", "volgens", "aldus", "liet weten", "laat weten", "laten weten",
         "lieten weten", "verklaar", "vertel", "benadruk", "erken", "ontken", "riep", "roept", "waarschuw",
         "reageer", "reageerd", "antwoord", "schrijft", "schreef", "schreven", "noemt", "noemde", "beweer",
         "twitter", "tweet", "onderstreep", "bevestig", "concludeer", "kondig", "vindt", "vond", "vinden",
         "denkt", "dacht", "legt uit", "legde uit", "wijst erop", "wees erop", "zegde", "belooft", "beloofde",
         "hoopt", "hoopte", "vreest", "vreesde", "eist", "eiste", "pleit", "vraagt", "vroeg")
_CUE_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(c) for c in _CUES), key=len, reverse=True))
                     + r")", re.IGNORECASE)
_NW = "|".join(sorted(_NUMBER_WORDS + ("een",), key=len, reverse=True))
# A number word, or number words run together (eenentwintig, drieduizend), with an ordinal or group ending.
_NUMBER_RE = re.compile(rf"\b(?:{_NW})(?:en)?(?:{_NW})*(?:de|ste|tal|tallen)?\b", re.IGNORECASE)

_lock = threading.Lock()
_parse_lock = threading.Lock()
_models: dict[Path, object] = {}


def model_path() -> Path:
    """Where the Dutch model is read from: the settings' ``paths.syntax_model``, else the package's copy."""
    from storyline.settings import get_settings

    configured = get_settings().paths.syntax_model
    return Path(configured) if configured else MODEL_DIR


def available(lang: str | None) -> bool:
    """True when a syntax model for ``lang`` is installed (only Dutch has one)."""
    return (lang or "").lower() in MODEL_LANGUAGES and (model_path() / "meta.json").is_file()


def load_model(path: Path | None = None):
    """The spaCy pipeline, loaded once per process (per path); ModelMissingError when it is not installed."""
    path = Path(path) if path else model_path()
    with _lock:
        nlp = _models.get(path)
        if nlp is None:
            if not (path / "meta.json").is_file():
                raise ModelMissingError(f"no Dutch syntax model at {path}. Train it with `make train-syntax`, or "
                                        f"set paths.syntax_model (STORYLINE_SYNTAX_MODEL) to a trained model.")
            import spacy

            nlp = spacy.load(path, exclude=["senter"])
            _models[path] = nlp
    return nlp


def sentences_to_parse(text: str, lang: str | None) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` that need syntax: those with a quote mark, a digit, a number word or a
    reporting cue. Empty for a language without a model.

    >>> sentences_to_parse("Het regent. Volgens het KNMI wordt het droog.", "nl")
    [(12, 46)]
    >>> sentences_to_parse("Volgens het KNMI wordt het droog.", "es")
    []
    """
    if not available(lang) or not text:
        return []
    return [(s, e) for s, e in sentence_spans(text) if _needs_syntax(text[s:e])]


def _needs_syntax(sentence: str) -> bool:
    # Quote marks alone do not count: the speaker of a quote stands in a sentence with a reporting cue or a
    # colon; the words inside the marks are never attributed from their own parse.
    if _DIGIT.search(sentence) or _CUE_RE.search(sentence) or (":" in sentence and _QUOTE_MARKS.search(sentence)):
        return True
    return any(m.group(0).lower() != "een" and not m.group(0).lower().endswith(("de", "ste"))
               for m in _NUMBER_RE.finditer(sentence))


def parse_spans(text: str, spans: Sequence[tuple[int, int]], lang: str | None,
                batch_size: int = BATCH_SIZE) -> tuple[ParsedSentence, ...]:
    """The sentences ``text[start:end]`` parsed, offsets into ``text``; () when ``lang`` has no model.

    Each span is parsed as one sentence: a token's ``head`` is an index within it and the root points to
    itself.
    """
    return parse_many([(text, spans)], lang, batch_size)[0]


def parse_many(items: Sequence[tuple[str, Sequence[tuple[int, int]]]], lang: str | None,
               batch_size: int = BATCH_SIZE) -> list[tuple[ParsedSentence, ...]]:
    """:func:`parse_spans` for many texts at once (one ``nlp.pipe`` over all their sentences: batches of a
    few sentences per text cost the model about a quarter more)."""
    if not available(lang):
        return [() for _ in items]
    pieces: list[tuple[int, int, str]] = []  # (item, offset, sentence)
    for k, (text, spans) in enumerate(items):
        for start, end in spans:
            end = min(end, start + MAX_SENTENCE_CHARS)
            # Leading/trailing blanks would become whitespace tokens: parse the stripped sentence.
            chunk = text[start:end]
            lead = len(chunk) - len(chunk.lstrip())
            chunk = chunk.strip()
            if chunk:
                pieces.append((k, start + lead, chunk))
    out: list[list[ParsedSentence]] = [[] for _ in items]
    if pieces:
        nlp = load_model()
        # The model's vocabulary keeps every string it meets (a word, its lemma, its morphology) for good: a
        # long run (``storyline watch``) meets new names all the time, so the parses are taken in a memory
        # zone, which forgets this call's new strings and lexemes at its end. The docs are read into records
        # inside it (a doc must not be used after the zone); one zone at a time, as a zone's end frees
        # strings another thread's docs could still use.
        with _parse_lock, nlp.memory_zone():
            docs = pipe_sentences(nlp, (nlp.make_doc(c) for _, _, c in pieces), batch_size=batch_size)
            for (k, offset, _), doc in zip(pieces, docs):
                out[k].append(_to_record(doc, offset))
    return [tuple(x) for x in out]


def pipe_sentences(nlp, docs: Iterable, batch_size: int = BATCH_SIZE) -> Iterable:
    """Tokenised docs through the pipeline, each held to one sentence (the parser keeps preset boundaries)."""
    def one_sentence(docs):
        for doc in docs:
            for i, t in enumerate(doc):
                t.is_sent_start = i == 0
            yield doc
    return nlp.pipe(one_sentence(docs), batch_size=batch_size)


def parse_docs(docs: Iterable, offsets: Iterable[int]) -> tuple[ParsedSentence, ...]:
    """Already processed spaCy docs as records, each shifted by its offset (for callers that run the model)."""
    return tuple(_to_record(doc, offset) for doc, offset in zip(docs, offsets))


def lemma_of(text: str, pos: str, predicted: str = "") -> str:
    """The lemma of a word: a proper noun is its own lemma; a word the simplemma dictionary lemmatises (gives
    another form) gets that lemma; any other word the model's (``predicted``), else itself.

    Chosen on the recipe's development slice (every 10th Alpino dev sentence, 1,100 words): this mix 0.960,
    the model's lemmatiser alone 0.937, simplemma alone 0.942 (0.952 with proper nouns kept as written).
    """
    if pos == "PROPN":
        return text
    import simplemma

    looked_up = simplemma.lemmatize(text, lang="nl")
    if looked_up.lower() != text.lower() or not predicted:
        return looked_up
    return predicted


def _to_record(doc, offset: int) -> ParsedSentence:
    tokens = []
    for t in doc:
        if t.is_space:
            continue
        tokens.append(t)
    index = {t.i: n for n, t in enumerate(tokens)}
    out = []
    for n, t in enumerate(tokens):
        h = t.head
        while h.is_space and h.head.i != h.i:  # a blank between words is no token here: its head stands in
            h = h.head
        head = index.get(h.i, n)
        dep = "root" if head == n else t.dep_
        start = offset + t.idx
        out.append(Token(text=t.text, lemma=lemma_of(t.text, t.pos_, t.lemma_), pos=t.pos_ or "X", morph=str(t.morph),
                         head=n if dep == "root" else head, dep=dep, start=start, end=start + len(t.text)))
    if not out:
        return ParsedSentence(start=offset, end=offset, tokens=())
    return ParsedSentence(start=out[0].start, end=out[-1].end, tokens=tuple(out))
