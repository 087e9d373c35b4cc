"""The store boundary: ``Store`` is abstract, SQLite implements all of it, annotations round-trip by record."""

from __future__ import annotations

import inspect

import pytest

from storyline.records import Annotations, Article, Figure, Mention, Position, Quote
from storyline.store import SQLiteStore, Store
from storyline.store.base import Store as AbstractStore


def test_store_opens_the_default_backend_and_implements_every_method():
    store = Store(":memory:")
    try:
        assert type(store) is SQLiteStore and isinstance(store, AbstractStore)
        assert Store.__abstractmethods__  # the boundary is abstract ...
        assert not SQLiteStore.__abstractmethods__  # ... and SQLite fills all of it
    finally:
        store.close()


def test_an_incomplete_backend_cannot_be_opened():
    class Partial(Store):
        pass

    with pytest.raises(TypeError):
        Partial()  # an incomplete backend cannot be opened


def test_the_boundary_methods_take_records_not_connections():
    for name, member in inspect.getmembers(AbstractStore, inspect.isfunction):
        params = inspect.signature(member).parameters
        assert "conn" not in params, f"Store.{name} takes a connection"


def test_annotations_round_trip_through_the_store(tmp_path):
    store = Store(tmp_path / "a.db")
    text = "“Het is genoeg”, zei Vos. Er vielen 12 doden. Vos eist een onderzoek naar de ramp."
    article = Article(id="a", text=text, source="nos", published="2024-06-04", language="nl")
    found = Annotations(
        language="nl", date="2024-06-04",
        mentions=(Mention("Vos", "PER", 21, 24, 0),),
        quotes=(Quote("Het is genoeg", 1, 14, "direct", "Vos", "Vos", 21, 24, "PER", "zei", 0, norm="het is genoeg"),),
        figures=(Figure("killed", None, 12.0, 12.0, 12.0, None, None, "nos", "2024-06-04", "Er vielen 12 doden.",
                        36, 38),),
        positions=(Position("Vos", "Vos", "PER", "demand", "een onderzoek naar de ramp", "eist", "Vos eist ...", 55),),
    )
    with store.transaction():
        store.save_article(article)
        store.save_annotations("a", found)
    try:
        [m] = store.mentions_for_articles(["a"])
        assert (m.text, m.type, m.start, m.end) == ("Vos", "PER", 21, 24)
        [q] = store.article_quotes("a")
        assert (q["speaker"], q["norm"], q["kind"]) == ("Vos", "het is genoeg", "direct")
        [f] = store.article_figures("a")
        assert (f["what"], f["value"], f["source"]) == ("killed", 12.0, "nos")
        [p] = store.unlinked_positions("a")
        assert p["actor"] == "Vos"
        # Saving again replaces; annotations without mentions (no NER ran) leave the mentions alone.
        with store.transaction():
            store.save_annotations("a", Annotations(language="nl", mentions=None))
        assert store.article_quotes("a") == [] and store.article_figures("a") == []
        assert len(store.mentions_for_articles(["a"])) == 1
    finally:
        store.close()
