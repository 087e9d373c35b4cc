"""The near-duplicate index keeps a bounded window of recent signatures (memory and load time stay flat)."""

import pytest

from storyline.ingest.dedup import NearDuplicateIndex, minhash
from storyline.ingest.pipeline import Ingester
from storyline.ingest.readers import finish_article
from storyline.store import Store


def _story(i: int) -> str:
    # Distinct wording per story (number words differ in every 5-gram window), long enough for stable MinHash.
    words = [f"woord{i}x{j}" for j in range(300)]
    return "Het nieuws van vandaag: " + " ".join(words) + "."


def _copy(text: str) -> str:
    return text.replace("vandaag", "vanochtend")  # a republication with one word changed


def test_near_copy_within_the_window_is_found():
    index = NearDuplicateIndex(window=5)
    for i in range(5):
        index.add(f"a{i}", minhash(_story(i)))
    assert index.find(minhash(_copy(_story(0)))) == "a0"
    assert index.find(minhash(_story(99))) is None


def test_signatures_beyond_the_window_are_evicted():
    index = NearDuplicateIndex(window=3)
    for i in range(10):
        index.add(f"a{i}", minhash(_story(i)))
    assert len(index) == 3
    assert set(index.signatures) == {"a7", "a8", "a9"}
    assert index.find(minhash(_copy(_story(2)))) is None  # its original has left the window
    assert index.find(minhash(_copy(_story(8)))) == "a8"


def test_earliest_copy_wins_as_without_a_window():
    # While the stream is shorter than the window the answers are those of an unbounded index.
    bounded, unbounded = NearDuplicateIndex(window=100), NearDuplicateIndex(window=None)
    texts = [_story(1), _copy(_story(1)), _story(2), _copy(_copy(_story(1)))]
    for i, t in enumerate(texts):
        m = minhash(t)
        assert bounded.find(m) == unbounded.find(m)
        bounded.add(f"d{i}", m)
        unbounded.add(f"d{i}", m)
    assert bounded.find(minhash(_copy(_story(1)))) == "d0"


def test_window_must_be_positive():
    with pytest.raises(ValueError):
        NearDuplicateIndex(window=0)


def test_reopened_store_loads_only_the_latest_window(tmp_path):
    path = tmp_path / "s.db"
    store = Store(path)
    Ingester(store).ingest([finish_article(id=f"a{i}", text=_story(i)) for i in range(6)])
    store.close()
    store = Store(path)
    ingester = Ingester(store, dedup_window=2)
    assert list(ingester.index.signatures) == ["a4", "a5"]
    summary = Ingester(store, dedup_window=2).ingest([finish_article(id="new5", text=_copy(_story(5))),
                                                      finish_article(id="new0", text=_copy(_story(0)))])
    assert summary.copies == 1
    assert store.get_article("new5").copy_of == "a5"
    assert store.get_article("new0").copy_of is None  # a0 is outside the loaded window
    store.close()
