"""What runs while a batch holds the write lock: only the store's reads and writes, none of the pure work.

A counting probe wraps the store's transaction and the costly pure steps of linking and clustering (grouping an
article's names, resolving places and demonyms in the gazetteer, the clusterer's name, number and quote keys);
an ingest with a batch of several articles must make none of those calls while the transaction is open, and
link and cluster exactly as the same work done inside the transaction does.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from storyline.cluster import signals
from storyline.enrich import places
from storyline.enrich.entities import EntityLinker
from storyline.ingest.readers import finish_article
from storyline.runner import Runner, ingest
from storyline.settings import get_settings
from storyline.store import Store
from storyline.store.sqlite import SQLiteStore

TEXTS = [
    "Premier Mark Rutte sprak dinsdag in Den Haag met Volodymyr Zelensky over de steun aan Oekraïne. "
    "Rutte zei na afloop dat Nederland de Oekraïense regering blijft steunen. \"We laten Kiev niet vallen\", "
    "zei Rutte. De Europese Unie (EU) bereidt nieuwe sancties tegen Rusland voor.",
    "Zelensky bedankte Nederland in Kiev voor de hulp. Volgens minister Wopke Hoekstra komt er meer geld. "
    "\"Dit is pas het begin van onze samenwerking\", zei Zelensky tegen verslaggevers in Oekraïne. "
    "Ook de Verenigde Staten en Duitsland zegden steun toe.",
    "In Rotterdam protesteerden boeren tegen het stikstofbeleid van het kabinet. Minister Carola Schouten "
    "zei dat ze met de boeren in gesprek blijft. De politie van Rotterdam sprak van een rustige demonstratie.",
]


LATER = [
    "Rutte en Hoekstra verdedigden in de Tweede Kamer de steun aan Oekraïne. \"Zelensky kan op ons rekenen\", "
    "zei Rutte. De PVV stemde tegen. In Kiev reageerde president Zelensky dankbaar op het besluit uit Den Haag.",
    "Schouten kondigde in Den Haag een nieuw plan voor de boeren aan. In Rotterdam en Zwolle bleef het rustig. "
    "\"We zoeken samen naar een oplossing\", aldus Schouten. Ook de Europese Commissie in Brussel keek mee.",
]


def batch(prefix: str):
    texts = TEXTS if prefix == "a" else LATER
    return [finish_article(id=f"{prefix}{i}", title=f"Bericht {prefix}{i}", text=text, language="nl",
                           published="2019-03-05", source="test") for i, text in enumerate(texts)]


@pytest.fixture(autouse=True)
def fresh_settings():
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def probe(monkeypatch):
    """Counts calls of the pure steps made inside an open store transaction (and outside)."""
    inside = [0]
    calls: dict[str, list[int]] = {}
    original = SQLiteStore.transaction

    @contextmanager
    def transaction(self):
        with original(self) as conn:
            inside[0] += 1
            try:
                yield conn
            finally:
                inside[0] -= 1

    monkeypatch.setattr(SQLiteStore, "transaction", transaction)

    def counting(owner, name):
        real = getattr(owner, name)
        calls[name] = [0, 0]  # [inside, outside]

        def wrapper(*args, **kwargs):
            calls[name][0 if inside[0] else 1] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)

    counting(EntityLinker, "_groups")
    counting(EntityLinker, "_place_for")
    counting(places, "place_of_adjective")
    counting(signals, "name_keys")
    counting(signals, "number_keys")
    counting(signals, "quote_shingles")
    return calls


def _linked(store: Store) -> list[tuple]:
    rows = store.conn.execute(
        "SELECT m.article_id, m.start, m.text, e.name, e.type, e.geo_id FROM mentions m"
        " LEFT JOIN entities e ON e.id = m.entity_id ORDER BY m.article_id, m.start").fetchall()
    return [tuple(r) for r in rows]


def test_no_linking_or_signal_computation_inside_the_write_transaction(tmp_path, probe):
    store = Store(tmp_path / "s.db")
    summary = ingest(store, batch("a"), prefetch=False)
    linked = _linked(store)
    store.close()
    assert summary.new == len(TEXTS)
    assert linked and all(row[3] is not None for row in linked), linked  # every mention linked
    assert any(row[5] for row in linked), linked  # places resolved through the gazetteer
    inside = {name: counts[0] for name, counts in probe.items()}
    assert inside == dict.fromkeys(probe, 0), f"pure work inside the write transaction: {inside}"
    for name in ("_groups", "_place_for", "name_keys", "number_keys", "quote_shingles"):
        assert probe[name][1] > 0, (name, probe)  # done, before the transaction


def test_prepared_and_inline_linking_give_the_same_store(tmp_path):
    """The same batches, once with the work prepared before the lock and once all inside it: same rows."""
    prepared = Store(tmp_path / "p.db")
    runner = Runner(prepared)
    runner.ingest(batch("a"))
    runner.ingest(batch("b"))  # the second batch links against the first one's entities
    # inline: no prepare, everything inside the transaction
    from storyline.ingest.pipeline import Ingester

    inline = Store(tmp_path / "i.db")
    runner_inline = Runner(inline)
    for prefix in ("a", "b"):
        Ingester(inline).ingest(batch(prefix), on_batch=lambda stored, models: runner_inline.run_batch(stored, models))
    assert _linked(prepared) == _linked(inline)
    quotes = "SELECT article_id, q.norm, q.speaker_id FROM quote_articles qa JOIN quotes q ON q.id = qa.quote_id" \
             " ORDER BY article_id, qa.start"
    assert prepared.conn.execute(quotes).fetchall() == inline.conn.execute(quotes).fetchall()
    events = "SELECT article_id, event_id FROM event_articles ORDER BY article_id"
    assert prepared.conn.execute(events).fetchall() == inline.conn.execute(events).fetchall()
    prepared.close()
    inline.close()


def test_a_plan_for_other_mentions_is_not_used(tmp_path):
    """A plan whose mentions are not the stored ones (another writer re-enriched meanwhile) is recomputed."""
    from storyline.enrich.entities import LinkPlan

    store = Store(tmp_path / "s.db")
    runner = Runner(store)
    articles = batch("a")
    models = runner.prepare(articles)
    stale = {key: LinkPlan(signature=(), groups=(), places={}, demonyms=frozenset(), unless_surname=frozenset())
             for key in models.link_plans}
    assert stale, "the batch was planned"
    from dataclasses import replace

    from storyline.ingest.pipeline import Ingester

    Ingester(store).ingest(articles, on_batch=lambda stored, m: runner.run_batch(stored, replace(m, link_plans=stale)),
                           prepare=lambda a, m: models)
    linked = _linked(store)
    store.close()
    assert linked and all(row[3] is not None for row in linked)
