"""The enrichment stages of the registry on hand-built records, with no database anywhere.

Every registered stage returns what it declares it assigns, leaves its input records as they were, and
gives the same output twice.
"""

from __future__ import annotations

import copy
import dataclasses
import sqlite3

import pytest

from storyline.enrich.registry import STAGES, annotate, get_stage, stage_names
from storyline.records import Annotations, Article, Figure, Genre, Mention, ParsedSentence, Position, Quote, TimeExpression

TEXT = ("Minister Olena Kovalenko opende dinsdag de nieuwe brug in Kiev. “Dit is een dag voor het hele land”, "
        "zei Kovalenko. Bij de instorting van de oude brug kwamen zeker 12 mensen om het leven. "
        "Kovalenko eist extra geld voor het onderhoud van bruggen.")

ASSIGNS = {"mentions": Mention, "parses": ParsedSentence, "quotes": Quote, "time_expressions": TimeExpression, "figures": Figure,
           "positions": Position, "genre": Genre}


def _mentions(text: str) -> tuple[Mention, ...]:
    out = []
    for name, type_ in (("Olena Kovalenko", "PER"), ("Kiev", "LOC")):
        start = text.index(name)
        out.append(Mention(name, type_, start, start + len(name), 0))
    start = text.index("Kovalenko.", text.index("zei"))
    out.append(Mention("Kovalenko", "PER", start, start + len("Kovalenko"), 1))
    return tuple(sorted(out, key=lambda m: m.start))


ARTICLE = Article(id="a1", text=TEXT, title="Nieuwe brug", source="nos", published="2024-06-04", language="nl",
                  metadata={"path": "hand-built"})
MENTIONS = _mentions(TEXT)


@pytest.fixture(autouse=True)
def no_database(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("an enrichment stage opened a database")

    monkeypatch.setattr(sqlite3, "connect", refuse)


def _inputs(spec) -> dict:
    found = {"mentions": MENTIONS}
    for earlier in STAGES:
        if earlier.name == spec.name:
            break
        if not earlier.batch:
            found[earlier.field] = earlier.func(ARTICLE, **{k: found[k] for k in earlier.inputs})
    return {k: found[k] for k in spec.inputs}


def test_the_registry_lists_every_annotation_once_in_a_runnable_order():
    fields = {f.name for f in dataclasses.fields(Annotations)}
    assert stage_names() == ["mentions", "syntax", "quotes", "time_expressions", "figures", "positions",
                             "genre"]
    assigned = [s.field for s in STAGES]
    assert len(set(assigned)) == len(assigned) and set(assigned) <= fields
    available = {"mentions"}
    for spec in STAGES:
        assert spec.assigns.startswith("annotations.")
        assert all(r.split(".")[0] in ("article", "annotations") for r in spec.requires)
        assert set(spec.inputs) <= available, f"{spec.name} needs {spec.inputs} before they are assigned"
        available.add(spec.field)
    with pytest.raises(KeyError, match="Available: mentions"):
        get_stage("sentiment")


def test_a_stage_returning_the_wrong_shape_is_named():
    with pytest.raises(TypeError, match="Stage 'quotes' must return a tuple of Quote"):
        get_stage("quotes").check([])


@pytest.mark.parametrize("spec", [s for s in STAGES if not s.batch], ids=lambda s: s.name)
def test_each_stage_returns_what_it_assigns_without_touching_its_input(spec):
    article, inputs = copy.deepcopy(ARTICLE), _inputs(spec)
    before = copy.deepcopy(inputs)
    first = spec.func(article, **inputs)
    assert isinstance(first, tuple) and all(isinstance(x, ASSIGNS[spec.field]) for x in first)
    assert article == ARTICLE and inputs == before  # records are frozen, and nothing was swapped either
    assert spec.func(article, **inputs) == first  # deterministic


def test_the_stages_find_something_in_the_hand_built_article():
    found = annotate(ARTICLE, MENTIONS)
    assert found.mentions == MENTIONS
    assert any(q.kind == "direct" and q.speaker and "Kovalenko" in q.speaker for q in found.quotes)
    assert all(q.norm for q in found.quotes)  # the words outlets are compared by, set by the stage
    assert any(t.date == "2024-06-04" for t in found.time_expressions)  # "dinsdag" of the publication week
    assert any(f.category == "dead" and f.value == 12 for f in found.figures)
    assert any(p.stance == "demand" and "Kovalenko" in p.actor for p in found.positions)
    assert (found.language, found.date) == ("nl", "2024-06-04")


def test_no_ner_model_means_no_mentions_not_empty_mentions():
    found = annotate(ARTICLE, None)
    assert found.mentions is None  # the store then leaves stored mentions alone
    assert annotate(ARTICLE, ()).mentions == ()


def test_an_empty_article_gets_empty_annotations():
    found = annotate(dataclasses.replace(ARTICLE, text="  "), ())
    assert (found.quotes, found.time_expressions, found.figures, found.positions) == ((), (), (), ())


def test_the_batch_stage_gives_each_article_its_mentions():
    spec = get_stage("mentions")
    assert spec.batch
    other = dataclasses.replace(ARTICLE, id="a2", text="Mark Rutte sprak in Den Haag.")
    first = spec.func([ARTICLE, other])
    assert set(first) <= {"a1", "a2"}  # an article of a language without a model gets no entry
    for mentions in first.values():
        assert isinstance(mentions, tuple) and all(isinstance(m, Mention) for m in mentions)
    assert spec.func([ARTICLE, other]) == first
    # One article alone gets what it got in the batch: the NER runs per text.
    assert spec.func([other]).get("a2") == first.get("a2")


def test_records_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ARTICLE.copy_of = "a0"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        MENTIONS[0].text = "x"  # type: ignore[misc]
