"""Positions: what an actor demands, offers, accepts or rejects, with the thing concerned.

Rule-based like :mod:`storyline.enrich.quotes` and for the same reason (no Dutch training
data): the cues are the closed class of stance verbs of each language (``eist``, ``biedt
... aan``, ``stemt in met``, ``weigert``; ``demands``, ``rejects``; ``fordert``, ``lehnt
... ab``), found in three clause shapes:

* main clause, subject first: ``Rusland eist een neutrale status van Oekraïne.``
* inversion: ``Daarnaast eist Rusland dat ...``;
* verb last (perfect tense, subordinate clause): ``Kiev heeft het voorstel verworpen.``,
  ``... dat Moskou de eis afwijst.``

The actor is the subject noun phrase, resolved like a quote's speaker (names, surnames to
full names, pronouns to the current subject, roles such as ``de Oekraïense president``
to the person the article gives that role); ``we``/``wij`` inside a direct quote is the
quote's speaker. A negated demand or acceptance (``wil geen``, ``aanvaardt niet``) is a
rejection. The object is the rest of the clause without the verb's particle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

# The quote module's tokenizer, noun-phrase rules and speaker resolution are shared on purpose:
# an actor is found and resolved exactly like a speaker.
from storyline.enrich.quotes import _TIME_WORD, _adjective_like, _Context, _lang, _np_at, _np_ending_at, _tokens, sentence_spans
from storyline.records import Position, Quote

__all__ = ["Position", "extract_positions", "STANCES"]

STANCES = ("demand", "offer", "accept", "reject")


@dataclass(frozen=True)
class _Cue:
    stance: str
    particle: str | None = None  # separable particle that must complete the verb (biedt ... aan)
    prep: str | None = None  # preposition introducing the object (stemt in met X, vraagt om X)
    needs_prep: bool = False  # the verb is a stance verb only with its preposition (vraagt om)


def _cues(spec: dict[str, list[str]]) -> dict[str, _Cue]:
    out: dict[str, _Cue] = {}
    for key, forms in spec.items():
        stance, _, rest = key.partition(":")
        particle = prep = None
        needs = False
        for part in rest.split(",") if rest else []:
            name, _, val = part.partition("=")
            if name == "part":
                particle = val
            elif name == "prep":
                prep = val
            elif name == "needprep":
                prep, needs = val, True
        for form in forms:
            for f in form.split():
                out[f] = _Cue(stance, particle, prep, needs)
    return out


# Finite forms (present and past, singular and plural) of each stance verb; participles are
# listed apart because they close a verb-last clause. Grammar of the language, not of a corpus.
_FINITE = {
    "nl": _cues({
        "demand": ["eist eisen eiste eisten", "wil willen wilde wilden wou", "verlangt verlangen verlangde verlangden"],
        "demand:needprep=om": ["vraagt vragen vroeg vroegen"],
        "demand:part=in,needprep=op": ["zet zetten zette"],
        "demand:part=op,prep=tot": ["roept roepen riep riepen"],
        "demand:part=aan,needprep=op": ["dringt dringen drong drongen"],
        "demand:part=vast,prep=aan": ["houdt houden hield hielden"],
        "offer:part=aan": ["biedt bieden bood boden"],
        "offer:part=voor": ["stelt stellen stelde stelden"],
        "accept:part=in,prep=met": ["stemt stemmen stemde stemden"],
        "accept:part=akkoord,prep=met": ["gaat gaan ging gingen"],
        "accept": ["aanvaardt aanvaarden aanvaardde aanvaardden accepteert accepteren accepteerde accepteerden"],
        "reject": ["weigert weigeren weigerde weigerden verwerpt verwerpen verwierp verwierpen"],
        "reject:part=af": ["wijst wijzen wees wezen"],
        "reject:part=uit": ["sluit sluiten sloot sloten"],
    }),
    "en": _cues({
        "demand": ["demands demand demanded insists insisted"],
        "demand:needprep=for": ["calls call called"],
        "offer": ["offers offer offered proposes propose proposed"],
        "accept": ["accepts accept accepted"],
        "accept:needprep=to": ["agrees agree agreed"],
        "reject": ["rejects reject rejected refuses refuse refused dismisses dismissed"],
        "reject:part=out": ["rules rule ruled"],
    }),
    "de": _cues({
        "demand": ["fordert fordern forderte forderten verlangt verlangen verlangte verlangten"],
        "offer:part=an": ["bietet bieten bot boten"],
        "offer:part=vor": ["schlägt schlagen schlug schlugen"],
        "accept": ["akzeptiert akzeptieren akzeptierte akzeptierten"],
        "accept:part=zu": ["stimmt stimmen stimmte stimmten"],
        "reject:part=ab": ["lehnt lehnen lehnte lehnten"],
        "reject:part=zurück": ["weist weisen wies wiesen"],
        "reject": ["verweigert verweigern verweigerte verweigerten weigert weigern weigerte weigerten"],
    }),
}
_PARTICIPLES = {
    "nl": _cues({
        "demand": ["geëist geeist verlangd"],
        "demand:needprep=om": ["gevraagd"],
        "offer": ["aangeboden voorgesteld"],
        "accept": ["ingestemd aanvaard geaccepteerd"],
        "reject": ["geweigerd verworpen afgewezen uitgesloten"],
        # verb-last finite forms of separable verbs ("... dat Kiev het voorstel afwijst")
        "offer:x=": ["aanbiedt aanbieden aanbood voorstelt voorstelde"],
        "accept:x=": ["instemt instemmen instemde aanvaardt accepteert"],
        "reject:x=": ["afwijst afwijzen afwees uitsluit weigert verwerpt"],
        "demand:x=": ["eist eisen eiste verlangt"],
    }),
    "en": {},
    "de": _cues({
        "demand": ["gefordert verlangt"],
        "offer": ["angeboten vorgeschlagen"],
        "accept": ["akzeptiert zugestimmt"],
        "reject": ["abgelehnt zurückgewiesen verweigert"],
        "offer:x=": ["anbietet anbot vorschlägt"],
        "accept:x=": ["zustimmt zustimmte"],
        "reject:x=": ["ablehnt ablehnte zurückweist"],
        "demand:x=": ["fordert forderte"],
    }),
}
_NEGATION = {"nl": {"niet", "geen"}, "en": {"not", "no", "n't"}, "de": {"nicht", "kein", "keine", "keinen"}}
_AUX = {
    "nl": set("heeft hebben had hadden is zijn was waren zal zullen zou zouden wil wilde willen kan kon moet "
              "moeten".split()),
    "en": set(),
    "de": set("hat haben hatte hatten ist sind war waren wird werden wurde wurden will wollte kann konnte "
              "muss musste soll sollte".split()),
}
_FIRST_PERSON = {"nl": {"we", "wij", "ik"}, "en": {"we", "i"}, "de": {"wir", "ich"}}
# Words that start the next clause and so end an object ("..., maar Kiev weigert").
_CLAUSE_START = {
    "nl": set("maar terwijl omdat want hoewel nadat zodat aldus zei zegt zeggen meldt meldde".split()),
    "en": set("but while because although after said says according".split()),
    "de": set("aber während weil obwohl nachdem sagte sagt hieß so".split()),
}
_WH = {"nl": set("wat wie welke waarom hoe"), "en": set(), "de": set()}
_WH["nl"] = set("wat wie welke waarom hoe".split())
_WH["en"] = set("what who which why how".split())
_WH["de"] = set("was wer welche warum wie".split())
_EDGE = " \t\n,;:.!?…-–—\"'“”„‘’‚«»‹›()[]"
# Clauses: cut at semicolons, dashes, colons and a comma before a coordinating conjunction
# ("..., maar de bewoners weigeren ..."), each clause with its own subject.
_CLAUSE_BREAK = re.compile(r";\s|\s[–—]\s|:\s|,\s+(?=(?:maar|en|want|but|and|aber|und|denn|sondern)\s)")
_CONJ = {"maar", "en", "want", "but", "and", "aber", "und", "denn", "sondern"}
# Sentence adverbs: before the verb they make the subject follow it (inversion), after the verb
# they stand between it and its particle. Closed class of each language.
_ADVERBS = set("""daarnaast bovendien ook toch nu nog wel echter opnieuw inmiddels intussen ondertussen daarom dan
    zelf eerder al tegelijk tegelijkertijd vervolgens eveneens desondanks sindsdien voorlopig eerst later
    nogmaals uitdrukkelijk expliciet
    also still now again meanwhile however further
    auch nun noch jetzt erneut weiterhin bereits schon zudem außerdem inzwischen dennoch deshalb ebenfalls""".split())
_QUANTIFIERS = set("""veel vele enkele sommige meerdere diverse talloze alle iedereen niemand een
    many some several all everyone nobody a an viele einige manche mehrere alle jeder niemand ein eine""".split())
_MODAL_WANT = {"wil", "willen", "wilde", "wilden", "wou", "will", "wollen", "wollte", "wollten"}
_DEFINITE = {"nl": {"de", "het", "deze", "dit", "die"}, "en": {"the"},
             "de": {"der", "die", "das", "den", "dem", "des"}}
_QUOTE_TOKENS = set("\"'“”„‘’‚«»‹›")
_MAX_OBJECT_TOKENS = 30
_LEAD = re.compile(r"^(?:om|to|zu)\s+(?=\S+\s)", re.IGNORECASE)  # "biedt aan om te praten" -> "te praten"


def extract_positions(text: str, lang: str | None = "nl", mentions: Sequence | None = None,
                      quotes: Sequence[Quote] | None = None) -> list[Position]:
    """Stances (demand, offer, accept, reject) of named actors in ``text``.

    Args:
        text: the article text.
        lang: ``nl``, ``en`` or ``de``; other languages have no stance lexicon and give no positions.
        mentions: NER mentions (``text, type, start, end``) used to name actors.
        quotes: the article's quotes; ``we``/``ik`` inside a direct quote is its speaker.

    Returns:
        Positions in text order; at most one per verb.

    >>> [(p.actor, p.stance, p.object) for p in extract_positions("Noorwegen verwerpt het visquotum.", "nl")]
    [('Noorwegen', 'reject', 'het visquotum')]
    """
    if not text or not text.strip():
        return []
    L = _lang(lang)
    if L.code not in _FINITE:
        return []  # no stance verbs of this language (fr, es, it): nothing rather than another language's rules
    finite, final = _FINITE[L.code], _PARTICIPLES[L.code]
    # cheap pre-filter: most articles and sentences carry no stance verb at all
    cue_re = _cue_re(L.code)
    cues = [m.start() for m in cue_re.finditer(text)]
    if not cues:
        return []
    sents = sentence_spans(text)
    ctx = None
    direct = [q for q in (quotes or []) if q.kind == "direct" and q.speaker]
    out: list[Position] = []
    ci = 0
    for si, (s, e) in enumerate(sents):
        while ci < len(cues) and cues[ci] < s:
            ci += 1
        if ci >= len(cues):
            break
        if cues[ci] >= e:
            continue
        if ctx is None:
            ctx = _Context(text, mentions or [], sents, L)
        sentence = text[s:e]
        for c_s, c_e in _clauses(text, s, e):
            toks = [t for t in _tokens(text, c_s, c_e) if t[0] not in _QUOTE_TOKENS]
            if toks and toks[0][0].lower() in _CONJ:
                toks = toks[1:]
            for k, (w, ws, _) in enumerate(toks):
                lw = w.lower()
                hit = None
                if lw in final and _closes_clause(toks, k):
                    hit = _verb_last(toks, k, final[lw], L)
                if hit is None and lw in finite:
                    hit = _verb_second(toks, k, finite[lw], L)
                if hit is None:
                    continue
                a_s, a_e, stance, obj = hit
                actor_text = text[toks[a_s][1]:toks[a_e - 1][2]]
                actor, atype = _actor(actor_text, toks[a_s][1], toks[a_e - 1][2], si, ws, ctx, direct, L)
                obj = _LEAD.sub("", obj.strip(_EDGE))
                if actor is None or len(obj.split()) < 1 or len(obj) < 3:
                    continue
                out.append(Position(actor, actor_text, atype, stance, obj, w, sentence.strip(), ws))
    return out


_CUE_RES: dict[str, re.Pattern] = {}


def _cue_re(code: str) -> re.Pattern:
    got = _CUE_RES.get(code)
    if got is None:
        words = sorted(set(_FINITE[code]) | set(_PARTICIPLES[code]), key=len, reverse=True)
        got = _CUE_RES[code] = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)
    return got


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, pos = [], s
    for m in _CLAUSE_BREAK.finditer(text, s, e):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, e))
    return out


def _closes_clause(toks, k: int) -> bool:
    """The verb is the last word of its clause (only punctuation or a comma clause follows)."""
    return k + 1 >= len(toks) or not toks[k + 1][0][0].isalnum()


def _clause_end(toks, i: int, L) -> int:
    """Index where the clause that continues at ``i`` ends (comma before a new clause, or the end)."""
    n = len(toks)
    j = i
    while j < n and j - i < _MAX_OBJECT_TOKENS:
        t = toks[j][0]
        if t in (".", "!", "?", ";", "(") or t in ("“", "”", '"', "„", "«", "»"):
            break
        if t == "," and j + 1 < n and toks[j + 1][0].lower() in _CLAUSE_START[L.code]:
            break
        if t == "," and j + 1 < n and toks[j + 1][0].lower() in L.verbs:
            break  # "..., zei hij": the reporting tail is not part of the object
        j += 1
    return j


def _span_text(toks, idx: list[int]) -> str:
    if not idx:
        return ""
    # rebuilt from tokens: the object may skip words (a negation, the verb in the middle)
    words = [toks[i][0] for i in idx]
    out = words[0]
    for w in words[1:]:
        out += w if w in ",.;:!?)" else " " + w
    return out


def _verb_second(toks, k: int, cue: _Cue, L) -> tuple[int, int, str, str] | None:
    """Subject + finite stance verb (+ object), subject first or inverted."""
    comp = None
    for j in range(k - 1, -1, -1):
        if toks[j][0] == ",":
            break  # the complementiser must open the verb's own clause
        if toks[j][0].lower() in L.comp:
            comp = j
            break
    st = _np_ending_at(toks, k, L)
    if comp is not None and comp + 1 < k:
        # subordinate clause with a modal in the middle: "dat Moskou een akkoord wil vinden met Kiev"
        a_s = comp + 1
        a_e = _subject_end(toks, a_s, k, L)
        if a_e <= a_s:
            return None
        obj_start = k + 1
        pre = list(range(a_e, k))
    elif st >= 0 and toks[st][0].lower() not in _ADVERBS:
        a_s, a_e = st, _subject_end(toks, st, k, L)
        obj_start = k + 1
    else:
        # inversion: "Daarnaast eist Rusland ...", only after a clause-initial adverbial, not a question
        if k == 0 or toks[0][0].lower() in _WH[L.code]:
            return None
        a_s, a_e = k + 1, _subject_end(toks, k + 1, len(toks), L)
        if a_e <= a_s:
            return None
        obj_start = a_e
    if comp is None or comp + 1 >= k:
        pre = []
    end = _clause_end(toks, obj_start, L)
    body = pre + list(range(obj_start, end))
    body = _skip_adverbs(toks, body)
    words = [toks[i][0].lower() for i in body]
    stance = cue.stance
    # negation right after the verb (or the inverted subject): "wil geen", "aanvaardt niet"
    negated = bool(words) and words[0] in _NEGATION[L.code]
    if negated:
        if stance in ("demand", "accept"):
            stance = "reject"
        else:
            return None
        if words[0] in ("niet", "not", "nicht"):
            body = _skip_adverbs(toks, body[1:])
            words = [toks[i][0].lower() for i in body]
    if cue.particle:
        if cue.particle in words[:1]:
            body, words = body[1:], words[1:]  # "biedt aan om te ...", "stemt in met ..."
        elif words and words[-1] == cue.particle:
            body, words = body[:-1], words[:-1]  # "biedt Oekraïne een bestand aan"
        elif cue.particle in words:
            # "lehnt ab, dass ...": the particle closes the main clause before a complement
            i = words.index(cue.particle)
            if i + 1 < len(words) and toks[body[i + 1]][0] == ",":
                body, words = body[:i] + body[i + 2:], words[:i] + words[i + 2:]
            else:
                return None
        else:
            return None
    if cue.prep:
        if words[:1] == [cue.prep]:
            body, words = body[1:], words[1:]
        elif cue.needs_prep and cue.prep not in words[:6]:
            return None  # "vraagt om X", "vroeg X om Y"; not "vraagt zich af", "vroeg of"
    if not body:
        return None
    if toks[k][0].lower() in _MODAL_WANT:
        # "wil" as a plain modal of a speech verb says nothing about a position;
        # "wilde ... niet prijsgeven" refuses
        if words and words[-1] in L.verbs:
            return None
        if stance == "demand" and ("niet" in words[:-1] or "nicht" in words[:-1]):
            stance = "reject"
            body = [i for i in body if toks[i][0].lower() not in ("niet", "nicht")]
    return a_s, a_e, stance, _span_text(toks, body)


def _verb_last(toks, k: int, cue: _Cue, L) -> tuple[int, int, str, str] | None:
    """A participle or a subordinate-clause verb at the end: "X heeft Y verworpen", "dat X Y afwijst"."""
    comp = set(L.comp) | {"omdat", "nadat", "weil", "nachdem", "because"}
    # the clause opens at the last complementiser or comma before the verb
    open_ = 0
    for j in range(k - 1, -1, -1):
        if toks[j][0].lower() in comp or toks[j][0] == ",":
            open_ = j + 1
            break
    if open_ >= k:
        return None
    aux = _AUX[L.code]
    if open_ > 0 and toks[open_ - 1][0].lower() in comp:
        a_s = open_
    elif toks[open_][0].lower() in aux:
        a_s = open_ + 1  # "Heeft Rusland ... geëist" (question order): the subject follows
    else:
        a_s = open_
    a_e = _subject_end(toks, a_s, k, L)
    if a_e <= a_s:
        return None
    b = a_e
    # auxiliaries and "zich"/"sich" between the subject and the object
    while b < k and toks[b][0].lower() in aux | {"zich", "sich", "er", "ook", "auch"}:
        b += 1
    if toks[open_][0].lower() not in aux and not (open_ > 0 and toks[open_ - 1][0].lower() in comp):
        # subject-first main clause: it needs an auxiliary right after the subject ("Kiev heeft ...")
        if a_e >= k or toks[a_e][0].lower() not in aux:
            return None
    words = [t[0].lower() for t in toks[b:k]]
    stance = cue.stance
    if words and words[0] in _NEGATION[L.code]:
        if stance in ("demand", "accept"):
            stance = "reject"
        else:
            return None
        if words[0] in ("niet", "nicht"):
            b += 1
            words = words[1:]
    if cue.prep and words[:1] == [cue.prep]:
        b += 1
    elif cue.needs_prep:
        return None
    if b >= k:
        return None
    return a_s, a_e, stance, _span_text(toks, list(range(b, k)))


def _subject_end(toks, s: int, limit: int, L) -> int:
    """End of the subject noun phrase at ``s``: before the verb and before a second determiner
    ("de directie | het bod afwijst")."""
    e = min(_np_at(toks, s, L), limit)
    for j in range(s + 1, e):
        lw = toks[j][0].lower()
        prev = toks[j - 1][0]
        if prev[:1].isupper() and prev.lower() not in L.det and not _adjective_like(prev.lower(), L) and _adjective_like(lw, L) \
                and toks[j][0][:1].isupper():
            return j  # "vroeg Poetin | Oekraïense militairen": a name ends before an adjective of origin
        nxt = toks[j + 1][0] if j + 1 < len(toks) else ""
        # "de directie | het bod", but not the name particle of "Anna de Wit"
        if (lw in L.det and nxt[:1].islower()) or lw in L.pron:
            return j
    return e


def _skip_adverbs(toks, body: list[int]) -> list[int]:
    i = 0
    while i < len(body) and (toks[body[i]][0].lower() in _ADVERBS or _TIME_WORD.match(toks[body[i]][0].lower())):
        i += 1
    return body[i:]


def _actor(phrase: str, start: int, end: int, sent_idx: int, cue_pos: int, ctx: _Context,
           direct: Sequence[Quote], L) -> tuple[str | None, str | None]:
    low = phrase.lower()
    if low in _FIRST_PERSON[L.code]:
        # "we eisen ..." inside a quotation: the speaker's side
        for q in direct:
            if q.start <= cue_pos < q.end:
                return q.speaker, q.speaker_type
        return None, None
    if low in ("het", "dat", "dit", "er", "men", "it", "this", "that", "there", "es", "das", "man", "sie", "they", "ze",
               "zij") and low not in L.pron:
        return None, None
    if low.split()[0] in _QUANTIFIERS:
        return None, None  # "veel bewoners", "some members": an unnamed crowd is no party
    name, typ = ctx.resolve(start, end, sent_idx)
    if name is None:
        return None, None
    if typ is None and not any(w[:1].isupper() for w in phrase.split()) and low not in L.pron \
            and low.split()[0] not in _DEFINITE[L.code]:
        # an indefinite subject ("veel landen", "een bewoner") is no party; names, roles and
        # definite phrases ("de vakbond", "het kabinet") are
        return None, None
    return name, typ


# --------------------------------------------------------------------------- across outlets
# One position reported by several outlets within a few days (different wording of the same
# demand) is one position; the threshold is the quotes' (see storyline.enrich.stages.SAME_QUOTE).
SAME_POSITION = 0.72
SAME_POSITION_DAYS = 3


def merge_reports(rows: list[dict]) -> list[dict]:
    """Rows ``{id, actor, actor_id, stance, object, article_id, date}`` (oldest first) merged into
    the JSON contract ``{id, actor, actor_id, stance, object, articles, date}``, ordered by actor
    then date so that each party's positions read as a timeline."""
    from storyline.enrich.quotes import normalise_quote, quote_similarity

    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        key = (r["actor_id"] if r["actor_id"] is not None else _actor_key(r["actor"]), r["stance"])
        norm = normalise_quote(r["object"])
        bucket = groups.setdefault(key, [])
        for g in bucket:
            if _close_dates(g["date"], r["date"]) and quote_similarity(g["_norm"], norm) >= SAME_POSITION:
                if r["article_id"] not in g["articles"]:
                    g["articles"].append(r["article_id"])
                break
        else:
            bucket.append({"id": r["id"], "actor": r["actor"], "actor_id": r["actor_id"], "stance": r["stance"],
                           "object": r["object"], "articles": [r["article_id"]], "date": r["date"], "_norm": norm})
    out = [g for bucket in groups.values() for g in bucket]
    for g in out:
        del g["_norm"]
        g["articles"].sort()
    out.sort(key=lambda g: (str(g["actor_id"] if g["actor_id"] is not None else g["actor"]).lower(),
                            g["date"] or "", g["id"]))
    return out


def _actor_key(actor: str) -> str:
    import unicodedata

    folded = "".join(c for c in unicodedata.normalize("NFKD", actor.lower()) if not unicodedata.combining(c))
    words = re.findall(r"\w+", folded)
    return words[-1] if words else folded  # "Premier Lena Vos" and "Vos" are one actor


def _close_dates(a: str | None, b: str | None) -> bool:
    if not a or not b or len(a) < 10 or len(b) < 10:
        return True  # an undated report does not block: the actor, stance and words decide
    from datetime import date

    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days) <= SAME_POSITION_DAYS
    except ValueError:
        return a[:7] == b[:7]
