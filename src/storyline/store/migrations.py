"""Versioned schema. Each migration runs once, in order, inside one transaction.

Append new migrations; never edit one that has shipped. ``PRAGMA user_version``
records how far a database has come.
"""

MIGRATIONS: list[str] = [
    # 1: articles, full-text search, near-duplicate signatures
    """
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
    -- Search over lemmas: diacritics folded by the tokenizer, Dutch inflection by simplemma at index time.
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        article_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE minhashes (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        signature BLOB NOT NULL
    );
    """,
    # 2: events and storylines (online clustering state lives in `state` blobs)
    """
    CREATE TABLE storylines (
        id INTEGER PRIMARY KEY,
        title TEXT, start TEXT, "end" TEXT,
        state BLOB,
        updated_at TEXT
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        title TEXT, date TEXT, date_precision TEXT,
        storyline_id INTEGER REFERENCES storylines(id),
        state BLOB,
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
    """,
    # 3: entities, mentions, places (enrichment: entities)
    """
    -- reserved for the entities stage
    """,
    # 4: quotes, figures, time expressions, disagreements (enrichment: quotes and figures)
    """
    -- reserved for the quotes and figures stage
    """,
]
