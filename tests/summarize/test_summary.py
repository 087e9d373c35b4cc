"""Event summaries: extractive, cited, non-redundant, and favouring what is new in a storyline."""

from pathlib import Path

import pytest

from storyline.ingest.readers import read_path
from storyline.summarize.summary import candidate_sentences, summarize_articles

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


def _seed_articles():
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        for art in read_path(path):
            out.append({"id": art.id, "source": f"outlet-{path.name[:3]}", "text": art.text,
                        "published": art.published})
    return out


@pytest.fixture(scope="module")
def seeds():
    return _seed_articles()


def _talks(seeds):
    # The three same-day reports of the talks starting in Belarus (files 000, 002, 003).
    return [a for a in seeds if a["id"].split("_")[0] in {"000", "002", "003"}]


@pytest.mark.parametrize("encoder", ["use", "tfidf"])
def test_every_sentence_is_verbatim_and_cited(seeds, encoder):
    talks = _talks(seeds)
    summary = summarize_articles(talks, encoder=encoder)
    assert 3 <= len(summary) <= 5
    by_id = {a["id"]: a for a in talks}
    for s in summary:
        assert set(s) == {"sentence", "article", "source"}
        assert s["sentence"] in by_id[s["article"]]["text"]
        assert s["source"] == by_id[s["article"]]["source"]


def test_multi_source_event_is_told_by_several_outlets(seeds):
    summary = summarize_articles(_talks(seeds))
    assert len({s["source"] for s in summary}) >= 2


def test_no_two_sentences_say_the_same(seeds):
    talks = _talks(seeds)
    # A wire copy republished by another outlet must not put the same sentence in twice.
    copy = dict(talks[0], id="copy-of-000", source="outlet-copy", copy_of=None)
    summary = summarize_articles(talks + [copy])
    texts = [s["sentence"] for s in summary]
    assert len(texts) == len(set(texts))


def test_copies_cite_the_original(seeds):
    talks = _talks(seeds)
    copy = dict(talks[0], id="copy", source="outlet-copy", copy_of=talks[0]["id"])
    assert all(s["article"] != "copy" for s in summarize_articles(talks + [copy]))


def test_summary_favours_what_is_new_against_the_previous_event(seeds):
    talks = _talks(seeds)
    previous = [a for a in seeds if a["id"].startswith("001")]  # three days earlier: talks proposed
    # Background the previous event already told, repeated verbatim in today's reports.
    background = " ".join(s["sentence"] for s in candidate_sentences(previous[0])[:6])
    padded = [dict(a, text=background + "\n\n" + a["text"]) for a in talks]
    without = summarize_articles(padded)
    with_prev = summarize_articles(padded, previous=previous)
    old = {s["sentence"] for s in candidate_sentences(previous[0])}
    repeated_without = sum(s["sentence"] in old for s in without)
    repeated_with = sum(s["sentence"] in old for s in with_prev)
    assert repeated_without > 0, "test premise: the padded background should be central without novelty"
    assert repeated_with < repeated_without


def test_captions_and_headings_are_not_candidates():
    article = {"id": "a", "source": "X", "text": "Sceptisch\n\nDe Oekraïense delegatie arriveerde per helikopter. "
                                                  "Foto: EPA\n\nDe gesprekken in Belarus begonnen maandagochtend om tien uur."}
    texts = [c["sentence"] for c in candidate_sentences(article)]
    assert texts == ["De Oekraïense delegatie arriveerde per helikopter.",
                     "De gesprekken in Belarus begonnen maandagochtend om tien uur."]


def test_empty_input_gives_empty_summary():
    assert summarize_articles([]) == []
    assert summarize_articles([{"id": "a", "source": "X", "text": "Kort."}]) == []


def test_summarize_event_from_the_store(tmp_path, seeds):
    """Through the store: the event's articles, and novelty against the storyline's previous event."""
    from storyline.store import Store
    from storyline.summarize.summary import summarize_event

    store = Store(tmp_path / "s.db")
    from storyline.records import Article

    with store.transaction() as conn:
        for a in seeds:
            store.save_article(Article(id=a["id"], text=a["text"], source=a["source"], published=a["published"]))
        # Event rows written by hand (the clustering stage's job) so this test does not depend on it.
        conn.execute("INSERT INTO storylines (id, title) VALUES (1, 'talks')")
        conn.execute("INSERT INTO events (id, title, date, storyline_id) VALUES (1, 'proposed', '2022-02-25', 1)")
        conn.execute("INSERT INTO events (id, title, date, storyline_id) VALUES (2, 'started', '2022-02-28', 1)")
        for a in seeds:
            prefix = a["id"].split("_")[0]
            if prefix == "001":
                conn.execute("INSERT INTO event_articles (article_id, event_id) VALUES (?, 1)", (a["id"],))
            elif prefix in {"000", "002", "003"}:
                conn.execute("INSERT INTO event_articles (article_id, event_id) VALUES (?, 2)", (a["id"],))
    summary = summarize_event(store.conn, 2)
    talk_ids = {a["id"] for a in _talks(seeds)}
    assert 3 <= len(summary) <= 5 and all(s["article"] in talk_ids for s in summary)
    assert summarize_event(store.conn, 999) == []
    store.close()
