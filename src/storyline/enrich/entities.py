"""One entity per real thing: mentions across articles, outlets and languages linked to entities.

How mentions become entities (:class:`EntityLinker`), article by article:

1. Within an article, a person's surname-only mention (``Zelensky``, ``Van Nunen``)
   joins the full name it shortens (``Volodymyr Zelensky``), whatever type the NER
   gave the short form; other mentions group by their transliteration key
   (:func:`storyline.enrich.translit.name_key`).
2. Each group is resolved against the store:
   * a place known to the gazetteer (:mod:`storyline.enrich.places`) is one entity
     per GeoNames/ISO id, so ``Wit-Rusland``, ``Belarus`` and ``Weißrussland`` meet,
     and ``Charkov`` meets ``Kharkiv``. Countries override any NER type; cities need
     the NER to call the mention a location (or organisation, for big cities used as
     metonyms: "Moskou eist ...");
   * a full person name links to the person with the same key, or with the same
     surname key and a compatible given name (equal, an initial, or a close spelling:
     ``Alekandr``/``Aleksandr``); ``Vladimir Poetin`` and ``Vladimir Medinski`` differ
     in surname and stay apart;
   * a surname-only mention links to the one full-name person with that surname in
     the same event, else in the whole store; when the full name only arrives later,
     the surname-only entity is merged into it then;
   * anything else links by key.
3. An entity's type is the gazetteer's (LOC) or, for people named in full, PER; else
   the majority of its mentions' NER types, so one mis-typed mention does not change it.
   Its name is the gazetteer name for places, else its most frequent fullest variant.

Public API: :class:`EntityLinker`, :func:`link_mentions`, :func:`entity_for_name`,
:func:`split_name`, :func:`list_entities`.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from storyline.enrich.translit import fold, name_key, similar, strip_possessive
from storyline.store import Store
from storyline.store.entities import EntityRepo, MentionRow

LOGGER = logging.getLogger(__name__)

__all__ = ["EntityLinker", "LinkPlan", "link_mentions", "plan_links", "entity_for_name", "split_name", "list_entities",
           "entity_json", "clean_name", "entity_confidence"]

# Name particles that start a surname (van der Leyen, De Graaf, bin Salman): general
# onomastics of the languages we read, not names.
PARTICLES = frozenset("van von der den de del della di da das dos du la le ten ter te zu al el bin ben ibn "
                      "mac st".split())
TYPE_ORDER = ("PER", "ORG", "LOC", "MISC")  # tie-break for majority votes
# Caps and weights of the linker, set by hand against MEANTIME nl and the example corpus
# (``storyline eval entities``; docs/benchmarks-entities.md, "Rules").
BIG_CITY = 100_000       # a city named by a mention the NER did not call LOC must be at least this big
HUGE_CITY = 1_000_000    # ... and in a country of the context, or at least this big ("Moskou eist ...")
# Given names are compatible from this similarity up: Alekandr/Aleksandr join, Vitali/Wladimir Klitschko stay apart.
GIVEN_NAME_SIMILARITY = 0.75
MAX_CITY_ACRONYM_CHARS = 5  # an acronym this short ("GM", "VS") is an organisation or a country, never a city

_STRIP = " \t\n\"'“”‘’„«»()[]{}.,;:!?*-–—`"
# Articles a span may start with ("De Dow Jones", "het A380"): function words of nl/en/de/fr.
DETERMINERS = frozenset("de het een 't the a an der die das den dem le la les l' el il lo".split())
_COMPOUND_TAIL = re.compile(r"(?<=\w)-[a-zà-ÿ][a-zà-ÿ]+$")  # Airbus-machines, Dow Jones-index
_ACRONYM = re.compile(r"^[A-ZÀ-Þ](?:\.?\s?[A-ZÀ-Þ&]){1,6}\.?$")


def _compound_mention(text: str) -> bool:
    name = text.strip(_STRIP)
    return bool(name[:1].isupper() and _COMPOUND_TAIL.search(name))


def clean_name(text: str) -> str:
    """A mention's name without leading article, possessive ``'s``, quotes, edge punctuation, or
    a Dutch compound's common-noun tail (``Airbus-machines`` -> ``Airbus``)."""
    name = strip_possessive(text.strip(_STRIP)).strip(_STRIP)
    words = name.split()
    # a capitalised "Den" starts a name (Den Haag, Den Bosch, Den Uyl), never an article before one
    while len(words) > 1 and words[0].lower() in DETERMINERS and words[0] != "Den":
        words = words[1:]
    name = " ".join(words)
    if words and words[0][:1].isupper():
        name = _COMPOUND_TAIL.sub("", name)
    return name


def org_name(name: str) -> str:
    """An organisation's name without its legal form (``Apple Inc.``, ``Chrysler LLC``), by cleanco."""
    if " " not in name:
        return name
    from cleanco import basename

    base = basename(name).strip(_STRIP)
    words = base.split()
    # cleanco also knows two-letter forms such as "EU" or "SE"; never leave a dangling "van"/"de".
    if not words or words[-1].lower() in PARTICLES or words[-1].lower() in DETERMINERS:
        return name
    return base


def acronym_of(name: str) -> str:
    """``V. S.`` -> ``VS``; '' when the name does not look like an acronym."""
    name = name.strip()
    if not _ACRONYM.match(name) or sum(c.isalpha() for c in name) < 2:
        return ""
    return "".join(c for c in name if c.isalpha() or c == "&")


def initials(name: str) -> set[str]:
    """Possible acronyms of a multi-word name: first letters of its words, with and without
    lower-case function words, and of hyphenated parts (``Noord-Atlantische`` -> N, A)."""
    words = [w for w in re.split(r"[\s]+", name) if w]
    if len(words) < 2:
        return set()
    out = set()
    for keep_small in (False, True):
        for split_hyphens in (False, True):
            letters = []
            for w in words:
                parts = w.split("-") if split_hyphens else [w]
                for part in parts:
                    if not part:
                        continue
                    if part[:1].islower() and not keep_small:
                        continue
                    letters.append(part[0].upper())
            if len(letters) >= 2:
                out.add("".join(letters))
    return out


# Inflected adjectives (Oekraïense, Russische, Chinese, russisch): never a surname said alone.
_ADJECTIVE_FORM = re.compile(r"(?:se|sche|isch|ische|ischen|ischer|ese)$")


def can_be_person(text: str, type_: str) -> bool:
    """May this mention be a person's surname said alone? PER mentions may; a mention the NER typed
    otherwise only when it looks like a name: capitalised, not an inflected adjective or demonym
    form, not a country (``Smith`` typed ORG may be Bernard Smith; ``Oekraïense`` typed MISC is not)."""
    if type_ == "PER":
        return True
    name = clean_name(text)
    if not name[:1].isupper() or " " in name:
        return False
    return not _ADJECTIVE_FORM.search(name.lower())


def surname_core(surname: str) -> str:
    """A surname key without its particles (``van nunen`` -> ``nunen``): the NER often leaves the
    particle out of the span ("Carolien van Nunen ... Van Nunen zegt"). Only used within an article."""
    words = surname.split()
    while len(words) > 1 and words[0] in PARTICLES:
        words = words[1:]
    return " ".join(words)


def split_name(key: str) -> tuple[str, str]:
    """Split a person-name key into (given names, surname); given is '' for a surname alone.

    >>> split_name("ursula von der leien"), split_name("von der leien"), split_name("putin")
    (('ursula', 'von der leien'), ('', 'von der leien'), ('', 'putin'))
    """
    words = key.split()
    if len(words) <= 1:
        return "", key
    for i, w in enumerate(words):
        if w in PARTICLES and i < len(words) - 1:
            return " ".join(words[:i]), " ".join(words[i:])
    return " ".join(words[:-1]), words[-1]


def given_compatible(a: str, b: str) -> bool:
    """Given names of one person in two spellings: equal, an initial, or close (Alekandr ~ Aleksandr).
    An absent given name is compatible with any (a surname said alone)."""
    if not a or not b or a == b:
        return True
    fa, fb = a.split()[0], b.split()[0]
    if len(fa) == 1 or len(fb) == 1:
        return fa[0] == fb[0]
    return similar(fa, fb) >= GIVEN_NAME_SIMILARITY


def full_given_names(keys) -> list[str]:
    """The given names of a person's full-name keys; keys of a surname said alone carry no evidence."""
    return [g for g in (split_name(k)[0] for k in keys) if g]


def has_compatible_given(keys, given: str) -> bool:
    """Evidence that ``given`` names the person of these keys: one of its full names has a compatible given
    name ("Linda Zeegers" never joins Gert-Jan Segers through his surname-only key "segers")."""
    return any(given_compatible(g, given) for g in full_given_names(keys))


# Common nouns that name the institution of whatever country or town an article is about (Dutch, English,
# German): "Justitie" in a Venezuelan, an American and a Dutch article are three bodies. Such a name said alone
# joins an entity of another article only when the two share a place (or the event).
GENERIC_INSTITUTIONS = frozenset(name_key(w) for w in (
    "Justitie Defensie Onderwijs Financiën Politie Staten Rijk Kamer Senaat Parlement Regering Kabinet Gemeente "
    "Provincie Rechtbank Hof Ministerie Congres Justice Police Parliament Government Senate Congress Polizei "
    "Regierung Justiz").split()) | {name_key(n) for n in ("Provinciale Staten", "Gedeputeerde Staten", "Gemeenteraad")}
_ROMAN = re.compile(r"^[ivxlc]+$")


class _NoPlace:
    geo_id = None


_NO_PLACE = _NoPlace()
# Words joining two names in one span: nl, en, de, fr, es
_COORDINATION = frozenset("en and und et y e &".split())


def looks_like_person_name(key: str) -> bool:
    """A full-name key that may be a person: its last word is no Roman numeral (``Rutte III``, ``Willem II``
    name a cabinet, a club or a king's number, never a surname) and its words are longer than initials only."""
    words = key.split()
    return len(words) >= 2 and not _ROMAN.match(words[-1]) and any(len(w) > 1 for w in words)


def _common_word(word: str, lang: str = "nl") -> bool:
    """Is the word, lower-cased, a word of the language's dictionary (Onderwijs, Unie), not a name (Ford)?"""
    from storyline.enrich.places import _dictionary

    return word.lower() in _dictionary(lang)


def _name_like(text: str) -> bool:
    """Every word capitalised (or a digit), or a short function word inside a name ("Partij voor de Dieren");
    a span with longer lower-case words ("een complexer bedrijf is dan Chrysler") is no one's full form."""
    return all(w[:1].isupper() or w[:1].isdigit() or len(w) <= 4 for w in text.split())


def _folded_surname(text: str) -> str:
    """The surname of a written name, folded: ``Gert-Jan Segers`` -> ``segers``, ``Van Nispen`` -> ``van nispen``."""
    return split_name(fold(clean_name(text)))[1]


def _majority(types: Counter) -> str:
    if not types:
        return "MISC"
    best = max(types.values())
    for t in TYPE_ORDER:
        if types.get(t) == best:
            return t
    return max(types, key=types.get)


@dataclass(eq=False)  # identity: groups are merged by reference
class _Group:
    key: str
    person: bool = False                          # a full person name anchors the group
    mentions: list[MentionRow] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)   # keys of full-form members
    surname: str = ""
    acronym_of: "_Group | None" = None            # merged into another group of the article
    fixed_types: Counter | None = None            # ``types`` computed once the members are final (a plan)

    @property
    def types(self) -> Counter:
        if self.fixed_types is not None:
            return self.fixed_types
        # The NER typed a compound ("VN-mensenrechtenchef" MISC), not the name in it: such mentions
        # only vote when nothing else does.
        votes = Counter(m.type for m in self.mentions if not _compound_mention(m.text))
        return votes or Counter(m.type for m in self.mentions)


def _signature(mentions: Sequence[MentionRow]) -> tuple:
    """What a plan was computed from: each mention's text, type, span and sentence, in order."""
    return tuple((m.text, m.type, m.start, m.end, m.sentence) for m in mentions)


@dataclass(frozen=True)
class LinkPlan:
    """The store-independent part of linking one article (:meth:`EntityLinker.plan_article`): its mention
    groups (key, person, member positions, keys, surname, type votes, variants), their places by group position, the demonym groups,
    and the groups whose place is dropped when a known person has their key as surname."""

    signature: tuple
    groups: tuple
    places: dict
    demonyms: frozenset
    unless_surname: frozenset


class EntityLinker:
    """Links stored mentions to entities, incrementally, batch after batch.

    Args:
        store: the :class:`storyline.store.Store`, inside the batch's transaction.
        gazetteer: a :class:`storyline.enrich.places.Gazetteer` or None for the shared one;
            ``False`` disables geocoding (tests, or a store without places).
        use_events: prefer persons mentioned in the same event for surname-only mentions.
    """

    def __init__(self, store: Store, gazetteer=None, use_events: bool = True):
        self.store = store
        self._gazetteer = gazetteer
        self.use_events = use_events
        self.touched: set[int] = set()

    @property
    def gazetteer(self):
        if self._gazetteer is None:
            from storyline.enrich.places import get_gazetteer

            self._gazetteer = get_gazetteer()
        return self._gazetteer or None

    # ------------------------------------------------------------------ public
    def link_articles(self, article_ids: Sequence[str], languages: dict[str, str] | None = None,
                      plans: dict[str, "LinkPlan"] | None = None) -> int:
        """Link the not-yet-linked mentions of these articles; returns how many were linked.
        ``languages``: article id -> language code, which gives each article its default place context.
        ``plans``: article id -> :meth:`plan_article` of the mentions expected in the store (used when the
        stored mentions are exactly those; else the article is planned here)."""
        rows = self.store.mentions_for_articles(article_ids, unlinked_only=True)
        by_article: dict[str, list[MentionRow]] = defaultdict(list)
        for m in rows:
            by_article[m.article_id].append(m)
        linked = 0
        for article_id in article_ids:
            language = (languages or {}).get(article_id)
            linked += self._link_article(article_id, by_article.get(article_id, []), language,
                                         (plans or {}).get(article_id))
        self.finish()
        return linked

    def finish(self) -> None:
        """Recompute name and type of the entities this linker touched."""
        for entity_id in sorted(self.touched):
            self._refresh(entity_id)
        self.touched.clear()

    # ------------------------------------------------------------------ per article
    def _groups(self, mentions: list[MentionRow]) -> list[_Group]:
        persons: dict[str, _Group] = {}
        by_surname: dict[str, list[_Group]] = defaultdict(list)
        by_core: dict[str, list[_Group]] = defaultdict(list)  # surnames without particles
        rest: list[tuple[MentionRow, str]] = []
        for m in mentions:
            cname = clean_name(m.text)
            key = name_key(org_name(cname) if m.type == "ORG" else cname)
            if not key:
                continue
            given, surname = split_name(key)
            if m.type == "PER" and given and looks_like_person_name(key):
                g = persons.get(key)
                if g is None:
                    # another spelling of a full name already seen here (Volodymyr/Volodimir)
                    g = next((p for p in by_surname.get(surname, ()) if given_compatible(split_name(p.key)[0], given)),
                             None)
                    if g is None:
                        g = persons[key] = _Group(key=key, person=True, surname=surname)
                        by_surname[surname].append(g)
                        if surname_core(surname) != surname:
                            by_core[surname_core(surname)].append(g)
                    else:
                        persons[key] = g
                g.mentions.append(m)
                g.keys.add(key)
            else:
                rest.append((m, key))
        others: dict[str, _Group] = {}
        for m, key in rest:
            if key in persons:  # a full name the NER typed otherwise this time
                persons[key].mentions.append(m)
                continue
            given, surname = split_name(key)
            owners = by_surname.get(key, []) if not given and can_be_person(m.text, m.type) else []
            if not owners and not given and m.type == "PER":
                # "Nunen" after "Carolien van Nunen"; only a PER mention: "X van Boeing" is more
                # often a person of a company than a person called Boeing
                owners = by_core.get(key, [])
            if not owners and not given and key.endswith("s") and can_be_person(m.text, m.type):
                # a Dutch genitive without apostrophe: "Wiegels aanpak", "Erdogans partij" after the full name
                owners = by_surname.get(key[:-1], []) or by_core.get(key[:-1], [])
            if not owners and not given and m.type == "PER" and " " not in clean_name(m.text):
                # a given name said alone ("Mark" after "Mark Rutte"): the one person of the article named in
                # full with that first given name; two Marks leave it alone
                owners = list(dict.fromkeys(p for p in persons.values() if split_name(p.key)[0].split()[0] == key))
            if len(owners) == 1 and not self._is_country(m.text):
                owners[0].mentions.append(m)
                continue
            g = others.get(key)
            if g is None:
                g = others[key] = _Group(key=key, surname=surname)
            g.mentions.append(m)
            g.keys.add(key)
        self._merge_acronyms_and_prefixes(others)
        self._merge_adjectives_into_places(others)
        seen: set[int] = set()
        out = []
        for g in list(persons.values()) + list(others.values()):
            if id(g) not in seen:
                seen.add(id(g))
                out.append(g)
        return out

    @staticmethod
    def _merge_acronyms_and_prefixes(others: dict[str, _Group]) -> None:
        """Within one article: ``EU`` joins ``Europese Unie``, ``Dow`` joins ``Dow Jones`` (same type)."""
        groups = list(dict.fromkeys(others.values()))
        full = [g for g in groups if len(g.key.split()) > 1]
        by_initials: dict[str, list[_Group]] = defaultdict(list)
        # Full names by each word prefix and by their last word, in ``full`` order: the lookups below read
        # only these candidates (a long article has thousands of groups; scanning ``full`` was quadratic).
        by_prefix: dict[tuple[str, ...], list[_Group]] = defaultdict(list)
        by_head: dict[str, list[_Group]] = defaultdict(list)
        for g in full:
            for ini in set().union(*(initials(clean_name(m.text)) for m in g.mentions)):
                by_initials[ini].append(g)
            words = g.key.split()
            if _COORDINATION & set(words) or not _name_like(clean_name(g.mentions[0].text)):
                continue  # "SP en Denk": two names the NER glued, the full form of neither; or no name at all
            for n in range(1, len(words) + 1):
                by_prefix[tuple(words[:n])].append(g)
            by_head[words[-1]].append(g)
        keys_of: dict[int, list[str]] = defaultdict(list)  # which keys of ``others`` name each group
        for k, v in others.items():
            keys_of[id(v)].append(k)
        for g in groups:
            if len(g.key.split()) > 1 or g.acronym_of is not None:
                continue
            acro = acronym_of(clean_name(g.mentions[0].text))
            owners = list(dict.fromkeys(by_initials.get(acro, []))) if acro else []
            capitals = bool(acro) or clean_name(g.mentions[0].text).isupper()  # "FTSE" is no adjective
            if not owners:
                words = g.key.split()
                majority = _majority(g.types)
                # "Dow" -> "Dow Jones": organisations and other names only; a place or person said alone
                # names itself ("Amsterdam" is not short for "Amsterdam Nanninga")
                owners = [f for f in by_prefix.get(tuple(words), ()) if _majority(f.types) == majority] \
                    if majority in ("ORG", "MISC") and not (_ADJECTIVE_FORM.search(g.key) and not capitals) else []
                if not owners and majority == "ORG":
                    # "de Unie" after "Europese Unie", "de Kamer" after "Tweede Kamer": the head noun
                    # of one organisation named in full in the article, where the words before it are
                    # adjectives (Dutch -e) or the word is a name itself ("Autofabrikant Ford"): the common
                    # noun "Onderwijs" is not the head of "Dienst Uitvoering Onderwijs"
                    owners = [f for f in by_head.get(g.key, ()) if _majority(f.types) == "ORG"
                              and (all(w.endswith("e") for w in f.key.split()[:-1])
                                   or not _common_word(clean_name(g.mentions[0].text)))]
            if len(owners) == 1 and owners[0] is not g:
                owner = owners[0]
                owner.mentions.extend(g.mentions)
                owner.keys |= g.keys if acro else set()
                g.acronym_of = owner
                moved = keys_of.pop(id(g), [])
                for k in moved:
                    others[k] = owner
                keys_of[id(owner)].extend(moved)

    @staticmethod
    def _merge_adjectives_into_places(others: dict[str, _Group]) -> None:
        """Within one article, a place adjective joins the place it is said of when the article names that
        place too ("Brabantse" with "Brabant", "Europese" with "Europa"), also for places the gazetteer lacks."""
        from storyline.enrich.places import _ADJ_SUFFIXES

        groups = list(dict.fromkeys(others.values()))
        places = [g for g in groups if _majority(g.types) == "LOC" and " " not in g.key]
        for g in groups:
            if g.acronym_of is not None or " " in g.key or _majority(g.types) != "MISC" or g in places:
                continue
            word = fold(clean_name(g.mentions[0].text))
            stems = {word[: -len(x)] for x in _ADJ_SUFFIXES if word.endswith(x) and len(word) - len(x) >= 4}
            owners = [p for p in places if any(name_key(st) and p.key.startswith(name_key(st)) for st in stems)
                      and p.acronym_of is None]
            if len(owners) == 1:
                owners[0].mentions.extend(g.mentions)
                g.acronym_of = owners[0]
                for k in [k for k, v in others.items() if v is g]:
                    others[k] = owners[0]

    def _is_country(self, text: str) -> bool:
        gaz = self.gazetteer
        return bool(gaz) and gaz.is_country(clean_name(text))

    def plan_article(self, article_id: str, mentions: Sequence[MentionRow], language: str | None = None) -> "LinkPlan":
        """The part of linking an article that reads no store: its groups and the places the gazetteer gives
        them. Computed before the write transaction (:meth:`Runner.prepare`) from the mentions about to be
        stored; :meth:`_link_article` uses it when the stored mentions are these very ones."""
        mentions = list(mentions)
        rows = [MentionRow((i, m.article_id, m.entity_id, m.text, m.type, m.start, m.end, m.sentence))
                for i, m in enumerate(mentions)]  # ids: positions, mapped to the stored rows' ids when applied
        groups = self._groups(rows)
        places, demonyms, unless_surname = self._places(groups, language)
        index = {id(g): i for i, g in enumerate(groups)}
        return LinkPlan(
            signature=_signature(mentions),
            groups=tuple((g.key, g.person, tuple(m.id for m in g.mentions), frozenset(g.keys), g.surname, g.types,
                          Counter(clean_name(m.text) for m in g.mentions)) for g in groups),
            places={index[k]: v for k, v in places.items()},
            demonyms=frozenset(index[k] for k in demonyms),
            unless_surname=frozenset(index[k] for k in unless_surname))

    def _link_article(self, article_id: str, mentions: list[MentionRow], language: str | None = None,
                      plan: "LinkPlan | None" = None) -> int:
        if not mentions:
            return 0
        if plan is None or plan.signature != _signature(mentions):  # not planned, or other rows: plan now
            plan = self.plan_article(article_id, mentions, language)
        groups = [_Group(key=key, person=person, mentions=[mentions[i] for i in members], keys=set(keys),
                         surname=surname, fixed_types=Counter(types))
                  for key, person, members, keys, surname, types, _ in plan.groups]
        variants = {id(g): Counter(planned[6]) for g, planned in zip(groups, plan.groups)}
        places: dict[int, object] = {}
        for i, place in plan.places.items():
            # a one-word "person" that names a place is that place unless a known person has it as surname
            if i in plan.unless_surname and any(e[2] and e[3] is None for e in
                                                self.store.entities_by_key(groups[i].key, "surname")):
                continue
            places[id(groups[i])] = place
        demonyms = {id(groups[i]) for i in plan.demonyms}
        event_id = self.store.event_of(article_id) if self.use_events else None
        pairs = []
        # places first: a generic institution's name ("Justitie") links through the places it shares
        for g in sorted(groups, key=lambda g: id(g) not in places):
            place = places.get(id(g))
            if place is not None:
                entity_id = self._place_entity(place, g, keys=id(g) not in demonyms)
            elif g.person:
                entity_id = self._person_entity(g)
            else:
                entity_id = self._other_entity(g, event_id, article_id)
            self.store.add_observations(entity_id, article_id, variants[id(g)], g.types)
            self.touched.add(entity_id)
            pairs.extend((entity_id, m.id) for m in g.mentions)
        self.store.set_mention_entities(pairs)
        return len(pairs)

    def _places(self, groups: list[_Group], language: str | None) -> tuple[dict[int, object], set[int], set[int]]:
        """The places of an article's groups (by ``id(group)``), the groups that are demonyms of a place, and
        the groups whose place holds only if no known person has their key as surname (checked in the store)."""
        # Countries first: they give the context for choosing between same-named cities. The article's
        # language puts it in its own countries before it names any (a Dutch "Den Bosch" is Dutch).
        from storyline.enrich.places import LANGUAGE_COUNTRIES, place_of_adjective

        context: set[str] = set(LANGUAGE_COUNTRIES.get(language or "", ()))
        places: dict[int, object] = {}
        demonyms: set[int] = set()
        unless_surname: set[int] = set()
        gaz = self.gazetteer
        if gaz:
            for g in groups:
                if not g.person:
                    name = clean_name(g.mentions[0].text)
                    if gaz.is_country(name):
                        place = gaz.resolve(name)
                        if place:
                            places[id(g)] = place
                            context.add(place.country)
            # words of the persons named in full here: "Paris" in an article on Paris Hilton stays a person
            person_words = {w for g in groups if g.person for k in g.keys for w in k.split()}
            for g in groups:
                if g.person or id(g) in places:
                    continue
                place = self._place_for(g, context, person_words)
                if place is not None and _majority(g.types) == "PER":
                    unless_surname.add(id(g))
                if place is None and _majority(g.types) in ("MISC", "LOC"):
                    # "Nederlandse", "Britten", "Haagse": the place they are said of, not an entity of their own
                    found = {place_of_adjective(clean_name(m.text), context) for m in g.mentions}
                    if len(found) == 1 and None not in found:
                        place = found.pop()
                        demonyms.add(id(g))
                if place is not None:
                    places[id(g)] = place
        return places, demonyms, unless_surname

    def _place_for(self, g: _Group, context: set[str], person_words: set[str] = frozenset()):
        gaz = self.gazetteer
        types = g.types
        majority = _majority(types)
        if majority == "PER":
            return self._place_typed_person(g, person_words)
        if types.get("LOC", 0) == 0 and majority == "MISC" and len(g.key.split()) > 1:
            # "in New Orleans" typed MISC: a multi-word name of a well-known city is that city (one word,
            # "Parijs" of "akkoord van Parijs", stays as typed)
            place = gaz.well_known_place(clean_name(Counter(m.text for m in g.mentions).most_common(1)[0][0]))
            return place if place is not None and place.kind != "country" else None
        if types.get("LOC", 0) == 0 and majority != "ORG":
            return None
        written = Counter(m.text for m in g.mentions).most_common(1)[0][0]
        name = clean_name(written)
        if acronym_of(name) and len(name) <= MAX_CITY_ACRONYM_CHARS:
            return None
        # "Den Bosch", "De Bilt", "Den Haag": the article belongs to the place name; "Bosch" alone is elsewhere
        whole = strip_possessive(written.strip(_STRIP)).strip(_STRIP)
        if whole != name and gaz.candidates(whole):
            name = whole
        if majority == "LOC" or types.get("LOC", 0) * 2 >= sum(types.values()):
            return gaz.resolve(name, context)
        place = gaz.resolve(name, context, BIG_CITY)
        if place and (place.country in context or place.population >= HUGE_CITY):
            return place
        return None

    def _place_typed_person(self, g: _Group, person_words: set[str]):
        """A one-word "person" that is a country or a big city (the CRF's "Kiev" PER) is that place,
        unless the word is part of a person's full name in the article, or a known person's surname (the
        latter is a store read, left to the caller)."""
        names = {clean_name(m.text) for m in g.mentions}
        if any(" " in n or "-" in n for n in names) or g.key in person_words:
            return None
        # ... and the store's persons: checked where the place is used (``_link_article``), in the transaction
        name = clean_name(Counter(m.text for m in g.mentions).most_common(1)[0][0])
        if acronym_of(name):
            return None
        return self.gazetteer.well_known_place(name)

    # ------------------------------------------------------------------ resolution
    def _place_entity(self, place, g: _Group, keys: bool = True) -> int:
        entity_id = self.store.entity_by_geo(place.geo_id)
        if entity_id is None:
            entity_id = self.store.create_entity(place.name, "LOC", name_key(place.name), geo_id=place.geo_id,
                                                lat=place.lat, lon=place.lon, country=place.country)
            self.store.add_keys(entity_id, [(name_key(place.name), "place")])
        if not keys:  # an adjective or demonym names the place but is not one of its names
            return entity_id
        self.store.add_keys(entity_id, [(k, "place") for k in g.keys])
        acronyms = set().union(*(initials(clean_name(m.text)) for m in g.mentions), initials(place.name))
        self.store.add_keys(entity_id, [(a.lower(), "acronym") for a in acronyms])
        return entity_id

    def _person_entity(self, g: _Group) -> int:
        given, surname = split_name(g.key)
        entity_id = None
        for key in sorted(g.keys):
            found = [e for e in self.store.entities_by_key(key, "name") if e[3] is None]
            if found:
                entity_id = found[0][0]
                break
        if entity_id is None:
            for cand in self.store.entities_by_key(surname, "surname"):
                if cand[3] is not None or not cand[2]:
                    continue
                if has_compatible_given(self.store.keys_of(cand[0], "name"), given):
                    entity_id = cand[0]
                    break
        if entity_id is None:
            entity_id = self.store.create_entity(g.key, "PER", g.key, multiword=True)
        self.store.add_keys(entity_id, [(k, "name") for k in g.keys] + [(surname, "surname")])
        self._adopt_surname_entities(entity_id, surname, {_folded_surname(m.text) for m in g.mentions
                                                          if split_name(fold(clean_name(m.text)))[0]})
        return entity_id

    def _adopt_surname_entities(self, entity_id: int, surname: str, written: set[str] = frozenset()) -> None:
        """Merge earlier surname-only entities (``Peskov``) into the one full name that has that surname,
        written the same way (a spelling that only shares the key, ``Zeegers`` for ``Segers``, stays apart)."""
        full = {e[0] for e in self.store.entities_by_key(surname, "surname") if e[2] and e[3] is None}
        if full != {entity_id}:
            return
        spellings = self._surname_spellings(entity_id) | set(written)  # this article's are not stored yet
        for other_id, type_, multiword, geo_id in self.store.entities_by_key(surname, "name"):
            if other_id == entity_id or multiword or geo_id is not None or type_ not in ("PER", "MISC", "LOC"):
                continue
            # its names as written (the entity's own name is only a key until finish() refreshes it)
            variants = self.store.entity_variants(other_id)
            if any(can_be_person(text, type_) for text, _ in variants) and \
                    any(_folded_surname(text) in spellings for text, _ in variants):
                self.store.merge_entities(other_id, entity_id)
                self.touched.discard(other_id)

    def _surname_spellings(self, entity_id: int) -> set[str]:
        """The surnames of a person as written in its full-name variants, folded (case, accents)."""
        return {_folded_surname(text) for text, _ in self.store.entity_variants(entity_id)
                if split_name(fold(clean_name(text)))[0]}

    def _agrees(self, entity: tuple, g: _Group) -> bool:
        """May group ``g`` join this stored entity found by key? Its type must agree (MISC, the tagger's
        unsure class, agrees with any), and a name that is not a person's must be written the same way
        in one of the entity's variants: keys fold spellings (ph/f, aa/a), which is right for transliterated
        people and places but not for organisations ("Telegraph" is not "Telegraaf")."""
        entity_id, type_ = entity[0], entity[1]
        majority = _majority(g.types)
        own = {fold(clean_name(m.text)) for m in g.mentions}
        same_spelling = any(fold(clean_name(text)) in own for text, _ in self.store.entity_variants(entity_id))
        if type_ != majority and "MISC" not in (type_, majority):
            # The tagger's types are noisy (Eerste Kamer LOC here, ORG there): another type joins only a name
            # written the same way, and never across person and place (a namesake town is not the person).
            return same_spelling and {type_, majority} != {"PER", "LOC"}
        # a surname said alone reaches here only when no single person owns it: the key is no evidence then
        return same_spelling

    def _shares_a_place(self, entity_id: int, article_id: str) -> bool:
        """Whether an article of the entity names a place this article names (its places are linked first)."""
        here = set()
        for i in self.store.entities_in_article(article_id):
            row = self.store.entity_row(i)
            # a country is too wide a context: the US is named in the Venezuelan and the American article
            if row is not None and row["type"] == "LOC" and not (row["geo_id"] or "").startswith("iso:"):
                here.add(i)
        if not here:
            return False
        for other in self.store.articles_for([entity_id]).get(entity_id, []):
            if here & set(self.store.entities_in_article(other)):
                return True
        return False

    def _other_entity(self, g: _Group, event_id: int | None, article_id: str = "") -> int:
        given, surname = split_name(g.key)
        entity_id = None
        if not given and _majority(g.types) != "ORG" and any(can_be_person(m.text, m.type) for m in g.mentions):
            persons = [e[0] for e in self.store.entities_by_key(g.key, "surname") if e[2] and e[3] is None]
            if len(persons) > 1 and event_id is not None:
                persons = self.store.entities_in_event(event_id, persons)
            if len(persons) == 1:
                # Across articles a surname said alone is evidence only when written as the person's surname
                # is written, or when the article is in that person's event ("Zeegers" is not Segers).
                written = {_folded_surname(m.text) for m in g.mentions}
                if written & self._surname_spellings(persons[0]) or (
                        event_id is not None and self.store.entities_in_event(event_id, persons)):
                    entity_id = persons[0]
        if entity_id is None:
            majority = _majority(g.types)
            matches: list[int] = []
            for key in [g.key] + sorted(g.keys - {g.key}):
                found = [e for e in self.store.entities_by_key(key, "name") if self._agrees(e, g)]
                if key in GENERIC_INSTITUTIONS and event_id is None:
                    found = [e for e in found if self._shares_a_place(e[0], article_id)]
                elif key in GENERIC_INSTITUTIONS:
                    found = [e for e in found if self.store.entities_in_event(event_id, [e[0]])]
                if found:
                    matches.append(next((e[0] for e in found if e[1] == majority), found[0][0]))
            if matches:
                entity_id = matches[0]
                # The article ties names seen apart before ("GM" and "General Motors"): one entity now.
                for other in dict.fromkeys(matches[1:]):
                    if other != entity_id:
                        self.store.merge_entities(other, entity_id)
                        self.touched.discard(other)
        if entity_id is None and not given:
            acro = acronym_of(clean_name(g.mentions[0].text))
            if acro:
                found = {e[0] for e in self.store.entities_by_key(acro.lower(), "acronym")}
                if len(found) == 1:
                    entity_id = found.pop()
        if entity_id is None:
            entity_id = self.store.create_entity(g.key, _majority(g.types), g.key, multiword=False)
        # Only names seen in the article are keys: an acronym counts once it stood beside its expansion
        # in one article (it is then one of ``g.keys``), never from a name's initials alone (no EU for
        # "Erasmus Universiteit", no VN for "Vereniging Natuurmonumenten").
        self.store.add_keys(entity_id, [(k, "name") for k in g.keys | {g.key}])
        return entity_id

    def _out_of_context(self, entity_id: int, row: Any) -> bool:
        """A city (not a country) of a country neither its article's language nor the article names, and smaller
        than :data:`HUGE_CITY` ("restaurant Solo" in a Dutch article is not the Indonesian city)."""
        from storyline.enrich.places import LANGUAGE_COUNTRIES

        if (row["geo_id"] or "").startswith("iso:") or row["mention_count"] > 2:
            return False
        gaz = self.gazetteer
        place = gaz.place(row["geo_id"]) if gaz else None
        if place is None or place.population >= HUGE_CITY:
            return False
        languages, countries = self.store.entity_context(entity_id)
        context = countries.union(*(LANGUAGE_COUNTRIES.get(lang, ()) for lang in languages))
        return row["country"] not in context

    def _refresh(self, entity_id: int) -> None:
        row = self.store.entity_row(entity_id)
        if row is None or row["merged_into"] is not None:
            return
        variants = self.store.entity_variants(entity_id)
        if row["geo_id"]:
            type_, name = "LOC", row["name"]
            gaz = self.gazetteer
            if gaz and variants:
                # the readers' own name for it, as their articles write it most (Den Haag, Verenigde Staten),
                # among the variants that are names of this place (not "Haagse" or "Britten")
                own = [(text, n) for text, n in variants
                       if (gaz.resolve(text) or gaz.resolve(text, (row["country"],)) or _NO_PLACE).geo_id
                       == row["geo_id"]]
                if own:
                    name = max(own, key=lambda item: (item[1], len(item[0])))[0]
        else:
            counts = Counter(json.loads(row["type_counts"] or "{}"))
            type_ = "PER" if row["multiword"] else _majority(counts)
            name = row["name"]
            if variants:
                def rank(item):
                    text, n = item
                    given, _ = split_name(name_key(text))
                    full = bool(given) if type_ == "PER" else True
                    return (full, n, len(text))
                name = max(variants, key=rank)[0]
        articles, tagger, roles = self.store.entity_evidence(entity_id)
        foreign = bool(row["geo_id"]) and articles == 1 and self._out_of_context(entity_id, row)
        counts = Counter(json.loads(row["type_counts"] or "{}"))
        confidence = entity_confidence(type_, counts, mentions=row["mention_count"], articles=articles,
                                       tagger=tagger, full_name=bool(row["multiword"]) and type_ == "PER",
                                       place=bool(row["geo_id"]), roles=roles,
                                       common=not row["geo_id"] and _common_name(name, type_, self.gazetteer),
                                       foreign=foreign)
        if type_ != row["type"] or name != row["name"] or confidence != _stored_confidence(row):
            self.store.update_entity(entity_id, type=type_, name=name, confidence=confidence)


_DEMONYM = re.compile(r"(?:e?naars?|e?naren)$")  # Bredanaar, Venlonaren, Maastrichtenaren


def _common_name(name: str, type_: str, gazetteer=None) -> bool:
    """A one-word organisation or other name that is a word of the dictionary ("Immigratie", "Asiel", "Rijk": a
    portfolio or a common noun capitalised) or, typed MISC, an inflected adjective ("Venezolaanse"); a town's
    demonym of any type but LOC ("Bredanaar"); words of the dictionary around a number ("Brieven 2-4")."""
    words = name.split()
    if len(words) > 1:
        return type_ != "PER" and any(any(c.isdigit() for c in w) for w in words) and all(
            any(c.isdigit() for c in w) or _common_word(w) for w in words)
    if type_ != "LOC" and gazetteer and _DEMONYM.search(name):
        stem = _DEMONYM.sub("", name)
        if len(stem) >= 3 and gazetteer.candidates(stem):
            return True
    if type_ in ("PER", "LOC") or not name[:1].isupper() or acronym_of(name):
        return False
    lower = name.lower()
    # "Romeins", "Brabants": the uninflected adjective of "Romeinse", "Brabantse"
    return _common_word(name) or type_ == "MISC" and bool(
        _ADJECTIVE_FORM.search(lower) or lower.endswith("s") and _ADJECTIVE_FORM.search(lower + "e"))


def _stored_confidence(row: Any) -> float | None:
    try:
        return row["confidence"]
    except (IndexError, KeyError):
        return None


def entity_confidence(type_: str, types: Counter, *, mentions: int, articles: int, tagger: float = 1.0,
                      full_name: bool = False, place: bool = False, roles: int = 0, common: bool = False,
                      foreign: bool = False) -> float:
    """How sure the entity is, from its evidence, in [0, 1] (listings show it from settings
    ``enrich.entity_min_confidence`` up):

    * support: a gazetteer place 0.95, a person's full name (given name and surname) 0.9; else the articles
      naming it (three or more 0.9, two 0.85) or, within one article, its mentions (one 0.6, two 0.7, three 0.8);
    * times the type agreement: the share of mentions the tagger gave the entity's type (a place agrees);
    * times the tagger's mean probability of its mentions' types;
    * a person named by one word only, never in full nor with a title (``minister Dekker``), in fewer than three
      articles, has no person evidence beyond the tagger's word (brands, products, given names said alone): x 0.85;
    * a one-word name that is a dictionary word or an adjective (``common``: "Immigratie", "Venezolaanse"): x 0.8;
    * a gazetteer city outside the countries of its one article (``foreign``), said once or twice: support 0.7.
    """
    total = sum(types.values())
    agreement = 1.0 if place or not total else types.get(type_, 0) / total
    if place:
        support = 0.7 if foreign else 0.95
    elif full_name:
        support = 0.9
    elif articles >= 3:
        support = 0.9
    elif articles == 2:
        support = 0.85
    else:
        support = 0.6 + 0.1 * min(max(mentions, 1) - 1, 2)
    value = support * (0.5 + 0.5 * agreement) * (0.5 + 0.5 * tagger)
    if type_ == "PER" and not full_name and not roles and articles < 3:
        value *= 0.85
    if common:
        value *= 0.8
    return round(max(0.0, min(1.0, value)), 3)


def link_mentions(store: Store, article_ids: Sequence[str], gazetteer=None, use_events: bool = True,
                  languages: dict[str, str] | None = None, plans: dict[str, LinkPlan] | None = None) -> int:
    """Link the stored, unlinked mentions of ``article_ids`` to entities. Returns the number linked.
    ``languages`` (article id -> language) sets each article's default place context; ``plans`` from
    :func:`plan_links` leave only the store's part of the work (results are the same without)."""
    return EntityLinker(store, gazetteer=gazetteer, use_events=use_events).link_articles(article_ids, languages,
                                                                                         plans)


def plan_links(mentions: dict[str, Sequence[Any]], languages: dict[str, str] | None = None,
               gazetteer=None) -> dict[str, LinkPlan]:
    """:meth:`EntityLinker.plan_article` for each article's mentions (article id -> mentions as they will be
    stored, :class:`storyline.records.Mention`), without a store: the linking work that can run before the
    write transaction. The mentions are ordered as the store returns them (by start)."""
    linker = EntityLinker(None, gazetteer=gazetteer)  # type: ignore[arg-type]  # plans read no store
    out = {}
    for article_id, items in mentions.items():
        rows = [MentionRow((None, article_id, None, m.text, m.type, m.start, m.end, m.sentence))
                for m in sorted(items, key=lambda m: m.start)]
        if rows:
            out[article_id] = linker.plan_article(article_id, rows, (languages or {}).get(article_id))
    return out


def entity_for_name(store: Store, name: str, article_id: str | None = None,
                    local: set[int] | None = None) -> int | None:
    """The entity id a name refers to (e.g. a quote's speaker), or None.

    Looks first among the entities of ``article_id`` (so ``Zelenski`` in an article
    naming ``Volodimir Zelenski`` gets his id), by full name or surname, then in the
    whole store (full name, then a surname shared by exactly one person).
    Ids of merged entities are followed to the live one.
    """
    key = name_key(clean_name(name or ""))
    if not key:
        return None
    given, surname = split_name(key)
    by_name = [e[0] for e in store.entities_by_key(key, "name")] + [e[0] for e in store.entities_by_key(key, "place")]
    by_surname = [e[0] for e in store.entities_by_key(key if not given else surname, "surname")]
    if given:  # a full name: also persons with that surname and a compatible given name
        by_surname = [i for i in by_surname if has_compatible_given(store.keys_of(i, "name"), given)]
    if article_id is not None:
        if local is None:  # ``local``: the article's entities, when the caller already has them
            local = set(store.entities_in_article(article_id))
        for cands in (by_name, by_surname):
            hits = [i for i in dict.fromkeys(cands) if i in local]
            if len(hits) == 1:
                return store.resolve_id(hits[0])
    if by_name:
        return store.resolve_id(by_name[0])
    unique = list(dict.fromkeys(by_surname))
    if len(unique) == 1:
        return store.resolve_id(unique[0])
    return None


def entity_json(row: Any, variants: list[str], articles: list[str]) -> dict:
    """The entity JSON contract: id, name, type, variants, articles, lat, lon (+ country, mentions)."""
    return {
        "id": row["id"], "name": row["name"], "type": row["type"], "variants": variants, "articles": articles,
        "lat": row["lat"], "lon": row["lon"], "country": row["country"], "mentions": row["mention_count"],
    }


def list_entities(conn: Any, *, type_: str | None = None, event_id: int | None = None,
                  storyline_id: int | None = None, article_id: str | None = None,
                  limit: int | None = 100, offset: int = 0) -> list[dict]:
    """Entities as JSON records, most mentioned first (within the scope, when one is given)."""
    repo = EntityRepo(conn)
    rows = repo.list_entities(type_=type_, event_id=event_id, storyline_id=storyline_id, article_id=article_id,
                              limit=limit, offset=offset)
    ids = [r["id"] for r in rows]
    variants = repo.variants_for(ids)
    articles = repo.articles_for(ids)
    return [entity_json(r, variants[r["id"]], articles[r["id"]]) for r in rows]
