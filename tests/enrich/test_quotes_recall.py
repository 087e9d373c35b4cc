"""Quotes the attribution rules used to miss or hide, on sentences written for these tests (none from the DPG
dev set): names that look like weekday words, organisations and groups kept as written, speakers joined by
"en", plural reporting verbs, headings glued to a sentence, and pronouns whose number and gender are clear."""

from storyline.enrich.quotes import extract_quotes
from storyline.records import Mention


def _ments(text, *names, type_="PER"):
    out = []
    for name in names:
        pos = text.find(name)
        while pos >= 0:
            out.append(Mention(name, type_, pos, pos + len(name), 0))
            pos = text.find(name, pos + 1)
    return sorted(out, key=lambda m: m.start)


def _only(text, mentions=()):
    quotes = extract_quotes(text, "nl", list(mentions))
    assert len(quotes) == 1, quotes
    return quotes[0]


def test_a_name_that_starts_like_a_german_weekday_is_a_speaker():
    # "Monique", "Sonja", "Freek": only whole weekday words (Montag, Sonntag) are time adverbials
    for name in ("Monique Jansen", "Sonja Bakker"):
        text = f"Het rapport over de scholen is vandaag verschenen, zegt inspecteur-generaal {name}."
        q = _only(text, _ments(text, name))
        assert q.speaker == name
        assert q.text.startswith("Het rapport")


def test_volgens_hem_is_one_man_and_surer_than_ze():
    base = "Piet Smit bouwt al dertig jaar bruggen. {} is de nieuwe brug over de Maas veel te smal gebouwd."
    him = [q for q in extract_quotes(base.format("Volgens hem"), "nl", _ments(base, "Piet Smit")) if q.cue]
    her = [q for q in extract_quotes(base.format("Volgens haar"), "nl", _ments(base, "Piet Smit")) if q.cue]
    assert him and her
    assert him[0].speaker == "Piet Smit"
    assert him[0].confidence > her[0].confidence


def test_a_definite_organisation_noun_is_the_speaker_as_written():
    text = "Volgens de rechtbank moeten patiënten erop kunnen vertrouwen dat hun arts echt arts is."
    q = _only(text)
    assert (q.speaker, q.speaker_type) == ("de rechtbank", "ORG")


def test_an_organisation_the_tagger_calls_misc_is_kept_as_an_organisation():
    text = "Dat vraagt om minder vrijheid voor de scholen, stelt de Onderwijsinspectie."
    q = _only(text, _ments(text, "Onderwijsinspectie", type_="MISC"))
    assert (q.speaker, q.speaker_type) == ("de Onderwijsinspectie", "ORG")


def test_a_capitalised_group_noun_opening_the_sentence_is_a_speaker_as_written():
    text = "Ingewijden stellen dat het om een kleine groep van dertig activisten uit de stad gaat."
    q = _only(text)
    assert q.speaker is None and q.speaker_text == "Ingewijden"
    assert q.text.startswith("het om een kleine groep")


def test_a_group_noun_after_a_prefix_is_a_speaker():
    text = "De meeste leden leven van een uitkering en wonen in de stad, vertellen oud-sympathisanten."
    q = _only(text)
    assert q.speaker_text == "oud-sympathisanten"


def test_names_joined_by_en_speak_together():
    text = "Nu roepen de SP en D66 de coalitie op om een volwaardig zwembad terug te geven aan de stad."
    q = _only(text, _ments(text, "SP", "D66", type_="ORG"))
    assert q.speaker == "SP en D66"
    text = "Volgens de ministers Van Dam en Slob is dat te danken aan de scholen zelf."
    q = _only(text, _ments(text, "Van Dam", "Slob"))
    assert q.speaker == "Van Dam en Slob"


def test_plural_forms_of_opinion_verbs_report():
    text = "De bonden vrezen dat de nieuwe regeling vooral de zware beroepen zal treffen."
    q = _only(text)
    assert q.speaker_text == "De bonden"
    text = "De fabrikanten zouden miljarden euro's aan winst kunnen verliezen, denken de analisten."
    q = _only(text)
    assert q.speaker_text == "de analisten"


def test_a_one_word_heading_glued_to_a_sentence_is_not_part_of_the_speaker():
    text = "Huawei De Commissie zegt daarom dat de lidstaten alle risico's van het netwerk in kaart brengen."
    for q in extract_quotes(text, "nl", _ments(text, "Huawei", type_="ORG")):
        assert "Huawei" not in (q.speaker or "") and "Huawei" not in (q.speaker_text or "")


def test_an_infinitive_report_starts_after_the_adverbs_and_the_particle_of_its_verb():
    text = "Jansen kondigde maandag al aan voor het einde van de maand met pensioen te gaan."
    q = _only(text, _ments(text, "Jansen"))
    assert q.speaker == "Jansen" and q.text.startswith("voor het einde")
    text = "De burgemeester zei gisteren geen reden meer te zien voor een nieuw onderzoek naar de brand."
    q = _only(text)
    assert q.text.startswith("geen reden")


def test_an_om_clause_that_opens_with_a_preposition_is_read_without_error():
    text = "De bond riep iedereen op om in de hele stad het werk neer te leggen."
    for q in extract_quotes(text, "nl", []):
        assert not q.text.startswith("om ")
