"""Entity linking: one entity per real thing, across spellings, articles and languages.

Mentions are placed by hand (a stand-in for the NER), so these tests measure linking alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from storyline.enrich.entities import entity_for_name, link_mentions, list_entities
from storyline.enrich.translit import name_key
from storyline.records import Article


@dataclass(frozen=True)
class M:  # the NER's Mention shape: text, type, start, end, sentence
    text: str
    type: str
    start: int
    end: int
    sentence: int = 0


def add_article(store, article_id: str, text: str, tagged: dict[str, str], language: str = "nl") -> None:
    """Store an article and the mentions of each ``tagged`` surface form (every occurrence)."""
    article = Article(id=article_id, text=text, language=language, source=article_id)
    mentions: list[M] = []
    for surface, type_ in sorted(tagged.items(), key=lambda kv: -len(kv[0])):  # longest first, no overlaps
        for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text):
            if not any(o.start < m.end() and m.start() < o.end for o in mentions):
                mentions.append(M(surface, type_, m.start(), m.end()))
    with store.transaction():
        store.save_article(article)
        store.insert_mentions(article_id, sorted(mentions, key=lambda m: m.start))


def link(store, ids, gazetteer=None):
    with store.transaction():
        link_mentions(store, ids, gazetteer=gazetteer)


def by_variant(store) -> dict[str, dict]:
    out = {}
    for e in list_entities(store.conn, limit=None):
        for v in e["variants"]:
            out[v] = e
    return out


def test_transliteration_variants_are_one_person_across_outlets(store):
    add_article(store, "a", "President Volodymyr Zelensky sprak. Zelensky is sceptisch.",
                {"Volodymyr Zelensky": "PER", "Zelensky": "PER"})
    add_article(store, "b", "Volodimir Zelenski wil praten. Zelenski's adviseur ook.",
                {"Volodimir Zelenski": "PER", "Zelenski's": "PER"})
    add_article(store, "c", "Präsident Wolodymyr Selenskyj sagte das.", {"Wolodymyr Selenskyj": "PER"}, "de")
    link(store, ["a", "b", "c"], gazetteer=False)
    ents = by_variant(store)
    e = ents["Volodymyr Zelensky"]
    assert ents["Zelenski"]["id"] == ents["Wolodymyr Selenskyj"]["id"] == e["id"]
    assert e["type"] == "PER"
    assert set(e["articles"]) == {"a", "b", "c"}
    assert {"Volodymyr Zelensky", "Zelensky", "Volodimir Zelenski", "Zelenski", "Wolodymyr Selenskyj"} <= set(e["variants"])


def test_same_first_name_different_people_stay_apart(store):
    add_article(store, "a", "Vladimir Poetin en Vladimir Medinski spraken. Poetin zweeg.",
                {"Vladimir Poetin": "PER", "Vladimir Medinski": "PER", "Poetin": "PER"})
    add_article(store, "b", "Vladimir Putin met Russian officials.", {"Vladimir Putin": "PER"}, "en")
    link(store, ["a", "b"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Vladimir Poetin"]["id"] == ents["Vladimir Putin"]["id"] == ents["Poetin"]["id"]
    assert ents["Vladimir Medinski"]["id"] != ents["Vladimir Poetin"]["id"]


def test_surname_only_article_links_to_full_name_seen_later(store):
    # The short form arrives first; the full name in a later batch adopts it.
    add_article(store, "a", "Volgens Kremlinwoordvoerder Peskov wil Moskou praten.", {"Peskov": "PER"})
    link(store, ["a"], gazetteer=False)
    add_article(store, "b", "Woordvoerder Dmitri Peskov van het Kremlin.", {"Dmitri Peskov": "PER"})
    add_article(store, "c", "Kremlin-woordvoerder Dmitry Peskov reageerde.", {"Dmitry Peskov": "PER"})
    link(store, ["b", "c"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Peskov"]["id"] == ents["Dmitri Peskov"]["id"] == ents["Dmitry Peskov"]["id"]
    assert ents["Peskov"]["name"] in ("Dmitri Peskov", "Dmitry Peskov")
    assert set(ents["Peskov"]["articles"]) == {"a", "b", "c"}
    # The id handed out before the merge still leads to the person.
    assert entity_for_name(store, "Peskov", article_id="a") == ents["Peskov"]["id"]


def test_mistyped_short_form_keeps_person_type_by_majority(store):
    add_article(store, "a", "Volodymyr Zelensky sprak.", {"Volodymyr Zelensky": "PER"})
    add_article(store, "b", "Zelensky sprak. Zelensky zweeg.", {"Zelensky": "PER"})
    add_article(store, "c", "Zelensky wil praten.", {"Zelensky": "LOC"})  # a model's mis-typing
    link(store, ["a", "b", "c"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Zelensky"]["id"] == ents["Volodymyr Zelensky"]["id"]
    assert ents["Zelensky"]["type"] == "PER"


def test_ambiguous_surname_is_not_guessed(store):
    add_article(store, "a", "Vitali Klitschko en Wladimir Klitschko boksten.",
                {"Vitali Klitschko": "PER", "Wladimir Klitschko": "PER"})
    add_article(store, "b", "Klitschko sprak.", {"Klitschko": "PER"})
    link(store, ["a", "b"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Vitali Klitschko"]["id"] != ents["Wladimir Klitschko"]["id"]
    assert ents["Klitschko"]["id"] not in (ents["Vitali Klitschko"]["id"], ents["Wladimir Klitschko"]["id"])
    assert entity_for_name(store, "Klitschko") not in (ents["Vitali Klitschko"]["id"],
                                                            ents["Wladimir Klitschko"]["id"])
    assert entity_for_name(store, "Vitali Klitschko") == ents["Vitali Klitschko"]["id"]


def test_surname_prefers_the_person_of_the_same_event(store):
    add_article(store, "a", "Vitali Klitschko sprak in Kiev.", {"Vitali Klitschko": "PER"})
    add_article(store, "b", "Wladimir Klitschko won.", {"Wladimir Klitschko": "PER"})
    add_article(store, "c", "Klitschko, de burgemeester, sprak opnieuw.", {"Klitschko": "PER"})
    link(store, ["a", "b"], gazetteer=False)
    with store.transaction() as conn:
        conn.execute("INSERT INTO events (id, title) VALUES (1, 'x'), (2, 'y')")
        conn.execute("INSERT INTO event_articles (article_id, event_id) VALUES ('a', 1), ('b', 2), ('c', 1)")
    link(store, ["c"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Klitschko"]["id"] == ents["Vitali Klitschko"]["id"]
    assert [e["name"] for e in list_entities(store.conn, event_id=2)] == ["Wladimir Klitschko"]


def test_entity_for_name_prefers_the_article(store):
    add_article(store, "a", "Volodimir Zelenski sprak.", {"Volodimir Zelenski": "PER"})
    add_article(store, "b", "Oleksandr Lomako sprak.", {"Oleksandr Lomako": "PER"})
    link(store, ["a", "b"], gazetteer=False)
    zid = by_variant(store)["Volodimir Zelenski"]["id"]
    assert entity_for_name(store, "Zelensky", article_id="a") == zid
    assert entity_for_name(store, "Volodymyr Zelenskyy") == zid
    assert entity_for_name(store, "Lomako", article_id="a") == by_variant(store)["Oleksandr Lomako"]["id"]
    assert entity_for_name(store, "Iemand Anders") is None
    assert entity_for_name(store, "") is None


def test_relinking_does_not_double_count(store):
    add_article(store, "a", "Vladimir Poetin sprak. Poetin zweeg.", {"Vladimir Poetin": "PER", "Poetin": "PER"})
    link(store, ["a"], gazetteer=False)
    link(store, ["a"], gazetteer=False)  # nothing left unlinked: a no-op
    [e] = list_entities(store.conn)
    assert e["mentions"] == 2 and e["articles"] == ["a"]


def test_name_keys_keep_different_names_apart():
    assert name_key("Rusland") != name_key("Wit-Rusland")
    assert name_key("Medinski") != name_key("Poetin")
    assert name_key("Loekasjenko") == name_key("Lukaschenko") == name_key("Lukashenko")


def test_adjective_is_never_a_persons_surname(store):
    # The NER glued a place adjective to a name ("vroeg Merkel Poolse boeren om ..."); the adjective's
    # own MISC mentions must not become that "person", here or in a later article.
    add_article(store, "a", "Gisteren vroeg Merkel Poolse boeren om hulp. Poolse boeren protesteerden. De Poolse regering zweeg.",
                {"Merkel Poolse": "PER", "Poolse": "MISC"})
    add_article(store, "b", "Poolse vrachtwagens stonden stil.", {"Poolse": "MISC"})
    link(store, ["a", "b"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Poolse"]["type"] == "MISC" and ents["Poolse"]["id"] != ents["Merkel Poolse"]["id"]
    assert set(ents["Poolse"]["articles"]) == {"a", "b"}


def test_surname_without_its_particle_joins_the_full_name(store):
    add_article(store, "a", "Analiste Marieke van Dam legt uit. Volgens Dam is dat onwaarschijnlijk.",
                {"Marieke van Dam": "PER", "Dam": "PER"})
    link(store, ["a"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Dam"]["id"] == ents["Marieke van Dam"]["id"]


def test_compound_mentions_do_not_decide_the_type(store):
    # "VN-chef" is a MISC compound; the organisation named in it is still an organisation.
    add_article(store, "a", "De Verenigde Naties vergaderden. VN-chef sprak, VN-top volgt, "
                            "VN-landen twijfelen. De VN zwijgt.",
                {"Verenigde Naties": "ORG", "VN-chef": "MISC", "VN-top": "MISC", "VN-landen": "MISC", "VN": "ORG"})
    link(store, ["a"], gazetteer=False)
    ents = by_variant(store)
    assert ents["VN"]["id"] == ents["Verenigde Naties"]["id"]
    assert ents["VN"]["type"] == "ORG"


def test_head_noun_of_an_organisation_joins_it(store):
    add_article(store, "a", "De Afrikaanse Unie kwam bijeen. De Unie wil vrede.",
                {"Afrikaanse Unie": "ORG", "Unie": "ORG"})
    link(store, ["a"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Unie"]["id"] == ents["Afrikaanse Unie"]["id"]


# --------------------------------------------------------------------------- linking with evidence (issue 18)
def test_surname_spelled_differently_is_another_person(store):
    # "Zeegers" and "Segers" share a transliteration key; a given name that does not fit, or a spelling
    # that is not the person's, is no evidence for one person.
    add_article(store, "z", "Segers wil praten.", {"Segers": "PER"})  # adopted later: its key "segers" moves
    link(store, ["z"], gazetteer=False)
    add_article(store, "a", "ChristenUnie-leider Gert-Jan Segers sprak. Segers wil praten.",
                {"Gert-Jan Segers": "PER", "Segers": "PER"})
    add_article(store, "b", "Wethouder Linda Zeegers opende de school.", {"Linda Zeegers": "PER"})
    add_article(store, "c", "Volgens Zeegers komt er geld bij.", {"Zeegers": "PER"})
    link(store, ["a", "b", "c"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Linda Zeegers"]["id"] != ents["Gert-Jan Segers"]["id"]
    assert ents["Zeegers"]["id"] != ents["Gert-Jan Segers"]["id"]


def test_surname_only_key_gives_no_given_name_evidence(store):
    # The person has a surname-only key ("baudet"); a glued "Vinkeveen Baudet" must not join through it.
    add_article(store, "a", "Thierry Baudet sprak. Baudet zweeg.", {"Thierry Baudet": "PER", "Baudet": "PER"})
    add_article(store, "b", "Baudet kwam later.", {"Baudet": "PER"})
    add_article(store, "c", "In Vinkeveen Baudet zag men niemand.", {"Vinkeveen Baudet": "PER"})
    link(store, ["a", "b", "c"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Baudet"]["id"] == ents["Thierry Baudet"]["id"]
    assert ents["Vinkeveen Baudet"]["id"] != ents["Thierry Baudet"]["id"]


def test_roman_numerals_and_initials_keep_their_own_keys(store):
    assert len({name_key("Rutte III"), name_key("Willem II"), name_key("Rutte I")}) == 3
    assert len({name_key("III"), name_key("II"), name_key("J"), name_key("IJ"), name_key("Yi")}) == 5
    add_article(store, "a", "Het kabinet Rutte III viel bijna.", {"Rutte III": "PER"})
    add_article(store, "b", "Willem II won van PSV.", {"Willem II": "PER"})
    add_article(store, "c", "Minister Wang Yi sprak. Volgens Yi is dat onzin.", {"Wang Yi": "PER", "Yi": "PER"})
    link(store, ["a", "b", "c"], gazetteer=False)
    ents = by_variant(store)
    assert len({ents["Rutte III"]["id"], ents["Willem II"]["id"], ents["Wang Yi"]["id"]}) == 3


def test_organisation_spelled_in_another_language_stays_apart(store):
    add_article(store, "a", "De Telegraaf meldde het eerst.", {"Telegraaf": "ORG"})
    add_article(store, "b", "The Daily Telegraph wrote it too. The Telegraph agreed.", {"Telegraph": "ORG"})
    add_article(store, "c", "Volgens De Telegraaf klopt het.", {"Telegraaf": "ORG"})
    link(store, ["a", "b", "c"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Telegraph"]["id"] != ents["Telegraaf"]["id"]
    assert set(ents["Telegraaf"]["articles"]) == {"a", "c"}


def test_coordinated_names_are_the_full_form_of_neither(store):
    add_article(store, "a", "De SP en Denk stemden tegen. De SP is boos. Denk ook.",
                {"SP en Denk": "ORG", "SP": "ORG", "Denk": "ORG"})
    link(store, ["a"], gazetteer=False)
    ents = by_variant(store)
    assert ents["SP"]["id"] != ents["Denk"]["id"]


def test_a_place_said_alone_is_not_short_for_a_longer_span(store):
    add_article(store, "a", "In Amsterdam Nanninga sprak. Amsterdam bleef rustig.",
                {"Amsterdam Nanninga": "LOC", "Amsterdam": "LOC"})
    link(store, ["a"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Amsterdam"]["id"] != ents["Amsterdam Nanninga"]["id"]


def test_acronym_links_across_articles_only_after_standing_beside_its_expansion(store):
    add_article(store, "a", "De Erasmus Universiteit in Rotterdam groeit.", {"Erasmus Universiteit": "ORG"})
    add_article(store, "b", "De EU wil minder regels.", {"EU": "ORG"})
    add_article(store, "c", "De Vereniging Natuurmonumenten kapt bos.", {"Vereniging Natuurmonumenten": "ORG"})
    add_article(store, "d", "De VN vergaderen.", {"VN": "ORG"})
    add_article(store, "e", "De Europese Unie (EU) vergadert.", {"Europese Unie": "ORG", "EU": "ORG"})
    add_article(store, "f", "Ook de EU zweeg.", {"EU": "ORG"})
    link(store, ["a", "b", "c", "d", "e", "f"], gazetteer=False)
    ents = by_variant(store)
    assert ents["EU"]["id"] != ents["Erasmus Universiteit"]["id"]
    assert ents["VN"]["id"] != ents["Vereniging Natuurmonumenten"]["id"]
    assert ents["EU"]["id"] == ents["Europese Unie"]["id"]
    assert {"b", "e", "f"} <= set(ents["EU"]["articles"])


def test_genitive_s_joins_the_person_named_in_the_article(store):
    add_article(store, "a", "Informateur Hans Wiegel begint. De FvD heeft vertrouwen in Wiegels aanpak.",
                {"Hans Wiegel": "PER", "Wiegels": "MISC"})
    add_article(store, "b", "Het bedrijf Peters opende. Peters zei niets.", {"Peters": "ORG"})
    link(store, ["a", "b"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Wiegels"]["id"] == ents["Hans Wiegel"]["id"]
    assert ents["Peters"]["id"] != ents["Hans Wiegel"]["id"]


def test_a_place_adjective_joins_the_place_named_in_the_same_article(store):
    add_article(store, "a", "In Brabant wint de VVD. De Brabantse kiezer koos anders dan de Limburgse.",
                {"Brabant": "LOC", "Brabantse": "MISC", "Limburgse": "MISC", "VVD": "ORG"})
    link(store, ["a"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Brabantse"]["id"] == ents["Brabant"]["id"] and ents["Brabant"]["type"] == "LOC"
    assert ents["Limburgse"]["id"] != ents["Brabant"]["id"]  # Limburg is not named here


def test_a_given_name_said_alone_joins_the_one_person_named_in_full_with_it(store):
    add_article(store, "a", "Premier Mark Rutte kwam. Later zei Mark dat het goed was.", {"Mark Rutte": "PER", "Mark": "PER"})
    add_article(store, "b", "Mark Rutte en Mark Harbers kwamen. Mark bleef thuis.",
                {"Mark Rutte": "PER", "Mark Harbers": "PER", "Mark": "PER"})
    link(store, ["a", "b"], gazetteer=False)
    ents = by_variant(store)
    assert ents["Mark"]["id"] != ents["Mark Rutte"]["id"]  # in b two Marks: "Mark" alone stays apart
    rutte = ents["Mark Rutte"]
    assert rutte["mentions"] == 3 and set(rutte["variants"]) == {"Mark Rutte", "Mark"}


def test_entity_confidence_weighs_mentions_type_votes_and_person_evidence():
    from collections import Counter

    from storyline.enrich.entities import entity_confidence

    # a person named in full once, with a sure tagger: shown
    assert entity_confidence("PER", Counter(PER=1), mentions=1, articles=1, tagger=0.99, full_name=True) >= 0.8
    # a one-word "person" said once (a moped brand, a given name): no person evidence, hidden
    lone = entity_confidence("PER", Counter(PER=1), mentions=1, articles=1, tagger=0.9)
    assert lone < 0.75
    assert entity_confidence("PER", Counter(PER=1), mentions=1, articles=1, tagger=0.9, roles=1) > lone
    # the same word in four articles is evidence
    assert entity_confidence("PER", Counter(PER=6), mentions=6, articles=4, tagger=0.9) > lone
    # types the tagger disagreed on lower it
    assert entity_confidence("ORG", Counter(ORG=2, LOC=2), mentions=4, articles=2) < \
        entity_confidence("ORG", Counter(ORG=4), mentions=4, articles=2)
    # a gazetteer place said once is sure; a name the gazetteer lacks, said once, is not
    assert entity_confidence("LOC", Counter(MISC=1), mentions=1, articles=1, place=True) >= 0.8
    assert entity_confidence("ORG", Counter(ORG=1), mentions=1, articles=1, tagger=0.95) < 0.75


def test_listings_hide_entities_linked_with_little_evidence(store):
    from storyline import read

    add_article(store, "a", "Jan Smit reed op een Tomos. Jan Smit viel.", {"Jan Smit": "PER", "Tomos": "PER"})
    link(store, ["a"], gazetteer=False)
    shown = {e.name for e in read.list_entities(store, limit=None, min_confidence=0.75)}
    every = {e.name for e in read.list_entities(store, limit=None)}
    assert shown == {"Jan Smit"} and every == {"Jan Smit", "Tomos"}


def test_a_dictionary_word_or_adjective_standing_as_a_name_needs_more_evidence(store):
    from storyline import read

    for i in range(3):
        add_article(store, f"a{i}", "Staatssecretaris Harbers (Immigratie) sprak met de Keuzegids en Venezolaanse boeren.",
                    {"Immigratie": "ORG", "Keuzegids": "ORG", "Venezolaanse": "MISC"})
    link(store, ["a0", "a1", "a2"], gazetteer=False)
    shown = {e.name for e in read.list_entities(store, limit=None, min_confidence=0.75)}
    assert "Keuzegids" in shown and "Immigratie" not in shown and "Venezolaanse" not in shown


def test_an_uninflected_adjective_is_not_listed():
    from storyline.enrich.entities import _common_name

    assert _common_name("Romeins", "MISC") and _common_name("Brabants", "MISC")
    assert not _common_name("Romeins", "PER") and not _common_name("NOS", "MISC")


def test_demonyms_and_page_references_are_not_listed_as_names():
    from storyline.enrich.entities import _common_name
    from storyline.enrich.places import get_gazetteer

    gaz = get_gazetteer()
    assert _common_name("Bredanaar", "MISC", gaz) and _common_name("Venlonaren", "PER", gaz)
    assert _common_name("Brieven 2-4", "MISC", gaz)
    assert not _common_name("Leenaars", "PER", gaz) and not _common_name("Tweede Wereldoorlog", "MISC", gaz)
