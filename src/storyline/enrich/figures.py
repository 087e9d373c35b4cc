"""Reported figures: a number, what it counts (a lemma phrase and an open category), its qualifier and unit,
who reported it, as of when, and how confident the reading is.

``meer dan een half miljoen mensen ontvlucht`` → what ``mens``, category displaced, value 500000, qualifier
``more than``; ``8 procent van de kiezers`` → what ``kiezer``, category percentage, unit percent;
``een boete van 4000 euro`` → what ``boete``, money; ``twaalf jaar cel`` → what ``cel``, sentence.

What is counted comes from the dependency parse when the syntax stage parsed the sentence (the noun the
number modifies, the ``van``-noun of a unit) and from the words around the number otherwise (lower
confidence). The category is inferred from that head noun (and for person counts from the clause's verb:
``120 mensen raakten gewond`` → injured), open-ended: a noun outside the lexicon counts things
(``quantity``).

Not figures (each a general rule, :func:`_excluded`): ages (``21-jarige``, ``(45)``), clock times
(``14.00 uur``), dates and years (``12 februari``, ``12 de febrero``, ``2019``), house numbers, postcodes,
phone numbers, article/law numbers, match scores (``2-1``), rankings (``3e plaats``), numbers in names
(``Boeing 737``: no counted noun), page furniture (``Foto: ANP``).

The reporter is the speaker of a quote holding the figure, else the subject of a reporting verb or the
``volgens``/``aldus`` source of the sentence (from the parse when there is one, else the quotes stage's
indirect attribution), resolved to the article's full name when unambiguous; a figure the journalist states is
reported by the outlet (``reporter_type`` ``OUTLET``), ``unknown`` when the outlet is not known.
"""

from __future__ import annotations

from dataclasses import replace

import re
import unicodedata
from typing import Sequence

from storyline.enrich.quotes import sentence_spans  # cached: one split per article
from storyline.records import Figure

__all__ = ["Figure", "extract_figures", "parse_number", "UNKNOWN_OUTLET", "category_of", "lemma_of"]

UNKNOWN_OUTLET = "unknown"

# --------------------------------------------------------------------------- numbers
_SCALE = {
    "duizend": 1e3, "miljoen": 1e6, "miljard": 1e9, "mln": 1e6, "mld": 1e9, "mrd": 1e9, "mio": 1e6, "k": 1e3,
    "thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9, "bn": 1e9, "m": 1e6,
    "tausend": 1e3, "millionen": 1e6, "milliarde": 1e9, "milliarden": 1e9,
    "mil millones": 1e9, "millones": 1e6, "millón": 1e6, "mil": 1e3,
    "millier": 1e3, "milliers": 1e3, "milliard": 1e9, "milliards": 1e9, "mille": 1e3,
    "milioni": 1e6, "milione": 1e6, "miliardi": 1e9, "miliardo": 1e9, "mila": 1e3,
}
# Plural round numbers: a range, not a value.
_VAGUE = {
    "tientallen": (20, 99), "honderden": (200, 999), "duizenden": (2000, 9999),
    "tienduizenden": (20000, 99999), "honderdduizenden": (200000, 999999), "miljoenen": (2e6, 9.99e6),
    "dozens": (24, 99), "hundreds": (200, 999), "thousands": (2000, 9999), "millions": (2e6, 9.99e6),
    "dutzende": (24, 99), "hunderte": (200, 999), "tausende": (2000, 9999), "zehntausende": (20000, 99999),
    "hunderttausende": (200000, 999999),
}
_FRACTION = {"half": 0.5, "halve": 0.5, "anderhalf": 1.5, "anderhalve": 1.5, "kwart": 0.25,
             "halb": 0.5, "halbe": 0.5, "anderthalb": 1.5, "eineinhalb": 1.5, "half a": 0.5}
_NUM_WORD = (
    r"(?:een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|"
    r"zestien|zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|"
    r"honderd|duizend|en|ën|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|"
    r"ein|eine|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|vierzig|fünfzig|"
    r"hundert|tausend|und)"
)
_SCALE_RE = (r"(?:miljoen|miljard|duizend|mln\.?|mld\.?|mrd\.?|mio\.?|million|millions|billion|billions|bn|"
             r"thousand|Millionen|Million|Milliarden|Milliarde|Tausend|mil\s+millones|millones|millón|"
             r"milliards|milliard|milliers|milioni|milione|miliardi|miliardo|mila)")
_NUMBER = re.compile(
    r"(?<![\w.,/])(?:"
    r"(?P<digits>\d{1,3}(?:[.,  ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?)(?:\s*(?P<dscale>" + _SCALE_RE + r"|k\b|m\b))?"
    r"|(?P<frac>(?:een\s+)?(?:half|halve|anderhalf|anderhalve|kwart)|(?:eine\s+)?(?:halbe|anderthalb|eineinhalb)|half\s+a)"
    r"\s+(?P<fscale>" + _SCALE_RE + r")"
    r"|(?P<vague>tientallen|honderden|duizenden|tienduizenden|honderdduizenden|miljoenen|dozens|hundreds|thousands|"
    r"millions|[Dd]utzende|[Hh]underte|[Tt]ausende|[Zz]ehntausende|[Hh]underttausende)"
    r"|(?P<words>" + _NUM_WORD + r"+)(?:\s+(?P<wscale>" + _SCALE_RE + r"))?"
    r")(?![\w])",
    re.IGNORECASE,
)


def parse_number(text: str, lang: str = "nl") -> tuple[float | None, float | None, float | None]:
    """(value, low, high) of a number phrase; None values if it is not a number.

    >>> parse_number("een half miljoen")
    (500000.0, 500000.0, 500000.0)
    >>> parse_number("duizenden")
    (None, 2000.0, 9999.0)
    >>> parse_number("3,5 mil millones", "es")
    (3500000000.0, 3500000000.0, 3500000000.0)
    """
    m = _NUMBER.fullmatch(text.strip())
    if not m:
        return None, None, None
    return _value(m, lang)


def _digits(s: str, lang: str) -> float | None:
    s = s.replace(" ", "").replace("\u00a0", "")
    if lang == "en":
        thousands, decimal = ",", "."
    else:
        thousands, decimal = ".", ","
    # "500.000" in Dutch, "500,000" in English: a separator before exactly three digits groups thousands
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", s) and (s.count(thousands) >= 1 and decimal not in s):
        return float(s.replace(thousands, ""))
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3}){2,}", s):
        return float(s.replace(".", "").replace(",", ""))
    try:
        return float(s.replace(thousands, "").replace(decimal, "."))
    except ValueError:
        return None


def _scale(word: str | None) -> float:
    if not word:
        return 1.0
    return _SCALE.get(re.sub(r"\s+", " ", word.lower().rstrip(".")), 1.0)


def _value(m: re.Match, lang: str) -> tuple[float | None, float | None, float | None]:
    if m.group("digits"):
        v = _digits(m.group("digits"), lang)
        if v is None:
            return None, None, None
        v *= _scale(m.group("dscale"))
        return v, v, v
    if m.group("frac"):
        words = m.group("frac").lower().split()
        f = _FRACTION.get(words[-1], _FRACTION.get(" ".join(words), 0.5))
        v = f * _scale(m.group("fscale"))
        return v, v, v
    if m.group("vague"):
        low, high = _VAGUE[m.group("vague").lower()]
        return None, float(low), float(high)
    words = m.group("words").lower()
    if words in ("een", "één", "en", "ën", "ein", "eine", "und", "one"):
        if not m.group("wscale"):
            return None, None, None  # an article, not a number
    v = _text2num(words, lang)
    if v is None:
        return None, None, None
    v *= _scale(m.group("wscale"))
    return v, v, v


def _text2num(words: str, lang: str) -> float | None:
    from text_to_num import text2num

    code = {"nl": "nl", "en": "en", "de": "de"}.get(lang, "nl")
    try:
        return float(text2num(words.replace("één", "een"), code))
    except (ValueError, TypeError):
        if words in ("een", "één", "ein", "eine", "one"):
            return 1.0
        return None


# --------------------------------------------------------------------------- not figures
_MONTHS = (r"januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
           r"jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec|"
           r"january|february|march|may|june|july|august|october|"
           r"januar|februar|märz|juni|juli|oktober|dezember|"
           r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
           r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
           r"gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre")
_AFTER_EXCLUDE = re.compile(
    r"^(?:"
    r"-?\s?(?:jarige?|jarigen|jährige[nr]?|jähriger|year-olds?|years?-old|plussers?|plus\b|\+)"  # ages
    r"|\s+(?:jaar|years?|Jahre|ans|años|anni)\s+(?:oud|old|alt)\b"
    r"|\s*(?:\.|:)\d{2}\b|\s*(?:uur|u|h|Uhr|o['’]clock|a\.?m\.?|p\.?m\.?)\s*(?:['’]s\s+(?:ochtends|middags|avonds|nachts)|in de)"
    r"|\s*h\d{2}\b|\s*(?:Uhr|o['’]clock|a\.m\.|p\.m\.)"                                  # clock times
    r"|\.?\s*(?:de\s+|di\s+|of\s+|des\s+)?(?:" + _MONTHS + r")\b"                      # dates
    r"|\s*[-/]\s*\d{1,2}\s*[-/]\s*\d{2,4}|\s*/\s*\d{1,2}\b"
    r"|(?:e|de|ste|th|st|nd|rd|ème|er|º|ª)\b"                                          # ordinals: 3e, 3rd
    r"|(?-i:\s?[A-Z]{2}\b(?!\s*[a-z]))"                                                # postcodes 1234 AB
    r"|\s+(?:op|uit)\s+(?:de\s+)?(?:tien|honderd|duizend|vijf|drie|vier|\d+)\b"          # a ratio: zes op de tien
    r")",
    re.IGNORECASE,
)
_BEFORE_EXCLUDE = re.compile(
    r"(?:"
    r"\b(?:" + _MONTHS + r")\.?\s*$"                                                   # February 12
    r"|\b(?:artikel|art\.|article|artículo|articolo|lid|paragraaf|§|section|sectie|hoofdstuk|chapter|kapitel|"
    r"nummer|nr\.|no\.|nº|resolutie|resolution|bus|lijn|tram|route|pagina|page|seite|p\.|editie|seizoen|season|"
    r"dag|day|tag|week|fase|phase|ronde|round|runde|versie|version|level|niveau|groep|group|speeldag|"
    r"kamer|zaal|gate|perron|spoor|vlucht|flight|jaren|years|anni|años|années)\s*$"     # labels, not counts
    r"|\b\w+(?:straat|weg|laan|plein|gracht|kade|singel|dijk|steeg|markt|dreef|pad|hof|straße|strasse)\s*$"
    r"|\b(?:street|st\.|road|rd\.|avenue|ave\.|rue|calle|via|piazza|boulevard)\s*$"    # house numbers
    r"|\b(?:om|vanaf|tot|rond|at|um|ab|à|a\s+las|alle|hacia\s+las|gegen)\s*$"          # before a clock time: checked with the unit
    r"|\(\s*$"
    r"|\b(?:\d+|één|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien)\s+(?:op|uit|in|van)\s+(?:de\s+)?$"  # zes op de tien, 9 van de 55: the total
    r")",
    re.IGNORECASE,
)
_PERSON_VAN = re.compile(r"\b(?:jongen|jongens|meisje|meisjes|man|mannen|vrouw|vrouwen|kind|kinderen|jongeman|"
                         r"jongemannen|tiener|tieners|zoon|dochter|broer|zus|persoon|personen|slachtoffer|"
                         r"verdachte|boy|girl|man|woman)\s+(?:van|of|von)\s+(?:\d+\s*(?:en|of|tot|-)\s*)?$",
                         re.IGNORECASE)
_CLOCK_AFTER = re.compile(r"^\s*(?:uur|u\b|h\b|Uhr|o['’]clock|heures?|horas?|ore\b)", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w])(?:\+\d{1,3}[\s-]?)?\(?0\d{1,4}\)?[\s-]?\d{2,4}[\s-]?\d{2,4}(?:[\s-]?\d{2,4})?(?![\w])")
_SCORE = re.compile(r"(?<![\w.,])\d{1,2}\s?[-–]\s?\d{1,2}(?![\w.,])")
_FURNITURE = re.compile(r"^\s*(?:Foto|Beeld|Lees ook|Lees meer|Bekijk|Video|Meer over|Bron|Photo|Image|Read more|"
                        r"Bild|Mehr zum Thema|©|\(c\))\b", re.IGNORECASE)
_PAREN_AGE = re.compile(r"^\s*\)")


def _masked_spans(sentence: str, offset: int) -> list[tuple[int, int]]:
    """Character spans in the sentence that hold no figure: phone numbers, match scores, years."""
    spans = []
    for m in _PHONE.finditer(sentence):
        if sum(c.isdigit() for c in m.group()) >= 9:
            spans.append((offset + m.start(), offset + m.end()))
    for m in _SCORE.finditer(sentence):
        tail = sentence[m.end():m.end() + 30]
        if not _unit_or_head_follows(tail):  # "20-30 doden" is a range; "won met 2-1" a score
            spans.append((offset + m.start(), offset + m.end()))
    return spans


def _unit_or_head_follows(tail: str) -> bool:
    m = re.match(r"\s*(%|[A-Za-zÀ-ÿ]{3,})", tail)
    return bool(m) and m.group(1).lower() not in _STOP


def _excluded(text: str, m: re.Match, s: int, value: float | None) -> bool:
    """The number is an age, a clock time, a date or year, an ordinal, a label, a house number."""
    before = text[max(s, m.start() - 30):m.start()]
    after = text[m.end():m.end() + 40]
    if _AFTER_EXCLUDE.match(after):
        return True
    b = _BEFORE_EXCLUDE.search(before)
    if b:
        label = b.group(0).strip().lower()
        if label in ("om", "vanaf", "tot", "rond", "at", "um", "ab", "à", "a las", "alle", "hacia las", "gegen"):
            if _CLOCK_AFTER.match(after):
                return True
        elif label == "(":
            if _PAREN_AGE.match(after) and value is not None and value < 130:
                return True  # "Jan (45)": an age
        else:
            return True
    if _CLOCK_AFTER.match(after) and re.search(r"\d[.:]\d{2}$", m.group()):
        return True
    digits = m.group("digits")
    if digits and re.fullmatch(r"\d{1,2}[.:]\d{2}", digits) and _CLOCK_AFTER.match(after):
        return True
    if digits and not m.group("dscale") and value is not None and value.is_integer() \
            and 1900 <= value <= 2100 and re.fullmatch(r"\d{4}", digits) and not _UNIT_AFTER.match(after) \
            and not _CURRENCY_BEFORE.search(before):
        return True  # a year
    if digits and re.fullmatch(r"'?\d{2}", digits) and re.search(r"\bjaren\s*$|'\s*$", before):
        return True  # "de jaren 90"
    if value is not None and value < 120 and _PERSON_VAN.search(before) and not _unit_or_head_follows(
            re.sub(r"^\s*(?:en|of|tot|à|-)\s*\d+", "", after)):
        return True  # "twee jongens van 15 en 16", "een man van 45": an age
    return False


# --------------------------------------------------------------------------- what is counted
_STOP = {
    "de", "het", "een", "en", "of", "in", "op", "aan", "van", "voor", "met", "bij", "is", "zijn", "was", "waren",
    "werd", "werden", "worden", "wordt", "heeft", "hebben", "had", "hadden", "zal", "zullen", "kan", "kunnen",
    "moet", "moeten", "wil", "willen", "die", "dat", "dit", "deze", "er", "ook", "nog", "al", "niet", "wel",
    "meer", "minder", "dan", "als", "naar", "uit", "tot", "om", "over", "door", "tegen", "per", "zo", "zou",
    "zouden", "te", "wat", "wie", "waar", "hun", "haar", "zijn", "hij", "zij", "ze", "we", "wij", "ik", "je",
    "u", "men", "maar", "dus", "want", "omdat", "toen", "nu", "dan", "daar", "hier", "sinds", "na", "tijdens",
    "keer", "maal", "stuks", "onder", "wie", "waarvan", "waarbij", "terwijl", "inmiddels", "zelfs", "slechts",
    "pas", "bijna", "ruim", "ongeveer", "zeker", "minstens", "circa", "tussen", "the", "of", "and", "in", "on",
    "at", "to", "for", "with", "were", "was", "are", "is", "have", "has", "had", "der", "die", "das", "und",
    "den", "dem", "des", "ist", "sind", "war", "waren", "wurden", "haben", "hat", "les", "des", "et", "la",
    "le", "ont", "sont", "los", "las", "el", "y", "han", "son", "i", "gli", "il", "e", "sono", "hanno",
    "ervan", "erbij", "daarvan", "elk", "elke", "alle", "andere", "anderen", "eigen", "zelf", "zich",
}
# adjectives skipped before the counted noun: "ernstige complicaties", "extra zetels", "Canadese dollar"
_ADJ_OK = re.compile(r"^(?:[a-zà-ÿ]+(?:e|ste|ige|ische|lijke|bare)|[A-ZÀ-Ý][a-zà-ÿ]+(?:se|sche)|extra|nieuw|ander|"
                     r"oud|jong|klein|groot)$")
# Frequent verbs and adverbs that follow a number without being what it counts ("dertig gaat", "twee vaak").
# Participles after a number say what happened, they are not what is counted ("15 en 16 aangehouden").
_PARTICIPLE = re.compile(r"^(?:aangehouden|opgepakt|gearresteerd|gedood|omgekomen|overleden|geëvacueerd|gevlucht|"
                         r"ontvlucht|gewond|verwond|vermist|opgesloten|veroordeeld|vrijgelaten|killed|arrested|"
                         r"injured|wounded|missing|evacuated)$", re.IGNORECASE)
_NOT_HEAD = re.compile(r"^(?:kre[e]?g(?:en)?|krijg[t]?|krijgen|ga(?:at|an)?|ging(?:en)?|ben[t]?|kom[t]?|komen|kwam(?:en)?|"
                       r"sta(?:at|an)|stond(?:en)?|lig[t]?|liggen|lag(?:en)?|zit(?:ten)?|zat(?:en)?|maak[t]?|maken|"
                       r"maakte[n]?|vaak|weer|samen|tegelijk|tegenover|plus|min|procent|keer|maal|stuk[s]?|"
                       r"[a-z]+(?:tte|dde|eerde|eert|eerden|tten|dden))$", re.IGNORECASE)
_UNITS = [
    ("percent", "percentage", r"%|procent|percent|pct\.?|procentpunt(?:en)?|Prozent|Prozentpunkte?|por\s+ciento|"
                              r"pour\s+cent|per\s+cento|percentuale"),
    ("EUR", "money", r"euro['’]?s?|eur\b|€"),
    ("USD", "money", r"dollars?|usd\b|\$|dólares|dollari"),
    ("GBP", "money", r"pond(?:en)?\s+sterling|pounds?|gbp\b|£|pond\b"),
    (None, "money", r"roebel|rubles?|roubles?|hryvnia|yuan|yen|frank(?:en)?|francs?|kronen|kroner|zloty|lira|"
                    r"pesos?|bitcoins?"),
    ("km/h", "other", r"km/u|km/h|kilometer per uur"),
    ("km", "distance", r"kilometers?|km\b|kilomètres?|kilómetros?|chilometri"),
    ("m", "distance", r"meters?|meter\b|m\b|mètres?|metros?|metri"),
    ("mile", "distance", r"mijl|miles?|Meilen"),
    ("kg", "other", r"kilo(?:gram)?s?|kg\b"),
    ("g", "other", r"gram\b|grammen"),
    ("t", "other", r"ton(?:nen)?\b|tonnes?|tons?\b"),
    ("l", "other", r"liters?\b|litres?\b|Liter\b"),
    ("year", "duration", r"jaar|jaren|years?|Jahre[n]?|Jahr|ans?\b|años?|anni|anno|decennia|decennium|eeuw"),
    ("month", "duration", r"maanden|maand|months?|Monate[n]?|mois|meses|mesi"),
    ("week", "duration", r"weken|week|weeks?|Wochen|semaines?|semanas?|settimane"),
    ("day", "duration", r"dagen|dag|days?|Tage[n]?|jours?|días|giorni"),
    ("hour", "duration", r"uur|uren|hours?|Stunden|heures?|horas|ore\b"),
    ("minute", "duration", r"minuten|minuut|minutes?|Minuten|minutos|minuti"),
]
_UNIT_RES = [(u, c, re.compile(r"^\s*(?:" + p + r")(?![\w])", re.IGNORECASE)) for u, c, p in _UNITS]
_UNIT_AFTER = re.compile(r"^\s*(?:" + "|".join(p for _, _, p in _UNITS) + r")(?![\w])", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"(?P<sym>[$€£]|USD|EUR|GBP|US\$)\s*$")
_SENTENCE_NOUN = re.compile(r"^\s*(?:cel|celstraf|gevangenisstraf|gevangenis|taakstraf|jeugddetentie|tbs|"
                            r"prison|jail|Haft|Gefängnis|prisión|carcere|cárcel)", re.IGNORECASE)
_SENTENCE_CONTEXT = re.compile(r"\b(?:cel|celstraf|gevangenisstraf|taakstraf|werkstraf|jeugddetentie|geëist|eiste|"
                               r"veroordeeld|cel\b|prison|sentenced|Haft|verurteilt)", re.IGNORECASE)

# Head noun stems -> category. Matched at the start of the head word or as the end of a compound.
_HEAD_CATEGORIES = [
    ("dead", r"dod(?:e|en)$|dood$|doden$|slachtoffer|overleden|omgekomen|sterfgeval|burgerdoden|verkeersdoden|"
             r"deaths?$|dead$|fatalit|killed|tote[nr]?$|todesopfer|muertos?$|morts?$|morti$|vittime"),
    ("injured", r"gewond|verwond|injur|wounded|verletzt|heridos?$|blessés?$|feriti$"),
    ("arrested", r"arrestant|aanhouding|arrestatie|gearresteerd|aangehouden|verdachten$|arrests?$|detenidos"),
    ("evacuated", r"evacué|geëvacueerd|evacuees?"),
    ("displaced", r"vluchteling|ontheemd|asielzoeker|migrant|refugee|displaced|flüchtling|asylbewerber|refugiad|"
                  r"réfugié|rifugiat|gevluchte"),
    ("voters", r"kiezer|stemgerechtigd|stemmer|voters?$|wähler|votantes|électeurs|elettori"),
    ("members", r"leden$|lid$|lidmaatschap|members?$|mitglieder|miembros|membres|iscritti"),
    ("seats", r"zetels?$|kamerzetel|seats?$|sitze?$|mandat|escaños?$|sièges?$|seggi$"),
    ("votes", r"stemmen$|stem$|votes?$|stimmen$|votos?$|voix$|voti$"),
    ("people", r"mensen$|mens$|personen$|persoon$|inwoner|bewoner|burger|werknemer|medewerker|arbeider|"
               r"kinderen$|kind$|vrouwen$|vrouw$|^mannen$|^man$|jongens?$|meisjes?$|jongeren$|ouderen$|leerling|student|scholier|patiënt|"
               r"bezoeker|toeschouwer|deelnemer|demonstrant|betoger|agent|militair|soldat|soldaten|strijder|"
               r"nederlander|belg|amerikan|fans?$|klanten$|klant$|reizigers?$|passagier|gezinnen$|huishoudens?$|"
               r"ambtenar|docent|leraren|artsen|verpleeg|boeren$|ondernemer|journalist|collega|politici|"
               r"volgers|abonnees|gebruikers?$|kandidat|wethouder|raadsleden|kamerleden|"
               r"^people$|^persons?$|residents?$|^children$|women$|^men$|workers$|employees$|civilians?$|menschen$|"
               r"personas$|personnes$|persone$|bambini$|niños$|enfants$"),
    ("money", r"euro|dollar|boete|schadevergoeding|subsidie|salaris|loon|budget|bedrag|omzet|winst|verlies|"
              r"kosten$|prijs$|huur$|premie|uitkering|belasting|investering|bonus"),
    ("percentage", r"procent$|percent$|%$"),
]
_HEAD_RES = [(c, re.compile(r"(?:" + p + r")", re.IGNORECASE)) for c, p in _HEAD_CATEGORIES]
_PEOPLE_FAMILY = {"people", "dead", "injured", "arrested", "evacuated", "displaced", "voters", "members"}
# A verb of the clause that says what happened to counted people ("120 mensen raakten gewond").
_CLAUSE_PEOPLE = [
    ("injured", re.compile(r"\b(?:gewond|verwond|injured|wounded|verletzt|heridos|blessés|feriti)", re.I)),
    ("dead", re.compile(r"\b(?:gedood|omgekomen|om het leven|omkwamen|overleden|doodgeschoten|killed|died|dead|"
                        r"getötet|ums Leben|gestorben|muertos|murieron|morts|tués|morti|uccisi)", re.I)),
    ("arrested", re.compile(r"\b(?:gearresteerd|aangehouden|opgepakt|arrested|detained|festgenommen|verhaftet|"
                            r"detenidos|arrêtés|arrestati)", re.I)),
    ("evacuated", re.compile(r"\b(?:geëvacueerd|evacuated|evakuiert|evacuados|évacués|evacuati)", re.I)),
    ("displaced", re.compile(r"\b(?:gevlucht|ontvlucht|vluchtten|op de vlucht|fled|geflohen|geflüchtet|huyeron|"
                             r"ont fui|fuggiti)", re.I)),
]
_SUBJECTS = [
    ("civilians", re.compile(r"(?<![\w])(?:burger|civilian|zivilist|zivilbevölkerung|inwoner|bewoner)", re.I)),
    ("children", re.compile(r"(?<![\w])(?:kind|kinder|child|minderjarig)", re.I)),
    ("soldiers", re.compile(r"(?<![\w])(?:soldat|militair|troops|troepen|militär|strijder|fighter|kämpfer)", re.I)),
]
_QUALIFIERS = [
    # (pattern before the number, normalised qualifier, bound kind)
    (r"meer dan|ruim|over|more than|mehr als|über|más de|plus de|oltre|più di", "more than", "low"),
    (r"zeker|minstens|ten minste|tenminste|op zijn minst|at least|mindestens|wenigstens|al menos|au moins|"
     r"almeno", "at least", "low"),
    (r"bijna|nagenoeg|almost|nearly|fast|knapp|casi|presque|quasi", "almost", "high"),
    (r"minder dan|less than|fewer than|weniger als|menos de|moins de|meno di", "less than", "high"),
    (r"hooguit|maximaal|tot wel|up to|bis zu|höchstens|hasta|jusqu'à", "up to", "high"),
    (r"circa|ca\.|ongeveer|rond de|rond|zo['’]n|naar schatting|about|around|approximately|roughly|some|"
     r"an estimated|estimated|etwa|rund|ungefähr|schätzungsweise|unos|unas|alrededor de|environ|"
     r"circa|quasi", "about", "approx"),
]
_QUAL_RE = [(re.compile(r"(?:^|\s)(?:" + p + r")\s*$", re.IGNORECASE), q, k) for p, q, k in _QUALIFIERS]
_ONDER = re.compile(r"(?:onder wie|onder hen|onder de doden|waaronder|among them|including|darunter)\s*$", re.I)
_AANTAL = re.compile(r"\b(?:aantal|number of|Zahl der|Anzahl der|número de|nombre de|numero di)\s+"
                     r"(?:(?:de|het|the|der|die|los|las|des|dei|degli)\s+)?([\w-]+)", re.I)
_COLON_NOUN = re.compile(r"([\w-]{4,})\s*:\s*(?:\w+\s+){0,2}$")
_WORD = re.compile(r"[^\W\d_][\w'’-]*|%|€|\$|£")
_DEFINITE_BEFORE = re.compile(r"\b(?:de|het|die|deze|dit|beide|alle|the|these|those|both|die|diese|les|los|las|"
                              r"gli|le)\s+(?:andere\s+|overige\s+|other\s+)?$", re.I)
_SMALL_WORDS = {"twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf",
                "two", "three", "four", "five", "six", "zwei", "drei", "vier", "fünf", "sechs"}

# Confidence of a reading (see the module doc): the base by how the head was found, then adjustments.
# Chosen on the dev-tune half of the DPG labels (storyline eval figures --half tune).
CONF_LEXICON = 0.85      # a head in the category lexicon or a unit
CONF_NOUN = 0.65         # a noun right after the number, outside the lexicon (quantity): 23 of 27 right on tune
CONF_FALLBACK = 0.55     # the counted noun taken from the clause ("het aantal X", "X: zeker 102")
CONF_DURATION = 0.5      # a span of time that is not a sentence: often an age or a time reference
CONF_VAGUE = 0.35        # "duizenden", "tientallen": a range no one can be quoted on
NO_SYNTAX_PENALTY = 0.05  # read without a parse of the sentence
OTHER_LANGUAGE_PENALTY = 0.1  # no syntax model and rules written on Dutch news
SMALL_DEFINITE_PENALTY = 0.35  # "de twee partijen": a definite small number names a group, it does not count it
SMALL_WORD_PENALTY = 0.15  # "twee kanten op", "twee handen op één buik": small written numbers in idioms


# Nouns with a short vowel and one consonant before -en (dag/dagen, weg/wegen): no vowel doubling.
_SHORT_VOWEL = {"dag", "weg", "slag", "gat", "bad", "blad", "lot", "pad", "vat", "dak", "hof", "spel", "god", "glas",
                "gebed", "bevel", "verbod", "gebrek", "verdrag", "gebed", "bedrag", "beroep", "verlof"}


def lemma_of(word: str) -> str:
    """A light Dutch/English lemma of a noun: the singular (``zetels`` → ``zetel``, ``kinderen`` → ``kind``)."""
    w = word.lower().strip("'’")
    if w in ("mensen", "doden", "gewonden", "leden", "kinderen", "steden"):
        return {"mensen": "mens", "doden": "dode", "gewonden": "gewonde", "leden": "lid", "kinderen": "kind",
                "steden": "stad"}[w]
    if re.search(r"[aeiou]['’]s$", word) or w.endswith("'s"):
        return w[:-2]
    if w.endswith("eren") and len(w) > 6 and not w.endswith("ieren"):
        return w[:-3]  # kinderen -> kind(er)
    if w.endswith("en") and len(w) > 4:
        stem = w[:-2]
        if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
            return stem[:-1]  # stemmen -> stem
        if stem in _SHORT_VOWEL:
            return stem
        m = re.search(r"(?:^|[^aeiouy])([aeou])([^aeiouy])$", stem)
        if m:  # an open syllable: bomen -> boom, talen -> taal, kandidaten -> kandidaat
            return stem[:m.start(1)] + m.group(1) * 2 + m.group(2)
        return stem
    if w.endswith("s") and len(w) > 3 and not w.endswith(("ss", "us", "is")) \
            and not re.search(r"(?:aa|ee|oo|uu|ij|ei|ui|ou|au)s$", w):  # kaas, huis, prijs stay
        return w[:-1]
    return w


def category_of(head: str | None, clause: str = "") -> str | None:
    """The open category of a counted noun (None when the noun says nothing: the caller decides)."""
    if not head:
        return None
    h = _fold(head)
    for cat, rx in _HEAD_RES:
        if rx.search(h):
            if cat == "people":  # "120 mensen raakten gewond": the clause says what happened to them
                for name, crx in _CLAUSE_PEOPLE:
                    if crx.search(clause):
                        return name
            return cat
    return None


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if not unicodedata.combining(c))


def _unit_after(after: str) -> tuple[str | None, str | None, int]:
    for unit, cat, rx in _UNIT_RES:
        m = rx.match(after)
        if m:
            return unit if unit else m.group(0).strip().lower(), cat, m.end()
    return None, None, 0


def _noun_after(after: str) -> tuple[str | None, int]:
    """The first noun-like word after the number (skipping up to two adjectives); None at a verb or stop word."""
    words = list(_WORD.finditer(after[:60]))
    if not words or re.search(r"[,;:.!?()]", after[:words[0].start()]):
        return None, 0
    skipped = 0
    for i, w in enumerate(words[:3]):
        t = w.group(0)
        if i and re.search(r"[,;:.!?()]", after[words[i - 1].end():w.start()]):
            return None, 0
        if _fold(t) in _STOP:
            return None, 0
        nxt = words[i + 1].group(0) if i + 1 < len(words) else ""
        if _ADJ_OK.match(t) and nxt and _fold(nxt) not in _STOP and skipped < 2 \
                and not any(rx.search(_fold(t)) for _, rx in _HEAD_RES):
            skipped += 1
            continue
        if len(t) < 2 or _NOT_HEAD.match(t) or _PARTICIPLE.match(t):
            return None, 0
        return t, w.end()
    return None, 0


def _van_noun(after: str) -> str | None:
    """``8 procent van de kiezers`` → ``kiezers``."""
    m = re.match(r"\s*(?:van|of|der|de|des|di|dei|degli)\s+(?:(?:de|het|alle|the|die|la|los|las|les|i|gli|mijn|"
                 r"zijn|haar|hun|onze|ons|jouw|uw|their|his|her|its|our)\s+)?"
                 r"(?:([a-zà-ÿ]+e)\s+)?([\w-]{3,})", after, re.I)
    if m and _fold(m.group(2)) not in _STOP:
        return m.group(2)
    return None


def _noun_after_unit(rest: str) -> str | None:
    """``7,4 miljard euro aan winst``, ``26,1 miljoen euro winst``, ``0,0007 procent reductie``."""
    m = re.match(r"\s*(?:aan\s+|in\s+|of\s+)?([a-zà-ÿ][\w-]{3,})", rest)
    if m and _fold(m.group(1)) not in _STOP and not _NOT_HEAD.match(m.group(1)) and not _PARTICIPLE.match(m.group(1)) \
            and not re.search(r"(?:de|te|den|ten|t|en)$", m.group(1)) or m and any(
                rx.search(_fold(m.group(1))) for _, rx in _HEAD_RES):
        return m.group(1)
    return None


_SUBJECT_START = re.compile(r"^\W*(?:De|Het|Een|Die|Deze)\s+(?:[a-zà-ÿ]+e\s+){0,2}([a-zà-ÿ][\w-]{3,})"
                            r"(?:\s+(?:van\s+(?:de|het)\s+)?([a-zà-ÿ][\w-]{3,}))?")
_SHARE_NOUNS = {"aandeel", "percentage", "aantal", "deel", "helft", "groei", "stijging", "daling"}


def _clause_subject(text: str, s: int, a: int) -> str | None:
    """The noun the sentence starts with when the number ends its first clause: ``De opkomst in Amsterdam bleef
    gelijk: 52,5 procent``, ``Het tekort liep op tot 631 miljoen``; ``Het aandeel vrouwen`` → ``vrouwen``."""
    head = text[s:a]
    if re.search(r"[,;]\s|\s(?:en|maar|terwijl|dat|die|omdat)\s", head):
        return None
    m = _SUBJECT_START.match(head)
    if not m:
        return None
    noun = m.group(1)
    if _fold(noun) in _SHARE_NOUNS and m.group(2):
        return m.group(2)
    return noun if _fold(noun) not in _STOP else None


def _noun_before(before: str) -> str | None:
    """``een boete van 4000 euro`` → ``boete``; ``een bedrag van``."""
    m = re.search(r"([\w-]{3,})\s+(?:van|of|von|de|di)\s*(?:[$€£]\s*)?$", before, re.I)
    if m and _fold(m.group(1)) not in _STOP:
        return m.group(1)
    return None


# --------------------------------------------------------------------------- syntax
_REPORT_LEMMAS = {
    "zeggen", "melden", "stellen", "verklaren", "laten", "schatten", "berekenen", "meldden", "vertellen", "tellen",
    "rapporteren", "bevestigen", "aankondigen", "maken", "schrijven", "waarschuwen", "denken", "verwachten",
    "becijferen", "claimen", "beweren", "zeggen", "blijken", "noemen", "erkennen", "benadrukken", "concluderen",
    "say", "report", "tell", "estimate", "announce", "confirm", "state", "sagen", "melden", "berichten",
    "schätzen", "erklären", "dire", "annoncer", "decir", "informar", "affermare",
}
_SOURCE_PREPS = {"volgens", "aldus", "according", "laut", "zufolge", "selon", "según", "secondo"}


def _tokens_in(parse, a: int, b: int) -> list[int]:
    return [i for i, t in enumerate(parse.tokens) if t.start < b and a < t.end]


def _subtree(parse, i: int, *, skip: int | None = None,
             cut: tuple[str, ...] = ("punct", "acl:relcl", "parataxis")) -> tuple[int, int]:
    """Character span of token ``i`` with its dependents (not through ``cut`` relations, never ``skip``)."""
    toks = parse.tokens
    ids = {i}
    changed = True
    while changed:
        changed = False
        for j, t in enumerate(toks):
            if j not in ids and j != skip and t.head in ids and t.head != j and t.dep not in cut:
                ids.add(j)
                changed = True
    ids.discard(skip)
    lo, hi = min(ids), max(ids)
    return toks[lo].start, toks[hi].end


def _parse_head(parse, a: int, b: int) -> tuple[str | None, str | None, str | None]:
    """(head lemma, head text, van-noun lemma) of the noun the number at [a, b) counts."""
    idx = _tokens_in(parse, a, b)
    if not idx:
        return None, None, None
    toks = parse.tokens
    num = idx[-1]
    t = toks[num]
    head_i = t.head if t.dep in ("nummod", "det", "amod", "nmod", "compound", "fixed", "flat") and t.head != num else None
    if head_i is None:
        return None, None, None
    h = toks[head_i]
    if h.pos not in ("NOUN", "PROPN", "SYM", "X"):
        return None, None, None
    van = None
    for j, c in enumerate(toks):
        if c.head == head_i and c.dep.startswith("nmod") and c.pos in ("NOUN", "PROPN"):
            if any(k.head == j and k.dep == "case" and k.lemma.lower() in ("van", "of", "von", "de", "di") for k in toks):
                van = c.text
                break
    return h.lemma, h.text, van


def _parse_reporter(parse, sentence_start: int) -> tuple[int, int] | None:
    """Span of the reporter of a parsed sentence: the volgens/aldus source, else the reporting verb's subject
    (never a time, "Een week geleden claimde ..." read with "week" as the subject, nor a count)."""
    toks = parse.tokens
    for i, t in enumerate(toks):
        if t.text.lower() in _SOURCE_PREPS and t.head != i and toks[t.head].lemma.lower() not in _TIME_NOUNS:
            return _subtree(parse, t.head, skip=i, cut=("punct", "acl:relcl"))
    for i, t in enumerate(toks):
        if t.pos == "VERB" and t.lemma.lower() in _REPORT_LEMMAS:
            for j, c in enumerate(toks):
                # the active subject only: "toen 99 procent was geteld" has what was counted as its subject
                if c.head == i and c.dep == "nsubj" and c.pos in ("PROPN", "NOUN") \
                        and c.lemma.lower() not in _TIME_NOUNS and c.lemma.lower() not in _UNIT_NOUNS:
                    return _subtree(parse, j)
    return None


# Nouns of time: a parse that makes one the subject of a reporting verb misread an adverbial.
_TIME_NOUNS = frozenset("""seconde minuut uur dag week weekend maand jaar eeuw ochtend middag avond nacht moment
    tijd periode keer maandag dinsdag woensdag donderdag vrijdag zaterdag zondag day week month year time
    tag woche monat jahr jour semaine mois an année día semana mes año giorno settimana mese anno""".split())
_UNIT_NOUNS = frozenset("procent percent prozent procentpunt euro dollar stem zetel".split())
def _names_time(phrase: str) -> bool:
    """The phrase has a noun of time ("Twee dagen later", "Een week geleden"): an adverbial, no source."""
    for w in re.findall(r"\w+", phrase.lower()):
        if w in _TIME_NOUNS or (w.endswith("en") and w[:-2] in _TIME_NOUNS) or \
                (w.endswith("s") and w[:-1] in _TIME_NOUNS) or w in ("geleden", "later", "eerder"):
            return True
    return False


# "Binali Yildirim (63" where the parse cut an age in parentheses: the name without it.
_TRAILING_PAREN = re.compile(r"\s*\([^)]*$")


def _resolve(name: str, mentions: Sequence) -> tuple[str, str | None]:
    """The article's fullest named entity for a reporter phrase when unambiguous; (name, type)."""
    words = re.findall(r"[\w-]+", name)
    best, btype = None, None
    for mt in mentions or ():
        mtext = getattr(mt, "text", "")
        if not mtext:
            continue
        if mtext in name or (words and mtext.split()[-1] == words[-1]):
            if best is None or len(mtext) > len(best):
                if best and best.split()[-1] != mtext.split()[-1]:
                    return name, None  # two different names: ambiguous
                best, btype = mtext, getattr(mt, "type", None)
    return (best, btype) if best else (name, None)


# --------------------------------------------------------------------------- extraction
def extract_figures(text: str, lang: str | None = "nl", quotes: Sequence | None = None,
                    source: str | None = None, published: str | None = None,
                    time_expressions: Sequence | None = None, parses: Sequence | None = None,
                    mentions: Sequence | None = None) -> list[Figure]:
    """Figures in ``text`` with what is counted, category, qualifier, unit, reporter, date and confidence.

    Args:
        text: article text.
        lang: language code (nl, en, de, fr, es, it).
        quotes: quotations of the article (:class:`storyline.records.Quote`); a figure inside
            one is reported by its speaker.
        source: the outlet, the reporter when the text names no one (``unknown`` when None).
        published: the article date, the ``as_of`` when the sentence has no time expression.
        time_expressions: resolved time expressions of the article (objects with start, end, date).
        parses: parsed sentences (:class:`storyline.records.ParsedSentence`), where the syntax stage ran.
        mentions: named-entity mentions, to resolve a reporter to its full name.
    """
    lang = (lang or "nl")[:2].lower()
    out: list[Figure] = []
    if not text:
        return out
    outlet = source or UNKNOWN_OUTLET
    sents = sentence_spans(text)
    quotes = sorted(quotes or [], key=lambda q: q.start)
    times = [t for t in (time_expressions or []) if getattr(t, "date", None)]
    paragraph_breaks = [m.start() for m in re.finditer(r"\n", text)]
    parse_at = {p.start: p for p in (parses or ())}
    for si, (s, e) in enumerate(sents):
        sentence = text[s:e]
        if _FURNITURE.match(sentence):
            continue
        parse = parse_at.get(s) or next((p for p in (parses or ()) if p.start <= s < p.end), None)
        masked = _masked_spans(sentence, s)
        found: list[dict] = []
        for m in _NUMBER.finditer(text, s, e):
            if any(a <= m.start() < b for a, b in masked):
                continue
            value, low, high = _value(m, lang)
            if value is None and low is None:
                continue
            if _excluded(text, m, s, value):
                continue
            reading = _read(text, m, s, e, lang, parse, value)
            if reading is None:
                continue
            found.append({"m": m, "value": value, "low": low, "high": high, **reading})
        _share_units(text, found)
        _parts_of_a_whole(text, s, found)
        for f in found:
            m = f["m"]
            if f["category"] is None:
                continue
            value, low, high = (None if x is None else x * f.get("factor", 1.0) for x in (f["value"], f["low"], f["high"]))
            before = text[max(s, m.start() - 40):m.start()]
            qualifier = "from" if f.get("earlier") else (f"of {f['part_of']}" if f.get("part_of") else None)
            if qualifier is None and _WHOLE_BEFORE.search(before):
                qualifier = "whole"  # "de laatste van acht restzetels": the size of a whole a part is taken from
            for rx, q, kind in ([] if qualifier else _QUAL_RE):
                if rx.search(before):
                    qualifier = q
                    if value is not None:
                        if kind == "low":
                            low, high = value, None
                        elif kind == "high":
                            low, high = None, value
                    break
            if f.get("range"):
                value, low, high = None, f["range"][0], f["range"][1]
            reporter, rtype = _reporter(m.start(), si, sents, quotes, text, paragraph_breaks, parse, mentions)
            if reporter is None:
                reporter, rtype = outlet, "OUTLET"
            as_of = _as_of(s, e, times) or published
            scope = _scope(text, s, e, m.start(), m.end(), reporter if rtype != "OUTLET" else None)
            conf = f["confidence"] - (0 if parse is not None else NO_SYNTAX_PENALTY)
            if m.group("vague"):
                conf = min(conf, CONF_VAGUE)
            if lang != "nl" and parse is None:
                conf -= OTHER_LANGUAGE_PENALTY
            out.append(Figure(f["what"], f["subject"], value, low, high, qualifier, f["unit"], reporter, as_of,
                              sentence, m.start(), m.end(), category=f["category"],
                              confidence=round(max(0.05, min(conf, 0.99)), 2), reporter_type=rtype,
                              scope=scope))
    return out


def _read(text: str, m: re.Match, s: int, e: int, lang: str, parse, value) -> dict | None:
    """What the number counts: {what, category, unit, subject, confidence}; None for no reading at all."""
    before = text[max(s, m.start() - 60):m.start()]
    after = text[m.end():min(e, m.end() + 80)]
    clause = _clause(text, s, e, m.start(), m.end())
    total = re.match(r"\s+van\s+de\s+(?:\d+|[a-z]+)(?=\s)", after)
    part_of = None
    if total and _NUMBER.fullmatch(after[total.start():total.end()].split()[-1]):
        part_of = after[total.start():total.end()].split()[-1]
        after = after[total.end():]  # "negen van de 55 zetels": nine seats (of 55)
    unit, ucat, uend = _unit_after(after)
    if not unit and (m.group("dscale") or m.group("wscale")):  # "mil millones de euros", "millions de dollars"
        de = re.match(r"\s*(?:de|d'|di)\s*", after)
        if de:
            unit, ucat, uend = _unit_after(after[de.end():])
            uend += de.end() if unit else 0
    if not unit:
        adj = re.match(r"\s*(?:[A-ZÀ-Ý][a-zà-ÿ]+(?:se|sche)|extra|ruim)(?=\s)", after)
        if adj:
            unit, ucat, uend = _unit_after(after[adj.end():])
            uend += adj.end() if unit else 0
    currency = _CURRENCY_BEFORE.search(before)
    if currency and not unit:
        unit, ucat = {"€": "EUR", "$": "USD", "£": "GBP", "US$": "USD"}.get(currency.group("sym"),
                                                                           currency.group("sym").upper()), "money"
    head = van = None
    conf = CONF_LEXICON
    if m.group("digits") and after.startswith("-") and re.search(r"(?<![.!?:]\s)\b[A-Z][\w]*\s$", before):
        return None  # "Boeing 737-800", "MAX 8-toestellen": a number inside a name
    if parse is not None:
        plemma, ptext, pvan = _parse_head(parse, m.start(), m.end())
        if plemma and not _unit_after(" " + ptext)[0]:
            head = ptext
            what = lemma_of(ptext)  # the parse picks the noun; its lemma is ours (the model lemmatises plurals poorly)
        van = pvan
    if unit:
        rest = after[uend:]
        van = van or _van_noun(rest)
        category = ucat
        what = None
        if ucat == "duration":
            bare_before = re.sub(r"(?:\s+(?:ruim|bijna|zo['’]n|ongeveer|circa|pakweg|nog|zeker|ten minste|minstens|"
                                 r"meer dan|minder dan|about|almost|nearly|some))+\s*$", " ", before, flags=re.I)
            if re.match(r"\s*(?:geleden|later|eerder|ago|later|earlier|später|früher|zuvor|nadien|daarna|"
                        r"terug|lang geleden)\b", rest, re.I) or re.search(r"\b(?:over|in|binnen|na|within|after|"
                                                                           r"nach|dans|en|entro|tra)\s*$",
                                                                           bare_before, re.I):
                return None  # "twee jaar geleden", "over ruim twee weken": a time reference, not a measured duration
            if unit == "year" and re.match(r"\s*(?:wordt|werd|worden|werden|geworden|oud|old|alt)\b", rest, re.I):
                return None  # "als je 95 jaar wordt": an age
            if _SENTENCE_NOUN.match(rest) or (_SENTENCE_CONTEXT.search(clause) and unit in ("year", "month",
                                                                                            "week", "day", "hour")):
                category = "sentence"
                noun = _SENTENCE_NOUN.match(rest)
                what = noun.group(0).strip().lower() if noun else "straf"
        if what is None:
            base = van or _noun_after_unit(rest) or _noun_before(before) or \
                (head if parse is not None and head else None) or _clause_subject(text, s, m.start())
            what = lemma_of(base) if base else unit
        subject = _subject(van or "", clause)
        if category == "duration":
            conf = CONF_DURATION
        factor = 1.0
        if unit == "g":  # weights in kilograms, as the labels give them
            unit, factor = "kg", 0.001
            what = "kg" if what == "g" else what
        return {"what": what, "category": category, "unit": unit, "subject": subject,
                "confidence": conf, "factor": factor}
    if head is None:
        noun, _ = _noun_after(after)
        if noun:
            head = noun
            what = lemma_of(noun)
    if head is not None:
        # what happened to counted people is said right after them, before the next number ("elf mensen
        # omgekomen en 23 mensen gewond"); else anywhere in the clause
        nxt = _NUMBER.search(text, m.end(), e)
        category = category_of(head, text[m.end():nxt.start() if nxt else e])
        if category == "people":
            category = category_of(head, clause)
        if category is None:
            if head[0].isupper() and m.start() > s and not text[m.start() - 2:m.start()].strip() in (".", ":"):
                # "Boeing 737 MAX", "Rutte III": a number inside a name
                if re.search(r"\b[A-Z][\w-]*\s*$", before):
                    return None
            category, conf = "quantity", CONF_NOUN
        subject = _subject(head, clause)
        if part_of:
            return {"what": what, "category": category, "unit": None, "subject": subject, "confidence": conf,
                    "part_of": part_of}
        if m.group("words") and _fold(m.group("words")) in _SMALL_WORDS and _DEFINITE_BEFORE.search(before):
            conf -= SMALL_DEFINITE_PENALTY
        elif m.group("words") and _fold(m.group("words")) in _SMALL_WORDS and category == "quantity":
            conf -= SMALL_WORD_PENALTY
        if m.group("words") and _fold(m.group("words")) in ("een", "één") and category not in _PEOPLE_FAMILY:
            conf -= SMALL_DEFINITE_PENALTY
        return {"what": what, "category": category, "unit": None, "subject": subject, "confidence": conf}
    # no noun after the number: the counted noun of the clause ("het aantal burgerdoden is opgelopen tot 352",
    # "burgerslachtoffers: zeker 102", "zeker 102, onder wie 7 kinderen")
    an = _AANTAL.search(text[max(s, m.start() - 160):m.start()])
    noun = an.group(1) if an else None
    if noun is None:
        cm = _COLON_NOUN.search(before)
        noun = cm.group(1) if cm else None
    if noun is None and _ONDER.search(before):
        return None
    if noun is None:
        return {"what": None, "category": None, "unit": None, "subject": None, "confidence": 0.0,
                "bare": True}
    category = category_of(noun, clause)
    subject = _subject(noun, clause)
    return {"what": lemma_of(noun), "category": category or "quantity", "unit": None, "subject": subject,
            "confidence": CONF_LEXICON - 0.1 if category else CONF_FALLBACK}


def _subject(head: str, clause: str) -> str | None:
    for name, rx in _SUBJECTS:
        if rx.search(head or ""):
            return name
    return None


def _share_units(text: str, found: list[dict]) -> None:
    """``62,5 en 30,5 procent``, ``van 7 naar 19 procent``, ``20 tot 30 doden``: the first number takes the
    reading of the second; ``20 tot 30 doden`` (no ``van`` before) is one range."""
    for i in range(len(found) - 1, 0, -1):
        a, b = found[i - 1], found[i]
        gap = text[a["m"].end():b["m"].start()]
        if not re.fullmatch(r"\s*(?:en|of|tot|à|a|naar|-|–|to|and|or|bis|und|oder|et|ou|y|o|e)\s*", gap, re.I):
            continue
        if b["category"] is None or a["category"] is not None and not a.get("bare"):
            continue
        before_a = text[max(0, a["m"].start() - 12):a["m"].start()]
        is_range = re.fullmatch(r"\s*(?:tot|à|a|-|–|to|bis)\s*", gap, re.I) and \
            not re.search(r"\b(?:van|from|von|de|da)\s*$", before_a, re.I)
        if is_range and a["value"] is not None and b["value"] is not None and a["value"] < b["value"]:
            b["range"] = (a["value"], b["value"])
            b["m"] = _Span(a["m"], b["m"])
            a["category"] = None
            continue
        for k in ("what", "category", "unit", "subject", "confidence"):
            a[k] = b[k]
        a.pop("bare", None)
        if re.fullmatch(r"\s*(?:naar|tot|to|auf|à|a)\s*", gap, re.I) and \
                re.search(r"\b(?:van|from|von|de|da)\s*$", before_a, re.I):
            a["earlier"] = True  # "van 7 naar 19 procent": 7 is what it was


_ONDER_NOUN = re.compile(r"\bonder\s+(?:de|het)\s+([\w-]+)\s+(?:\w+\s+){0,3}$", re.I)


def _parts_of_a_whole(text: str, s: int, found: list[dict]) -> None:
    """``zeker 102, onder wie 7 kinderen``, ``onder de doden minstens 14 kinderen``: the part is counted in the
    category of the whole."""
    previous = None
    for f in found:
        if f["category"] in ("people", "quantity"):
            before = text[max(s, f["m"].start() - 60):f["m"].start()]
            noun = _ONDER_NOUN.search(before)
            whole = category_of(noun.group(1)) if noun else None
            if whole is None and previous is not None and _ONDER.search(before):
                whole = previous["category"]
            if whole in _PEOPLE_FAMILY and whole != "people":
                f["category"] = whole
        if f["category"] is not None:
            previous = f


class _Span:
    """Two number matches read as one range (``20 tot 30``)."""

    def __init__(self, a: re.Match, b: re.Match):
        self._a, self._b = a, b

    def start(self) -> int:
        return self._a.start()

    def end(self) -> int:
        return self._b.end()

    def group(self, *args):
        return self._b.group(*args)


_NAME = re.compile(r"(?<![\w-])[A-ZÀ-Ý][\w'’&-]*[A-Za-zÀ-ÿ0-9]|(?<![\w-])[A-Z]{2,}\d*")
_NOT_SCOPE = re.compile(r"^(?:" + _MONTHS + r"|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
                        r"De|Het|Een|Die|Dat|Dit|Deze|Er|In|Op|Bij|Van|Voor|Met|Na|Als|Maar|En|Ook|Volgens|Zo|"
                        r"The|A|An|Der|Die|Das|La|Le|El|Il|Ik|Hij|Zij|Ze|We|Wij|Je|U)$", re.IGNORECASE)
_AGE_BRACKET = re.compile(r"\(\d{1,3}\)")
# "de laatste van acht zetels", "één van de vijf verdachten", "31 van de 75 zetels": the number before which a
# part is named is the size of the whole, not a count of the clause's subject.
_WHOLE_BEFORE = re.compile(
    r"(?:\b(?:de|het|the)\s+\w+(?:ste|de)|\b(?:[eé]én|een|geen|elk|ieder|enkele|sommige|beide|one|none|each|some|"
    r"twee|drie|vier|vijf|zes|zeven|acht|negen|tien|two|three|four|five)|\d)\s+(?:van|of)(?:\s+(?:de|het|the))?\s+$",
    re.IGNORECASE)
_SCOPE_SEP = re.compile(r"[;:()]|,\s|\s[–—-]\s|\s(?:en|maar|terwijl|and|but|und|et|y|e)\s")


def _bounds(text: str, s: int, e: int, a: int, b: int, sep: re.Pattern) -> tuple[int, int]:
    """The stretch of sentence ``[s, e)`` around the number ``[a, b)`` between the nearest separators."""
    left = s
    for m in sep.finditer(text, s, a):
        left = m.end()
    m = sep.search(text, b, e)
    return left, m.start() if m else e


def _scope(text: str, s: int, e: int, a: int, b: int, reporter: str | None) -> str | None:
    """The names of the figure's clause, whose or where it counts ("CDA (negen zetels)" → CDA): "|"-joined."""
    # An age in brackets belongs to the name before it ("Ekrem İmamoglu (49) heeft een voorsprong"): blanked, it
    # separates no clause.
    sentence = _AGE_BRACKET.sub(lambda m: " " * len(m.group()), text[s:e])
    left, right = _bounds(sentence, 0, e - s, a - s, b - s, _SCOPE_SEP)
    left, right = left + s, right + s
    if text[left:a].strip() == "" and left > s:  # "CDA (negen zetels)": the name before the bracket
        start = max(s, left - 41)
        seps = list(_SCOPE_SEP.finditer(text, start, left - 1))
        left = seps[-1].end() if seps else start
    skip = set(re.findall(r"[\w'’&-]+", reporter or ""))
    first = _NAME.search(text, s, e)
    names = sorted({n.group() for n in _NAME.finditer(text, left, right)
                    if n.group() not in skip and not _NOT_SCOPE.match(n.group())
                    and not (first and n.start() == first.start() and n.start() - s < 4 and not n.group().isupper()
                             and not re.search(r"\d", n.group()))})  # a sentence's first word is capitalised
    return "|".join(names) or None


_CLAUSE_SEP = re.compile(r"[;:]|,\s+(?:maar|but|aber|en|and|und|terwijl|while|hoewel)\b|\s[–—]\s")


def _clause(text: str, s: int, e: int, a: int, b: int) -> str:
    """The part of the sentence around the number, up to ; : or a coordinating comma."""
    left, right = _bounds(text, s, e, a, b, _CLAUSE_SEP)
    # keep the noun before a colon: "veel burgerslachtoffers: zeker 102"
    if left > s and text[left - 1] == ":":
        left = max(s, left - 40)
    return text[left:right]


def _type(speaker_type: str | None, name: str) -> str:
    if speaker_type in ("PER", "ORG"):
        return speaker_type
    if speaker_type in ("LOC", "MISC", "GPE", "NORP"):
        return "ORG"
    words = name.split()
    if words and _fold(words[0]) in _DETERMINERS:  # "het OM", "de AIVD": an organisation; "de burgemeester": a role
        return "ORG" if any(w[:1].isupper() for w in words[1:]) else "ROLE"
    return "PER" if words and all(w[:1].isupper() for w in words[-2:]) and len(words) <= 3 else "ROLE"


_DETERMINERS = {"het", "de", "the", "der", "die", "das", "la", "le", "el", "een"}
# Verbs right after a "volgens de ..." noun in Dutch word order (V2): they end the source's phrase.
_FINITE_VERBS = frozenset("""is was zijn waren wordt werd worden werden heeft hebben had hadden zal zullen zou zouden
    kan kunnen kon konden moet moeten moest moesten wil willen wilde gaat gaan ging gingen staat stond staan
    komt kwam komen kwamen ligt lag liggen lagen blijft bleef blijven bleven telt telde tellen""".split())
# An indirect quote the quotes stage is unsure of ("Volgens de eerste resultaten behaalde X ...": is X the
# source?) does not name the reporter of the figures in its sentence; the rules after it decide.
SURE_QUOTE = 0.7


def _reporter(pos: int, si: int, sents, quotes, text: str, breaks, parse, mentions) -> tuple[str | None, str | None]:
    for q in quotes:
        if q.start <= pos < q.end and (q.speaker or q.speaker_text):
            return _quote_reporter(q)
    # "volgens de Keuzegids", "aldus het CBS" in the sentence itself
    s0, e0 = sents[si]
    v = _VOLGENS.search(text, s0, e0)
    if v:
        name = v.group("who").strip()
        words = name.split()
        if len(words) > 2 and words[-1].lower() in _FINITE_VERBS:
            name = " ".join(words[:-1])  # "volgens de politie waren er ...": the noun, not its verb
        resolved, mtype = _resolve(name, mentions or ())
        return resolved, _type(mtype, resolved)
    # An attribution that closes the next sentence of the same paragraph covers this one too when that sentence
    # goes on with figures ("... zeker 102. 304 mensen zouden gewond zijn, zei X."), not when it comments on it
    # ("Dat is niet verbazingwekkend, zegt X.")
    if si + 1 < len(sents):
        ns, ne = sents[si + 1]
        if not any(sents[si][1] <= b < ns for b in breaks) and re.search(r"\d", text[ns:ne]):
            for q in quotes:
                if q.kind == "indirect" and q.start == ns and (q.speaker or q.speaker_text) and q.speaker_start and q.speaker_start > q.end:
                    return _quote_reporter(q)
    for q in quotes:
        if q.sentence == si and (q.speaker or q.speaker_text) and q.kind == "indirect" \
                and q.confidence >= SURE_QUOTE:
            return _quote_reporter(q)
    # A sentence that opens with its source and a reporting verb ("Het Nibud berekende ...", "Het OM eiste ...")
    s, e = sents[si]
    m = _SOURCE_OPENS.match(text, s, e)
    if m and not _names_time(m.group("who")):
        name = m.group("who").strip()
        first, last = name.split()[0], name.split()[-1]
        if (_fold(last) not in _STOP or last[:1].isupper()) and \
                (_fold(first) not in _STOP or _fold(first) in _DETERMINERS):
            resolved, mtype = _resolve(name, mentions or ())
            return resolved, _type(mtype, resolved)
    # Last, the parse: the subject of a reporting verb or the volgens/aldus phrase the rules above did not find
    # (after them: with the provisional parser first, reporter accuracy on the dev labels fell)
    if parse is not None:
        span = _parse_reporter(parse, parse.start)
        if span:
            name = _TRAILING_PAREN.sub("", text[span[0]:span[1]]).strip(" ,")
            resolved, mtype = _resolve(name, [mt for mt in mentions or () if span[0] <= getattr(mt, "start", -1) < span[1]]
                                       or mentions or ())
            return resolved, _type(mtype, resolved)
    return None, None


_VOLGENS = re.compile(r"\b(?:[Vv]olgens|[Aa]ldus|[Ll]aut|[Ss]elon|[Ss]egún|[Ss]econdo|[Aa]ccording to)\s+"
                      r"(?P<who>(?:(?:het|de|the|der|die|dem|la|le|el|il)\s+)?(?:[A-ZÀ-Ý][\w'’.&-]*\s+){0,3}"
                      r"[A-ZÀ-Ý][\w'’.&-]*|(?:het|de)\s+(?:[a-zà-ÿ][\w-]*e\s+){0,2}[a-zà-ÿ][\w-]+)")
_REPORT_VERB_FORMS = (r"zegt|zei|zeggen|zeiden|meldt|meldde|melden|meldden|schat|schatte|schatten|schatte|berekende|"
                      r"berekent|berekenden|verwacht|verwachtte|verwachten|eist|eiste|eisen|eisten|stelt|stelde|"
                      r"laat weten|liet weten|verklaarde|verklaart|telde|telt|rapporteert|rapporteerde|becijfert|"
                      r"becijferde|concludeert|concludeerde|constateert|constateerde|waarschuwt|waarschuwde|"
                      r"meent|meende|denkt|dacht|raamt|raamde|says|said|reported|reports|estimates|estimated|"
                      r"sagt|sagte|meldet|meldete|schätzt|schätzte|dit|a déclaré|estime|dice|dijo|afferma|ha detto")
# Up to five words before the verb: a name ("Bpf Bouw"), or a determiner and a noun ("het OM", "de politie").
_SOURCE_OPENS = re.compile(r"\W*(?:(?:Ook|Maar|En|Toch|Nu|Daarnaast|Bovendien)\s+)?"
                           r"(?P<who>(?:(?:[Hh]et|[Dd]e|[Tt]he|[Dd]er|[Dd]ie|[Dd]as|[Ll]a|[Ll]e|[Ee]l)\s+)?"
                           r"(?:[\w'’.&-]+\s+){0,3}?[\w'’.&-]+)\s+"
                           r"(?:" + _REPORT_VERB_FORMS + r")\b")


_PRONOUNS = {"hij", "zij", "ze", "hem", "haar", "he", "she", "er", "sie", "il", "elle", "él", "ella", "lui", "lei",
             "ik", "wij", "we", "i"}


def _quote_reporter(q) -> tuple[str, str]:
    """The quote's speaker, unless the quotes stage resolved a phrase that does not name that person to them:
    "volgens de regering van Oekraïne" stays the government, not its president."""
    written = (q.speaker_text or "").strip(" ,()")
    if not q.speaker:  # unresolved by the quotes stage: the phrase as written ("de gouverneur") reports it
        return written, _type(None, written)
    if written and _fold(written) not in _PRONOUNS and q.speaker and written != q.speaker:
        surname = q.speaker.split()[-1]
        if surname not in written and not any(w in written for w in q.speaker.split() if w[:1].isupper()):
            return written, _type(None, written)
    return q.speaker, _type(q.speaker_type, q.speaker)


def _as_of(s: int, e: int, times) -> str | None:
    for t in times:
        if s <= t.start < e:
            return t.date
    return None
