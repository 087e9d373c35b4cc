"""Positions: who demands, offers, accepts or rejects what; one position from several outlets is one row."""

import pytest

from storyline.enrich.ner import Mention
from storyline.enrich.positions import extract_positions
from storyline.enrich.quotes import extract_quotes
from storyline.records import Article


def _mentions(text, names, type_="PER"):
    out = []
    for name in names:
        pos = text.find(name)
        while pos >= 0:
            out.append(Mention(name, type_, pos, pos + len(name), 0))
            pos = text.find(name, pos + 1)
    return sorted(out, key=lambda m: m.start)


def _triples(text, lang="nl", mentions=()):
    quotes = extract_quotes(text, lang, list(mentions))
    return [(p.actor, p.stance, p.object) for p in extract_positions(text, lang, list(mentions), quotes)]


@pytest.mark.parametrize("text, expected", [
    ("De vakbond eist een loonsverhoging van vijf procent.",
     ("De vakbond", "demand", "een loonsverhoging van vijf procent")),
    ("Daarnaast eist de vakbond een kortere werkweek.", ("de vakbond", "demand", "een kortere werkweek")),
    ("De werkgevers bieden de medewerkers een eenmalige bonus aan.",
     ("De werkgevers", "offer", "de medewerkers een eenmalige bonus")),
    ("De gemeenteraad stemde in met het nieuwe bestemmingsplan.",
     ("De gemeenteraad", "accept", "het nieuwe bestemmingsplan")),
    ("Noorwegen verwerpt het visquotum voor kabeljauw.", ("Noorwegen", "reject", "het visquotum voor kabeljauw")),
    ("Het waterschap weigert de dijk te verhogen.", ("Het waterschap", "reject", "de dijk te verhogen")),
    ("Het kabinet heeft het voorstel van de oppositie verworpen.",
     ("Het kabinet", "reject", "het voorstel van de oppositie")),
    ("Wethouder Sara Bakker zet in op meer sociale huurwoningen.",
     ("Wethouder Sara Bakker", "demand", "meer sociale huurwoningen")),
    ("De boeren vragen om uitstel van de nieuwe mestregels.", ("De boeren", "demand", "uitstel van de nieuwe mestregels")),
])
def test_stance_verbs_in_dutch_clauses(text, expected):
    assert _triples(text) == [expected]


def test_negated_want_is_a_rejection_and_a_subordinate_clause_has_its_own_actor():
    assert _triples("Minister Karel Jansen wil geen nieuwe belastingen.") == \
        [("Minister Karel Jansen", "reject", "geen nieuwe belastingen")]
    assert _triples("De bond meldt dat de directie het bod afwijst.") == [("de directie", "reject", "het bod")]


def test_two_parties_in_one_sentence_keep_their_own_stance():
    got = _triples("De provincie stemde in met de nieuwe brug, maar de omwonenden weigeren een hogere toltarief.")
    assert ("De provincie", "accept", "de nieuwe brug") in got
    assert ("de omwonenden", "reject", "een hogere toltarief") in got


def test_no_position_without_a_stance_verb_or_a_party():
    assert _triples("Hij wil morgen naar Brussel rijden om daar te praten.") == []  # no one to resolve 'hij' to
    assert _triples("Wat wil de vakbond eigenlijk bereiken?") == []
    assert _triples("De trein vertrok om acht uur uit Utrecht.") == []
    assert _triples("Veel bewoners eisen opheldering.") == []  # an indefinite crowd is no party


def test_actor_resolved_through_role_pronoun_and_quote():
    text = ("De Deense premier Mette Larsen ontmoette haar Zweedse collega in Malmö. "
            "Later weigerde de Deense premier een gezamenlijke verklaring. Hij zweeg daarover.")
    assert ("Mette Larsen", "reject", "een gezamenlijke verklaring") in _triples(text, mentions=_mentions(text, ["Mette Larsen"]))
    text = "Boerenleider Piet Klaassen was boos. “We eisen een eerlijke prijs voor onze melk”, zei Klaassen."
    got = _triples(text, mentions=_mentions(text, ["Piet Klaassen", "Klaassen"]))
    assert got == [("Piet Klaassen", "demand", "een eerlijke prijs voor onze melk")]


def test_english_and_german():
    assert _triples("The union demands a pay rise of five percent.", "en") == \
        [("The union", "demand", "a pay rise of five percent")]
    assert _triples("Der Verband lehnt den Vorschlag ab.", "de") == [("Der Verband", "reject", "den Vorschlag")]


def _article(aid, text, published):
    return Article(id=aid, text=text, source="outlet-" + aid, published=published, language="nl")


def test_positions_over_time_and_one_position_from_several_outlets(store):
    from storyline.enrich.link import link_batch
    from storyline.enrich.registry import annotate
    from storyline.store import annotations as db

    texts = {
        "a1": ("2024-03-04", "De havenarbeiders eisen een loonsverhoging van acht procent. De directie weigert dat."),
        "a2": ("2024-03-05", "Volgens de bond eisen de havenarbeiders een loonsverhoging van acht procent per jaar."),
        "a3": ("2024-03-20", "De havenarbeiders stemden dinsdag in met een loonsverhoging van zes procent."),
    }
    arts = [_article(k, t, d) for k, (d, t) in texts.items()]
    with store.transaction() as conn:
        for a in arts:
            store.save_article(a)
            store.save_annotations(a.id, annotate(a, []))
        link_batch(store, arts)
    rows = db.list_positions(store.conn)
    workers = [r for r in rows if "havenarbeiders" in r["actor"]]
    assert [(r["stance"], r["articles"], r["date"]) for r in workers] == [
        ("demand", ["a1", "a2"], "2024-03-04"),
        ("accept", ["a3"], "2024-03-20"),
    ]
    assert set(workers[0]) == {"id", "actor", "actor_id", "stance", "object", "articles", "date"}
    assert any(r["stance"] == "reject" and r["actor"] == "De directie" for r in rows)


def test_speaker_and_actor_ids_filled_from_entities_across_spellings(store):
    """The link stage ties quotes and positions to the entity of their person (two spellings, one entity)."""
    from storyline.enrich.link import link_batch
    from storyline.enrich.registry import annotate
    from storyline.store import annotations as db

    texts = {
        "b1": ("Minister Olena Kovalenko opende de nieuwe brug. “Dit is een dag voor het hele land”, zei Kovalenko. "
               "Kovalenko eist extra geld voor het onderhoud van bruggen.", ["Olena Kovalenko", "Kovalenko"]),
        "b2": ("Minister Olena Kowalenko sprak bij de opening. “Dit is een dag voor het hele land”, aldus Kowalenko.",
               ["Olena Kowalenko", "Kowalenko"]),
    }
    arts = [Article(id=k, text=t, source="outlet-" + k, published="2024-06-01", language="nl")
            for k, (t, _) in texts.items()]
    with store.transaction() as conn:
        for a in arts:
            store.save_article(a)
            store.save_annotations(a.id, annotate(a, _mentions(a.text, texts[a.id][1])))
        conn.execute("INSERT INTO events (id) VALUES (1)")
        for a in arts:
            conn.execute("INSERT INTO event_articles (article_id, event_id) VALUES (?, 1)", (a.id,))
        link_batch(store, arts)
    [quote] = db.list_quotes(store.conn)
    assert quote["speaker_id"] is not None and quote["articles"] == ["b1", "b2"]
    [pos] = db.list_positions(store.conn)
    assert pos["actor_id"] == quote["speaker_id"] and pos["stance"] == "demand"


@pytest.mark.parametrize("lang", ["fr", "es", "it"])
def test_a_language_without_stance_verbs_gives_no_positions_and_no_error(lang):
    text = "Le gouvernement rejette le plan de la Commission. El Gobierno rechaza el plan. Il governo respinge il piano."
    assert extract_positions(text, lang) == []
