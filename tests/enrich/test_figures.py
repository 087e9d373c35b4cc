"""Figures: Dutch written numbers, qualifiers, what is counted, units, reporters, dates."""

import pytest

from storyline.enrich.figures import extract_figures, parse_number
from storyline.enrich.quotes import extract_quotes
from storyline.records import Mention


@pytest.mark.parametrize("phrase, expected", [
    ("een half miljoen", (500000.0, 500000.0, 500000.0)),
    ("anderhalf miljoen", (1500000.0, 1500000.0, 1500000.0)),
    ("vier miljoen", (4000000.0, 4000000.0, 4000000.0)),
    ("duizenden", (None, 2000.0, 9999.0)),
    ("500.000", (500000.0, 500000.0, 500000.0)),
    ("3,5 miljoen", (3500000.0, 3500000.0, 3500000.0)),
    ("drieëntwintig", (23.0, 23.0, 23.0)),
])
def test_parse_number_nl(phrase, expected):
    assert parse_number(phrase, "nl") == expected


def test_parse_number_english_separators():
    assert parse_number("500,000", "en") == (500000.0, 500000.0, 500000.0)
    assert parse_number("2.5 million", "en") == (2500000.0, 2500000.0, 2500000.0)


def _one(text, **kw):
    figs = extract_figures(text, "nl", extract_quotes(text, "nl", []), **kw)
    assert len(figs) == 1, figs
    return figs[0]


def test_refugees_with_qualifier_and_reporter():
    f = _one("Meer dan een half miljoen mensen zijn het land ontvlucht, meldt de VN-vluchtelingenorganisatie.",
             source="NOS", published="2023-04-02")
    assert (f.category, f.what, f.value, f.low, f.high, f.qualifier) == \
        ("displaced", "mens", 500000.0, 500000.0, None, "more than")
    assert f.reported_by == "de VN-vluchtelingenorganisatie" and f.reporter_type != "OUTLET"
    assert f.as_of == "2023-04-02"


def test_killed_civilians_at_least_and_outlet_as_fallback_reporter():
    f = _one("Bij de aanval kwamen zeker 12 burgers om het leven.", source="NOS")
    assert (f.category, f.what, f.subject, f.low, f.qualifier) == ("dead", "burger", "civilians", 12.0, "at least")
    assert (f.reported_by, f.reporter_type) == ("NOS", "OUTLET")


def test_vague_plural_is_a_range():
    f = _one("Volgens de burgemeester zijn duizenden inwoners gevlucht.")
    assert (f.category, f.value, f.low, f.high) == ("displaced", None, 2000.0, 9999.0)
    assert f.confidence < 0.5  # a vague plural is listed only on request
    assert f.reported_by == "de burgemeester"


def test_injured_almost_is_an_upper_bound():
    f = _one("Bijna veertig mensen raakten gewond.")
    assert (f.category, f.low, f.high, f.qualifier) == ("injured", None, 40.0, "almost")


def test_money_distance_duration_units():
    money = _one("De regering trekt 500 miljoen euro uit voor de wederopbouw.")
    assert (money.category, money.value, money.unit) == ("money", 5e8, "EUR")
    dist = _one("De colonne staat nog 30 kilometer van de stad.")
    assert (dist.category, dist.unit) == ("distance", "km")
    dur = _one("Mensen wachtten meer dan dertig uur aan de grens.")
    assert (dur.category, dur.value, dur.unit, dur.qualifier) == ("duration", 30.0, "hour", "more than")


def test_years_clock_times_and_ordinals_are_not_figures():
    text = ("In 2014 werden akkoorden gesloten. Het bestand begint om tien uur ’s ochtends. "
            "Op dag vijf van de oorlog vluchtten mensen weg.")
    assert extract_figures(text, "nl", []) == []


def test_part_after_onder_wie_counts_children():
    figs = extract_figures("De oorlog eiste veel burgerslachtoffers: zeker 102, onder wie 7 kinderen.", "nl", [])
    assert [(f.category, f.subject, f.value) for f in figs] == [("dead", "civilians", 102.0), ("dead", "children", 7.0)]


def test_attribution_closing_the_next_sentence_reports_the_figure():
    text = "Er vielen zeker 40 doden. 120 mensen raakten gewond, zei de gouverneur."
    figs = extract_figures(text, "nl", extract_quotes(text, "nl", []), source="NOS")
    assert [f.reported_by for f in figs] == ["de gouverneur", "de gouverneur"]


def test_as_of_comes_from_a_time_expression_in_the_sentence():
    from storyline.enrich.timex import find_time_expressions

    text = "Woensdag meldde de politie dat 14 mensen gewond zijn geraakt."
    times = find_time_expressions(text, "2022-03-04", "nl")
    f = _one(text, published="2022-03-04", time_expressions=times)
    assert f.as_of == "2022-03-02"


def _read(text, lang="nl"):
    return [(text[f.start:f.end], f.category, f.what, f.value, f.unit) for f in extract_figures(text, lang, [])]


@pytest.mark.parametrize("text, category, what, value, unit", [
    ("De PvdA kwam uit op 13 zetels.", "seats", "zetel", 13.0, None),
    ("De kandidaat kreeg 20.509 stemmen meer dan zijn rivaal.", "votes", "stem", 20509.0, None),
    ("Zo'n 8 procent van de kiezers twijfelt nog.", "percentage", "kiezer", 8.0, "percent"),
    ("De rechter legde hem een boete van 4000 euro op.", "money", "boete", 4000.0, "EUR"),
    ("Het OM eiste twaalf jaar cel tegen de man.", "sentence", "cel", 12.0, "year"),
    ("Het project kost € 3,5 miljard.", "money", "project", 3.5e9, "EUR"),
    ("Bij de brand raakten 14 bewoners gewond.", "injured", "bewoner", 14.0, None),
    ("De vakbond telt 5000 leden.", "members", "lid", 5000.0, None),
    ("De burgemeester liet 300 huizen ontruimen.", "quantity", "huiz", 300.0, None),
])
def test_what_is_counted_and_its_category(text, category, what, value, unit):
    found = _read(text)
    assert len(found) == 1, found
    _, cat, w, v, u = found[0]
    assert (cat, v, u) == (category, value, unit)
    if category != "quantity":
        assert w == what


@pytest.mark.parametrize("text", [
    "De 21-jarige vrouw uit Zwolle werd aangehouden.",          # age
    "Jan de Vries (45) en Piet (72) zijn opgepakt.",            # ages in brackets
    "De trein vertrok om 21.20 uur uit Utrecht.",               # clock time
    "Om 14.00 uur begint de vergadering.",                      # clock time
    "Op 12 februari 2019 opende de winkel.",                    # date and year
    "Het pand aan de Kerkstraat 14 brandde af.",                # house number
    "Wie iets weet, kan bellen met 0800-7000 of 06-12345678.",  # phone numbers
    "Volgens artikel 5 van de Grondwet mag dat.",               # article number
    "Ajax won zondag met 3-1 van Feyenoord.",                   # match score
    "Zij eindigde op de 3e plaats.",                            # ranking
    "In de jaren 90 was dat anders.",                           # decade
    "Foto: 3 mensen op straat",                                 # page furniture
    "Hij vloog met een Boeing 737 naar Rome.",                  # number inside a name
])
def test_what_is_not_a_figure(text):
    assert extract_figures(text, "nl", []) == []


@pytest.mark.parametrize("text, lang, value, unit", [
    ("El gobierno invertirá 3,5 mil millones de euros.", "es", 3.5e9, "EUR"),
    ("Die Regierung gibt 3 Milliarden Euro aus.", "de", 3e9, "EUR"),
    ("Le gouvernement a promis 2 milliards d'euros.", "fr", 2e9, "EUR"),
    ("Il governo ha stanziato 2 miliardi di euro.", "it", 2e9, "EUR"),
    ("The storm killed 12 people.", "en", 12.0, None),
])
def test_scale_words_in_other_languages_with_lower_confidence(text, lang, value, unit):
    figs = extract_figures(text, lang, [])
    assert [(f.value, f.unit) for f in figs] == [(value, unit)]
    dutch = extract_figures("De storm doodde 12 mensen.", "nl", [])
    assert figs[0].confidence < dutch[0].confidence


@pytest.mark.parametrize("text, lang", [
    ("La reunión se celebró el 12 de febrero en Madrid.", "es"),
    ("The 45-year-old left at 9.30 a.m. on February 12.", "en"),
    ("Der 45-Jährige kam um 14 Uhr am 3. März an.", "de"),
    ("La réunion a eu lieu le 12 février à 14h30.", "fr"),
    ("L'incontro si è tenuto il 12 febbraio alle 14.", "it"),
])
def test_dates_ages_and_clock_times_in_other_languages_are_not_figures(text, lang):
    assert [f for f in extract_figures(text, lang, []) if f.confidence >= 0.5] == []


def test_a_range_and_a_change():
    (r,) = extract_figures("Bij de aanval vielen 20 tot 30 doden.", "nl", [])
    assert (r.category, r.value, r.low, r.high) == ("dead", None, 20.0, 30.0)
    change = extract_figures("Het aandeel steeg van 7 naar 19 procent.", "nl", [])
    assert [(f.value, f.unit) for f in change] == [(7.0, "percent"), (19.0, "percent")]


def test_unknown_outlet_is_said_so():
    (f,) = extract_figures("Er vielen 12 doden.", "nl", [])
    assert (f.reported_by, f.reporter_type) == ("unknown", "OUTLET")


def test_reporter_from_a_parse_volgens_and_subject():
    from storyline.records import ParsedSentence, Token

    text = "Volgens de politie zijn 14 mensen gewond."
    words = [("Volgens", "volgens", "ADP", 2, "case"), ("de", "de", "DET", 2, "det"),
             ("politie", "politie", "NOUN", 6, "obl"), ("zijn", "zijn", "AUX", 6, "aux"),
             ("14", "14", "NUM", 5, "nummod"), ("mensen", "mens", "NOUN", 6, "nsubj"),
             ("gewond", "gewond", "ADJ", 6, "root"), (".", ".", "PUNCT", 6, "punct")]
    toks, pos = [], 0
    for w, lemma, upos, head, dep in words:
        start = text.index(w, pos)
        toks.append(Token(w, lemma, upos, "", head, dep, start, start + len(w)))
        pos = start + len(w)
    parse = ParsedSentence(0, len(text), tuple(toks))
    (f,) = extract_figures(text, "nl", [], source="NOS", parses=[parse])
    assert (f.what, f.category, f.reported_by) == ("mens", "injured", "de politie")
    (g,) = extract_figures(text, "nl", [], source="NOS")
    assert f.confidence > g.confidence  # read with syntax


def test_scope_is_the_name_of_the_figures_clause():
    text = "Samen met CDA (negen zetels), D66 (zes zetels) en ChristenUnie (vier zetels) komt de coalitie uit op 31."
    assert [f.scope for f in extract_figures(text, "nl", [])][:3] == ["CDA", "D66", "ChristenUnie"]


def test_each_count_of_people_takes_the_verb_that_follows_it():
    text = "Bij gevechten bij Tripoli zijn elf mensen omgekomen en 23 mensen gewond geraakt."
    assert [(f.value, f.category) for f in extract_figures(text, "nl", [])] == [(11.0, "dead"), (23.0, "injured")]


def test_a_volgens_source_is_its_noun_phrase_not_the_person_the_sentence_is_about():
    text = ("Volgens de voorlopige cijfers haalde burgemeesterskandidaat Sanne Vos zo'n vijftienduizend stemmen "
            "meer dan haar rivaal. Volgens de brandweer waren er 120 mensen in het gebouw.")
    mentions = [Mention("Sanne Vos", "PER", text.find("Sanne Vos"), text.find("Sanne Vos") + 9, 0)]
    quotes = extract_quotes(text, "nl", mentions)
    figs = {f.value: f for f in extract_figures(text, "nl", quotes=quotes, source="nos", mentions=mentions)}
    assert figs[15000].reported_by == "de voorlopige cijfers"
    assert figs[120].reported_by == "de brandweer"


def _parsed(text, words):
    from storyline.records import ParsedSentence, Token

    toks, pos = [], 0
    for w, lemma, upos, head, dep in words:
        start = text.index(w, pos)
        toks.append(Token(w, lemma, upos, "", head, dep, start, start + len(w)))
        pos = start + len(w)
    return ParsedSentence(0, len(text), tuple(toks))


def test_a_time_or_a_passive_subject_of_a_reporting_verb_is_no_reporter():
    # a parse that reads "Twee dagen later" as the subject of "meldde": the time is no source
    text = "Twee dagen later meldde de krant 40 slachtoffers."
    words = [("Twee", "twee", "NUM", 1, "nummod"), ("dagen", "dag", "NOUN", 3, "nsubj"),
             ("later", "later", "ADV", 1, "advmod"), ("meldde", "melden", "VERB", 3, "root"),
             ("de", "de", "DET", 5, "det"), ("krant", "krant", "NOUN", 3, "obl"),
             ("40", "40", "NUM", 7, "nummod"), ("slachtoffers", "slachtoffer", "NOUN", 3, "obj"),
             (".", ".", "PUNCT", 3, "punct")]
    figs = [f for f in extract_figures(text, "nl", [], source="NOS", parses=[_parsed(text, words)]) if f.value == 40]
    assert figs and "dagen" not in (figs[0].reported_by or "")
    # "toen 80 procent was geteld": what was counted is no reporter
    text = "Het verschil bleef 500 stemmen toen 80 procent was geteld."
    words = [("Het", "het", "DET", 1, "det"), ("verschil", "verschil", "NOUN", 2, "nsubj"),
             ("bleef", "blijven", "VERB", 2, "root"), ("500", "500", "NUM", 4, "nummod"),
             ("stemmen", "stem", "NOUN", 2, "xcomp"), ("toen", "toen", "SCONJ", 9, "mark"),
             ("80", "80", "NUM", 7, "nummod"), ("procent", "procent", "NOUN", 9, "nsubj:pass"),
             ("was", "zijn", "AUX", 9, "aux:pass"), ("geteld", "tellen", "VERB", 2, "advcl"),
             (".", ".", "PUNCT", 2, "punct")]
    figs = [f for f in extract_figures(text, "nl", [], source="NOS", parses=[_parsed(text, words)]) if f.value == 500]
    assert figs and figs[0].reported_by == "NOS"



def test_the_size_of_a_whole_is_marked_as_such():
    figures = extract_figures("De VVD krijgt de laatste van acht restzetels. Eén van de vijf verdachten is vrij.",
                              "nl", [])
    assert [(f.value, f.qualifier) for f in figures if f.value in (8.0, 5.0)] == [(8.0, "whole"), (5.0, "whole")]


def test_an_age_in_brackets_keeps_the_name_in_the_scope():
    text = "Zijn tegenstander Ekrem Imamoglu (49) heeft in Istanboel een voorsprong van 25.000 stemmen."
    (figure,) = [f for f in extract_figures(text, "nl", []) if f.value == 25000.0]
    assert {"Imamoglu", "Istanboel"} <= set(figure.scope.split("|"))
