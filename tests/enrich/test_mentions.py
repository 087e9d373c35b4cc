"""Mention spans as a reader means them: titles, roles, articles and glued words cut off (sentences invented)."""

from __future__ import annotations

import pytest

from storyline.enrich import ner
from storyline.enrich.mentions import normalise_mentions
from storyline.records import Mention

pytestmark = pytest.mark.skipif("nl" not in ner.available_languages(), reason="needs the Dutch NER model")


def spans(text: str, tagged: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Normalise hand-placed tagger spans (first occurrence of each) and return (text, type) pairs."""
    mentions = []
    for surface, type_ in tagged:
        start = text.index(surface)
        mentions.append(Mention(surface, type_, start, start + len(surface), 0))
    return [(m.text, m.type) for m in normalise_mentions(text, sorted(mentions, key=lambda m: m.start))]


def test_role_compounds_keep_the_name():
    text = "De GroenLinks-wethouder sprak. Ook de PvdA'ers en het Erdogan-kamp zwegen. NAVO-chef Stoltenberg ook."
    out = spans(text, [("GroenLinks-wethouder", "MISC"), ("PvdA'ers", "MISC"), ("Erdogan-kamp", "PER"),
                       ("NAVO-chef Stoltenberg", "PER")])
    assert ("GroenLinks", "ORG") in out and ("PvdA", "ORG") in out and ("Erdogan", "PER") in out
    assert ("NAVO", "ORG") in out and ("Stoltenberg", "PER") in out


def test_title_and_headline_words_before_a_name_are_cut_off():
    text = "Staatssecretaris Knops kwam. Gisteren zei Burgemeester Halsema iets. Tweede Kamervoorzitter Jan Pieters sprak."
    out = spans(text, [("Staatssecretaris Knops", "PER"), ("Burgemeester Halsema", "PER"),
                       ("Tweede Kamervoorzitter Jan Pieters", "ORG")])
    assert [t for t, _ in out] == ["Knops", "Halsema", "Jan Pieters"]


def test_particles_stay_in_a_surname():
    text = "Volgens De Graaf en Van Dijk is het goed."
    out = spans(text, [("De Graaf", "PER"), ("Van Dijk", "PER")])
    assert [t for t, _ in out] == ["De Graaf", "Van Dijk"]


def test_a_span_running_into_the_next_sentence_ends_at_the_name():
    text = "Nieuwe aanval Hezbollah Volgens het leger was het raak. Intussen kocht Airbus De aandelen."
    out = spans(text, [("Hezbollah Volgens", "ORG"), ("Airbus De", "ORG")])
    assert [t for t, _ in out] == ["Hezbollah", "Airbus"]


def test_coordinated_names_are_split_when_named_apart():
    text = "De CU en Denk stemden tegen. Denk was boos. Ook Ernst en Young keek toe."
    out = spans(text, [("CU en Denk", "ORG"), ("Denk", "ORG"), ("Ernst en Young", "ORG")])
    assert [t for t, _ in out][:3] == ["CU", "Denk", "Denk"]
    assert ("Ernst en Young", "ORG") in out  # neither part named alone, no acronym: one name


def test_sentence_initial_common_words_are_no_names():
    text = "Economie is belangrijk, zegt hij. ,,Iedereen weet dat.'' De economie groeit, ziet iedereen."
    out = spans(text, [("Economie", "MISC"), ("Iedereen", "PER")])
    assert out == []


def test_leading_article_and_initials():
    text = "Volgens de Gazet en De Morgen is Piet K. opgepakt."
    out = spans(text, [("de Gazet", "ORG"), ("De Morgen", "ORG"), ("Piet K", "PER")])
    assert [t for t, _ in out] == ["Gazet", "Morgen", "Piet K."]


def test_a_language_without_a_model_gets_low_confidence_mentions_not_the_dutch_tagger():
    import warnings

    from storyline.enrich.stages import recognise_mentions
    from storyline.records import Article

    text = ("El presidente de Estados Unidos, Barack Obama, visitó Egipto. En el Alto Egipto hubo protestas. "
            "Siria también.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = recognise_mentions([Article(id="es1", text=text, language="es")])["es1"]
    by_text = {m.text: m for m in found}
    assert by_text["Estados Unidos"].type == "LOC" and by_text["Egipto"].type == "LOC"
    assert by_text["Siria"].type == "LOC"
    assert "En" not in by_text and "El" not in by_text
    assert all(m.confidence < 0.5 for m in found) and not [m for m in found if m.type == "PER"]


def test_an_institution_tagged_as_a_place_is_an_organisation():
    text = "De Tweede Kamer stemde. De Partij voor de Dieren ook. In Amsterdam regende het."
    out = spans(text, [("Tweede Kamer", "LOC"), ("Partij voor de Dieren", "LOC"), ("Amsterdam", "LOC")])
    assert out == [("Tweede Kamer", "ORG"), ("Partij voor de Dieren", "ORG"), ("Amsterdam", "LOC")]


def test_one_word_institution_compounds_are_organisations():
    text = "De Mediagroep kocht de Paulusschool in Venlo."
    out = spans(text, [("Mediagroep", "LOC"), ("Paulusschool", "PER"), ("Venlo", "LOC")])
    assert out == [("Mediagroep", "ORG"), ("Paulusschool", "ORG"), ("Venlo", "LOC")]


def test_demonstratives_and_capitalised_titles_are_cut():
    text = "Die rare NS was weer te laat, schreef Kamerlid H. Kronenburg aan Senator Van Dam."
    out = spans(text, [("Die rare NS", "ORG"), ("Kamerlid H. Kronenburg", "PER"), ("Senator Van Dam", "PER")])
    assert [t for t, _ in out] == ["NS", "H. Kronenburg", "Van Dam"]


def test_an_acronym_in_a_misc_compound_is_an_organisation():
    text = "De VN-chef sprak over het Brexit-akkoord."
    assert spans(text, [("VN-chef", "MISC"), ("Brexit-akkoord", "MISC")]) == [("VN", "ORG"), ("Brexit", "MISC")]


def test_a_surname_after_a_given_name_and_particle_is_one_person_not_a_place():
    text = "Trainer Erik ten Hag van Ajax won. Ten Hag zei dat. Ook VVD'er Wybren van Haga sprak in de Universiteit van Amsterdam."
    out = spans(text, [("Erik", "PER"), ("Hag", "LOC"), ("Ajax", "ORG"), ("Ten Hag", "LOC"),
                       ("VVD'er Wybren", "MISC"), ("Haga", "LOC"), ("Universiteit", "ORG"), ("Amsterdam", "LOC")])
    assert ("Erik ten Hag", "PER") in out and ("Wybren van Haga", "PER") in out and ("VVD", "ORG") in out
    assert ("Ajax", "ORG") in out and ("Amsterdam", "LOC") in out  # "Hag van Ajax", "Universiteit van A." are no names
    assert not any(t in ("Hag", "Haga", "Erik") for t, _ in out)


def test_a_capitalised_particle_opens_a_surname():
    text = "Ter Riet baalt ervan. Het was druk, verzucht Jurrie ter Riet."
    out = spans(text, [("Riet", "LOC"), ("Jurrie ter Riet", "PER")])
    assert out == [("Ter Riet", "PER"), ("Jurrie ter Riet", "PER")]


def test_a_legal_form_makes_a_company_whatever_the_tagger_said():
    text = "De werf ontving het geld van Purus Limited en van Jan Smit."
    out = spans(text, [("Purus Limited", "PER"), ("Jan Smit", "PER")])
    assert out == [("Purus Limited", "ORG"), ("Jan Smit", "PER")]


def test_a_title_before_a_name_is_kept_as_its_role():
    text = "Volgens minister Dekker en Kamervoorzitter Khadija Arib is het goed, zei Jan Smit."
    mentions = []
    for surface, type_ in [("Dekker", "PER"), ("Kamervoorzitter Khadija Arib", "PER"), ("Jan Smit", "PER")]:
        start = text.index(surface)
        mentions.append(Mention(surface, type_, start, start + len(surface), 0))
    out = {m.text: m.role for m in normalise_mentions(text, mentions)}
    assert out == {"Dekker": "minister", "Khadija Arib": "Kamervoorzitter", "Jan Smit": None}


def test_the_tagger_says_how_sure_it_is_of_each_mention():
    found = ner.extract_entities("Premier Mark Rutte sprak met Facebook. Het nieuwe toestel heet iPhone Xs.")
    conf = {m.text: m.confidence for m in found}
    assert conf["Mark Rutte"] > 0.95
    assert all(0.0 <= c <= 1.0 for c in conf.values()) and min(conf.values()) < 0.9


def test_an_institution_noun_before_a_place_names_the_organisation():
    text = "Politie Oost-Nederland controleert. In Oost-Nederland regent het. De politie in Zwolle zwijgt."
    out = spans(text, [("Oost-Nederland", "LOC"), ("In Oost-Nederland", "LOC"), ("Zwolle", "LOC")])
    assert out[0] == ("Politie Oost-Nederland", "ORG")
    assert ("Zwolle", "LOC") in out


def test_a_plural_compound_with_a_name_inside_is_doubted():
    text = "Je wilt geen Polenhotels, zegt de Keuzegids."
    a, b = text.index("Polenhotels"), text.index("Keuzegids")
    found = normalise_mentions(text, [Mention("Polenhotels", "MISC", a, a + 11, 0, 0.9),
                                      Mention("Keuzegids", "MISC", b, b + 9, 0, 0.9)])
    conf = {m.text: m.confidence for m in found}
    assert conf["Polenhotels"] < 0.5 and conf["Keuzegids"] == 0.9


def test_a_question_word_after_a_headline_is_no_name():
    text = "Het behoud van het Brabants landschap Wie kan daar nou tegen zijn?"
    assert spans(text, [("Wie", "LOC")]) == []


def test_names_ending_in_an_acronym_or_an_institution_noun_are_organisations():
    text = "Zo zegt Johan Smit van Erasmus MC. De Explosieven Opruimingsdienst kwam."
    out = spans(text, [("Johan Smit", "PER"), ("Erasmus MC", "PER"), ("Explosieven Opruimingsdienst", "MISC")])
    assert out == [("Johan Smit", "PER"), ("Erasmus MC", "ORG"), ("Explosieven Opruimingsdienst", "ORG")]


def test_company_words_and_interjections():
    text = "Het geld kwam van Molly Enterprises en de Sanderink Groep. ,,Ach, ik weet het niet.''"
    out = spans(text, [("Molly Enterprises", "PER"), ("Sanderink Groep", "PER"), ("Ach", "PER")])
    assert out == [("Molly Enterprises", "ORG"), ("Sanderink Groep", "ORG")]


def test_a_product_or_title_before_van_and_a_company_stays_apart():
    text = "Ook Windows Mobile van Microsoft en Chief Executive Officer van Airbus Tom Enders. Van Europese banken."
    out = spans(text, [("Windows Mobile", "ORG"), ("Microsoft", "ORG"), ("Chief Executive Officer", "ORG"),
                       ("Airbus", "PER"), ("Europese", "MISC")])
    assert ("Windows Mobile", "ORG") in out and ("Microsoft", "ORG") in out and ("Airbus", "PER") in out
    assert ("Europese", "MISC") in out


def test_a_word_inside_a_camel_case_product_is_no_given_name():
    text = "De nieuwe iPhone van Cisco en Erik van Dijk."
    out = spans(text, [("Cisco", "PER"), ("Erik", "PER"), ("Dijk", "LOC")])
    assert ("Cisco", "PER") in out and ("Erik van Dijk", "PER") in out
