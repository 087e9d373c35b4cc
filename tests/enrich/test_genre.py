"""Article genre from general cues (storyline.enrich.genre)."""

import pytest

from storyline.enrich.genre import GENRES, classify_genre, is_news_genre
from storyline.enrich.registry import get_stage
from storyline.records import Article

NEWS = ("Het aantal ebola-gevallen in de Democratische Republiek Congo is de duizend gepasseerd. Dat heeft het "
        "ministerie van Volksgezondheid gisteren gezegd. Met inmiddels 629 overleden patiënten is het de op een "
        "na dodelijkste uitbraak.")
COLUMN = ("Ik was onderweg naar het Boekenbal toen een vriendin appte. Ik keek het later terug en ik vond het "
          "pijnlijk. Mijn eerste gedachte was dat ik er niet bij had willen zijn. Het zegt meer over mij dan over hem.")


@pytest.mark.parametrize("title, text, genre", [
    ("Ebola-uitbraak Congo rukt op", NEWS, "news"),
    ("Verbouwing. Column", NEWS, "opinion"),
    ("Paniek. Fidan Ekiz Column", NEWS, "opinion"),
    ("Op arbeidsmarkt is veel mis. Commentaar", NEWS, "editorial"),
    ("Lezersbrieven", NEWS, "letter"),
    ("Quote van de dag", "Dit brengt de digitale dictatuur naar een heel nieuw niveau", "other"),
    ("Toos en Henk", "", "comic"),
    ("Paniek", COLUMN, "opinion"),
    ("Literair onbekwaam", "Als reactie op de column van Aleid Truijens (Opinie, 2 maart) kan ik melden dat ik "
                           "het erg vind. Mijn ervaring is anders, ik zie het elke dag. Ik meen het.", "letter"),
])
def test_cues(title, text, genre):
    assert classify_genre(title, text)[0] == genre


def test_a_quoted_first_person_is_the_speaker_not_the_writer():
    text = NEWS + " ,,Ik ben blij, ik ben trots, mijn team heeft het gedaan en ik dank iedereen'', zei de minister."
    assert classify_genre("Minister blij", text)[0] == "news"


def test_plain_words_that_look_like_rubrics_stay_news():
    assert classify_genre("Weer een laken op straat", NEWS)[0] == "news"
    assert classify_genre("Kritiek op het kabinet groeit", NEWS)[0] == "news"


def test_other_languages_take_rubric_words_only():
    assert classify_genre("Storm hits coast", "I think me and my family saw it. I was there. My house. I ran.",
                          "en")[0] == "news"


def test_stage_returns_one_genre_record():
    spec = get_stage("genre")
    out = spec.check(spec.func(Article(id="1", title="Verbouwing. Column", text=NEWS, language="nl")))
    assert len(out) == 1 and out[0].label in GENRES and out[0].cue == "rubric:column"
    assert is_news_genre("news") and not is_news_genre("letter") and is_news_genre(None)
