"""Versioned schema, one list for every backend. Each migration runs once, in order, inside one transaction.

Append new migrations; never edit one that has shipped. An entry is portable SQL (plain CREATE TABLE /
ALTER TABLE ADD COLUMN / CREATE INDEX; types TEXT, INTEGER, REAL, BLOB), run as written on SQLite and
translated for PostgreSQL by :func:`storyline.store.dialect.translate_ddl`; or a :class:`Migration` whose
``sqlite`` / ``postgresql`` part holds what only that backend can express (FTS5 vs a ``tsvector`` column), run
after the portable part. SQLite records how far a database has come in ``PRAGMA user_version``, PostgreSQL
in the table ``storyline_schema``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """A migration with backend-specific parts: ``portable`` runs on every backend, then the backend's own."""

    portable: str
    sqlite: str = ""
    postgresql: str = ""


def migration_parts(entry: "str | Migration", backend: str) -> tuple[str, str]:
    """(portable SQL, SQL for ``backend`` alone) of one entry of :data:`MIGRATIONS`."""
    if isinstance(entry, str):
        return entry, ""
    return entry.portable, getattr(entry, backend)


MIGRATIONS: list[str | Migration] = [
    # 1: articles, full-text search, near-duplicate signatures
    Migration("""
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        source TEXT, url TEXT, title TEXT,
        published TEXT, published_precision TEXT,
        estimated_date TEXT, date_precision TEXT,
        language TEXT, author TEXT,
        text TEXT NOT NULL, raw_text TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        content_hash TEXT NOT NULL,
        copy_of TEXT,
        ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
    );
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_source ON articles(source);
    CREATE INDEX articles_copy_of ON articles(copy_of);
    CREATE TABLE minhashes (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        signature BLOB NOT NULL
    );
    """, sqlite="""
    -- Search over lemmas: diacritics folded by the tokenizer, Dutch inflection by simplemma at index time.
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        article_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
    );
    """, postgresql="""
    -- The same lemma documents (store/search.py: search_document), diacritics folded before they are stored;
    -- the 'simple' configuration only lower-cases (the words are lemmas already). Title weighted A, body B.
    CREATE TABLE articles_fts (
        article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles(id),
        document tsvector NOT NULL
    );
    CREATE INDEX articles_fts_document ON articles_fts USING GIN (document);
    """),
    # 2: events and storylines (online clustering state lives in `state` blobs)
    """
    CREATE TABLE storylines (
        id INTEGER PRIMARY KEY,
        title TEXT, start TEXT, "end" TEXT,
        state BLOB,
        last_seq INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        title TEXT, date TEXT, date_precision TEXT,
        storyline_id INTEGER REFERENCES storylines(id),
        state BLOB,
        first_date TEXT, last_date TEXT,
        n_articles INTEGER NOT NULL DEFAULT 0,
        -- arrival counter of the last article that joined: bounds candidate search to recent events
        last_seq INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT
    );
    CREATE INDEX events_storyline ON events(storyline_id);
    CREATE INDEX events_date ON events(date);
    CREATE TABLE event_articles (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        event_id INTEGER NOT NULL REFERENCES events(id),
        score REAL
    );
    CREATE INDEX event_articles_event ON event_articles(event_id);
    -- Inverted index for candidate lookup: distinctive lemmas and names of recent events/storylines.
    CREATE TABLE event_keys (
        key TEXT NOT NULL,
        event_id INTEGER NOT NULL REFERENCES events(id),
        last_seq INTEGER NOT NULL,
        PRIMARY KEY (key, event_id)
    );
    CREATE INDEX event_keys_recent ON event_keys(key, last_seq);
    CREATE INDEX event_keys_event ON event_keys(event_id);
    CREATE TABLE storyline_keys (
        key TEXT NOT NULL,
        storyline_id INTEGER NOT NULL REFERENCES storylines(id),
        last_seq INTEGER NOT NULL,
        PRIMARY KEY (key, storyline_id)
    );
    CREATE INDEX storyline_keys_recent ON storyline_keys(key, last_seq);
    CREATE INDEX storyline_keys_storyline ON storyline_keys(storyline_id);
    -- Document frequencies of lemmas seen by the clusterer (IDF for the lexical signal).
    CREATE TABLE cluster_df (
        term TEXT PRIMARY KEY,
        df INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE cluster_meta (
        key TEXT PRIMARY KEY,
        value TEXT
    );
    """,
    # 3: entities, mentions, places (enrichment: entities)
    """
    -- One row per real thing. A merged entity keeps its row with merged_into set, so ids
    -- handed out earlier (quotes' speaker_id, links) still resolve.
    CREATE TABLE entities (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        key TEXT NOT NULL,
        multiword INTEGER NOT NULL DEFAULT 0,
        geo_id TEXT, lat REAL, lon REAL, country TEXT,
        type_counts TEXT NOT NULL DEFAULT '{}',
        mention_count INTEGER NOT NULL DEFAULT 0,
        merged_into INTEGER REFERENCES entities(id),
        updated_at TEXT
    );
    CREATE INDEX entities_key ON entities(key);
    CREATE INDEX entities_geo ON entities(geo_id);
    CREATE INDEX entities_type ON entities(type);
    -- Lookup keys (transliteration keys of each variant; kind 'name' or 'surname').
    CREATE TABLE entity_keys (
        key TEXT NOT NULL,
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        kind TEXT NOT NULL,
        PRIMARY KEY (key, kind, entity_id)
    );
    CREATE INDEX entity_keys_entity ON entity_keys(entity_id);
    -- Surface forms with counts, for listing variants without scanning mentions.
    CREATE TABLE entity_variants (
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        variant TEXT NOT NULL,
        n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (entity_id, variant)
    );
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id),
        entity_id INTEGER REFERENCES entities(id),
        text TEXT NOT NULL,
        type TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        sentence INTEGER NOT NULL
    );
    CREATE INDEX mentions_article ON mentions(article_id);
    CREATE INDEX mentions_entity ON mentions(entity_id);
    -- Which entities each article mentions (entity pages, clustering signal).
    CREATE TABLE article_entities (
        article_id TEXT NOT NULL REFERENCES articles(id),
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        n INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (entity_id, article_id)
    );
    CREATE INDEX article_entities_article ON article_entities(article_id);
    """,
    # 4: quotes, figures, time expressions, disagreements (enrichment: quotes and figures)
    """
    -- One row per quotation; the same words reported by several outlets share one row.
    CREATE TABLE quotes (
        id INTEGER PRIMARY KEY,
        speaker TEXT, speaker_id INTEGER,
        text TEXT NOT NULL, norm TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('direct', 'indirect')),
        language TEXT
    );
    CREATE INDEX quotes_speaker ON quotes(speaker_id);
    -- Each place a quote appears: article, character span, the speaker as written there.
    CREATE TABLE quote_articles (
        quote_id INTEGER NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL REFERENCES articles(id),
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        text TEXT NOT NULL, speaker_text TEXT, cue TEXT, sentence INTEGER,
        PRIMARY KEY (article_id, start)
    );
    CREATE INDEX quote_articles_quote ON quote_articles(quote_id);
    CREATE TABLE figures (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id),
        what TEXT NOT NULL, subject TEXT,
        value REAL, low REAL, high REAL,
        qualifier TEXT, unit TEXT,
        reported_by TEXT, reported_by_id INTEGER,
        as_of TEXT, sentence TEXT NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL
    );
    CREATE INDEX figures_article ON figures(article_id);
    CREATE INDEX figures_what ON figures(what, subject);
    CREATE TABLE disagreements (
        id INTEGER PRIMARY KEY,
        what TEXT NOT NULL, subject TEXT,
        event_id INTEGER, storyline_id INTEGER,
        signature TEXT NOT NULL UNIQUE
    );
    CREATE TABLE disagreement_figures (
        disagreement_id INTEGER NOT NULL REFERENCES disagreements(id) ON DELETE CASCADE,
        figure_id INTEGER NOT NULL REFERENCES figures(id),
        PRIMARY KEY (disagreement_id, figure_id)
    );
    CREATE INDEX disagreement_figures_figure ON disagreement_figures(figure_id);
    CREATE TABLE positions (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id),
        actor TEXT NOT NULL, actor_id INTEGER,
        stance TEXT NOT NULL, object TEXT NOT NULL,
        date TEXT, sentence TEXT,
        start INTEGER NOT NULL
    );
    CREATE INDEX positions_article ON positions(article_id);
    CREATE INDEX positions_actor ON positions(actor_id);
    """,
    # 5: time bound on candidate postings. ``last_day`` is the day ordinal (``date.toordinal``) a cluster's
    # date span ends on, 99999999 when it has none; the clusterer reads postings by key from the newest
    # day down to the article's day minus its hard gap (store/events.py: candidates).
    Migration("""
    ALTER TABLE event_keys ADD COLUMN last_day INTEGER NOT NULL DEFAULT 99999999;
    ALTER TABLE storyline_keys ADD COLUMN last_day INTEGER NOT NULL DEFAULT 99999999;
    """, sqlite="""
    -- julianday() - 1721424.5 is the proleptic Gregorian ordinal of an ISO date.
    UPDATE event_keys SET last_day = COALESCE((SELECT CAST(julianday(e.last_date) - 1721424.5 AS INTEGER)
        FROM events e WHERE e.id = event_keys.event_id), 99999999);
    UPDATE storyline_keys SET last_day = COALESCE((SELECT CAST(julianday(s."end") - 1721424.5 AS INTEGER)
        FROM storylines s WHERE s.id = storyline_keys.storyline_id), 99999999);
    CREATE INDEX event_keys_day ON event_keys(key, last_day, last_seq);
    CREATE INDEX storyline_keys_day ON storyline_keys(key, last_day, last_seq);
    -- The (key, last_seq) indexes served the previous query only; dropping them saves a write per posting.
    DROP INDEX event_keys_recent;
    DROP INDEX storyline_keys_recent;
    """, postgresql="""
    -- The same backfill: the day ordinal of a date's first ten characters (none for a month or junk).
    UPDATE event_keys SET last_day = COALESCE((SELECT substr(e.last_date, 1, 10)::date - DATE '0001-01-01' + 1
        FROM events e WHERE e.id = event_keys.event_id AND e.last_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'), 99999999);
    UPDATE storyline_keys SET last_day = COALESCE((SELECT substr(s."end", 1, 10)::date - DATE '0001-01-01' + 1
        FROM storylines s WHERE s.id = storyline_keys.storyline_id AND s."end" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'),
        99999999);
    CREATE INDEX event_keys_day ON event_keys(key, last_day, last_seq);
    CREATE INDEX storyline_keys_day ON storyline_keys(key, last_day, last_seq);
    DROP INDEX event_keys_recent;
    DROP INDEX storyline_keys_recent;
    """),
    # 6: how sure each quote's attribution is (enrich.quotes); a quote reported by several outlets keeps the
    # highest of its reports. Listings show quotes from settings enrich.quote_min_confidence up.
    """
    ALTER TABLE quote_articles ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0;
    ALTER TABLE quotes ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0;
    CREATE INDEX quotes_confidence ON quotes(confidence);
    """,
    # 7 (figures): what a figure counts gets an open category, the reading a confidence (listings show those
    # above settings enrich.figure_threshold), the reporter a type (PER/ORG/ROLE, OUTLET = the journalist), the
    # figure a scope (the names of its clause: which party, which place), compared before two figures disagree.
    # Rows from before keep their old category words in ``what`` and show with confidence 1.
    """
    ALTER TABLE figures ADD COLUMN category TEXT;
    ALTER TABLE figures ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0;
    ALTER TABLE figures ADD COLUMN reporter_type TEXT;
    ALTER TABLE figures ADD COLUMN scope TEXT;
    UPDATE figures SET category = what WHERE category IS NULL;
    CREATE INDEX figures_category ON figures(category);
    """,
    # 8 (watch): feed polling state, items seen, arrival times, alerts, follows
    """
    -- One row per watched feed, sitemap or folder: conditional-request validators and failure backoff.
    CREATE TABLE watch_sources (
        source TEXT PRIMARY KEY,
        etag TEXT, last_modified TEXT,
        last_polled REAL, next_poll REAL,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    -- Every item a source listed: stored (article_id set), or given up after ``attempts`` failures.
    CREATE TABLE watch_items (
        source TEXT NOT NULL,
        item TEXT NOT NULL,
        article_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        seen_at REAL NOT NULL,
        PRIMARY KEY (source, item)
    );
    -- When the watcher stored each article (seconds since the epoch, on the watcher's clock): burst counts.
    CREATE TABLE article_arrivals (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        arrived_at REAL NOT NULL
    );
    CREATE INDEX article_arrivals_time ON article_arrivals(arrived_at);
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        storyline_id INTEGER, event_id INTEGER, entity_id INTEGER,
        created_at REAL NOT NULL,
        title TEXT,
        detail TEXT NOT NULL DEFAULT '{}',
        key TEXT NOT NULL UNIQUE
    );
    CREATE INDEX alerts_time ON alerts(created_at);
    CREATE INDEX alerts_storyline ON alerts(storyline_id, kind, created_at);
    CREATE TABLE alert_deliveries (
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        sink TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        updated_at REAL,
        PRIMARY KEY (alert_id, sink)
    );
    -- A followed storyline or entity; the last ids seen, so only later events, quotes, disagreements alert.
    CREATE TABLE follows (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('storyline', 'entity')),
        target_id INTEGER NOT NULL,
        created_at REAL NOT NULL,
        last_event_id INTEGER NOT NULL DEFAULT 0,
        last_quote_id INTEGER NOT NULL DEFAULT 0,
        last_disagreement_id INTEGER NOT NULL DEFAULT 0,
        UNIQUE (kind, target_id)
    );
    """,
    # 9 (events): article genre; merged events and their aliases; opinion items linked to the events they discuss
    """
    ALTER TABLE articles ADD COLUMN genre TEXT;
    -- An event merged into another (same-day reports that one article joined): its id stays valid as an alias.
    CREATE TABLE event_aliases (
        merged_id INTEGER PRIMARY KEY,
        into_id INTEGER NOT NULL,
        article_id TEXT,
        score REAL,
        seq INTEGER NOT NULL DEFAULT 0,
        merged_at TEXT
    );
    CREATE INDEX event_aliases_into ON event_aliases(into_id);
    -- A storyline left empty by an event merge: its id resolves to the storyline that took its events.
    CREATE TABLE storyline_aliases (
        merged_id INTEGER PRIMARY KEY,
        into_id INTEGER NOT NULL
    );
    -- Opinion and rubric items (columns, editorials, letters, ...) are not event members: each is linked to
    -- the news events it discusses.
    CREATE TABLE event_commentary (
        article_id TEXT NOT NULL,
        event_id INTEGER NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (article_id, event_id)
    );
    CREATE INDEX event_commentary_event ON event_commentary(event_id);
    """,
    # 10 (entities): how sure each mention and entity is (enrich.ner marginals; enrich.entities.entity_confidence);
    # listings show entities from settings enrich.entity_min_confidence up. A title or role cut off a name
    # ("minister Dekker") is kept with the mention.
    """
    ALTER TABLE mentions ADD COLUMN confidence REAL;
    ALTER TABLE mentions ADD COLUMN role TEXT;
    ALTER TABLE entities ADD COLUMN confidence REAL;
    CREATE INDEX entities_confidence ON entities(confidence);
    """,
    # 11 (pages at scale): the overview pages' change stamp (storyline.store.pages.stamp) sums the genres from an
    # index instead of reading every article row; articles, events and storylines in the orders the listings page
    # them (storyline.store.views, SQLiteStore.list_articles) are read in order from an index instead of sorting
    # the whole table for each page
    """
    CREATE INDEX articles_genre ON articles(genre);
    CREATE INDEX articles_stream ON articles ((COALESCE(published, estimated_date, '9999')), seq);
    CREATE INDEX events_by_date ON events ((COALESCE(date, '9999')), id);
    CREATE INDEX events_by_recent ON events ((COALESCE(date, '')), id);
    CREATE INDEX storylines_by_start ON storylines ((COALESCE(start, '9999')), id);
    CREATE INDEX storylines_by_recent ON storylines ((COALESCE("end", start, '')), id);
    """,
]
