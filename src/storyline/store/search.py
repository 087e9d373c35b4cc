"""Search text preparation: the same lemmatisation at index and at query time,
so ``gesprekken`` finds ``gesprek``. Diacritics are folded by FTS5's unicode61 tokenizer."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)
_LEMMA_LANGS = {"nl", "en", "de", "fr", "es", "it", "pt", "da", "sv"}


_LOAD_LOCK = threading.Lock()
_LOADED: set[str] = set()


@lru_cache(maxsize=50_000)  # bounds a long run's memory (about 300 bytes an entry)
def _lemma(token: str, lang: str) -> str:
    import simplemma

    if lang not in _LOADED:
        # simplemma loads a language's dictionary on first use without a lock: 20 server threads
        # searching at once each loaded it (10 s instead of 0.7 s). Load it once, the others wait.
        with _LOAD_LOCK:
            if lang not in _LOADED:
                try:
                    simplemma.lemmatize("a", lang=lang)
                finally:
                    _LOADED.add(lang)
    try:
        return simplemma.lemmatize(token, lang=lang).lower()
    except Exception:
        return token


def lemmas(text: str, language: str | None = "nl") -> list[str]:
    lang = language if language in _LEMMA_LANGS else "nl"
    out = []
    for word in _WORD.findall(text.lower()):
        for part in word.split("-") if "-" in word else (word,):
            if part:
                out.append(_lemma(part, lang))
    return out


def search_document(text: str, language: str | None) -> str:
    """Indexed form: each word's lemma plus the word itself when they differ (exact matches still hit)."""
    lang = language if language in _LEMMA_LANGS else "nl"
    out = []
    for word in _WORD.findall(text.lower()):
        for part in word.split("-") if "-" in word else (word,):
            if not part:
                continue
            lemma = _lemma(part, lang)
            out.append(lemma)
            if lemma != part:
                out.append(part)
    return " ".join(out)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold_query(query: str, language: str = "nl") -> str:
    """A safe FTS5 MATCH expression: each word's lemma, quoted; ``OR`` kept; all words required."""
    words = _WORD.findall(query.lower())
    terms = []
    pending_or = False
    for word in words:
        if word == "or":
            pending_or = True
            continue
        # The index holds a hyphenated word's parts (see search_document), so the query must too.
        parts = [p for p in word.split("-") if p] if "-" in word else [word]
        quoted = ['"' + _lemma(p, language).replace('"', "") + '"' for p in parts]
        term = quoted[0] if len(quoted) == 1 else "(" + " AND ".join(quoted) + ")"
        if pending_or and terms:
            terms[-1] = f"({terms[-1]} OR {term})"
        else:
            terms.append(term)
        pending_or = False
    return " AND ".join(terms)


def matching_sentence(article, query: str, max_chars: int = 220) -> str:
    """The first sentence of the article (title first) that contains a query lemma, for display."""
    from storyline.ingest.normalize import shorten
    from storyline.ingest.sentences import split_sentences

    wanted = {_fold(t) for t in lemmas(query, article.language)} - {"or"}
    for sentence in [article.title or ""] + split_sentences(article.text):
        if wanted & {_fold(t) for t in lemmas(sentence, article.language)}:
            return shorten(sentence, max_chars)
    return shorten(article.text, max_chars)


def search_filtered(store, query: str, *, limit: int, offset: int = 0, since: str | None = None,
                    until: str | None = None, source: str | None = None, language: str | None = None,
                    entity: int | None = None) -> list[tuple]:
    """Full-text search with the filters applied inside the query, before ranking and paging: every
    matching article that passes them can be reached (no cut-off at the best N hits).

    Returns (article, rank, snippet) like :meth:`SQLiteStore.search`. Raises ValueError for an unusable query.
    """
    from storyline.store.tables import has_table

    clauses, params = [], []
    if source:
        clauses.append("a.source = ?")
        params.append(source)
    if language:
        clauses.append("a.language = ?")
        params.append(language)
    if since:
        clauses.append("COALESCE(a.published, a.estimated_date) >= ?")
        params.append(since)
    if until:
        clauses.append("COALESCE(a.published, a.estimated_date) <= ?")
        params.append(until + "\uffff")  # "2019-03" and "2019-03-05" include every later part of that date
    if entity is not None:
        if not has_table(store.conn, "article_entities"):
            return []
        clauses.append("a.id IN (SELECT article_id FROM article_entities WHERE entity_id = ?)")
        params.append(entity)
    # The match and its rank are the backend's (FTS5 on SQLite, a tsvector on PostgreSQL): (article id, rank).
    rows = store.fts_rows(query, clauses, params, limit=limit, offset=offset)
    articles = {a.id: a for a in store.get_articles([r[0] for r in rows])}
    return [(articles[r[0]], r[1], matching_sentence(articles[r[0]], query)) for r in rows if r[0] in articles]
