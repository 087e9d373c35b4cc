import sqlite3

import pytest

from storyline.ingest.pipeline import Ingester
from storyline.ingest.readers import finish_article
from storyline.store import Store
from storyline.store.migrations import MIGRATIONS
from storyline.store.files import APPLICATION_ID
from storyline.store.sqlite import StoreError

WIRE = ("Bij een zware explosie in een chemische fabriek in Antwerpen zijn dinsdag zeker vier mensen om het "
        "leven gekomen. Twaalf mensen raakten gewond, van wie drie ernstig. De brandweer was urenlang bezig "
        "het vuur onder controle te krijgen. Omwonenden werd gevraagd ramen en deuren gesloten te houden "
        "vanwege de rook. De oorzaak van de explosie is nog onbekend, meldt het parket.")


def art(id, text, **kw):
    return finish_article(id=id, text=text, **kw)


def test_wal_mode_and_schema_version(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.schema_version == len(MIGRATIONS)


def test_reopen_keeps_data_and_does_not_remigrate(tmp_path):
    path = tmp_path / "s.db"
    s = Store(path)
    Ingester(s).ingest([art("a", WIRE)])
    s.close()
    s2 = Store(path)
    assert s2.count_articles() == 1 and s2.schema_version == len(MIGRATIONS)


def test_newer_schema_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # a newer Storyline's database carries the id
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this Storyline"):
        Store(path)


def test_not_a_database_is_refused(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a Storyline database"):
        Store(path)


def test_ingest_is_idempotent(store):
    ingester = Ingester(store)
    first = ingester.ingest([art("a", WIRE, published="2022-03-01"), art("b", "Een ander bericht over de haven.")])
    again = Ingester(store).ingest([art("a", WIRE, published="2022-03-01"), art("b", "Een ander bericht over de haven.")])
    assert (first.new, first.duplicates) == (2, 0)
    assert (again.new, again.duplicates) == (0, 2)
    assert store.count_articles() == 2


def test_near_duplicate_copy_links_to_earliest(store):
    edited = WIRE.replace("dinsdag", "dinsdagmiddag") + " Foto: Belga"
    rewritten = ("In Antwerpen is een fabriek ontploft. Er vielen doden en gewonden, en de politie onderzoekt "
                 "wat er is gebeurd. Burgemeester De Wever sprak van een zwarte dag voor de stad en de haven.")
    summary = Ingester(store).ingest([
        art("wire-1", WIRE, source="Belga"),
        art("outlet-2", "Ontploffing in Antwerpen\n\n" + edited, source="De Krant"),
        art("own-3", rewritten, source="Het Blad"),
    ])
    assert summary.copies == 1
    assert store.get_article("outlet-2").copy_of == "wire-1"
    assert store.get_article("own-3").copy_of is None
    assert store.copy_counts() == {"wire-1": 1}


def test_failed_batch_loses_nothing_already_stored(store):
    Ingester(store).ingest([art("kept", WIRE)])

    def broken_stage(articles, models):
        raise RuntimeError("stage failed")

    with pytest.raises(RuntimeError):
        Ingester(store).ingest([art("new", "Een nieuw bericht over iets anders.")], on_batch=broken_stage)
    assert [a.id for a in store.list_articles()] == ["kept"]


def test_search_lemmas_and_diacritics(store):
    Ingester(store).ingest([
        art("a", "De gesprekken tussen de partijen zijn vastgelopen.", language="nl"),
        art("b", "Het café in Genève ging dicht.", language="nl"),
        art("c", "Er werd gevoetbald in het stadion.", language="nl"),
    ])
    assert [a.id for a, _, _ in store.search("gesprek")] == ["a"]
    assert [a.id for a, _, _ in store.search("gesprekken")] == ["a"]
    assert [a.id for a, _, _ in store.search("cafe geneve")] == ["b"]
    assert store.search("stadion OR gesprek") and len(store.search("stadion OR gesprek")) == 2
    with pytest.raises(ValueError):
        store.search('"')
