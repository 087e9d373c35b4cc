"""Held-out scores of the Dutch syntax model on UD Dutch Alpino test (news): ``storyline eval syntax``.

Gold tokenisation (the treebank's words and spacing are given to the model; its tokeniser is not scored).
Figures, each over all words including punctuation (as the CoNLL 2018 shared task counts):

* ``upos`` — universal part-of-speech accuracy;
* ``lemma`` — accuracy of the lemmas the syntax layer gives (:func:`storyline.enrich.syntax.lemma_of`) against
  the gold lemma without Alpino's compound separators (``klooster_orde`` is ``kloosterorde``, the form the model
  is trained to give); ``lemma_model`` is the trained lemmatiser's own output and ``lemma_simplemma`` the
  dictionary lemmatiser (simplemma) alone, for comparison;
* ``uas`` / ``las`` — unlabelled / labelled attachment score, labels compared in full (``obl:arg``, ``nsubj:pass``);
  ``las_universal`` compares only the universal part before the colon.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from storyline.errors import CorpusMissing

__all__ = ["TEST_FILE", "GoldWord", "normalise_lemma", "read_gold", "score_syntax"]

TEST_FILE = "nl_alpino-ud-test.conllu"


def normalise_lemma(lemma: str) -> str:
    """Alpino's compound separators removed: ``klooster_orde`` -> ``kloosterorde`` (``_`` alone stays)."""
    return lemma.replace("_", "") if len(lemma) > 1 else lemma


@dataclass(frozen=True)
class GoldWord:
    text: str
    lemma: str
    upos: str
    head: int  # index within the sentence; the root points to itself
    deprel: str
    space_after: bool


def read_gold(path: Path) -> list[list[GoldWord]]:
    """The sentences of a CoNLL-U file (multi-word token ranges and empty nodes skipped)."""
    sents: list[list[GoldWord]] = []
    cur: list[GoldWord] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if cur:
                sents.append(cur)
            cur = []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 10 or not cols[0].isdigit():
            continue
        i, head = int(cols[0]) - 1, int(cols[6])
        cur.append(GoldWord(cols[1], cols[2], cols[3], i if head == 0 else head - 1, cols[7].lower(),
                            "SpaceAfter=No" not in cols[9]))
    if cur:
        sents.append(cur)
    return sents


def score_syntax(data: Path, model: Path | None = None) -> dict:
    """Scores of the model (default: the installed one) on the Alpino test file under ``data``/ud-dutch."""
    from spacy.tokens import Doc

    from storyline.enrich.syntax import lemma_of, load_model, pipe_sentences

    path = Path(data) / "ud-dutch" / TEST_FILE
    if not path.is_file():
        raise CorpusMissing(f"{path} not found: the UD Dutch treebanks belong in <data>/ud-dutch "
                            f"(--data or STORYLINE_DATA)")
    gold = read_gold(path)
    nlp = load_model(model)
    docs = [Doc(nlp.vocab, words=[w.text for w in s], spaces=[w.space_after for w in s]) for s in gold]
    started = time.perf_counter()
    parsed = list(pipe_sentences(nlp, docs))
    seconds = time.perf_counter() - started
    try:
        import simplemma
    except ImportError:  # pragma: no cover - a runtime dependency
        simplemma = None
    trained = "trainable_lemmatizer" in nlp.pipe_names
    n = upos = lemma = lemma_model = lemma_sm = uas = las = las_u = 0
    for sent, doc in zip(gold, parsed):
        for g, t in zip(sent, doc):
            n += 1
            upos += t.pos_ == g.upos
            gl = normalise_lemma(g.lemma)
            lemma += lemma_of(t.text, t.pos_, t.lemma_ if trained else "") == gl
            lemma_model += trained and t.lemma_ == gl
            if simplemma is not None:
                lemma_sm += simplemma.lemmatize(g.text, lang="nl") == gl
            head = t.head.i if t.head.i != t.i else t.i
            dep = "root" if t.head.i == t.i else t.dep_.lower()
            if head == g.head:
                uas += 1
                las += dep == g.deprel
                las_u += dep.split(":")[0] == g.deprel.split(":")[0]
    words = sum(len(s) for s in gold)
    return {
        "file": TEST_FILE, "sentences": len(gold), "words": words,
        "upos": upos / n, "lemma": lemma / n, "lemma_model": lemma_model / n if trained else None,
        "lemma_simplemma": lemma_sm / n if simplemma else None,
        "uas": uas / n, "las": las / n, "las_universal": las_u / n,
        "sentences_per_second": len(gold) / seconds, "words_per_second": words / seconds,
        "model": str(model or ""),
    }
