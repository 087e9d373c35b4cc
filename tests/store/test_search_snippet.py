"""The sentence a search result shows: the one that matches, cut at a word when long."""

from types import SimpleNamespace

from storyline.store.search import matching_sentence


def test_search_snippet_is_the_matching_sentence_cut_at_a_word():
    long_sentence = ("Volgens de Verenigde Naties zijn sinds het begin van de oorlog meer dan twee miljoen "
                     "vluchtelingen uit Oekraïne naar de buurlanden getrokken, vooral naar Polen en Moldavië.")
    article = SimpleNamespace(title="Vluchtelingenstroom groeit", language="nl",
                              text="Het regende in Kiev. " + long_sentence + " Daarna werd het stil.")
    snippet = matching_sentence(article, "buurlanden", max_chars=80)
    assert snippet.endswith("…") and len(snippet) <= 80
    assert long_sentence.startswith(snippet[:-1]) and long_sentence[len(snippet) - 1] == " "
    assert matching_sentence(article, "regende") == "Het regende in Kiev."
    assert matching_sentence(article, "vluchtelingenstroom") == "Vluchtelingenstroom groeit"
