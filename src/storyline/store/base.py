"""The store boundary: what the runner and the stages may ask of a database, record by record.

:class:`Store` is abstract; :class:`storyline.store.sqlite.SQLiteStore` implements it (all SQL lives in
``storyline/store/``). A second backend (PostgreSQL) implements the same methods and registers itself
with :func:`register_backend`; no stage changes. ``Store(path)`` opens the backend its target names, the way
``pathlib.Path(...)`` gives the platform's path class: a path SQLite (the default), a ``postgresql://`` URL
:class:`storyline.store.postgres.PostgresStore`.

Writes happen inside :meth:`Store.transaction`: a batch lands whole or not at all. Rows handed back for
linking are plain dicts keyed by column name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Iterable, Iterator, Sequence

from storyline.records import Annotations, Article, Assignment, Mention

__all__ = ["Store", "backend_for", "register_backend"]

_BACKENDS: dict[str, type["Store"]] = {}
_DEFAULT = "sqlite"
# URL schemes of ``store.db`` -> (backend, module that registers it): imported on first use, so the SQLite
# default never loads a PostgreSQL driver.
_SCHEMES = {"postgresql": ("postgresql", "storyline.store.postgres"),
            "postgres": ("postgresql", "storyline.store.postgres")}


def register_backend(name: str, cls: type["Store"]) -> None:
    """Make ``cls`` the implementation opened for backend ``name`` (``sqlite`` is the default)."""
    _BACKENDS[name] = cls


def backend_for(target: Any) -> str:
    """The backend a ``store.db`` value selects: ``postgresql://…`` PostgreSQL, anything else (a path) SQLite."""
    text = str(target or "")
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in _SCHEMES:
        name, module = _SCHEMES[scheme]
        if name not in _BACKENDS:
            import importlib

            try:
                importlib.import_module(module)
            except ImportError as exc:
                from storyline.errors import StoreError

                raise StoreError(f"a {scheme}:// database needs the PostgreSQL driver ({exc.name} is not installed):"
                                 " pip install 'psycopg[binary]' psycopg-pool") from exc
        return name
    return _DEFAULT


class Store(ABC):
    """Record-level access to a Storyline database."""

    def __new__(cls, *args: Any, **kwargs: Any):
        if cls is Store:
            target = args[0] if args else kwargs.get("path")
            if target is None:
                from storyline.settings import get_settings

                target = get_settings().store.db
            name = backend_for(target)
            if name not in _BACKENDS:
                raise TypeError(f"no store backend {name!r} registered (import storyline.store)")
            cls = _BACKENDS[name]
        return super().__new__(cls)

    # ------------------------------------------------------------------ lifecycle
    @abstractmethod
    def transaction(self) -> AbstractContextManager[Any]:
        """One write transaction: everything inside is committed together or rolled back."""

    @abstractmethod
    def close(self) -> None: ...

    def driver_lock(self) -> AbstractContextManager[Any]:
        """Held by the one driver of an ingest for all of it: a second driver on the same database gets
        :class:`storyline.errors.DriverLocked` at once, while readers and short writers go on. A lock whose
        holder died must not block the next driver. Backends override it (SQLite: a lock file beside the
        database; PostgreSQL: an advisory lock); this default guards nothing, for stores no other process
        can open (in memory)."""
        return nullcontext()

    def server_cpu_seconds(self) -> float | None:
        """CPU seconds the database server has spent on this store's connection so far, where a server does
        the work in another process on this machine (PostgreSQL); None where the store's work is in this
        process (SQLite) or the server is out of reach. The benchmark counts it in the driver's cost."""
        return None

    # ------------------------------------------------------------------ articles (ingest)
    @abstractmethod
    def find_existing(self, article: Article) -> str | None:
        """The stored id of the same article (same id), else None."""

    @abstractmethod
    def find_exact_copy(self, content_hash: str) -> str | None:
        """The earliest stored article with exactly this text, else None."""

    def index_documents(self, article: Article) -> Any:
        """What the backend indexes for search, computed without the database (before the write
        transaction); handed back to :meth:`save_article`. None: the backend computes it there."""
        return None

    @abstractmethod
    def save_article(self, article: Article, signature: bytes | None = None, documents: Any = None) -> None:
        """Store a new article (and its near-duplicate signature, and ``index_documents(article)``)."""

    @abstractmethod
    def iter_signatures(self, last: int | None = None) -> Iterator[tuple[str, bytes]]:
        """Near-duplicate signatures in storage order; with ``last``, only the latest ``last``."""

    @abstractmethod
    def set_article_dates(self, article_id: str, estimated: str | None, precision: str | None) -> None:
        """Keep the date the clusterer estimated for an article."""

    @abstractmethod
    def save_assignments(self, assignments: Iterable[Assignment]) -> None:
        """Each article's event (and score), and a date the clusterer refined for it."""

    @abstractmethod
    def get_article(self, article_id: str) -> Article | None: ...

    @abstractmethod
    def get_articles(self, ids: Iterable[str]) -> list[Article]: ...

    # ------------------------------------------------------------------ annotations (enrich)
    @abstractmethod
    def save_annotations(self, article_id: str, annotations: Annotations) -> None:
        """Replace one article's mentions (when the NER ran), quotes, figures and positions."""

    def save_annotations_many(self, items: Sequence[tuple[str, Annotations]]) -> None:
        """Like :meth:`save_annotations` for a batch (a backend may order the writes its own way)."""
        for article_id, annotations in items:
            self.save_annotations(article_id, annotations)

    # ------------------------------------------------------------------ entity linking
    @abstractmethod
    def mentions_for_articles(self, article_ids: Sequence[str], *, unlinked_only: bool = False) -> list:
        """Stored mentions (id, article_id, entity_id, text, type, start, end, sentence), by article, start."""

    @abstractmethod
    def insert_mentions(self, article_id: str, mentions: Iterable[Mention]) -> None: ...

    @abstractmethod
    def set_mention_entities(self, pairs: Iterable[tuple[int, int]]) -> None:
        """``(entity_id, mention_id)`` pairs."""

    @abstractmethod
    def create_entity(self, name: str, type_: str, key: str, *, multiword: bool = False, geo_id: str | None = None,
                      lat: float | None = None, lon: float | None = None, country: str | None = None) -> int: ...

    @abstractmethod
    def entity_by_geo(self, geo_id: str) -> int | None: ...

    @abstractmethod
    def entities_by_key(self, key: str, kind: str) -> list[tuple[int, str, int, str | None]]:
        """Live entities with lookup ``key`` of ``kind``: (id, type, multiword, geo_id)."""

    @abstractmethod
    def add_keys(self, entity_id: int, keys: Iterable[tuple[str, str]]) -> None: ...

    @abstractmethod
    def keys_of(self, entity_id: int, kind: str) -> list[str]: ...

    @abstractmethod
    def add_observations(self, entity_id: int, article_id: str, variants: Counter, types: Counter) -> None: ...

    @abstractmethod
    def entity_row(self, entity_id: int) -> Any:
        """The entity's columns by name, or None."""

    @abstractmethod
    def entity_variants(self, entity_id: int) -> list[tuple[str, int]]: ...

    @abstractmethod
    def entity_evidence(self, entity_id: int) -> tuple[int, float, int]:
        """(articles naming the entity, mean tagger confidence of its mentions, mentions with a role)."""

    @abstractmethod
    def entity_context(self, entity_id: int) -> tuple[set[str], set[str]]:
        """(languages of the articles naming the entity, countries those articles name)."""

    @abstractmethod
    def update_entity(self, entity_id: int, **fields: Any) -> None: ...

    @abstractmethod
    def resolve_id(self, entity_id: int) -> int:
        """Follow merges to the live entity."""

    @abstractmethod
    def merge_entities(self, loser: int, survivor: int) -> None: ...

    @abstractmethod
    def event_of(self, article_id: str) -> int | None: ...

    @abstractmethod
    def entities_in_event(self, event_id: int, entity_ids: Sequence[int]) -> list[int]: ...

    @abstractmethod
    def entities_in_article(self, article_id: str) -> list[int]: ...

    @abstractmethod
    def articles_for(self, entity_ids: Sequence[int]) -> dict[int, list[str]]:
        """entity id -> ids of the articles naming it (entity linking reads an entity's context)."""

    # ------------------------------------------------------------------ quotes, figures, positions (link)
    @abstractmethod
    def article_quotes(self, article_id: str) -> list[dict]: ...

    @abstractmethod
    def candidate_quotes(self, article_id: str, speaker_id: int | None, scope: list[dict] | None = None) -> list[dict]:
        """Quotes of other articles of the same event/storyline, or by the same speaker entity; ``scope``: the
        event/storyline part when the caller holds it already (``candidate_quotes(article_id, None)``)."""

    @abstractmethod
    def set_quote_speaker(self, quote_id: int, entity_id: int) -> None: ...

    @abstractmethod
    def merge_quotes(self, keep: int, drop: int) -> None:
        """Quote ``drop`` is the same words as ``keep`` (another outlet): one quote from now on."""

    @abstractmethod
    def article_figures(self, article_id: str) -> list[dict]: ...

    @abstractmethod
    def candidate_figures(self, article_id: str, category: str) -> list[dict]:
        """Figures of the same category in articles of the same event or storyline."""

    @abstractmethod
    def set_figure_reporter(self, figure_id: int, entity_id: int) -> None: ...

    @abstractmethod
    def unlinked_positions(self, article_id: str) -> list[dict]:
        """An article's positions whose actor is not tied to an entity yet (id, actor)."""

    @abstractmethod
    def set_position_actor(self, position_id: int, entity_id: int) -> None: ...

    @abstractmethod
    def article_scope(self, article_id: str) -> tuple[int | None, int | None]:
        """(event id, storyline id) of an article."""

    @abstractmethod
    def save_disagreement(self, what: str, subject: str | None, event_id: int | None, storyline_id: int | None,
                          figure_ids: list[int]) -> int: ...
