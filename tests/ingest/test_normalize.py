from storyline.ingest.normalize import clean_text, identify_language
from storyline.ingest.sentences import split_sentences


def test_furniture_removed_and_whitespace_normalised():
    raw = ("Het kabinet  is gevallen.\u00a0De premier bood ontslag aan.\n"
           "Lees ook: Wat betekent de val voor de begroting?\n"
           "De premier sprak de pers toe. Foto: ANP\n"
           "Volledig scherm De premier bij de koning. © via REUTERS\n\n\n\n"
           "Lees alles over de kabinetscrisis\n"
           "Nieuwe verkiezingen volgen in november.")
    text = clean_text(raw)
    assert "Lees ook" not in text and "Lees alles" not in text and "Volledig scherm" not in text
    assert "ANP" not in text and "REUTERS" not in text
    assert "Het kabinet is gevallen. De premier bood ontslag aan." in text
    assert "De premier sprak de pers toe." in text
    assert "\n\n\n" not in text


def test_unicode_nfc():
    decomposed = "Oekrai\u0308ne"
    assert clean_text(decomposed) == "Oekraïne"


def test_dutch_sentence_splitting_respects_abbreviations():
    text = ("Dhr. Jansen zei om 10.30 uur dat het goed ging. De VN bevestigde dat. "
            "Volgens o.a. de NAVO kwamen er op 24 feb. j.l. zeker 102 burgers om. "
            "Prof. dr. De Vries was het er niet mee eens! Wat nu? "
            "Het rapport van J. Smit verscheen gisteren.")
    assert split_sentences(text) == [
        "Dhr. Jansen zei om 10.30 uur dat het goed ging.",
        "De VN bevestigde dat.",
        "Volgens o.a. de NAVO kwamen er op 24 feb. j.l. zeker 102 burgers om.",
        "Prof. dr. De Vries was het er niet mee eens!",
        "Wat nu?",
        "Het rapport van J. Smit verscheen gisteren.",
    ]


def test_language_identification():
    assert identify_language("De regering heeft besloten de belastingen volgend jaar te verhogen.") == "nl"
    assert identify_language("The government decided to raise taxes next year.") == "en"
    assert identify_language("Die Regierung hat beschlossen, die Steuern im nächsten Jahr zu erhöhen.") == "de"


def test_short_items_get_no_guessed_language_and_dutch_is_not_afrikaans():
    assert identify_language("Toos en Henk") is None
    assert identify_language("De kinderen van de asielzoekers mogen blijven, zegt de staatssecretaris.") == "nl"
    assert identify_language("Uit de kom: Ruben Oppenheimer tekent de week") == "nl"


def test_a_title_made_from_a_long_first_sentence_ends_at_a_word():
    from storyline.ingest.normalize import first_sentence_title

    sentence = "De hoop dat de onderhandelingen tussen Kiev en Moskou iets van een adempauze zouden brengen " \
               "werd woensdag hard de grond ingeslagen met een reeks nieuwe luchtaanvallen op de buitenwijken."
    title = first_sentence_title(sentence + " Tweede zin.", max_chars=160)
    assert len(title) <= 160 and title.endswith("…")
    assert sentence.startswith(title[:-1]) and sentence[len(title) - 1] == " "
    # Short first lines and first sentences are kept whole.
    assert first_sentence_title("Korte kop\nTekst.") == "Korte kop"
    assert first_sentence_title("Eerste zin. Daarna volgt " + "nog meer tekst " * 20, max_chars=40) == "Eerste zin."
