"""The read library on the example corpus: contracts, id parsing, errors."""

import pytest

from storyline import read
from storyline.errors import BadQuery, InputError, NotFound
from storyline.store import Store


@pytest.fixture
def store(seed_db):
    s = Store(seed_db, readonly=True)
    yield s
    s.close()


def test_public_names_exist():
    for name in read.__all__:
        assert getattr(read, name) is not None, name


@pytest.mark.parametrize("text, number", [("E12", 12), ("e12", 12), ("12", 12), (" 7 ", 7), (12, 12)])
def test_event_ids(text, number):
    assert read.event_id(text) == number


@pytest.mark.parametrize("text", ["S3", "x", "", "E-1", "E1.5", -1])
def test_not_event_ids(text):
    with pytest.raises(InputError):
        read.event_id(text)


def test_storyline_ids():
    assert read.storyline_id("S3") == read.storyline_id("s3") == read.storyline_id("3") == 3
    with pytest.raises(InputError, match="not a storyline id"):
        read.storyline_id("E3")


def test_contracts_have_their_documented_keys(store):
    event = read.list_events(store)[0].model_dump()
    assert list(event) == ["id", "title", "date", "date_precision", "articles", "sources", "independent_sources",
                           "storyline", "commentary", "merged", "requested"]
    line = read.get_storyline(store, event["storyline"]).model_dump()
    assert list(line) == ["id", "title", "start", "end", "events"] and event["id"] in line["events"]
    article = read.list_articles(store, limit=1)[0].model_dump()
    assert list(article) == ["id", "source", "url", "title", "published", "language", "text", "copy_of", "genre"]
    quote = read.list_quotes(store, event="E1")[0].model_dump()
    assert list(quote) == ["id", "speaker", "speaker_id", "text", "kind", "articles", "confidence"]
    figure = read.list_figures(store, event="E1")[0].model_dump()
    assert list(figure)[:3] == ["id", "what", "value"] and figure["article"] in read.get_event(store, "E1").articles
    entity = read.list_entities(store, event=1, limit=1)[0].model_dump()
    assert list(entity) == ["id", "name", "type", "variants", "articles", "lat", "lon", "country", "mentions"]


def test_lookups_by_any_form_of_an_id(store):
    assert read.get_event(store, "E1") == read.get_event(store, "1") == read.get_event(store, 1)
    assert read.show(store, "S1") == read.get_storyline(store, "S1")
    assert read.show(store, "E1") == read.get_event(store, "E1")


@pytest.mark.parametrize("call", [
    lambda s: read.get_event(s, "E999999"), lambda s: read.get_event(s, "nonsense"),
    lambda s: read.get_event(s, "E99999999999999999999"), lambda s: read.get_storyline(s, "S999"),
    lambda s: read.get_entity(s, 2 ** 70), lambda s: read.get_article(s, "nope"), lambda s: read.show(s, "nope"),
    lambda s: read.summary(s, "E999"), lambda s: read.timeline(s, "S999"),
])
def test_unknown_ids_are_not_found(store, call):
    with pytest.raises(NotFound):
        call(store)


def test_filters_that_name_nothing_match_nothing(store):
    assert read.list_quotes(store, event="E999999") == []
    assert read.list_figures(store, event="E99999999999999999999") == []
    assert read.list_events(store, storyline="S99999999999999999999") == []


def test_bad_options_are_input_errors(store):
    with pytest.raises(InputError, match="not both"):
        read.list_quotes(store, event="E1", storyline="S1")
    with pytest.raises(InputError, match="entity type"):
        read.list_entities(store, type="XYZ")
    with pytest.raises(InputError, match="negative"):
        read.list_figures(store, limit=-1)
    with pytest.raises(BadQuery):
        read.search(store, '"()')


def test_search_hits_carry_the_article_contract(store):
    hits = read.search(store, "gesprek")
    assert hits and all(h.to_json() == h.article.model_dump() for h in hits)
    assert any("gesprek" in h.snippet.lower() for h in hits)
