"""Mention spans as a reader means them: the name, without the title, role or headline word the tagger glued on.

:func:`normalise_mentions` runs after the NER (``ner.extract_entities``) on one article's mentions, with general
rules of Dutch news writing, each written for a systematic tagger error:

* a role compound keeps its name: ``CDA-leider`` -> ``CDA``, ``VVD'ers`` -> ``VVD``, ``Maduro-regime`` ->
  ``Maduro``; a role before a name is cut off, and a name inside it becomes its own mention:
  ``FvD-voorman Thierry Baudet`` -> ``FvD`` + ``Thierry Baudet``, ``Tweede Kamervoorzitter Khadija Arib`` ->
  ``Khadija Arib``, ``Minister Dekker`` / ``Pijnlijk Dekker`` -> ``Dekker``;
* a leading article is not part of an organisation's or event's name (``De Telegraaf`` -> ``Telegraaf``), nor a
  trailing word of the next sentence (``Hamas Volgens`` -> ``Hamas``, ``Boeing De`` -> ``Boeing``);
* two names the tagger joined are split when the article names them apart: ``SP en Denk``, ``Rutte Robesin``,
  ``Amsterdam Nanninga``;
* a capitalised common word at the start of a sentence (``Klimaat``, ``Wie``, ``We``) is no name when the article
  writes it in lower case elsewhere, or never capitalises it inside a sentence and the language rarely does.

"Common word" and "rarely capitalised" come from the NER model's resources (simplemma's dictionary and
capitalisation rates in unlabelled news); without a model for the language nothing changes.
"""

from __future__ import annotations

import re
from typing import Sequence

from storyline.records import Mention

__all__ = ["normalise_mentions", "fallback_mentions", "recognise_batch", "FALLBACK_CONFIDENCE"]

FALLBACK_CONFIDENCE = 0.3

_ROLE_TAIL = re.compile(r"^(?P<name>[A-ZÀ-Þ][\w&]*?)(?:-(?P<tail>[a-zà-ÿ][a-zà-ÿ]{2,})|['’](?P<er>ers?))$")
# Titles that Dutch news capitalises so often that the capitalisation rates cannot tell them from names.
TITLES = frozenset("kamerlid statenlid raadslid senator europarlementariër eurocommissaris staatssecretaris "
                   "minister-president oud-premier oud-minister".split())
# Name particles: part of a surname (De Jonge, Van Engelshoven), never a title before it.
_PARTICLES = frozenset("van von der den de del della di da du la le ten ter te zu".split())
# Closed-class Dutch words that open a sentence: when the tagger runs a headline into the next sentence,
# one of these ends the span ("Hamas Volgens het leger", "Boeing De aanklager").
_FUNCTION_WORDS = frozenset(
    "de het een volgens maar ook toen nadat omdat terwijl daarna dan dat die deze dit er hij zij ze we wij ik "
    "in op bij met voor na om als zo nu nog wel niet al toch want dus en of naar door over uit tot "
    "wie wat waar wanneer hoe waarom welke ach och oh ja nee nou tja".split())
_DETERMINERS = {"De", "Het", "Een"}  # Dutch articles; "The" belongs to English names (The New York Times)
_COORD = re.compile(r"\s+(?:en|and|&)\s+")
_SENTENCE_END = set(".!?:;\"'“”„«»(")
RARE_CAPITAL = 0.3     # a word capitalised inside sentences less often than this is a common word
NEVER_CAPITAL = 0.05   # ... and this rarely, a sentence-initial one is dropped even when seen only once


class _Vocab:
    def __init__(self, lang: str):
        from storyline.enrich import ner

        try:
            self.fx = ner.get_model(lang).fx
        except Exception:  # no model for the language: no vocabulary, no changes
            self.fx = None

    def common(self, word: str, below: float = RARE_CAPITAL) -> bool:
        """A dictionary word the news rarely capitalises inside a sentence."""
        if self.fx is None or not word.isalpha():
            return False
        lower = word.lower()
        return self.fx._known(lower) and self.fx.caprat.get(lower, 0.0) < below

    def role(self, token: str, plain: bool) -> bool:
        """A title or role word: a compound ending in a common noun (Kamervoorzitter, FvD-voorman), or, when
        ``plain``, a capitalised common word (Minister, Pijnlijk)."""
        from storyline.enrich.ner import _role_compound

        if self.fx is None or not token[:1].isupper() or token.lower() in _PARTICLES:
            return False
        m = _ROLE_TAIL.match(token)
        if m and m.group("tail") and self.fx._known(m.group("tail")):
            return True
        # plain words of five letters or more: "Ben", "Ken" are given names as well as verbs
        return _role_compound(token, self.fx) or token.lower() in TITLES or (
            plain and len(token) >= 5 and self.common(token))


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    # ",," opens a quote in Dutch newspaper text
    return i < 0 or text[i] in _SENTENCE_END or text[i] == "\n" or text[max(0, i - 1):i + 1] == ",,"


def _sub(m: Mention, text: str, a: int, b: int, type_: str | None = None, role: str | None = None) -> Mention:
    return Mention(text=text[a:b], type=type_ or m.type, start=a, end=b, sentence=m.sentence,
                   confidence=m.confidence, role=role)


def _words(m: Mention) -> list[tuple[str, int, int]]:
    return [(w.group(), m.start + w.start(), m.start + w.end()) for w in re.finditer(r"\S+", m.text)]


def recognise_batch(texts: Sequence[str], lang: str = "nl") -> list[list[Mention]]:
    """The NER's mentions of each text (:func:`storyline.enrich.ner.extract_entities_batch`), normalised."""
    from storyline.enrich import ner

    return [normalise_mentions(t, ms, lang) for t, ms in zip(texts, ner.extract_entities_batch(texts, lang))]


def normalise_mentions(text: str, mentions: Sequence[Mention], lang: str = "nl") -> list[Mention]:
    """The article's mentions with the rules of the module docstring applied; order by start kept."""
    vocab = _Vocab(lang)
    if vocab.fx is None:
        return list(mentions)
    alone = {m.text for m in mentions if " " not in m.text}
    places_alone = {m.text for m in mentions if " " not in m.text and m.type == "LOC" and _is_place(m.text)}
    lower_words = set(re.findall(r"\b[a-zà-ÿ]+\b", text))
    out: list[Mention] = []
    for m in mentions:
        out.extend(_with_role(text, _doubt_plural_compound(_retype(x), vocab), vocab)
                   for x in _normalise_one(text, m, vocab, alone, places_alone, lower_words))
    out.sort(key=lambda m: m.start)
    return _institutions_of_places(text, _join_particle_names(text, out, vocab))


_INSTITUTION_BEFORE = re.compile(r"(?:^|(?<=[\s(„\"']))([A-ZÀ-Þ][a-zà-ÿ]+)\s+$")


def _institutions_of_places(text: str, mentions: list[Mention]) -> list[Mention]:
    """``Politie Oost-Nederland``, ``Gemeente Utrecht``, ``Rechtbank Den Haag``: a capitalised institution noun
    (:data:`ORG_HEADS`) written before a place is the organisation's name; the tagger often tags the place alone."""
    out: list[Mention] = []
    for m in mentions:
        before = _INSTITUTION_BEFORE.search(text[max(0, m.start - 30):m.start]) if m.type == "LOC" else None
        if before is not None and before.group(1).lower() in ORG_HEADS:
            a = m.start - len(before.group(0))
            if not (out and out[-1].end > a):
                out.append(Mention(text=text[a:m.end], type="ORG", start=a, end=m.end, sentence=m.sentence,
                                   confidence=m.confidence, role=m.role))
                continue
        out.append(m)
    return out


# "Erik ten Hag", "Wybren van Haga": a given name, a surname particle, a surname. The tagger often splits them
# and types the surname a place ("Hag", "Haga"), which the gazetteer then reads as Den Haag.
_PARTICLE_GAP = re.compile(r"^\s+((?:van|von|ten|ter|te|de|der|den|van de|van der|van den|in 't|in het|op de)\s+)$")
_ADJ_FORM = re.compile(r"(?:se|sche|isch|ische)$")  # "Van Europese": an adjective is no surname
# Capitalised particles that only open a surname ("De" opens places as well: De Hurk, De Bilt)
_CAPITAL_PARTICLE = re.compile(r"(?:^|(?<=[\s,.;:!?(\"'„“]))((?:Van der|Van den|Van de|Van|Von|Ten|Ter))\s+$")
_GIVEN_BEFORE = re.compile(r"(?:(?<=[\s,;:(„\"'])|^)([A-ZÀ-Þ][a-zà-ÿ]+(?:-[A-ZÀ-Þ][a-zà-ÿ]+)?)\s+$")


def _join_particle_names(text: str, mentions: list[Mention], vocab: _Vocab) -> list[Mention]:
    """A one-word mention written right after ``<Name> <particle>`` is that person's surname: one PER mention
    ``Erik ten Hag`` replaces ``Erik`` + ``Hag``. The word before the particle must be a name (not a word of the
    dictionary: "Universiteit van Amsterdam", "Koning van Spanje" stay apart)."""
    out: list[Mention] = []
    for m in mentions:
        # only a surname the tagger took for a place or a person ("Hag", "Haga"); "Windows Mobile van Microsoft"
        # and "Officer van Airbus" name products and companies
        if " " in m.text or not m.text[:1].isupper() or m.start == 0 or m.type not in ("PER", "LOC") \
                or _ADJ_FORM.search(m.text.lower()):
            out.append(m)
            continue
        head = text[max(0, m.start - 60):m.start]
        capital = _CAPITAL_PARTICLE.search(head)
        if capital and not (out and out[-1].end > m.start - len(capital.group(1)) - 1):
            # "Ten Hag zei", "Ter Riet baalt": a capitalised surname particle opens the name
            a = m.start - len(head) + capital.start(1)
            out.append(Mention(text=text[a:m.end], type="PER", start=a, end=m.end, sentence=m.sentence,
                               confidence=m.confidence, role=m.role))
            continue
        gap = re.search(r"\s+(?:van|von|ten|ter|te|de|der|den|van de|van der|van den)\s+$", head)
        given = _GIVEN_BEFORE.search(head[:gap.start()] + " ") if gap else None
        if gap is None or given is None:
            out.append(m)
            continue
        start = m.start - (len(head) - gap.start()) - (len(given.group(1)))
        word = given.group(1)
        if word.lower() in _FUNCTION_WORDS or word in _DETERMINERS or vocab.fx._known(word.lower()) or \
                _sentence_initial(text, start) and vocab.common(word):
            out.append(m)
            continue
        if out and out[-1].end > start:
            prev = out[-1]
            # the given name alone, or after a party member's role ("VVD'er Wybren"); "Erik ten Hag van Ajax",
            # "Jaime Perez-Guerra van Airbus": the word before "van" ends another name, it is no given name
            pw = prev.text.split()
            rm = _ROLE_TAIL.match(pw[0]) if len(pw) == 2 else None
            glued = bool(rm and rm.group("er"))
            if prev.end != start + len(word) or not (prev.text == word and prev.type == "PER" or glued):
                out.append(m)
                continue
            out.pop()  # the given name the tagger took alone, or glued to a role ("VVD'er Wybren")
            rest = text[prev.start:start].rstrip()
            rm = _ROLE_TAIL.match(rest) if rest else None
            if rm and rm.group("er"):
                out.append(Mention(text=rm.group("name"), type="ORG", start=prev.start,
                                   end=prev.start + len(rm.group("name")), sentence=prev.sentence,
                                   confidence=prev.confidence))
            elif rest and " " not in rest and not vocab.role(rest, True):
                out.append(Mention(text=rest, type=prev.type, start=prev.start, end=prev.start + len(rest),
                                   sentence=prev.sentence, confidence=prev.confidence))
        out.append(Mention(text=text[start:m.end], type="PER", start=start, end=m.end, sentence=m.sentence,
                           confidence=m.confidence, role=m.role))
    return out


def _doubt_plural_compound(m: Mention, vocab: _Vocab) -> Mention:
    """A one-word MISC compound ending in a plural common noun ("Polenhotels", "Holocaustslachtoffers") is a
    common noun with a name inside, rarely a name: the mention keeps half its confidence."""
    from storyline.enrich.ner import _role_compound

    word = m.text
    if m.type != "MISC" or " " in word or "-" in word or not _role_compound(word, vocab.fx):
        return m
    lower = word.lower()
    fx = vocab.fx
    plural = any(fx._known(lower[i:]) and fx._known(lower[i:-len(end)]) and len(lower) - i - len(end) >= 4
                 for i in range(3, len(lower) - 4) for end in ("s", "en") if lower.endswith(end))
    if not plural:
        return m
    return Mention(text=m.text, type=m.type, start=m.start, end=m.end, sentence=m.sentence,
                   confidence=round(m.confidence * 0.5, 3), role=m.role)


_PREVIOUS_WORD = re.compile(r"([\w'’-]+)\s+$")


def _with_role(text: str, m: Mention, vocab: _Vocab) -> Mention:
    """A person's mention keeps the title or role written just before it and left out of the span
    (``minister Dekker``, ``premier Rutte``, ``Kamervoorzitter Arib``)."""
    if m.type != "PER" or m.role:
        return m
    prev = _PREVIOUS_WORD.search(text[max(0, m.start - 40):m.start])
    if prev is None:
        return m
    word = prev.group(1)
    if word.lower() in TITLES or vocab.role(word[:1].upper() + word[1:], plain=True) and word.lower() not in \
            _FUNCTION_WORDS:
        return Mention(text=m.text, type=m.type, start=m.start, end=m.end, sentence=m.sentence,
                       confidence=m.confidence, role=word)
    return m


def _normalise_one(text: str, m: Mention, vocab: _Vocab, alone: set[str], places_alone: set[str],
                   lower_words: set[str]) -> list[Mention]:
    words = _words(m)
    if not words:
        return []
    # a trailing capitalised common word belongs to the next sentence ("Hamas Volgens", "Boeing De")
    while len(words) > 1 and (words[-1][0][:1].isupper() and words[-1][0].lower() in _FUNCTION_WORDS
                              or words[-1][0].islower()):  # "iMac" is a name, "kijk" not
        words = words[:-1]
    # a leading article is not part of a name ("De Telegraaf", "de Volkskrant", "Het Kanaal"), except of a
    # person's (De Jonge) or a place that has it (De Bilt); nor a lower-case word ("pro-Europese Caputova")
    while len(words) > 1 and (words[0][0] in _DETERMINERS and m.type != "PER" and not _is_place(m.text)
                              or words[0][0][:1].isupper() and words[0][0].rstrip(".,!").lower() in _FUNCTION_WORDS
                              and words[0][0] not in _DETERMINERS and words[0][0].lower() not in _PARTICLES
                              or words[0][0][:1].islower() and (words[0][0] not in _PARTICLES
                                                                or words[0][0] in ("de", "het") and m.type != "PER")):
        words = words[1:]  # "Die rare NS" -> "NS"
    # "pro-Maduro", "anti-Brexit", "oud-Forum": a lower-case prefix is not part of the name
    if words and words[0][0][:1].islower() and "-" in words[0][0]:
        w, a, b = words[0]
        cut = w.index("-") + 1
        if w[cut:cut + 1].isupper():
            words = [(w[cut:], a + cut, b)] + words[1:]
    # "Tim S." : an initial ending the name keeps its full stop
    if words and len(words[-1][0]) == 1 and words[-1][0].isupper() and text[words[-1][2]:words[-1][2] + 1] == ".":
        w, a, b = words[-1]
        words = words[:-1] + [(w + ".", a, b + 1)]
    if len(words) == 1 and words[0][0].rstrip(".,!").lower() in _FUNCTION_WORDS:
        return []  # "Wie kan daar tegen zijn?" after a headline without a full stop: no name
    extra: list[Mention] = []
    # a role or title before a name: cut at the last one; a name inside a hyphenated role is kept
    role = None
    if len(words) > 1:
        cut = 0
        for i, (w, a, b) in enumerate(words[:-1]):
            if vocab.role(w, m.type == "PER") and words[i + 1][0][:1].isupper():
                cut = i + 1
                rm = _ROLE_TAIL.match(w)
                if rm and rm.group("tail"):
                    extra.append(Mention(text=rm.group("name"), type="ORG", start=a, end=a + len(rm.group("name")),
                                         sentence=m.sentence, confidence=m.confidence))
        role = words[cut - 1][0] if cut else None
        words = words[cut:]
    if not words:
        return extra
    start, end = words[0][1], words[-1][2]
    core = _sub(m, text, start, end, role=role)
    # two names joined: "SP en Denk" when either is named alone here or the first is an acronym
    parts = _COORD.split(core.text)
    if len(parts) == 2 and all(p[:1].isupper() for p in parts) and (
            parts[0] in alone or parts[1] in alone or (parts[0].isupper() and len(parts[0]) >= 2)):
        i = core.text.index(parts[1], len(parts[0]))
        return extra + [_sub(m, text, start, start + len(parts[0])), _sub(m, text, start + i, end)]
    # "Amsterdam Nanninga", "Vinkeveen Baudet": a place, then a name the article gives alone elsewhere
    if len(words) == 2 and words[1][0] in alone and words[0][0] in places_alone and m.type in ("PER", "LOC"):
        return extra + [_sub(m, text, words[0][1], words[0][2], "LOC"), _sub(m, text, words[1][1], words[1][2], "PER")]
    # a role compound keeps its name ("CDA-leider", "VVD'ers", "Maduro-regime")
    if len(words) == 1:
        w = words[0][0]
        rm = _ROLE_TAIL.match(w)
        if rm and (rm.group("er") or vocab.fx._known(rm.group("tail") or "")
                   or rm.group("name").isupper() and len(rm.group("name")) >= 2):  # "EU-buitenlandchef"
            name = rm.group("name")
            # the tagger typed the compound ("VN-chef" MISC); an acronym in it is an organisation's
            acronym = sum(c.isupper() for c in name) >= 2 and m.type == "MISC"
            return extra + [_sub(m, text, start, start + len(name), "ORG" if rm.group("er") or acronym else None)]
        # a capitalised common word opening a sentence ("Klimaat is er daar één van", "Wie kan ...")
        if _sentence_initial(text, start) and vocab.common(w) and (
                w.lower() in lower_words or vocab.common(w, NEVER_CAPITAL)) and w not in _capitalised_inside(text, w):
            return extra
    return extra + [core]


# Dutch nouns that make a name an institution's, not a place's ("Eerste Kamer", "Provinciale Staten",
# "Partij voor de Dieren"): general vocabulary, no list of names.
ORG_HEADS = frozenset("kamer staten partij raad bank universiteit ministerie commissie unie hof rechtbank senaat "
                      "parlement vereniging stichting dienst fonds bond federatie omroep krant hogeschool "
                      "ziekenhuis politie gemeente provincie regering kabinet".split())


# Compound heads that make a one-word name an organisation's (Persgroep, Mariaschool, Rabobank is left alone).
ORG_COMPOUND_HEADS = ("groep", "school", "partij", "universiteit", "ziekenhuis", "omroep", "stichting")


# Last words of company names in Dutch and English news (no surname): Sanderink Groep, Molly Enterprises.
COMPANY_WORDS = frozenset("groep group enterprises holding holdings foundation partners ventures airlines "
                          "industries corporation company".split())


def _retype(m: Mention) -> Mention:
    """A LOC span the gazetteer does not know, named with an institution noun, is an organisation; so is a
    one-word LOC or PER compound ending in one (Persgroep, Mariaschool)."""
    if m.type in ("PER", "LOC", "MISC") and " " in m.text and _legal_form(m.text):
        # "Purus Limited", "Heesen Yachts B.V.": a legal form names a company, whatever the tagger said
        return Mention(text=m.text, type="ORG", start=m.start, end=m.end, sentence=m.sentence,
                       confidence=m.confidence, role=m.role)
    words = m.text.split()
    if m.type == "PER" and len(words) > 1 and len(words[-1]) >= 2 and words[-1].isalpha() and words[-1].isupper():
        # "Erasmus MC", "Radboud UMC": a name ending in an acronym is an institution's, no person's
        return Mention(text=m.text, type="ORG", start=m.start, end=m.end, sentence=m.sentence,
                       confidence=m.confidence, role=m.role)
    if m.type in ("MISC", "PER") and len(words) > 1 and words[-1][:1].isupper() and (
            words[-1].lower() in ORG_HEADS or words[-1].lower() in COMPANY_WORDS
            or any(words[-1].lower().endswith(h) and len(words[-1]) > len(h) + 2
                   for h in ORG_COMPOUND_HEADS + ("dienst",))):
        # "Explosieven Opruimingsdienst", "Sanderink Groep", "Molly Enterprises": named by an institution noun
        return Mention(text=m.text, type="ORG", start=m.start, end=m.end, sentence=m.sentence,
                       confidence=m.confidence, role=m.role)
    lower = m.text.lower()
    compound = " " not in m.text and any(lower.endswith(h) and len(lower) > len(h) + 2 for h in ORG_COMPOUND_HEADS)
    if (m.type == "LOC" and any(w.lower() in ORG_HEADS for w in m.text.split() if w[:1].isupper())
            or m.type in ("LOC", "PER") and compound) and not _is_place(m.text):
        return Mention(text=m.text, type="ORG", start=m.start, end=m.end, sentence=m.sentence,
                       confidence=m.confidence, role=m.role)
    return m


def _legal_form(name: str) -> bool:
    """Whether the name ends in a company's legal form (Ltd, Limited, B.V., N.V., GmbH, Inc.), by cleanco's
    list; a two-letter form must be written in capitals with its dots or alone in capitals (B.V., NV)."""
    from storyline.enrich.entities import org_name

    base = org_name(name)
    if base == name:
        return False
    tail = name[len(base):].strip(" .,")
    return len(tail.replace(".", "")) > 2 or tail.replace(".", "").isupper()


def _is_place(word: str) -> bool:
    from storyline.enrich.places import get_gazetteer

    place = get_gazetteer().resolve(word, ("NL", "BE"))
    return place is not None and (place.country in ("NL", "BE") or place.population >= 100_000)


def _capitalised_inside(text: str, word: str) -> set[str]:
    """{word} when the article also writes it capitalised inside a sentence (then it is a name here)."""
    for m in re.finditer(r"(?<=[\w,] )" + re.escape(word) + r"\b", text):
        return {word}
    return set()


_CAPITALISED_RUN = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+(?:(?:van|von|der|de|del|della|di|da|du|la|le|y|e)\s+)*"
                              r"[A-ZÀ-ÖØ-Þ][\w'’-]*)*")


def fallback_mentions(text: str, lang: str) -> list[Mention]:
    """Low-confidence mentions for a language without a trained tagger (the Dutch model never reads Spanish):
    runs of capitalised words, with a sentence's first word only when the gazetteer knows it as a place.
    A country, or a city of the gazetteer, is LOC; anything else MISC (the linker and its type votes decide
    no more than that). Confidence :data:`FALLBACK_CONFIDENCE`.
    """
    from storyline.enrich.places import get_gazetteer
    from storyline.ingest.sentences import sentence_spans

    gazetteer = get_gazetteer()
    out: list[Mention] = []
    for s_idx, (s_start, s_end) in enumerate(sentence_spans(text)):
        sentence = text[s_start:s_end]
        first = re.search(r"\w", sentence)
        for run in _CAPITALISED_RUN.finditer(sentence):
            a, b = s_start + run.start(), s_start + run.end()
            name = run.group().strip("'’-")
            b = a + len(name)
            words = name.split()
            if first is not None and run.start() == first.start():
                # a sentence's first word is capitalised anyway: keep what follows it, or a known place
                if len(words[0]) < 4 or gazetteer.well_known_place(words[0]) is None:
                    if len(words) == 1:
                        continue
                    skip = len(words[0]) + (len(name) - len(name[len(words[0]):].lstrip()) - len(words[0]))
                    a, name = a + skip, name[skip:]
            if len(name) < 2 or name.isdigit():
                continue
            type_ = "LOC" if gazetteer.well_known_place(name) is not None else "MISC"
            out.append(Mention(text=name, type=type_, start=a, end=a + len(name), sentence=s_idx,
                               confidence=FALLBACK_CONFIDENCE))
    return out
