"""The online clusterer on hand-built signals (no model, no store)."""

import numpy as np
import pytest

from storyline.cluster.online import MemoryBackend, OnlineClusterer
from storyline.cluster.signals import Signals, date_interval


def _sig(direction, words, day=None, lang="nl"):
    emb = np.zeros(512, dtype=np.float32)
    emb[direction] = 1.0
    lex = {w: 1 / np.sqrt(len(words)) for w in words}
    return Signals(emb=emb, lex=lex, names=dict(lex), interval=date_interval(day), language=lang)


def test_similar_articles_join_and_ids_never_change():
    c = OnlineClusterer(MemoryBackend())
    a = c.learn_one(_sig(0, ["storm", "limburg", "geul"], "2022-02-01"), 1, True)
    b = c.learn_one(_sig(0, ["storm", "limburg", "geul"], "2022-02-01"), 2, True)
    other = c.learn_one(_sig(5, ["verkiezing", "kabinet", "rutte"], "2022-02-01"), 3, True)
    assert a.event_id == b.event_id != other.event_id
    assert a.new_event and not b.new_event


def test_same_content_far_apart_in_time_opens_a_new_event():
    c = OnlineClusterer(MemoryBackend())
    a = c.learn_one(_sig(0, ["storm", "limburg", "geul"], "2022-02-01"), 1, True)
    later = c.learn_one(_sig(0, ["storm", "limburg", "geul"], "2022-03-15"), 2, True)
    assert later.event_id != a.event_id


def test_thresholds_are_checked():
    with pytest.raises(ValueError, match="thresholds"):
        OnlineClusterer(MemoryBackend(), event_threshold=1.5)
