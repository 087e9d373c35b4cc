"""Training recipe for the Dutch syntax model in ``src/storyline/trained_models/syntax-nl/`` (``make train-syntax``).

A spaCy 3.8 pipeline ``tok2vec -> morphologizer (UPOS + features) -> trainable_lemmatizer -> parser`` trained on
the UD Dutch treebanks in ``<data>/ud-dutch`` (CC BY-SA 4.0, Bouma & van Noord 2017):

* train: Alpino dev + LassySmall dev + LassySmall test, less every 10th Alpino dev sentence, which is the
  development slice spaCy picks the best checkpoint on;
* held out: ``nl_alpino-ud-test.conllu`` (news), scored by ``storyline eval syntax`` only, never used here.

Additions to a plain spaCy run, each measured (docs/benchmarks.md, "Dutch syntax"):

* lemmas without Alpino's compound separators (``klooster_orde`` -> ``kloosterorde``): the lemma a reader and
  the quote rules expect;
* quote-mark augmentation: copies of some training sentences wrapped in the Dutch quote marks news uses
  (``,,…''``, ``‘…’``, ``“…”``, ``"…"``, ``„…“``), some as ``,,…'', zei hij.``, with the UD analysis the treebank
  gives such sentences (quote marks ``punct`` on the clause root, the reporting verb ``parataxis``);
* static word vectors (``--vectors``): PPMI + SVD over neighbour counts in unlabelled Dutch news (DPG Media 2019
  without the held-out ids, CoNLL-2002 Dutch text, the training sentences), pruned to the most frequent words.

Usage::

    python -m storyline.eval.train_syntax [--data DIR] [--out DIR] [--epochs 7] [--vectors] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from storyline.eval.syntax import normalise_lemma, score_syntax

TRAIN_FILES = ("nl_alpino-ud-dev.conllu", "nl_lassysmall-ud-dev.conllu", "nl_lassysmall-ud-test.conllu")
TEST_FILE = "nl_alpino-ud-test.conllu"
DEV_EVERY = 10  # every 10th Alpino dev sentence is the checkpoint-selection slice (~1,100 tokens)
QUOTE_PAIRS = ((",,", "''"), ("‘", "’"), ("“", "”"), ('"', '"'), ("„", "“"), ("'", "'"))
WRAP_RATE = 0.2  # share of sentences copied inside quote marks
SAID_RATE = 0.1  # share copied as ``,,…'', zei hij.``
SAID_VERBS = (("zei", "zeggen"), ("zegt", "zeggen"), ("stelt", "stellen"), ("aldus", None), ("meldt", "melden"),
              ("benadrukte", "benadrukken"), ("vertelde", "vertellen"), ("verklaarde", "verklaren"))
SAID_SUBJECTS = (("hij",), ("zij",), ("ze",), ("Rutte",), ("Wilders",), ("de", "minister"), ("de", "woordvoerder"),
                 ("Mark", "Rutte"), ("Hugo", "de", "Jonge"), ("Sigrid", "Kaag"), ("de", "politie"))
HELDOUT_IDS = "heldout/dpg-quotes-figures-ids.txt"


def log(*a: object) -> None:
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- conllu -> Doc
def read_conllu(path: Path, vocab, *, normalise: bool = True) -> list:
    """One spaCy ``Doc`` per sentence of a CoNLL-U file (spaCy's own converter), lemmas normalised."""
    from spacy.training.converters import conllu_to_docs

    text = path.read_text(encoding="utf-8")
    docs = list(conllu_to_docs(text, n_sents=1, merge_subtokens=True, no_print=True))
    if normalise:
        for doc in docs:
            for tok in doc:
                tok.lemma_ = normalise_lemma(tok.lemma_)
    # The converter builds docs in its own vocab; rebuild them in ours so the DocBin strings agree.
    return [_copy_doc(d, vocab) for d in docs] if vocab is not None else docs


def _copy_doc(doc, vocab, *, before: tuple[tuple, ...] = (), after: tuple[tuple, ...] = ()):
    """``doc`` as a new Doc in ``vocab``, with extra tokens (text, space, pos, lemma, head, dep, tag) added
    before/after; an extra token's head is an index into the original doc, or ``"root"``, or ``("new", i)``
    for the i-th added token counted over before+after."""
    from spacy.tokens import Doc

    root = next(t.i for t in doc if t.head.i == t.i)
    nb = len(before)
    added = list(before) + list(after)

    def where(spec, own: int) -> int:
        if spec == "root":
            return root + nb
        if isinstance(spec, tuple):
            i = spec[1]
            return i if i < nb else nb + len(doc) + (i - nb)
        return spec + nb

    words, spaces, pos, lemmas, heads, deps, tags, morphs = [], [], [], [], [], [], [], []
    for j, (text, space, p, lemma, head, dep, tag) in enumerate(before):
        words.append(text); spaces.append(space); pos.append(p); lemmas.append(lemma)
        heads.append(where(head, j)); deps.append(dep); tags.append(tag); morphs.append("")
    for t in doc:
        words.append(t.text); spaces.append(bool(t.whitespace_)); pos.append(t.pos_); lemmas.append(t.lemma_)
        heads.append(t.head.i + nb); deps.append(t.dep_); tags.append(t.tag_); morphs.append(str(t.morph))
    if after and spaces:
        spaces[-1] = spaces[-1] and not after[0][0] in ("''", "’", "”", '"', "“", "'", ",", ".")
    for j, (text, space, p, lemma, head, dep, tag) in enumerate(after):
        words.append(text); spaces.append(space); pos.append(p); lemmas.append(lemma)
        heads.append(where(head, nb + j)); deps.append(dep); tags.append(tag); morphs.append("")
    return Doc(vocab, words=words, spaces=spaces, pos=pos, lemmas=lemmas, heads=heads, deps=deps, tags=tags,
               morphs=morphs, sent_starts=[True] + [False] * (len(words) - 1))


def quote_variants(docs: list, vocab, seed: int = 0) -> list:
    """Augmented copies: sentences inside Dutch quote marks, and ``,,…'', zei X.``."""
    rng = random.Random(seed)
    out = []
    for doc in docs:
        if len(doc) < 4 or doc[-1].text not in (".", "!", "?"):
            continue
        roots = [t for t in doc if t.head.i == t.i]
        if len(roots) != 1 or doc[0].is_punct:
            continue
        r = rng.random()
        if r < WRAP_RATE:
            op, cl = rng.choice(QUOTE_PAIRS)
            out.append(_copy_doc(doc, vocab, before=((op, False, "PUNCT", op, "root", "punct", "LET"),),
                                 after=((cl, True, "PUNCT", cl, "root", "punct", "LET"),)))
        elif r < WRAP_RATE + SAID_RATE and doc[-1].text == ".":
            op, cl = rng.choice(QUOTE_PAIRS[:3])
            verb, vlemma = rng.choice(SAID_VERBS)
            subj = rng.choice(SAID_SUBJECTS)
            body = doc[:-1].as_doc()
            nb = 1  # index of the first ``after`` token in before+after numbering
            v = nb + 2  # the verb
            # As the treebank has them: ``zei`` parataxis of the quote's root with the speaker its nsubj; in
            # ``aldus X`` the speaker is the parataxis and ``aldus`` (ADV) its ``case``; the comma on that head.
            head = v if vlemma else v + 1 + _name_head(subj)
            after = [(cl, False, "PUNCT", cl, "root", "punct", "LET"),
                     (",", True, "PUNCT", ",", ("new", head), "punct", "LET")]
            if vlemma is None:
                after.append((verb, True, "ADV", verb, ("new", head), "case", "BW"))
            else:
                after.append((verb, True, "VERB", vlemma, "root", "parataxis", "WW|pv|tgw|ev"))
            after.extend(_subject_tokens(subj, v + 1, ("new", v) if vlemma else "root",
                                         "nsubj" if vlemma else "parataxis"))
            last = after[-1]
            after[-1] = (last[0], False) + last[2:]
            after.append((".", False, "PUNCT", ".", "root", "punct", "LET"))
            out.append(_copy_doc(body, vocab, before=((op, False, "PUNCT", op, "root", "punct", "LET"),),
                                 after=tuple(after)))
    return out


def _name_head(subj: tuple[str, ...]) -> int:
    return 1 if subj[0] == "de" else 0


def _subject_tokens(subj: tuple[str, ...], first: int, head, dep: str) -> list[tuple]:
    """The speaker tokens: a pronoun, ``de`` + noun, or a name (first word head, the rest ``flat``)."""
    if len(subj) == 1:
        pos = "PRON" if subj[0].islower() else "PROPN"
        return [(subj[0], True, pos, subj[0].lower() if pos == "PRON" else subj[0], head, dep, "X")]
    if subj[0] == "de":
        return [("de", True, "DET", "de", ("new", first + 1), "det", "LID|bep|stan|rest"),
                (subj[1], True, "NOUN", subj[1], head, dep, "N|soort|ev|basis|zijd|stan")]
    toks = [(subj[0], True, "PROPN", subj[0], head, dep, "SPEC|deeleigen")]
    toks += [(w, True, "PROPN", w, ("new", first), "flat", "SPEC|deeleigen") for w in subj[1:]]
    return toks


def build_corpora(ud: Path, work: Path, *, augment: bool, seed: int = 0) -> tuple[Path, Path, int, int]:
    """train.spacy and dev.spacy (DocBin) in ``work``; returns their paths and sizes (sentences)."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("nl")
    train, dev = [], []
    for name in TRAIN_FILES:
        docs = read_conllu(ud / name, nlp.vocab)
        if name.startswith("nl_alpino"):
            dev.extend(d for i, d in enumerate(docs) if i % DEV_EVERY == 0)
            docs = [d for i, d in enumerate(docs) if i % DEV_EVERY != 0]
        train.extend(docs)
    n_plain = len(train)
    if augment:
        train.extend(quote_variants(train, nlp.vocab, seed=seed))
    log(f"train: {n_plain} sentences + {len(train) - n_plain} quote-mark copies; dev slice: {len(dev)}")
    paths = work / "train.spacy", work / "dev.spacy"
    DocBin(docs=train, store_user_data=False).to_disk(paths[0])
    DocBin(docs=dev, store_user_data=False).to_disk(paths[1])
    return paths[0], paths[1], len(train), len(dev)


# --------------------------------------------------------------------------- static vectors
_WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)


def unlabelled_sentences(data: Path) -> list[list[str]]:
    """Lower-cased token lists of unlabelled Dutch news: DPG 2019 (held-out ids excluded), CoNLL-2002 Dutch
    words, and the UD training sentences."""
    heldout_path = data / HELDOUT_IDS
    if not heldout_path.exists():
        heldout_path = data.parent / HELDOUT_IDS
    heldout = set(heldout_path.read_text().split()) if heldout_path.exists() else None
    if heldout is None:
        raise SystemExit(f"held-out id list {HELDOUT_IDS} not found next to {data}: refusing to read DPG text")
    sents: list[list[str]] = []
    dpg = data / "dpgmedia2019-partisan-nl" / "dpgMedia2019-articles-byarticle-all.jsonl"
    if dpg.exists():
        with open(dpg, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if str(rec.get("id")) in heldout:
                    continue
                for para in (str(rec.get("title", "")) + "\n" + str(rec.get("text", ""))).split("\n"):
                    toks = _WORD.findall(para.lower())
                    if toks:
                        sents.append(toks)
    conll = data / "conll2002-nl" / "ned.train"
    if conll.exists():
        cur: list[str] = []
        for line in conll.read_text(encoding="latin-1").splitlines():
            parts = line.split()
            if not parts or parts[0] == "-DOCSTART-":
                if cur:
                    sents.append(cur)
                cur = []
            else:
                cur.append(parts[0].lower())
        if cur:
            sents.append(cur)
    for name in TRAIN_FILES:
        cur = []
        for line in (data / "ud-dutch" / name).read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) == 10 and cols[0].isdigit():
                cur.append(cols[1].lower())
            elif not line.strip() and cur:
                sents.append(cur)
                cur = []
    return sents


def ppmi_svd_vectors(sents: list[list[str]], *, rows: int, dims: int, window: int = 2, seed: int = 0):
    """(words, float32 matrix): SVD of the positive PMI of each frequent word's neighbours (±window, weighted
    1/distance), with context-distribution smoothing (alpha 0.75); rows L2-normalised."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from sklearn.utils.extmath import randomized_svd

    freq = Counter(w for s in sents for w in s)
    words = [w for w, _ in freq.most_common(rows)]
    index = {w: i for i, w in enumerate(words)}
    ri, ci, vals = [], [], []
    for s in sents:
        ids = [index.get(w, -1) for w in s]
        for i, a in enumerate(ids):
            if a < 0:
                continue
            for d in range(1, window + 1):
                for j in (i - d, i + d):
                    if 0 <= j < len(ids) and ids[j] >= 0:
                        ri.append(a); ci.append(ids[j]); vals.append(1.0 / d)
    n = len(words)
    m = coo_matrix((np.asarray(vals, dtype=np.float64), (ri, ci)), shape=(n, n)).tocsr()
    m.sum_duplicates()
    total = m.sum()
    row = np.asarray(m.sum(axis=1)).ravel()
    col = np.asarray(m.sum(axis=0)).ravel() ** 0.75
    col_p = col / col.sum()
    m = m.tocoo()
    pmi = np.log((m.data / total) / ((row[m.row] / total) * col_p[m.col]))
    keep = pmi > 0
    ppmi = coo_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=(n, n)).tocsr()
    u, s, _ = randomized_svd(ppmi, n_components=dims, random_state=seed)
    vec = u * np.sqrt(s)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-8
    return words, vec.astype(np.float32)


def build_vectors(data: Path, out: Path, *, rows: int, dims: int) -> Path:
    """A blank Dutch pipeline holding the static vectors, for ``[initialize] vectors``."""
    import spacy
    from spacy.vectors import Vectors

    sents = unlabelled_sentences(data)
    log(f"vectors: {len(sents)} sentences, {sum(map(len, sents))} tokens of unlabelled text")
    words, mat = ppmi_svd_vectors(sents, rows=rows, dims=dims)
    nlp = spacy.blank("nl")
    nlp.vocab.vectors = Vectors(data=mat, keys=[nlp.vocab.strings.add(w) for w in words], attr="NORM")
    for w in words:
        nlp.vocab[w]
    nlp.to_disk(out)
    log(f"vectors: {len(words)} words x {dims} dims -> {out}")
    return out


# --------------------------------------------------------------------------- config and training
def make_config(train: Path, dev: Path, *, epochs: int, vectors: Path | None, width: int, depth: int,
                parser_hidden: int = 128, lemmatizer: bool = True, seed: int = 0):
    from spacy.cli.init_config import init_config

    pipeline = ["morphologizer", "trainable_lemmatizer", "parser"] if lemmatizer else ["morphologizer", "parser"]
    cfg = init_config(lang="nl", pipeline=pipeline, optimize="efficiency", gpu=False)
    cfg["paths"]["train"] = str(train)
    cfg["paths"]["dev"] = str(dev)
    cfg["paths"]["vectors"] = str(vectors) if vectors else None
    cfg["system"]["seed"] = seed
    t = cfg["training"]
    t["max_epochs"] = epochs
    t["max_steps"] = 0
    t["patience"] = 0
    t["eval_frequency"] = 400
    t["optimizer"]["use_averages"] = True  # parameter averaging: steadier on a small treebank
    t["score_weights"] = {"pos_acc": 0.25, "morph_acc": 0.05, "lemma_acc": 0.2, "dep_uas": 0.1, "dep_las": 0.4,
                          "morph_per_feat": None, "dep_las_per_type": None, "sents_p": None, "sents_r": None,
                          "sents_f": 0.0}
    enc = cfg["components"]["tok2vec"]["model"]["encode"]
    enc["width"] = width
    enc["depth"] = depth
    embed = cfg["components"]["tok2vec"]["model"]["embed"]
    embed["include_static_vectors"] = vectors is not None
    embed["rows"] = [10000, 2000, 5000, 1000]
    cfg["components"]["parser"]["min_action_freq"] = 5  # rare relations (ccomp, csubj) are what quotes need
    cfg["components"]["parser"]["model"]["hidden_width"] = parser_hidden
    if lemmatizer:
        cfg["components"]["trainable_lemmatizer"]["min_tree_freq"] = 2
    else:
        t["score_weights"].pop("lemma_acc")
    return cfg


def train(data: Path, out: Path, *, epochs: int, use_vectors: bool, augment: bool, threads: int,
          width: int, depth: int, vector_rows: int, vector_dims: int, parser_hidden: int = 128,
          lemmatizer: bool = True, seed: int = 0) -> Path:
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)  # numpy/scipy BLAS (the SVD); spaCy's blis kernels run on one thread
    import spacy
    from spacy.cli.train import train as spacy_train

    spacy.util.fix_random_seed(seed)
    ud = data / "ud-dutch"
    with tempfile.TemporaryDirectory(prefix="storyline-syntax-") as tmp:
        work = Path(tmp)
        train_path, dev_path, _, _ = build_corpora(ud, work, augment=augment, seed=seed)
        vectors = build_vectors(data, work / "vectors", rows=vector_rows, dims=vector_dims) if use_vectors else None
        cfg = make_config(train_path, dev_path, epochs=epochs, vectors=vectors, width=width, depth=depth,
                          parser_hidden=parser_hidden, lemmatizer=lemmatizer, seed=seed)
        cfg_path = work / "config.cfg"
        cfg.to_disk(cfg_path)
        started = time.time()
        spacy_train(cfg_path, work / "output", use_gpu=-1)
        minutes = (time.time() - started) / 60
        log(f"trained in {minutes:.1f} min")
        best = work / "output" / "model-best"
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
    strip_model(out)
    scores = score_syntax(data, out)  # the held-out report, written beside the model (nothing is chosen on it)
    args = re.sub(r"\s*--out \S+", "", " ".join(sys.argv[1:]))
    write_readme(out, args=args, epochs=epochs, seed=seed, width=width, depth=depth,
                 hidden=parser_hidden, augment=augment, minutes=minutes, scores=scores,
                 vectors=f"{vector_rows} rows x {vector_dims} dims" if use_vectors else None)
    log("held out: " + json.dumps({k: round(v, 4) for k, v in scores.items() if isinstance(v, float)}))
    log(f"model -> {out} ({dir_size(out) / 1e6:.1f} MB)")
    return out


def strip_model(path: Path) -> None:
    """Drop what parsing does not read: the training config's corpus paths stay as they are (text only), the
    vectors' key table is kept, the lookups of a blank vocabulary are empty already."""
    cfg = path / "config.cfg"
    if cfg.exists():  # the training run's temporary corpus and vector paths mean nothing once it is gone
        text = cfg.read_text()
        text = re.sub(r'^(train|dev|vectors) = ".*"$', r"\1 = null", text, count=3, flags=re.M)
        cfg.write_text(text)
    meta = path / "meta.json"
    if meta.exists():
        info = json.loads(meta.read_text())
        info["name"] = "syntax_nl"
        info["version"] = "0.1.0"
        info["description"] = ("Dutch tagger/morphologiser/lemmatiser/dependency parser trained on UD Dutch "
                               "Alpino+LassySmall (dev+test less Alpino test); CC BY-SA 4.0")
        info["license"] = "CC BY-SA 4.0"
        info["sources"] = [{"name": "UD Dutch Alpino", "url": "https://github.com/UniversalDependencies/UD_Dutch-Alpino",
                            "license": "CC BY-SA 4.0"},
                           {"name": "UD Dutch LassySmall",
                            "url": "https://github.com/UniversalDependencies/UD_Dutch-LassySmall",
                            "license": "CC BY-SA 4.0"}]
        meta.write_text(json.dumps(info, indent=2, ensure_ascii=False))


README = """\
# syntax-nl: Storyline's Dutch syntax model

A spaCy {spacy} pipeline ({pipeline}) for Dutch: universal part of speech and morphological features,
lemmas{lemma_note}, and Universal Dependencies trees. Storyline loads it in `storyline.enrich.syntax`.

## Source data and licence

Trained on the Universal Dependencies Dutch treebanks, CC BY-SA 4.0; this model is a derived work under the
same licence:

* UD Dutch Alpino (github.com/UniversalDependencies/UD_Dutch-Alpino), dev section: news;
* UD Dutch LassySmall (github.com/UniversalDependencies/UD_Dutch-LassySmall), dev and test sections: Wikipedia.

Gosse Bouma and Gertjan van Noord, *Increasing return on annotation investment: the automatic construction of a
Universal Dependency treebank for Dutch*, UD workshop 2017; Gertjan van Noord et al., *Large scale syntactic
annotation of written Dutch: Lassy*, 2013. Every 10th Alpino dev sentence is the checkpoint-selection slice;
`nl_alpino-ud-test.conllu` (news) is held out and never trained or tuned on.
{vectors_note}
## Recipe

    make train-syntax        # = python -m storyline.eval.train_syntax {args}

{epochs} epochs, seed {seed}, tok2vec width {width} depth {depth}, parser hidden width {hidden}; quote-mark
augmentation ({augment}). Trained in {minutes:.0f} min on a shared 2-core AMD EPYC.

## Figures (held out: UD Dutch Alpino test, {words} words, gold tokenisation)

| UPOS | lemma | UAS | LAS | LAS (universal labels) | parse speed |
|---|---|---|---|---|---|
| {upos:.3f} | {lemma:.3f} | {uas:.3f} | {las:.3f} | {las_universal:.3f} | {sps:.0f} sentences/s (one core, shared machine) |

Reproduce: `storyline eval syntax` (`--model DIR` for another copy). All words count, punctuation included;
LAS compares full labels (`obl:arg`, `nsubj:pass`). Lemmas are scored without Alpino's compound separators.
"""


def write_readme(out: Path, *, args: str, epochs: int, seed: int, width: int, depth: int, hidden: int,
                 augment: bool, vectors: str | None, minutes: float, scores: dict) -> None:
    import spacy

    nlp_meta = json.loads((out / "meta.json").read_text())
    pipeline = " -> ".join(nlp_meta.get("pipeline", []))
    lemma_note = "" if "trainable_lemmatizer" in nlp_meta.get("pipeline", []) else \
        " (from the simplemma dictionary, by `storyline.enrich.syntax.lemma_of`)"
    vectors_note = (f"\nStatic vectors: {vectors} (PPMI + SVD of word neighbours in unlabelled Dutch news: DPG Media "
                    "2019 articles less the held-out ids, CoNLL-2002 Dutch text, the training sentences).\n"
                    if vectors else "")
    (out / "README.md").write_text(README.format(
        spacy=spacy.__version__, pipeline=pipeline, lemma_note=lemma_note, vectors_note=vectors_note, args=args,
        epochs=epochs, seed=seed, width=width, depth=depth, hidden=hidden, augment="on" if augment else "off",
        minutes=minutes, words=scores["words"], upos=scores["upos"], lemma=scores["lemma"], uas=scores["uas"],
        las=scores["las"], las_universal=scores["las_universal"], sps=scores["sentences_per_second"]),
        encoding="utf-8")


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    from storyline.settings import data_dir

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=None, help="shared data directory (holds ud-dutch/)")
    p.add_argument("--out", default=None, help="model directory (default: the package's trained_models/syntax-nl)")
    p.add_argument("--epochs", type=int, default=7)
    p.add_argument("--vectors", action="store_true", help="train and include static vectors")
    p.add_argument("--vector-rows", type=int, default=20000)
    p.add_argument("--vector-dims", type=int, default=100)
    p.add_argument("--no-augment", action="store_true")
    p.add_argument("--width", type=int, default=96)
    p.add_argument("--depth", type=int, default=4)
    p.add_argument("--parser-hidden", type=int, default=128)
    p.add_argument("--no-lemmatizer", action="store_true", help="leave lemmas to simplemma (no trained lemmatiser)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    data = data_dir(a.data)
    out = Path(a.out) if a.out else Path(__file__).resolve().parent.parent / "trained_models" / "syntax-nl"
    train(data, out, epochs=a.epochs, use_vectors=a.vectors, augment=not a.no_augment, threads=a.threads,
          width=a.width, depth=a.depth, vector_rows=a.vector_rows, vector_dims=a.vector_dims,
          parser_hidden=a.parser_hidden, lemmatizer=not a.no_lemmatizer, seed=a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
