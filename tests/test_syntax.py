"""The Dutch syntax layer: converter offsets, parses of Dutch sentences, no parses for other languages, the stage."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from storyline.enrich import syntax
from storyline.enrich.registry import get_stage
from storyline.records import Article, ParsedSentence, Token
from storyline.settings import data_dir

UD = data_dir() / "ud-dutch"
needs_model = pytest.mark.skipif(
    not syntax.available("nl"),
    reason=f"no Dutch syntax model at {syntax.model_path()}: train it with `make train-syntax` "
           "(or set STORYLINE_SYNTAX_MODEL)")

CONLLU = """\
# sent_id = t1
# text = ,,Het kabinet valt'', zei Rutte (VVD).
1	,,	,,	PUNCT	LET	_	4	punct	_	SpaceAfter=No
2	Het	het	DET	LID	_	3	det	_	_
3	kabinet	kabinet	NOUN	N	_	4	nsubj	_	_
4	valt	vallen	VERB	WW	_	0	root	_	SpaceAfter=No
5	''	''	PUNCT	LET	_	4	punct	_	SpaceAfter=No
6	,	,	PUNCT	LET	_	7	punct	_	_
7	zei	zeggen	VERB	WW	_	4	parataxis	_	_
8	Rutte	Rutte	PROPN	N	_	7	nsubj	_	_
9	(	(	PUNCT	LET	_	10	punct	_	SpaceAfter=No
10	VVD	VVD	PROPN	N	_	8	appos	_	SpaceAfter=No
11	)	)	PUNCT	LET	_	10	punct	_	SpaceAfter=No
12	.	.	PUNCT	LET	_	4	punct	_	_

"""


def test_the_converter_keeps_the_text_and_each_words_offsets(tmp_path):
    from storyline.eval.train_syntax import normalise_lemma, read_conllu

    path = tmp_path / "t.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    (doc,) = read_conllu(path, None)
    text = ",,Het kabinet valt'', zei Rutte (VVD)."
    assert doc.text.strip() == text
    assert all(text[t.idx:t.idx + len(t.text)] == t.text for t in doc)
    assert [t.dep_ for t in doc if t.text == "Rutte"] == ["nsubj"]
    assert normalise_lemma("klooster_orde") == "kloosterorde" and normalise_lemma("_") == "_"


@pytest.mark.skipif(not (UD / "nl_alpino-ud-dev.conllu").is_file(), reason=f"UD Dutch not found in {UD}")
def test_the_converted_treebank_matches_its_text_lines():
    from storyline.eval.train_syntax import read_conllu

    path = UD / "nl_alpino-ud-dev.conllu"
    texts = [line[len("# text = "):] for line in path.read_text(encoding="utf-8").splitlines()
             if line.startswith("# text = ")]
    docs = read_conllu(path, None)
    assert len(docs) == len(texts)
    assert [d.text.strip() for d in docs] == [t.strip() for t in texts]


def test_sentences_that_need_syntax_are_chosen(monkeypatch):
    monkeypatch.setattr(syntax, "available", lambda lang: lang == "nl")
    text = ("Het regent. Rutte zei dat het kabinet valt. De zon schijnt weer. ,,Nee'', zegt ze. "
            "Er kwamen drie mensen. Er kwamen 40 mensen. Volgens de politie is het rustig.")
    chosen = [text[s:e] for s, e in syntax.sentences_to_parse(text, "nl")]
    assert chosen == ["Rutte zei dat het kabinet valt.", ",,Nee'', zegt ze.", "Er kwamen drie mensen.",
                      "Er kwamen 40 mensen.", "Volgens de politie is het rustig."]
    assert syntax.sentences_to_parse(text, "es") == []


def test_spanish_text_gets_no_parses():
    text = "Según el ministro, el gobierno caerá. «No hay acuerdo», dijo Sánchez."
    assert syntax.available("es") is False
    assert syntax.parse_spans(text, [(0, 37)], "es") == ()
    article = Article(id="es1", text=text, language="es")
    assert get_stage("syntax").func(article) == ()


@needs_model
def test_a_dutch_reporting_verb_has_its_speaker_as_subject():
    text = "Het regent. Rutte zei dat het kabinet valt."
    (sent,) = syntax.parse_spans(text, [(12, len(text))], "nl")
    assert (sent.start, sent.end) == (12, len(text))
    words = {t.text: t for t in sent.tokens}
    assert all(text[t.start:t.end] == t.text for t in sent.tokens)
    assert words["Rutte"].pos == "PROPN"
    assert words["Rutte"].dep == "nsubj" and sent.tokens[words["Rutte"].head].text == "zei"
    roots = [i for i, t in enumerate(sent.tokens) if t.dep == "root"]
    assert len(roots) == 1 and sent.tokens[roots[0]].head == roots[0]


@needs_model
def test_the_stage_returns_parsed_sentence_records_for_a_dutch_article():
    text = ("De zon schijnt.\n\n,,We gaan door'', zei minister Kaag dinsdag. Volgens haar kost het 3 miljoen euro.")
    article = Article(id="nl1", text=text, language="nl")
    spec = get_stage("syntax")
    parses = spec.check(spec.func(article))
    assert [text[p.start:p.end] for p in parses] == [",,We gaan door'', zei minister Kaag dinsdag.",
                                                     "Volgens haar kost het 3 miljoen euro."]
    assert all(isinstance(p, ParsedSentence) and all(isinstance(t, Token) for t in p.tokens) for p in parses)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parses[0].tokens[0].head = 3  # type: ignore[misc]


def test_a_missing_model_gives_no_parses_and_one_warning(monkeypatch, tmp_path):
    from storyline.enrich import stages

    monkeypatch.setattr(syntax, "model_path", lambda: tmp_path / "none")
    monkeypatch.setattr(stages, "_warned", set())
    article = Article(id="nl2", text="Rutte zei dat het kabinet valt.", language="nl")
    with pytest.warns(RuntimeWarning, match="make train-syntax"):
        assert get_stage("syntax").func(article) == ()
    assert get_stage("syntax").func(article) == ()  # warned once


def test_parses_computed_ahead_are_used_as_they_are():
    from storyline.enrich.registry import annotate

    article = Article(id="nl3", text="Rutte zei dat het kabinet valt.", language="nl")
    ahead = (ParsedSentence(0, 5, (Token("Rutte", "Rutte", "PROPN", "", 0, "root", 0, 5),)),)
    assert annotate(article, (), {"parses": ahead}).parses == ahead
    with pytest.raises(TypeError, match="Stage 'syntax' must return a tuple of ParsedSentence"):
        annotate(article, (), {"parses": ("not a parse",)})


@needs_model
def test_the_model_worker_parses_as_the_stage_does():
    from storyline.enrich.stages import parse_sentences
    from storyline.runner import compute_model_outputs

    articles = [Article(id="a", text="Het regent. ,,Nee'', zei Kaag. Er kwamen 40 mensen.", language="nl"),
                Article(id="b", text="«No», dijo Sánchez.", language="es")]
    out = compute_model_outputs(articles, ner=False, embed=False, syntax=True)
    assert out.parses_for(articles) == {a.id: parse_sentences(a) for a in articles}
    assert len(out.parses_for(articles)["a"]) == 2 and out.parses_for(articles)["b"] == ()


def test_eval_syntax_without_the_treebank_says_where_it_looks(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    result = CliRunner().invoke(app, ["eval", "syntax", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "E602" in result.output and "ud-dutch" in result.output


@needs_model
def test_eval_syntax_scores_a_treebank_against_its_gold_trees(tmp_path):
    import json

    from typer.testing import CliRunner

    from storyline.cli import app

    (tmp_path / "ud-dutch").mkdir()
    (tmp_path / "ud-dutch" / "nl_alpino-ud-test.conllu").write_text(CONLLU, encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "syntax", "--data", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert (scores["sentences"], scores["words"]) == (1, 12)
    # The quote marks, the comma and the full stop at least are right; a random tagger would not be.
    assert 0.5 <= scores["upos"] <= 1 and 0 < scores["las"] <= scores["uas"] <= 1


@needs_model
def test_parsing_new_words_leaves_the_models_vocabulary_as_it_was():
    # A long run meets new names all the time: the vocabulary (strings, lexemes) must not keep them, and the
    # parses must be those the model gives outside a memory zone.
    nlp = syntax.load_model()
    text = ",,We gaan door'', zei minister {0} dinsdag in {0}stad. Volgens {0} kost het 3 miljoen euro."
    syntax.parse_many([(text.format("Kaag"), [(0, 47)])], "nl")  # one-time entries of a first call

    def sizes():  # len(nlp.vocab) counts lexemes ever added; the table itself is what holds memory
        return len(nlp.vocab.strings), sum(1 for _ in nlp.vocab)

    before = sizes()
    parsed = []
    for name in ("Vrolqbaxt", "Zimqbaxt", "Vrolqbaxt"):
        t = text.format(name)
        parsed.append(syntax.parse_many([(t, syntax.sentences_to_parse(t, "nl"))], "nl")[0])
        assert sizes() == before
    assert parsed[0] == parsed[2] and len(parsed[0]) == 2
    t = text.format("Vrolqbaxt")
    spans = syntax.sentences_to_parse(t, "nl")
    docs = syntax.pipe_sentences(nlp, (nlp.make_doc(t[s:e]) for s, e in spans))  # outside any zone
    assert syntax.parse_docs(docs, [s for s, _ in spans]) == parsed[0]
