"""Search queries of any shape: results or a ValueError with a message (the API's 400), never a crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from robustness_support import counted, fuzz

FTS_SYNTAX = ['"', "'", "*", "^", "(", ")", "OR", "AND", "NOT", "NEAR", "NEAR(", ":", "-", "+", "{", "}",
              "title:", "body:", "\x00", "\ud800", "staakt-het-vuren", "Wit-Rusland", "gesprek", "a--b", "--", "é"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from storyline.ingest.pipeline import Ingester
    from storyline.ingest.readers import read_json_lines
    from storyline.store import Store

    s = Store(tmp_path_factory.mktemp("search") / "s.db")
    lines = [json.dumps({"id": "a", "text": "De gesprekken over een staakt-het-vuren begonnen in Wit-Rusland."}),
             json.dumps({"id": "b", "text": "Een ander bericht over de gesprekken in Gomel."})]
    Ingester(s).ingest(read_json_lines(lines, "x", 10**6))
    yield s
    s.close()


@given(st.lists(st.sampled_from(FTS_SYNTAX) | st.text(max_size=10), max_size=12).map(" ".join) | st.text())
@fuzz(ci=150, campaign=2000)
@counted
def test_any_query(store, query):
    try:
        hits = store.search(query, limit=5)
    except ValueError as exc:
        assert str(exc)
        return
    assert all(a.id in ("a", "b") for a, _, _ in hits)


@pytest.mark.parametrize("query,expected", [("staakt-het-vuren", ["a"]), ("Wit-Rusland", ["a"]),
                                            ("gesprek", ["a", "b"]), ("Gomel OR Wit-Rusland", ["a", "b"])])
def test_hyphenated_words_are_found(store, query, expected):
    """Finding: a hyphenated query never matched (the index holds its parts, the query held the whole)."""
    assert sorted(a.id for a, _, _ in store.search(query)) == expected
