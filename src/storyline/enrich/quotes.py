"""Quotations: direct quotes in any of the usual marks and indirect (reported) speech, each attributed to a
speaker with a confidence.

Rule-based on purpose (no Dutch training set for quotes): the rules are the closed-class grammar of reporting
clauses — reporting verbs, complementisers and om/te-clauses, ``volgens``/``aldus``/``según``/``laut``,
inversion after a quote, a name and a colon — per language (nl, en, de, fr, es, it; any other language gets the
English lists, never the Dutch ones). Where the syntax stage parsed the sentence, the parse vetoes a speaker
phrase it reads as an adverb or determiner and confirms the subject of the cue.

A speaker must be a person or an organisation: a name (NER mention or a capitalised name the article uses as
one), a pronoun resolved to the person the text is about, a role (``de premier``) resolved to the person the
article gives that role, or an organisation/role noun kept as written with ``speaker`` None (unresolved).
Adverbs, determiners, first-person pronouns and unknown capitalised first words are never speakers. A quote
without its own attribution continues the quote before it or belongs to the person the previous sentences are
about. Each quote's ``confidence`` is a calibrated probability from the pattern, the way its speaker was named
and the parse's agreement (``CALIBRATION_*``: a logistic model fitted on the DPG dev set's tune half by
:mod:`storyline.eval.calibrate_quotes`; docs/benchmarks-quotes.md).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import replace
from typing import Sequence

from functools import lru_cache

from storyline.ingest.sentences import sentence_spans as _sentence_spans
from storyline.records import Quote


@lru_cache(maxsize=4)
def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``, cached: quotes, figures and positions of one article split it once.
    Callers must not mutate the returned list."""
    return _sentence_spans(text)

__all__ = ["Quote", "extract_quotes", "normalise_quote", "quote_similarity", "tokens_of", "sentence_spans"]

# Caps and weights of the rules. Set by hand on the German quotation set's dev split, the example corpus and the
# DPG dev labels' tune half (docs/benchmarks-quotes.md); the windows count tokens unless named chars.
MIN_UNATTRIBUTED_WORDS = 5    # a quoted run without a speaker shorter than this is a scare quote or headline bit
MIN_REPORT_CHARS = 10         # "volgens X" / trailing "aldus X" reports shorter than this are not quotes
TRAILING_ATTRIBUTION_TOKENS = 8   # "..., aldus X" closes the sentence: at most this many tokens after the name
COMPLEMENTISER_WINDOW = 14    # "zei (...) dat": the complementiser within this many tokens after the verb
DE_CONTENT_COMMA_WINDOW = 25  # German "So sagte X am Montag, ...": the comma within this many tokens
SUBJECT_GAP_TOKENS = 3        # auxiliaries/adverbs between subject and verb ("Zelensky heeft eerder gezegd")
SUBJECT_PP_TOKENS = 7         # a prepositional phrase between subject and verb ("Minister X von der Kanzlei ...")
APPOSITION_TOKENS = 16        # "Filippo Grandi, hoge commissaris ... (VN), vertelde": apposition length
ROLE_CHARS_BEFORE = 80        # a person's role: the words right before the name, within this many chars ...
ROLE_WORDS_BEFORE = 4         # ... at most this many of them,
ROLE_CHARS_AFTER = 100        # or an apposition after the name within this many chars,
ROLE_WORDS_AFTER = 8          # at most this many words
ROLE_WORDS_INITIAL = 4        # a sentence's subject given by its role: among its first words
# Two reports of one quote (quote_similarity): overlap with the shorter quote, tempered by the longest shared
# run (saturating at RUN_SATURATION words) so that common words alone do not match; the example corpus's
# three wordings of one speech score 0.80-1.0 (docs/benchmarks-quotes.md).
OVERLAP_WEIGHT = 0.6
RUN_WEIGHT = 0.4
RUN_SATURATION = 5


# --------------------------------------------------------------------------- language resources
# Reporting verbs (finite forms and participles). Closed-ish lists of the language, not of any corpus.
_VERBS = {
    "nl": """zei zeiden zegt zeggen gezegd aldus verklaarde verklaarden verklaart verklaard stelt stelde stelden
        gesteld meldt meldde meldden gemeld vertelt vertelde vertelden verteld benadrukte benadrukt benadrukten
        schreef schrijft schreven geschreven twitterde tweette reageerde reageert antwoordde antwoordt
        verzekerde verzekert waarschuwde waarschuwt waarschuwden beweerde beweert beweerden bevestigde
        bevestigt bevestigd ontkende ontkent ontkend erkende erkent concludeerde concludeert
        zegde oordeelt oordeelde suggereerde suggereert onderstreepte onderstreept herhaalde herhaalt
        verkondigde verkondigt kondigde aankondigde aangekondigd voegde liet laat lieten laten gaf geeft
        legde legt sprak spreekt vroeg vraagt betoogde betoogt meent meende dreigde dreigt
        denkt dacht vindt vond gelooft geloofde vreest vreesde hoopt hoopte verwacht verwachtte
        eist eiste eisen eisten pleit pleitte vermoedt vermoedde claimt claimde bekende bekent beloofde belooft
        beloven beloofden ziet zag ontkennen erkennen stellen
        benadrukken vertellen verklaren waarschuwen roept riep riepen roepen opriep oproept
        denken dachten vinden vonden geloven geloofden vrezen vreesden hopen hoopten verwachten verwachtten
        menen meenden erkenden ontkenden concluderen concludeerden zien zagen wil wilde willen wilden""",
    "en": """said says say told tells added adds stated states explained explains announced announces warned
        warns claimed claims noted notes wrote writes insisted insists argued argues replied replies
        confirmed confirms denied denies stressed stresses emphasised emphasized declared declares
        reported reports asked asks tweeted believes believed thinks thought fears feared expects expected
        suggested suggests acknowledged admitted""",
    "de": """sagte sagt sagten sagen gesagt erklärte erklärt erklärten betonte betont betonten meinte meint
        meinten teilte teilt teilten mitgeteilt berichtete berichtet berichteten schrieb schreibt schrieben
        warnte warnt warnten kritisierte kritisiert forderte fordert forderten bestätigte bestätigt
        äußerte äußert verkündete verkündet behauptete behauptet erläuterte erläutert ergänzte ergänzt
        fügte fügt sprach spricht kündigte kündigt gab gibt hieß heißt verwies verweist räumte räumt
        versicherte versichert bezeichnete bezeichnet zeigte
        bekräftigte bekräftigt unterstrich unterstreicht beklagte beklagt nannte nennt hob hebt wies weist
        glaubt glaubte befürchtet befürchtete hofft hoffte vermutet vermutete schätzt schätzte argumentierte
        argumentiert zitierte warf wirft bestritt bestreitet kündigte versprach verspricht begründete begründet
        vermeldete meldete meldet informierte informiert mahnte mahnt drohte droht appellierte""",
    "fr": """dit disait déclare déclaré déclarait affirme affirmé affirmait explique expliqué expliquait
        estime estimé ajoute ajouté souligne souligné assure assuré précise précisé indique indiqué annonce
        annoncé raconte raconté confie confié insiste insisté avertit averti rappelle rappelé reconnaît reconnu
        dénonce dénoncé juge jugé écrit tweeté lance lancé martèle martelé répond répondu""",
    "es": """dijo dice decía declaró declara afirmó afirma explicó explica señaló señala aseguró asegura
        indicó indica añadió añade anunció anuncia advirtió advierte manifestó manifiesta insistió insiste
        reconoció reconoce denunció denuncia subrayó subraya destacó destaca apuntó apunta sostuvo sostiene
        recordó recuerda escribió escribe respondió responde comentó comenta precisó precisa""",
    "it": """disse dice detto dichiarato dichiara affermato afferma spiegato spiega aggiunto aggiunge
        sottolineato sottolinea annunciato annuncia avvertito avverte ribadito ribadisce assicurato assicura
        precisato precisa scritto scrive risposto risponde commentato commenta osservato osserva
        denunciato denuncia riconosciuto riconosce ammesso ammette""",
}
# Particles that complete a separable reporting verb (liet ... weten, teilte ... mit).
_PARTICLES = {
    "nl": {"weten", "verstaan", "horen", "aan", "toe", "uit", "weten.", "op"},
    "en": set(),
    "de": {"mit", "hinzu", "an", "bekannt", "ein", "hervor", "hin", "vor"},
    "fr": set(), "es": set(), "it": set(),
}
# Verbs that only report speech together with their particle.
_NEEDS_PARTICLE = {
    "nl": {"liet", "laat", "lieten", "laten", "gaf", "geeft", "legde", "legt", "voegde", "kondigde", "roept", "riep",
           "riepen", "roepen"},
    "fr": set(), "es": set(), "it": set(),
    "de": {"teilte", "teilt", "teilten", "fügte", "fügt", "kündigte", "kündigt", "gab", "gibt", "räumte", "räumt",
           "hob", "hebt", "wies", "weist", "warf", "wirft"},
    "en": set(),
}
_ACCORDING = {
    "nl": r"[Vv]olgens",
    "en": r"[Aa]ccording\s+to",
    "de": r"(?:[Ll]aut|[Gg]emäß|[Nn]ach\s+(?:(?:eigenen|eigener|offiziellen|ersten|neuen|jüngsten|übereinstimmenden|"
          r"einem|einer|den|dem)\s+)?(?:Angaben|Informationen|Aussagen?|Worten|Ansicht|Meinung|Auffassung|"
          r"Einschätzung|Darstellung|Berichte[n]?|Bericht|Meldungen?|Untersuchungen|Studie|Schätzungen|"
          r"Erkenntnissen)(?:\s+(?:von|des|der))?)",
    "fr": r"(?:[Ss]elon|[Dd]'après|[Dd]’après)",
    "es": r"(?:[Ss]egún|[Dd]e\s+acuerdo\s+con)",
    "it": r"(?:[Ss]econdo|[Aa]\s+detta\s+d[ie])",
}
_COMPLEMENTISER = {"nl": {"dat"}, "en": {"that"}, "de": {"dass", "daß", "ob"}, "fr": {"que", "qu'", "qu’"},
                   "es": {"que"}, "it": {"che"}}
_PRONOUNS = {
    "nl": {"hij", "zij", "ze", "hem", "haar"},
    "en": {"he", "she", "they", "him", "her"},
    "de": {"er", "sie", "ihm", "ihr"},
    "fr": {"il", "elle", "ils", "elles"},
    "es": {"él", "ella", "ellos", "ellas"},
    "it": {"lui", "lei", "egli", "ella", "loro"},
}
_DETERMINERS = {
    "nl": {"de", "het", "een", "deze", "dit", "zijn", "haar", "hun"},
    "en": {"the", "a", "an", "this", "his", "her", "their"},
    "de": {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen",
           "sein", "seine", "ihr", "ihre"},
    "fr": {"le", "la", "les", "l'", "un", "une", "ce", "cette", "son", "sa", "ses", "leur"},
    "es": {"el", "la", "los", "las", "un", "una", "este", "esta", "su", "sus"},
    "it": {"il", "lo", "la", "i", "gli", "le", "l'", "un", "una", "uno", "questo", "questa", "suo", "sua"},
}
# Words that end a speaker phrase: prepositions, adverbs, auxiliaries, conjunctions, time words.
_STOP = {
    "nl": """in op aan bij met tegen voor na over naar tijdens uit om tot door zonder vanuit volgens
        en of maar want dus dat die wat als toen omdat hoewel nadat terwijl daarbij daarna daarom echter
        ook nog al eerder later al reeds vandaag gisteren gisteravond morgen vanochtend vanmiddag vanavond
        zondag maandag dinsdag woensdag donderdag vrijdag zaterdag niet wel weer toch zelf dan nu intussen
        inmiddels immers heeft hebben had hadden is was zijn waren wordt werd zal zou kan kon moet wil
        worden werden gaat gaan ging gingen zullen zouden kunnen konden moeten wilde wilden namelijk
        op vanaf eraan erover ervan erbij daar hier verder opnieuw zo""",
    "en": """in on at to with for from by about during after before of and or but that which who when
        because while also still already yesterday today tomorrow on monday tuesday wednesday thursday friday
        saturday sunday not has have had is was are were will would can could in an interview so thus""",
    "de": """in im am an auf bei mit gegen für nach über vor aus um bis durch ohne zu zum zur vom laut
        und oder aber denn dass daß ob als wenn weil obwohl nachdem während dabei danach deshalb jedoch
        auch noch bereits schon heute gestern morgen montag dienstag mittwoch donnerstag freitag samstag
        sonntag nicht wieder selbst dann nun inzwischen hat haben hatte hatten ist war sind waren wird
        wurde werde würde soll sollte kann konnte muss musste will wollte gegenüber zufolge so da zudem
        außerdem ebenfalls jedoch allerdings""",
    "fr": """à au aux avec pour par sur dans de du des en et ou mais que qui quand lors après avant pendant aussi
        encore déjà hier aujourd'hui demain lundi mardi mercredi jeudi vendredi samedi dimanche ne pas a est
        était sont ont avait sera selon""",
    "es": """a al con para por sobre en de del y o pero que quien cuando tras antes durante también ya ayer hoy
        mañana lunes martes miércoles jueves viernes sábado domingo no ha han había es era son fue según
        sin embargo""",
    "it": """a al alla con per su in di del della e o ma che chi quando dopo prima durante anche già ieri oggi
        domani lunedì martedì mercoledì giovedì venerdì sabato domenica non ha hanno aveva è era sono fu
        secondo""",
}
# Prepositions: a person named right after one is spoken about, not the one a sentence is about.
_PREPOSITIONS = {code: frozenset(words.split()) for code, words in {
    "nl": "in op aan bij met tegen voor na over naar tijdens uit om tot door zonder vanuit volgens van",
    "en": "in on at to with for from by about against of",
    "de": "in im am an auf bei mit gegen für nach über vor aus um durch ohne zu zum zur vom von",
    "fr": "à au aux avec pour par sur contre dans de du des en",
    "es": "a al con para por sobre contra en de del",
    "it": "a al alla con per su contro in di del della",
}.items()}
_TITLE_WORDS = frozenset("minister premier president burgemeester wethouder staatssecretaris oud-minister oud-premier "
                         "voorzitter directeur coach trainer".split())
# Subjunctive forms that carry free indirect speech in German after an attributed quote.
_DE_SUBJUNCTIVE = re.compile(
    r"\b(?:sei|seien|seiest|habe|hätten|hätte|könne|könnten|müsse|müssten|werde|würde|würden|gelte|solle|"
    r"dürfe|wolle|wäre|wären|gebe|liege|stehe|gehe|komme|handle|fehle)\b"
)

# Days and parts of day (woensdagavond, Montagabend) are adverbials, never speakers.
_TIME_WORD = re.compile(
    r"^(?:(?:maan|dins|woens|donder|vrij|zater|zon)dag|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"(?:mon|diens|donners|frei|sams|sonn)tag|mittwoch|gister|gestern|vandaag|heute)\w*$"
)
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


class _Lang:
    __slots__ = ("code", "verbs", "particles", "needs_particle", "according", "comp", "pron", "det", "stop",
                 "verb_re", "according_re", "trailing_re", "that_re")

    def __init__(self, code: str):
        self.code = code
        self.verbs = set(_VERBS[code].split())
        self.particles = _PARTICLES[code]
        self.needs_particle = _NEEDS_PARTICLE[code]
        self.according = _ACCORDING[code]
        self.comp = _COMPLEMENTISER[code]
        self.pron = _PRONOUNS[code]
        self.det = _DETERMINERS[code]
        self.stop = set(_STOP[code].split())
        verbs = "|".join(sorted(self.verbs, key=len, reverse=True))
        self.verb_re = re.compile(r"(?<![\w-])(?:" + verbs + r")(?![\w-])", re.IGNORECASE)
        self.according_re = re.compile(r"(?<![\w-])" + self.according + r"(?![\w-])")
        # "..., aldus X." / "..., zegt X." / "..., so X." at the end of a sentence
        extra = "|so" if code == "de" else ""
        self.trailing_re = re.compile(r",\s+(?:zo\s+)?(?P<verb>" + verbs + extra + r")\s+(?=\S)", re.IGNORECASE)
        comps = "|".join(self.comp)
        self.that_re = re.compile(r"(?<![\w-])(?:" + comps + r")(?![\w-])", re.IGNORECASE)


_LANGS: dict[str, _Lang] = {}


def _lang(code: str | None) -> _Lang:
    """The rules of a language; a language without its own falls back to English ones (quote marks and names
    carry, Dutch word lists would misread ``Según``/``Pero`` as speakers)."""
    code = (code or "nl").lower()[:2]
    if code not in _VERBS:
        code = "en"
    got = _LANGS.get(code)
    if got is None:
        got = _LANGS[code] = _Lang(code)
    return got


# --------------------------------------------------------------------------- direct-quote marks
# Double marks first; single marks only where they cannot be an apostrophe (zo'n, auto's, ’s ochtends).
_DOUBLE = re.compile(
    r"“(?P<a>[^“”\n]+?)[”“]"
    r"|„(?P<b>[^„“”\n]+?)[“”]"
    r"|«\s?(?P<c>[^«»\n]+?)\s?»"
    r"|»(?P<d>[^«»\n]+?)«"
    # straight quotes open before a word and close after one: a quote closed with the wrong mark
    # ("Je kijkt …', zegt X. "Dit is …") then costs that quote, not the pairing of the rest of the article
    r"|(?<![\w.,!?])\"(?=\S)(?P<e>[^\"\n]+?)(?<=\S)\"(?!\w)"
    r"|,,(?P<f>[^\n]+?)(?:''|\"|”|“)"
)
_SINGLE = re.compile(
    r"(?<![\w])[‘'‚‹](?=\S)(?P<s>(?:[^\n'‘’‚‹›]|(?<=\w)['’](?=\w))+?)(?<=\S)['’‘›](?![\w])"
)
_PUNCT_EDGE = " \t\n,;:.!?…-–—\"'“”„‘’‚«»‹›()[]"


def _find_direct(text: str) -> list[tuple[int, int, int, int]]:
    """(outer_start, outer_end, inner_start, inner_end) of each outermost quoted span."""
    spans = []
    for m in _DOUBLE.finditer(text):
        g = next(k for k in "abcdef" if m.group(k) is not None)
        spans.append((m.start(), m.end(), m.start(g), m.end(g)))
    for m in _SINGLE.finditer(text):
        spans.append((m.start(), m.end(), m.start("s"), m.end("s")))
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[tuple[int, int, int, int]] = []
    for s in spans:
        if out and s[0] < out[-1][1]:
            continue  # nested (‘akkoord’ inside “...”) or overlapping: keep the outer one
        out.append(s)
    return out


# --------------------------------------------------------------------------- noun phrases
def _tokens(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() or (tok[:1].isdigit() is False and "-" in tok and tok.split("-")[-1][:1].isupper())


# "De 82-jarige politicus": an age is an adjective of the speaker phrase.
_AGE_WORD = re.compile(r"^\d{1,3}-jarige?$")
_NAME_PARTICLES = {"van", "der", "den", "de", "von", "zu", "del", "da", "di", "le", "la", "bin", "al", "ter", "ten"}


def _np_at(tokens: list[tuple[str, int, int]], i: int, L: _Lang, max_len: int = 9) -> int:
    """End index (exclusive) of a speaker-like noun phrase starting at token ``i`` (``i`` if none)."""
    n = len(tokens)
    if i >= n:
        return i
    first = tokens[i][0]
    low = first.lower()
    if low in L.pron:
        return i + 1
    j = i
    if low in L.det:
        j += 1
    seen_head = False
    after_name = False  # the previous word was a capitalised noun or name (not an adjective)
    after_noun = False  # the previous word was a lowercase noun (Dutch)
    while j < n and j - i < max_len:
        tok = tokens[j][0]
        lw = tok.lower()
        if not (tok[0].isalnum()):
            break
        if i == 0 and j == 1 and tok in _CAPITALISED_DETERMINERS and not _is_word(low, L.code) \
                and j + 1 < n and tokens[j + 1][0][:1].isupper():
            break  # "Huawei De Commissie wil ...": a one-word heading glued to the sentence, not one phrase
        if seen_head and (lw in _NAME_PARTICLES or (L.code == "de" and lw in ("des", "der"))) \
                and j + 1 < n and tokens[j + 1][0][:1].isupper():
            j += 1  # Iris de Graaf, ministerie van Defensie, der Sprecher des Ministeriums
            after_name = False
            continue
        if seen_head and lw in _NAME_PARTICLES and j + 2 < n and tokens[j + 1][0].lower() in _NAME_PARTICLES \
                and tokens[j + 2][0][:1].isupper():
            j += 2  # Tom van den Brink, Van der Laan
            after_name = False
            continue
        if seen_head and after_name and lw in _AND:
            end = _acronym_name_end(tokens, i, j)
            if end:
                j = end  # "Transport en Logistiek Nederland (TLN)": one organisation, its initials say so
                break
            nxt = tokens[j + 1][0] if j + 1 < n else ""
            if nxt[:1].isupper() and nxt.lower() not in L.stop | L.det | L.pron | L.verbs \
                    and not _adjective_like(nxt.lower(), L) and not _TIME_WORD.match(nxt.lower()):
                j += 1  # "Van Engelshoven en Slob", "de SP en D66": names joined by "en" speak together
                after_name = False
                continue
        if lw in L.stop or lw in L.verbs or lw in L.comp or (tok[0].isdigit() and not _AGE_WORD.match(lw)) \
                or _TIME_WORD.match(lw):
            break
        if after_name and not tok[0].isupper() and not _is_org_noun(lw):
            break  # "Peskov de gesprekken", "Rusland weten": a name ends the phrase ("het Frankfurter museum" goes on)
        if after_noun and not tok[0].isupper() and not _is_org_noun(lw) and lw not in L.stop \
                and lw not in _NAME_PARTICLES:
            break  # adjectives go before the noun: "de eerste resultaten behaalde ..." ends at its verb
        after_name = tok[0].isupper() and not _adjective_like(lw, L)
        # an inflected adjective ends in -e ("de voorlopige uitslag"); the noun after it heads the phrase
        after_noun = L.code == "nl" and tok[0].islower() and lw not in L.det and not lw.endswith("e") \
            and not _adjective_like(lw, L)
        seen_head = True
        j += 1
    if j == i or (j == i + 1 and low in L.det):
        return i
    return j


_AND = {"en", "and", "und", "et", "y", "e"}
_CAPITALISED_DETERMINERS = {"De", "Het", "Een", "The", "Der", "Die", "Das", "Le", "La", "Les", "El", "Il"}


def _acronym_name_end(tokens: list[tuple[str, int, int]], i: int, k: int) -> int | None:
    """End of "A en B C" when "(ABC)" follows it and its letters are the capitals' initials (one organisation's
    name, not two names joined by "en"), else None. ``k`` is the index of "en"."""
    j = k + 1
    while j < len(tokens) and tokens[j][0][:1].isupper():
        j += 1
    if j == k + 1 or j + 2 >= len(tokens) or tokens[j][0] != "(" or tokens[j + 2][0] != ")":
        return None
    acronym = tokens[j + 1][0]
    initials = "".join(t[0][0] for t in tokens[i:j] if t[0][:1].isupper())
    return j if acronym.isupper() and len(acronym) >= 3 and acronym == initials else None


_OF = {"van", "von", "of", "uit", "aus", "from", "vom"}
_ADJ_ENDINGS = {"nl": ("se", "sche"), "en": ("an", "ish", "ese"), "de": (), "fr": ("ais", "aise", "ien", "ienne"),
                "es": ("ano", "ana", "és", "esa"), "it": ("ano", "ana", "ese")}


def _adjective_like(lower: str, L: _Lang) -> bool:
    """Capitalised adjectives of origin (Oekraïense, Britse) go before the noun, not after a name."""
    return lower.endswith(_ADJ_ENDINGS[L.code])


_CLAUSE_MARKS = (",", ";", ":", "(", "–", "—")


def _clause_marks_before(tokens: list[tuple[str, int, int]]) -> list[int]:
    """For each token index, the index of the last clause mark before it (-1 for none): one pass, so that
    looking up every reporting verb's clause start stays linear (a run of verbs without punctuation made
    the walk back quadratic)."""
    out, last = [], -1
    for i, tok in enumerate(tokens):
        out.append(last)
        if tok[0] in _CLAUSE_MARKS:
            last = i
    return out


def _subject_start(tokens: list[tuple[str, int, int]], k: int, L: _Lang, marks: list[int] | None = None) -> int:
    """:func:`_np_ending_at`, refusing a phrase that opens with an adverb or function word ("Zoals verwacht")."""
    st = _np_ending_at(tokens, k, L, marks)
    if st >= 0 and tokens[st][0].lower() in _NOT_SPEAKER:
        return -1
    return st


# Conjunctions and adverbs that may open a clause before its subject ("Maar Sterk liet weten ...").
_CLAUSE_OPENERS = {"maar", "en", "ook", "toch", "dus", "daarom", "echter", "bovendien", "intussen", "inmiddels",
                   "nu", "dan", "wel", "al", "and", "but", "also", "und", "aber", "auch", "doch", "mais", "et",
                   "aussi", "pero", "y", "también", "ma", "e", "anche"}


def _np_ending_at(tokens: list[tuple[str, int, int]], k: int, L: _Lang, marks: list[int] | None = None) -> int:
    """Start index of a noun phrase that ends right before token ``k`` and begins a clause, or -1."""
    # Walk back to the clause start (sentence start or a comma), skipping an apposition ", ... ,".
    if marks is not None:
        j = marks[k]
    else:
        j = k - 1
        while j >= 0 and tokens[j][0] not in _CLAUSE_MARKS:
            j -= 1
    start = j + 1
    while start < k - 1 and tokens[start][0].lower() in _CLAUSE_OPENERS and start - j <= 2:
        start += 1  # "Maar Sterk liet weten", "Ook de inspectie ziet": a conjunction or adverb first
    if start >= k:
        # "X, de woordvoerder van Y, zei": the phrase before the apposition
        if j >= 0 and tokens[j][0] == ",":
            j2 = j - 1
            while j2 >= 0 and tokens[j2][0] not in (",", ";", ":"):
                j2 -= 1
            if j2 >= 0 and tokens[j2][0] == ",":
                j3 = j2 - 1
                while j3 >= 0 and tokens[j3][0] not in (",", ";", ":"):
                    j3 -= 1
                s = j3 + 1
                while s < j2 - 1 and tokens[s][0].lower() in L.stop:
                    s += 1  # "Ook PFZW, het pensioenfonds van de zorg, ziet dat ..."
                e = _np_at(tokens, s, L)
                if e == j2 and e > s:
                    return s
        return -1
    e = _np_at(tokens, start, L)
    if e > start:
        # allow auxiliaries/adverbs between subject and verb ("Zelensky heeft eerder gezegd"), and an acronym or a
        # party in brackets after the name ("De Vereniging ... (VSNU) laat weten", "Slob (ChristenUnie) erkent")
        gap = tokens[e:k]
        if len(gap) >= 3 and gap[0][0] == "(" and gap[2][0] == ")":
            gap = gap[3:]
        if len(gap) <= SUBJECT_GAP_TOKENS and all(t[0][:1].islower() for t in gap):
            return start
        # "Minister X von der Kanzlei des Ministerpräsidenten erklärte": a prepositional phrase
        if gap and gap[0][0].lower() in _OF and len(gap) <= SUBJECT_PP_TOKENS and all(t[0][0].isalnum() for t in gap):
            return start
    # "Filippo Grandi, hoge commissaris ... (VN) vertelde": a clause-initial name before an apposition
    if start > 0:
        e0 = _np_at(tokens, 0, L)
        if 0 < e0 < len(tokens) and tokens[e0][0] == "," and e0 < k and tokens[0][0][:1].isupper() \
                and any(t[0][:1].isupper() for t in tokens[:e0]) and k - e0 <= APPOSITION_TOKENS:
            return 0
    return -1


# --------------------------------------------------------------------------- speakers
# A surname with particles right after a name the NER cut short ("Wiebe| van Terwisga").
_SURNAME_AFTER = re.compile(r"\s+(?:van|von|ter|ten|van der|van den|van de|van 't)\s+[A-Z][\w'’]+(?![\w-])")
_ROLE_HEAD = re.compile(r"^[^\W\d_][\w-]*$")


class _Context:
    """Per-article resolution of pronouns and roles to named speakers."""

    def __init__(self, text: str, mentions: Sequence, sents: list[tuple[int, int]], L: _Lang):
        self.text = text
        self.L = L
        self.sents = sents
        self.quoted: list[tuple[int, int]] = []  # direct quotation spans (set by extract_quotes)
        self.mentions = sorted(mentions or [], key=lambda m: m.start)
        self.persons = [m for m in self.mentions if m.type == "PER"]
        # "Samenwerkende Actiegroepen tegen Laagvliegen (SATL)": the acronym speaks with its full name
        self.acronyms = _acronyms(text)
        # full names by surname: "Zelensky" -> "Volodymyr Zelensky" (longest name seen in the article)
        self.full: dict[str, str] = {}
        for m in self.persons:
            more = _SURNAME_AFTER.match(text, m.end) if " " not in m.text else None
            if more is not None and any(o.start < more.end() and o.end > m.end and o.type in ("ORG", "LOC")
                                        for o in self.mentions):
                more = None  # "Jan van Defensie" is not a name
            name = m.text + (more.group() if more is not None else "")
            last = name.split()[-1].lower()
            if len(name) > len(self.full.get(last, "")):
                self.full[last] = name  # the longest form; "Wiebe" + " van Terwisga" where the NER cut the name
            first = m.text.split()[-1].lower()
            if name != m.text and len(name) > len(self.full.get(first, "")):
                self.full[first] = name
        # surnames of two different full names ("Söner Atasoy", "Son Tekin Atasoy") resolve to neither
        fulls: dict[str, set[str]] = {}
        for m in self.persons:
            words = m.text.split()
            if len(words) >= 2 and words[0].lower() not in _NAME_CUT:
                fulls.setdefault(words[-1].lower(), set()).add(m.text)
        self.ambiguous = {last for last, names in fulls.items()
                          if len({n for n in names if not any(o != n and o.endswith(" " + n) for o in names)}) > 1}
        for last in self.ambiguous:
            self.full.pop(last, None)
        # roles the article gives a person: the lower-case words right before the name
        # ("De Oekraïense president Volodimir Zelenski") or in an apposition after it.
        self.roles: list[tuple[set[str], str]] = []
        for m in self.persons:
            before = text[max(0, m.start - ROLE_CHARS_BEFORE):m.start]
            sent_start = max(before.rfind(". "), before.rfind("\n"))
            before = before[sent_start + 1:] if sent_start >= 0 else before
            words = [w.lower() for w in _WORD.findall(before)][-ROLE_WORDS_BEFORE:]
            # back to the clause boundary only: "de actiegroepen eisen dat minister X" gives X the role minister
            stops = (L.stop - _ROLE_PARTICLES) | L.comp | L.verbs
            k = len(words)
            while k > 0 and words[k - 1] not in stops and (words[k - 1].isalpha() or "-" in words[k - 1]):
                k -= 1
            cut = words[k:]
            after = text[m.end:m.end + ROLE_CHARS_AFTER]
            if after.startswith(","):
                app = after[1:].split(",")[0]
                cut += [w.lower() for w in _WORD.findall(app)][:ROLE_WORDS_AFTER]
            if cut:
                self.roles.append((set(cut), self.name_of(m)))
        # the subject of each sentence: first person named (or a pronoun inherits the previous one)
        self.subject: list[str | None] = []
        cur = None
        mi = 0
        for (s, e) in sents:
            first = None
            while mi < len(self.mentions) and self.mentions[mi].start < s:
                mi += 1
            k = mi
            first_at = e
            while k < len(self.mentions) and self.mentions[k].start < e:
                if self.mentions[k].type == "PER":
                    first = self.name_of(self.mentions[k])
                    first_at = self.mentions[k].start
                    break
                k += 1
            # a sentence opening with a person's role ("De Oekraïense president vroeg Poetin ...") is about them
            initial = _WORD.findall(text[s:e])[:ROLE_WORDS_INITIAL]
            initial_end = s + sum(len(w) + 1 for w in initial)
            if first is None or first_at >= initial_end:
                role = self._role_in(text[s:e], only_initial=True)
                first = role or first
            if initial and first_at > s and initial[0][:1].isupper() and len(initial) > 1 \
                    and initial[1][:1].islower() and initial[0].lower() not in L.stop | L.det | L.pron \
                    and not _is_word(initial[0].lower(), L.code) \
                    and self.capitalised_elsewhere(initial[0], s) \
                    and not any(m.start == s and m.type in ("LOC", "ORG", "MISC") for m in self.mentions):
                # "Pereiro ziet die tactiek ...": an unknown capitalised subject the NER missed is a person
                first = self.full.get(initial[0].lower(), initial[0])
            if first is not None:
                cur = first
            self.subject.append(cur)

    def name_of(self, m) -> str:
        words = m.text.split()
        if len(words) >= 2 and words[0].lower() not in _NAME_CUT and words[0][:1].isupper() \
                and not self.full.get(words[-1].lower(), "").endswith(" " + m.text):
            return m.text  # a first name and a surname: already the full name ("Rachid El Messaoudi")
        last = words[-1].lower().rstrip("’'s")
        if last in self.ambiguous or words[-1].lower() in self.ambiguous:
            return m.text  # two people share the surname: "Atasoy" alone names neither
        return self.full.get(last, self.full.get(words[-1].lower(), m.text))

    def _role_in(self, phrase: str, only_initial: bool = False, head_only: bool = False) -> str | None:
        words = [w.lower() for w in _WORD.findall(phrase)]
        if head_only:  # the phrase's head noun only: "de Oekraïense generale staf" is not "de Oekraïense president"
            cut = next((i for i, w in enumerate(words) if i and w in _HEAD_END), len(words))
            words = words[:cut]
        if only_initial:
            words = words[:ROLE_WORDS_INITIAL]
            stop = next((i for i, w in enumerate(words) if w in self.L.verbs or w in self.L.stop), len(words))
            words = words[:stop]  # the opening noun phrase, up to its verb
        words = [w for w in words if w not in self.L.det]
        if not words or not self.roles:
            return None
        best, best_score = None, 0.0
        for head_idx in range(len(words) - 1, -1, -1):
            head = words[head_idx]
            if not _ROLE_HEAD.match(head) or head[0].isupper() or not _is_person_noun(head):
                continue  # "de uitslag" names no person's role
            for role_words, name in self.roles:
                if head in role_words:
                    mods = set(words[:head_idx])
                    score = 1.0 + len(mods & role_words) - 0.5 * len(mods - role_words)
                    if score > best_score:
                        best, best_score = name, score
            if best is not None:
                return best
            if only_initial or head_only:
                break
        return best

    def resolve(self, start: int, end: int, sent_idx: int) -> tuple[str | None, str | None]:
        """(name, type) for the speaker phrase at text[start:end]."""
        phrase = self.text[start:end]
        low = phrase.lower()
        if low in self.L.pron:
            prev = self.subject[sent_idx - 1] if sent_idx > 0 else None
            # "zei hij" right after a named person in the same sentence prefers that person
            own = [m for m in self.persons if self.sents[sent_idx][0] <= m.start < start]
            if own:
                return self.name_of(own[-1]), "PER"
            return (prev, "PER") if prev else (None, None)
        inside = [m for m in self.mentions if m.start < end and m.end > start]
        per = [m for m in inside if m.type == "PER"]
        if per:
            return self.name_of(per[-1]), "PER"
        role = self._role_in(phrase)
        if role:
            return role, "PER"
        if inside:
            m = max(inside, key=lambda m: m.end - m.start)
            # the organisation as written ("het Oekraïense leger"), keeping the named entity's type
            return _clean_np(phrase), m.type
        return _clean_np(phrase), None


    def resolve_speaker(self, start: int, end: int, sent_idx: int, last=None) -> tuple[str | None, str | None, str]:
        """(name, type, how) for a speaker phrase; ``how`` is ``name``, ``pronoun``, ``role``, ``unresolved``
        (speaker None: the phrase as written stays the speaker) or ``invalid`` (not a speaker at all).
        ``last``: the latest quote with a named speaker, which a pronoun or a person's role goes to when near."""
        phrase = self.text[start:end]
        words = [w for w in _WORD.findall(phrase) if w[0].isalnum()]
        if not words:
            return None, None, "invalid"
        low = [w.lower() for w in words]
        inside = [m for m in self.mentions if m.start < end and m.end > start]
        if low[0] in _NOT_SPEAKER and len(words) == 1:
            return None, None, "invalid"
        if low[0] in _INDEFINITE and not any(m.type == "PER" for m in inside):
            return None, None, "unresolved"  # "een Fransman", "een woordvoerder": a role the article leaves open
        conj = next((w for w in low if w in _AND), None)
        named = [m for m in inside if m.type in ("PER", "ORG") and m.start >= start]
        if conj and len(named) >= 2 and all(m.type == named[0].type for m in named):
            # "de SP en D66", "Onderwijsministers Van Engelshoven en Slob": names joined by "en" speak together
            names = list(dict.fromkeys(self.name_of(m) if m.type == "PER" else m.text for m in named))
            if len(names) >= 2:
                return f" {conj} ".join([", ".join(names[:-1]), names[-1]]), named[0].type, "name"
        if len(words) == 1 and low[0] in self.L.pron:
            clause = _clause_start(self.text, self.sents[sent_idx][0], start)
            own = [m for m in self.persons if clause <= m.start < start and not self.quoted_at(m.start)]
            if own:
                return self.name_of(own[-1]), "PER", "pronoun" if low[0] in _SINGULAR_MALE else "pronoun_ambiguous"
            # a sentence boundary the splitter missed (",,…'' zei ze" after "... Maas."): its first person
            earlier = [m for m in self.persons if self.sents[sent_idx][0] <= m.start < clause
                       and not self.quoted_at(m.start)]
            if earlier:
                return self.name_of(earlier[0]), "PER", "pronoun" if low[0] in _SINGULAR_MALE else "pronoun_ambiguous"
            near = self._near_person(sent_idx, last)
            how = "pronoun" if low[0] in _SINGULAR_MALE else "pronoun_ambiguous"
            lo = self.sents[max(0, sent_idx - 2)][0]
            named = {self.name_of(m) for m in self.persons if lo <= m.start < start and not self.quoted_at(m.start)}
            if len(named - {near}) >= 1 and not (last is not None and last.speaker == near
                                                  and sent_idx - last.sentence <= 1):
                how = "pronoun_ambiguous"  # another person was named just before: the pronoun may be theirs
            return (near, "PER", how) if near else (None, None, "unresolved")
        appos = _APPOSITION_NAME.match(self.text, end)
        if appos is not None:
            # "De Oekraïense minister van Buitenlandse Zaken, Dmitro Kuleba, ...": the name in apposition
            named = [m for m in self.persons if m.start == appos.start(1)]
            if named:
                return self.name_of(named[0]), "PER", "name"
        person = _name_in_phrase(words)
        per = [m for m in inside if m.type == "PER"]
        if per:
            name = self.name_of(per[-1])
            if person and person.startswith(name + " "):
                # "Wiebe van Terwisga" where the NER found "Wiebe"; never a title before the name
                # ("VN-mensenrechtenchef Michelle Bachelet" stays Michelle Bachelet)
                name = person
            elif person and name.startswith(person + " ") and name[len(person):].lstrip().lower().startswith(
                    ("van ", "bij ", "uit ")):
                name = person  # "David van As van Bpf Bouw": the name without the organisation
            return name, "PER", "name"
        org = [m for m in inside if m.type == "ORG"]
        biggest = max(org, key=lambda m: m.end - m.start) if org else None
        if biggest is not None and not (person and len(person) > len(biggest.text) and len(person.split()) >= 2):
            cut = next((i for i, w in enumerate(low) if i and w in _HEAD_END), len(low))
            head_noun = low[cut - 1]
            if biggest.start > start and words[cut - 1][:1].islower():
                if _is_org_noun(head_noun):  # "het Wit-Russische ministerie van Buitenlandse Zaken"
                    return _clean_np(phrase), "ORG", "name"
                if _is_person_noun(head_noun):  # "de minister van Buitenlandse Zaken": a role, not the ministry
                    return None, None, "unresolved"
            written = _clean_np(phrase)
            if f" {biggest.text}" in f" {written}" and _AND & set(low) and all(
                    w[:1].isupper() or w.lower() in _AND or w.lower() in _NAME_PARTICLES for w in written.split()):
                return written, "ORG", "name"  # "Transport en Logistiek Nederland": the NER saw only its tail
            return self.acronyms.get(biggest.text, biggest.text), "ORG", "name"
        if person and len(words) == 1 and person == words[0] and self.L.code != "de" \
                and (_is_person_noun(low[0]) or _is_org_noun(low[0])) and _is_word(low[0], self.L.code) \
                and not self.capitalised_elsewhere(words[0], start):
            person = None  # "Ingewijden stellen ...": a capitalised first word that is a role or group noun
        if person:
            if low[0] in _NOT_SPEAKER and low[0] not in _DETERMINER_WORDS | _DEMONSTRATIVES:
                return None, None, "invalid"
            if low[0] in _DETERMINER_WORDS and len(words) <= 4 and inside and all(m.type == "MISC" for m in inside):
                if _is_org_noun(low[-1]) and not _is_person_noun(low[-1]):
                    return _clean_np(phrase), "ORG", "org"  # "de Onderwijsinspectie": an organisation as written
                # "de Fransman", "de gemiddelde Nederlander", "De La Scala-voorman": a demonym or a role, no name
                return None, None, "unresolved"
            full = self.full.get(person.split()[-1].lower())
            if full:
                return full, "PER", "name"
            sentence_initial = not self.text[self.sents[sent_idx][0]:start].strip(" \t\n\"'“”„‘’«»,")
            if len(person.split()) == 1 and sentence_initial and person == words[0] \
                    and not self.capitalised_elsewhere(words[0], start) and self.L.code != "de" \
                    and _is_word(low[0], self.L.code):  # German capitalises every noun
                return None, None, "invalid"  # "Stapels", "Samen": a word of the language, not a name
            written = _clean_np(phrase)
            if written.split(" ", 1)[-1] == person and low[0] in _DETERMINER_WORDS:
                person = written  # "de VN-vluchtelingenorganisatie": an organisation as written
            if any(m.type == "LOC" for m in inside) and not per and not org:
                return person, "LOC", "name"
            return person, None, "name"
        if low[0] in _NOT_SPEAKER and low[0] not in _DETERMINER_WORDS | _DEMONSTRATIVES:
            return None, None, "invalid"
        cut = next((i for i, w in enumerate(low) if i and w in _HEAD_END), len(low))
        head = low[cut - 1]
        role = self._role_in(phrase, head_only=True)
        if role:
            return role, "PER", "role"
        definite = low[0] in _DEFINITE
        if _is_person_noun(head):
            if definite and len(words) <= 3 and not _plural_noun(head, self.L.code):  # "de actiegroepen" are no one person
                near = self._near_person(sent_idx, last)
                if near:
                    return near, "PER", "role_near"
            if low[0] not in _INDEFINITE and _plural_noun(head, self.L.code) and cut == len(low):
                return None, None, "group"  # "de vakbonden", "ingewijden": a group as written, no one person
            return None, None, "unresolved"
        if _is_org_noun(head):
            for m in reversed(self.mentions):
                if m.type in ("ORG", "MISC") and m.start < start and m.text.lower().endswith(head):
                    return m.text, "ORG", "role"  # "de inspectie" -> "Onderwijsinspectie"
            if definite and not _plural_noun(head, self.L.code):
                return _clean_np(phrase), "ORG", "org"  # "de rechtbank", "het kabinet": the organisation as written
            return None, None, "unresolved"
        return None, None, "invalid"

    def most_named(self) -> str | None:
        """The person the article names most often (at least three times), or None."""
        counts: dict[str, int] = {}
        for m in self.persons:
            name = self.name_of(m)
            counts[name] = counts.get(name, 0) + 1
        best = max(counts.items(), key=lambda kv: kv[1], default=None)
        return best[0] if best and best[1] >= 3 else None

    def quoted_at(self, pos: int) -> bool:
        """Whether ``pos`` lies inside quotation marks (a name there is spoken about, not speaking)."""
        return any(a <= pos < b for a, b in self.quoted)

    def _near_person(self, sent_idx: int, last) -> str | None:
        """The person a pronoun or a role points to: the latest quoted speaker within a few sentences if no
        other person was named since, else the subject of the previous sentences."""
        if last is not None and sent_idx - last.sentence <= PRONOUN_SENTENCES and last.speaker_type in ("PER", None):
            since = [m for m in self.persons if last.end <= m.start < self.sents[sent_idx][0]
                     and self.name_of(m) != last.speaker]
            if not since:
                return last.speaker
        return self.subject[sent_idx - 1] if sent_idx > 0 else None

    def named_near(self, name: str, sent_idx: int, window: int = 2, upto: int | None = None) -> bool:
        """Whether ``name`` (a full name) is mentioned in the ``window`` sentences before ``sent_idx``
        (or before offset ``upto`` in it)."""
        lo = self.sents[max(0, sent_idx - window)][0]
        hi = upto if upto is not None else self.sents[sent_idx][0]
        return any(lo <= m.start < hi and m.type == "PER" and self.name_of(m) == name for m in self.persons)

    def sole_person_of(self, sent_idx: int, name: str, upto: int | None = None) -> bool:
        """Whether sentence ``sent_idx`` is about ``name`` alone: it names no other person, and either names
        them (not only as the object of a preposition: "de moord op Pim Fortuyn") or names nobody and goes on
        about them with a pronoun ("Hij waarschuwde China ...") without a name the tagger missed."""
        lo, hi = self.sents[sent_idx]
        if upto is not None:
            hi = max(hi, upto)
        here = [m for m in self.persons if lo <= m.start < hi and not self.quoted_at(m.start)]
        if any(self.name_of(m) != name for m in here):
            return False
        preps = _PREPOSITIONS.get(self.L.code, frozenset())
        if here:
            for m in here:
                before = [w.lower() for w in _WORD.findall(self.text[max(lo, m.start - 60):m.start])]
                while len(before) > 1 and (before[-1] in self.L.det or before[-1] in _TITLE_WORDS):
                    before.pop()  # "op minister Dekker": the preposition before the title
                if not before or before[-1] not in preps:
                    return True
            return False
        words = _WORD.findall(self.text[lo:hi])
        if not any(w.lower() in self.L.pron for w in words):
            return False
        # two capitalised words inside the sentence: a name the tagger missed ("minister Nathalie Loiseau")
        return not any(a[:1].isupper() and b[:1].isupper() for a, b in zip(words[1:], words[2:]))

    def subject_sentence(self, sent_idx: int) -> int:
        """The sentence the discourse subject of ``sent_idx`` was last named in (-1 if none)."""
        cur = self.subject[sent_idx - 1] if sent_idx > 0 else None
        k = sent_idx - 1
        while k > 0 and self.subject[k - 1] == cur:
            k -= 1
        return k if cur is not None else -1

    def capitalised_elsewhere(self, word: str, not_at: int) -> bool:
        """Whether ``word`` is written capitalised inside a sentence elsewhere in the article (a name)."""
        for m in re.finditer(r"(?<=[\w,;] )" + re.escape(word) + r"\b", self.text):
            if m.start() != not_at:
                return True
        return any(m.text.split()[-1] == word for m in self.mentions)


# Nouns that name a person by role (a speaker when the article says who it is), and organisations.
_PERSON_NOUNS = set("""woordvoerder woordvoerster minister premier president burgemeester wethouder directeur
    voorzitter topman topvrouw baas chef stafchef leider kandidaat lijsttrekker politicus politica deskundige
    onderzoeker hoogleraar advocaat officier rechter agent arts dokter trainer coach speler renster renner
    kunstenaar schrijver zanger zangeres vader moeder zoon dochter man vrouw jongen meisje eigenaar bewoner
    buurman buurvrouw vriend vriendin verdachte slachtoffer getuige commissaris staatssecretaris kamerlid
    koning koningin paus bisschop ambassadeur generaal militair soldaat activist activiste econoom analist
    wetenschapper expert specialist student leraar docent boer ondernemer oprichter ceo bestuurder raadslid
    journalist verslaggever presentator auteur regisseur acteur actrice minister-president fractievoorzitter
    partijleider kanselier gouverneur senator spokesman spokeswoman spokesperson minister president chairman
    chief director mayor sprecher sprecherin ministerin präsident präsidentin kanzlerin kanzler bürgermeister
    porte-parole ministre président maire portavoz ministro presidente alcalde portavoce sindaco""".split())
_TITLE_WORDS = {"prime", "vice", "premier", "mr", "mrs", "ms", "dr", "prof", "herr", "frau", "monsieur", "madame",
                "señor", "señora", "signor", "signora", "sir", "lord", "lady", "general", "generaal", "koning",
                "koningin", "prins", "prinses", "paus", "bisschop", "kardinaal", "minister", "staatssecretaris"}
_PERSON_SUFFIXES = ("woordvoerder", "voorzitter", "minister", "directeur", "topman", "leider", "loog", "kundige",
                    "ist", "iste", "aar", "eur", "ster", "man", "vrouw", "genoot")
_ORG_NOUNS = set("""politie brandweer gemeente provincie regering kabinet inspectie rechtbank justitie ministerie
    partij bond vakbond bank bedrijf fabrikant club organisatie fonds pensioenfonds universiteit ziekenhuis
    omroep krant om kamer raad commissie raadsman bureau dienst instituut vereniging stichting federatie
    staf leger presidentschap kantoor autoriteiten overheid ministerie gemeenteraad inspectie ngo museum
    bestuur college kiesraad hof toezichthouder directie fractie coalitie oppositie
    police government ministry company bank party court council regierung polizei ministerium""".split())


# Words inside a title before a name ("minister van Buitenlandse Zaken Kuleba").
_ROLE_PARTICLES = frozenset({"van", "voor", "de", "het", "der", "des", "of", "the", "von", "für", "du", "de", "la",
                             "del", "di", "della"})
_ACRONYM_DEF = re.compile(r"((?:[A-ZÀ-Ý][\w'’-]+\s+(?:(?:[a-z]{1,5})\s+){0,2}){1,7}[A-ZÀ-Ý][\w'’-]+)\s*\(([A-Z]{2,8})\)")


def _acronyms(text: str) -> dict[str, str]:
    """Acronyms the text defines, with their expansion: the initials of the capitalised words must spell it."""
    found: dict[str, str] = {}
    for m in _ACRONYM_DEF.finditer(text):
        words, acro = m.group(1).split(), m.group(2)
        for k in range(len(words)):  # the expansion may start later in the match ("Volgens Transport en ...")
            if words[k][:1].isupper() and _spells(acro, words[k:]):
                found.setdefault(acro, " ".join(words[k:]))
                break
    return found


def _spells(acro: str, words: list[str]) -> bool:
    """Whether the initials spell ``acro``: each capitalised word gives its initial, a small lowercase word
    may give one ("tegen" in SATL) or none ("en" in TLN)."""
    if not words:
        return not acro
    w, rest = words[0], words[1:]
    if w[:1].isupper():
        return bool(acro) and acro[0] == w[0].upper() and _spells(acro[1:], rest)
    return _spells(acro, rest) or (bool(acro) and acro[0] == w[0].upper() and _spells(acro[1:], rest))


def _plural_noun(word: str, code: str) -> bool:
    """A plural noun by its ending (Dutch -en/-s, English/Romance -s, German -en after a group noun)."""
    if code == "nl":
        return len(word) > 4 and word.endswith(("en", "ers", "els", "ems", "jes", "ies"))
    if code in ("en", "fr", "es", "it"):
        return len(word) > 3 and word.endswith("s") and not word.endswith("ss")
    return False


_ROLE_PREFIXES = {"oud", "ex", "vice", "mede", "adjunct", "interim", "former", "ehemaliger", "ancien", "ex"}


def _is_person_noun(word: str) -> bool:
    """A noun naming people by role, singular or plural ("woordvoerder", "de vakbonden", "ingewijden")."""
    prefix, _, rest = word.partition("-")
    if rest and prefix in _ROLE_PREFIXES:
        word = rest  # "oud-sympathisanten", "ex-minister": the part after the prefix heads the word
    for w in (word, word[:-2] if word.endswith("en") else word, word[:-1] if word.endswith(("s", "n")) else word):
        if w in _PERSON_NOUNS or w in _GROUP_NOUNS or (len(w) > 6 and w.endswith(_PERSON_SUFFIXES)):
            return True
    return False


def _is_org_noun(word: str) -> bool:
    for w in (word, word[:-2] if word.endswith("en") else word, word[:-1] if word.endswith("s") else word):
        if w in _ORG_NOUNS or any(w.endswith(x) for x in _ORG_NOUNS if len(x) > 3):
            return True
    return False


# Groups that speak in news ("Ingewijden stellen dat ...", "critici vrezen ...").
_GROUP_NOUNS = set("""ingewijden sceptici critici deskundigen experts onderzoekers kenners bronnen betrokkenen
    omwonenden bewoners columnisten analisten economen wetenschappers artsen juristen advocaten sympathisanten
    insiders vakbonden bonden partijen""".split())


_DEMONSTRATIVES = {"deze", "dit", "die", "dat", "this", "these", "diese", "dieser", "ce", "cette", "este", "esta",
                   "questo", "questa"}


@lru_cache(maxsize=50_000)
def _is_word(word: str, lang: str) -> bool:
    """Whether ``word`` (lower case) is in the language's lemma dictionary: a capitalised first word that is
    ("Stapels", "Samen") is read as a word, not a name, unless the article shows it is one."""
    import simplemma

    try:
        return simplemma.is_known(word, lang=lang)
    except Exception:  # a language simplemma lacks: no evidence either way
        return False


_HEAD_END = {"van", "bij", "uit", "voor", "in", "op", "met", "of", "von", "bei", "der", "des", "de", "du", "del", "di"}
_DETERMINER_WORDS = {"de", "het", "een", "the", "a", "der", "die", "das", "le", "la", "les", "el", "los", "il"}
_NAME_CUT = {"van", "bij", "uit", "of", "von", "de", "der", "den", "ter", "ten", "vom", "du", "del", "di", "da"}


def _name_in_phrase(words: list[str]) -> str | None:
    """The proper name in a speaker phrase: its run of capitalised words (with name particles), after any
    leading role words and before a trailing ``van <organisation>`` (``David van As van Bpf Bouw``)."""
    runs, cur, start = [], [], 0
    for i, w in enumerate(words):
        if (w[:1].isupper() and (cur or w.lower() not in _DETERMINER_WORDS)) or (cur and w.lower() in _NAME_CUT):
            if not cur:
                start = i
            cur.append(w)
        else:
            if cur:
                runs.append((start, cur))
            cur = []
    if cur:
        runs.append((start, cur))
    # a capitalised run inside a prepositional phrase after a common noun is its complement, not the speaker
    # ("de renster van WNT-Rotor")
    # and a single capitalised word before a common noun is an adjective ("de Duitse kanselier")
    runs = [r for st, r in runs if not (st >= 2 and words[st - 1].lower() in ("van", "bij", "uit", "von", "of", "de",
                                                                              "di", "del", "du", "des", "della")
                                        and words[st - 2][:1].islower())
            and not (len(r) == 1 and st + 1 < len(words) and words[st + 1][:1].islower()
                     and words[st + 1].lower() not in _NAME_CUT)]
    if not runs:
        return None
    run = runs[0] if len(runs) == 1 or len(runs[0]) > 1 else runs[-1]
    while run and run[-1].lower() in _NAME_CUT | _DETERMINER_WORDS:
        run = run[:-1]
    while len(run) > 1 and (_is_person_noun(run[0].lower()) or _is_person_noun(run[0].lower().rstrip("s"))
                            or run[0].lower() in _TITLE_WORDS):
        run = run[1:]  # "Prime Minister Rishi Sunak", "Kanzler Olaf Scholz"
    # "David van As van Bpf Bouw": a second "van" after a full name starts the organisation
    vans = [i for i, w in enumerate(run) if w.lower() in ("van", "bij", "uit", "von")]
    if len(vans) >= 2:
        run = run[:vans[1]]
    elif len(vans) == 1 and vans[0] >= 2:
        run = run[:vans[0]]
    return " ".join(run) if run else None


def _clean_np(phrase: str) -> str:
    return phrase.strip(_PUNCT_EDGE)


# --------------------------------------------------------------------------- confidence
# How sure an attribution is: a logistic model over the pattern that found the quote, how its speaker was named
# and whether the parse's subject of the cue is the same phrase. Fitted on the DPG dev set's tune half only by
# `python -m storyline.eval.calibrate_quotes` (docs/benchmarks-quotes.md), which prints these constants; the shown
# threshold (settings enrich.quote_min_confidence) keeps precision of quotes with the right speaker ≥ 0.9 there.
# Patterns: after ,,…'', zegt X. | before X zegt: ,,…'' | colon X: ,,…'' | trailing …, aldus X. | according
# volgens X … | verb X zegt dat … | continuation a quote right after an attributed one | embedded X noemt het
# ,,…'' | colon_clause X zoekt het in de stad: ,,…'' | that_report … . Dat zei X. | context / context_unsure a
# quote after sentences about one named person (alone / beside others) | interview an answer after a question
# | none no speaker. How: name, pronoun (hij, hem, zei ze), pronoun_ambiguous, role (the article's holder of the
# role), role_near (a role given to the nearest person), org (an organisation noun as written), group (a plural
# group noun as written), unresolved.
CALIBRATION_BIAS = 0.023
CALIBRATION_PATTERN = {"according": -0.010, "after": 0.262, "before": -0.147, "colon": 0.347, "context": 0.664,
                       "context_unsure": -0.590, "continuation": 1.473, "embedded": -1.150, "interview": 0.104,
                       "none": -1.168, "that_report": 0.104, "trailing": 0.444, "verb": -0.358}
CALIBRATION_HOW = {"group": 0.782, "name": 1.954, "none": -1.168, "org": 0.231, "pronoun": 0.007,
                   "pronoun_ambiguous": -1.121, "role": 0.503, "role_near": -0.412, "unresolved": -0.800}
CALIBRATION_AGREES = 1.140
ADDRESSED_CONFIDENCE = 0.6  # a quote that addresses its own speaker by name: at most this sure
# Capped under the shown threshold whatever the fit says (too few examples to calibrate; a wrong speaker is worse
# than a missing one): an unattributed quote after sentences naming others too, an answer in an interview.
UNSURE_PATTERNS = frozenset({"context_unsure", "interview"})
UNSURE_CAP = 0.65
CONTINUATION_MARGIN = 0.01  # a continued quote is never as sure as the attributed one it continues
_APPOSITION_NAME = re.compile(r"\s*,\s*([A-Z][^,]{2,60}?),")
# Singular finite reporting verbs of Dutch: with them "ze"/"zij" is one person (plurals end in -en).
_PLURAL_REPORT_VERBS = {"zeggen", "zeiden", "melden", "meldden", "stellen", "stelden", "schrijven", "schreven",
                        "lieten", "laten", "verklaarden", "vertelden", "concluderen", "concludeerden"}
_SINGULAR_NL_VERBS = {"zei", "zegt", "stelt", "stelde", "meldt", "meldde", "vertelt", "vertelde", "verklaarde",
                      "verklaart", "benadrukte", "benadrukt", "schreef", "schrijft", "reageerde", "antwoordde",
                      "waarschuwde", "waarschuwt", "erkende", "erkent", "ontkende", "ontkent", "liet", "laat",
                      "vindt", "vond", "denkt", "dacht", "legde", "legt", "voegde", "aldus", "vraagt", "vroeg"}
_DEFINITE = {"de", "het", "the", "der", "die", "das", "le", "la", "el", "il"}
_INDEFINITE = {"een", "a", "an", "ein", "eine", "einer", "un", "une", "una", "uno"}
_SINGULAR_MALE = {"hij", "hem", "he", "him", "er", "ihm", "il", "él", "lui", "egli"}  # "ze"/"zij"/"she"... may be a group or an organisation
NO_SYNTAX_FACTOR = 0.85     # the sentence was not parsed (a language without a model): the rules alone
PRONOUN_SENTENCES = 3       # a pronoun goes to a speaker quoted at most this many sentences before
CONTINUATION_SENTENCES = 2  # an unattributed quote continues an attributed one at most this many sentences on
MIN_EMBEDDED_WORDS = 6      # a quoted run inside a sentence shorter than this is a phrase, not a statement
MIN_DIRECT_WORDS = 3        # a quoted run shorter than this is a scare quote or a name, not a quotation

# Words that head no speaker phrase: first-person pronouns (the interviewee, not resolvable by rules),
# adverbs, quantifiers and determiners that open sentences ("Zoals", "Beide", "Veel", "Men").
_NOT_SPEAKER = set("""
    ik wij we me mij ons jij je u jullie men hen hun iemand niemand iedereen wie wat welke die dat dit deze
    zoals beide veel velen weinig sommigen anderen alle allen ofwel samen misschien ook nog zo toen daarna
    ha nou tja ach oké ja nee hoe waarom wanneer waar natuurlijk inmiddels intussen eerder later
    daardoor hierdoor daarmee hiermee daarbij hierbij daarna hierna daarvoor hiervoor vervolgens uiteindelijk
    eindelijk opvallend gelukkig helaas kortom overigens tenslotte ten slotte wellicht waarschijnlijk
    maar en of want dus echter bovendien daarom volgens aldus het er hier daar zelf elk elke ieder iedere
    i you we they it someone everyone nobody who what which this that these those many some both also
    ich wir du ihr man jemand niemand wer was dieses beide viele einige auch
    je nous vous on qui quoi ce cela tous plusieurs yo nosotros usted ustedes quien qué pero según esto todos
    io noi voi chi cosa questo tutti però
""".split())
_TITLE_NOUNS = set("""boek roman film serie programma show single album lied liedje nummer voorstelling
    documentaire tentoonstelling campagne slogan leus motto titel krant rubriek podcast app spel musical opera
    book film series programme program show song album campaign slogan title newspaper
    buch film serie sendung lied titel kampagne livre chanson émission libro película canción programa
    libro canzone programma""".split())


def _confidence(pattern: str, how: str, parsed: bool, agrees: bool) -> float:
    """The calibrated probability that the quote is one with the right speaker: a logistic model over the
    pattern, how the speaker was named and whether the parse agrees (CALIBRATION_*), times NO_SYNTAX_FACTOR
    where the language has no syntax model."""
    z = CALIBRATION_BIAS + CALIBRATION_PATTERN.get(pattern, 0.0) + CALIBRATION_HOW.get(how, 0.0) \
        + (CALIBRATION_AGREES if agrees or not parsed else 0.0)
    c = 1.0 / (1.0 + math.exp(-z))
    if pattern in UNSURE_PATTERNS:
        c = min(c, UNSURE_CAP)
    if not parsed:
        c *= NO_SYNTAX_FACTOR  # no parse could disagree: the rules alone, as sure as an agreeing parse, discounted
    return round(c, 3)


# --------------------------------------------------------------------------- syntax (optional)
_SPEAKER_POS = {"PROPN", "NOUN", "PRON", "X"}
_PHRASE_DEPS = {"det", "amod", "compound", "flat", "flat:name", "nmod", "case", "nummod", "appos", "fixed",
                "nmod:poss", "conj", "cc"}


class _Parses:
    """The sentences the syntax stage parsed, looked up by character offset."""

    def __init__(self, parses: Sequence):
        self.items = sorted(parses or (), key=lambda p: p.start)

    def at(self, pos: int):
        for p in self.items:
            if p.start <= pos < p.end:
                return p
        return None

    @staticmethod
    def token_at(ps, pos: int) -> int | None:
        for i, t in enumerate(ps.tokens):
            if t.start <= pos < t.end:
                return i
        return None

    @staticmethod
    def children(ps, i: int) -> list[int]:
        return [j for j, t in enumerate(ps.tokens) if t.head == i and j != i]

    def phrase(self, ps, i: int) -> tuple[int, int]:
        """Character span of the noun phrase headed by token ``i`` (names, determiners, modifiers; no clauses)."""
        keep = {i}
        stack = [i]
        while stack:
            k = stack.pop()
            for c in self.children(ps, k):
                if ps.tokens[c].dep.split(":")[0] in {d.split(":")[0] for d in _PHRASE_DEPS} and c not in keep:
                    keep.add(c)
                    stack.append(c)
        # contiguous around the head
        lo = hi = i
        while lo - 1 in keep:
            lo -= 1
        while hi + 1 in keep:
            hi += 1
        while lo < i and ps.tokens[lo].pos == "PUNCT":
            lo += 1
        while hi > i and ps.tokens[hi].pos in ("PUNCT", "CCONJ", "ADP"):
            hi -= 1
        return ps.tokens[lo].start, ps.tokens[hi].end

    def speaker(self, ps, cue_pos: int) -> tuple[int, int, str] | None:
        """(start, end, head POS) of the subject of the reporting verb at ``cue_pos`` or the object of
        ``volgens``/``aldus`` there; None if the parse has none."""
        i = self.token_at(ps, cue_pos)
        if i is None:
            return None
        t = ps.tokens[i]
        if t.dep.startswith("case") or t.lemma.lower() in ("volgens", "aldus", "according", "laut", "selon",
                                                             "según", "secondo"):
            h = t.head
            if h != i and ps.tokens[h].pos in _SPEAKER_POS:
                s, e = self.phrase(ps, h)
                return s, e, ps.tokens[h].pos
            return None
        verb = i
        for _ in range(3):
            subj = [c for c in self.children(ps, verb) if ps.tokens[c].dep in ("nsubj", "nsubj:pass")]
            if subj:
                h = subj[0]
                s, e = self.phrase(ps, h)
                return s, e, ps.tokens[h].pos
            if ps.tokens[verb].dep in ("conj", "xcomp", "compound:prt", "aux") and ps.tokens[verb].head != verb:
                verb = ps.tokens[verb].head
                continue
            break
        return None


# --------------------------------------------------------------------------- extraction
def extract_quotes(text: str, lang: str | None = "nl", mentions: Sequence | None = None,
                   parses: Sequence | None = None, explain: dict | None = None) -> list[Quote]:
    """Direct and indirect quotations in ``text`` with their speakers and a confidence.

    Args:
        text: the article text.
        lang: ``nl``, ``en``, ``de``, ``fr``, ``es`` or ``it`` (others get English rules: marks and names).
        mentions: NER mentions (objects with ``text, type, start, end``) used to name speakers.
        parses: parsed sentences (:class:`~storyline.records.ParsedSentence`) where a syntax model ran; their
            subjects check and correct the speakers the rules find. Without them confidence is lower.
        explain: a dict to fill with ``(start, end) -> (pattern, how, agrees)``, the features each returned
            quote's confidence was computed from (for :mod:`storyline.eval.calibrate_quotes`).

    Returns:
        Quotes in text order. ``speaker_text`` and its span are the phrase next to the cue
        (possibly a pronoun or a role); ``speaker`` is that phrase resolved to a name, or None when the
        article does not say who it is (the quote then keeps the phrase as written).

    >>> [q.speaker for q in extract_quotes(",,We bouwen de brug opnieuw'', zei Anna de Wit.", "nl")]
    ['Anna de Wit']
    """
    if not text or not text.strip():
        return []
    L = _lang(lang)
    sents = sentence_spans(text)
    if not sents:
        return []
    ctx = _Context(text, mentions or [], sents, L)
    ctx.quoted = [(o_s, o_e) for o_s, o_e, _, _ in _find_direct(text)]
    syn = _Parses(parses or ())
    sent_starts = [s for s, _ in sents]
    feats: dict[tuple[int, int], tuple[str, str, bool]] = {}  # (start, end) -> (pattern, how, agrees)

    def sent_of(pos: int) -> int:
        lo, hi = 0, len(sent_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if sent_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def attribute(sp_s: int, sp_e: int, cue: str | None, cue_pos: int | None, si: int, before: int):
        """(speaker, speaker_text, start, end, type, how, parsed, agrees) for a candidate speaker phrase;
        the parse (if any) may replace the phrase by the verb's real subject."""
        ps = syn.at(cue_pos) if cue_pos is not None else syn.at(sp_s)
        agrees = False
        if ps is not None and cue_pos is not None:
            got = syn.speaker(ps, cue_pos)
            if got is not None:
                # the parse's subject of the cue confirms the phrase the rules found, or it does not (the rules'
                # phrase stays: measured on the dev set, a parser subject replacing it was wrong more often)
                g_s, g_e, pos = got
                agrees = pos in _SPEAKER_POS and g_s < sp_e and g_e > sp_s
        if ps is not None:
            inside = [t for t in ps.tokens if sp_s <= t.start < sp_e]
            named = any(m.start < sp_e and m.end > sp_s and m.type in ("PER", "ORG") for m in ctx.mentions)
            if inside and not named and not any(t.pos in _SPEAKER_POS for t in inside):
                return None  # the parse reads the phrase as an adverb, adjective or determiner: not a speaker
        name, stype, how = ctx.resolve_speaker(sp_s, sp_e, si, last_speaker(before))
        if how == "invalid":
            return None
        if how == "pronoun_ambiguous" and cue and L.code == "nl" and cue.lower() in _SINGULAR_NL_VERBS:
            how = "pronoun"  # "zei ze": a singular verb, so one person rather than a group
        # the language has a syntax model (the article came with parses): the parser skipped this sentence
        # only when it had nothing to check, so it is not held against the attribution
        return name, text[sp_s:sp_e], sp_s, sp_e, stype, how, bool(syn.items), agrees

    hits: list[Quote] = []

    def last_speaker(before: int):
        """The latest quote with a named speaker before ``before`` (its speaker, type and sentence)."""
        best = None
        for h in hits:
            if h.start < before and h.speaker is not None and (best is None or h.start > best.start):
                best = h
        return best

    covered: list[tuple[int, int]] = []
    pending: list[tuple[int, int, str, int, int, bool]] = []  # direct quotes without their own attribution
    directs = _find_direct(text)
    for o_start, o_end, i_start, i_end in directs:
        inner = text[i_start:i_end].strip()
        n_words = len(inner.split())
        si = sent_of(o_start)
        se = sent_of(max(o_end - 1, o_start))
        s_start = _clause_start(text, sents[si][0], o_start)
        after_end = sents[se][1] if se < len(sents) else len(text)
        # the closing sentence may end after the quote (", zei hij in een toespraak."); a quote that ends a
        # sentence may be attributed in the next one only through the continuation rule below
        pattern = None
        spk = _speaker_after(text, o_end, after_end, L)
        if spk is not None:
            pattern = "after"
        else:
            spk = _speaker_before(text, s_start, o_start, L)
            if spk is not None:
                pattern = "according" if L.according_re.fullmatch(spk[2] or "") else "before"
            else:
                spk = _speaker_colon(text, s_start, o_start, L)
                if spk is not None:
                    pattern = "colon"
        embedded = not _starts_sentence(text, o_start, s_start)
        if spk is None and embedded and n_words >= MIN_EMBEDDED_WORDS:
            # a phrase quoted inside a sentence: the words are the sentence subject's
            spk = _subject_of(text, s_start, o_start, L)
            if spk is not None:
                pattern = "embedded"
        if spk is None and text[s_start:o_start].rstrip().endswith(":") and not _label_colon(text, o_start):
            spk = _subject_of(text, s_start, o_start, L)  # "Burger zoekt het in de stad: ,,…''"
            if spk is not None:
                pattern = "colon_clause"
        exclaimed = pattern in ("after", "before") and inner[-1:] in ".!?"
        if (n_words < MIN_DIRECT_WORDS and not exclaimed) or _is_title(text, o_start, inner, L):
            continue  # scare quotes, names, titles of books and shows (",,Geweldig!'', riep ze" is a quote)
        got = None
        if spk is not None:
            sp_s, sp_e, cue = spk
            got = attribute(sp_s, sp_e, cue, _cue_pos(text, cue, sp_s, sp_e, o_start, o_end), si, o_start)
        covered.append((o_start, o_end))
        if got is None:
            pending.append((o_start, o_end, inner, si, n_words, embedded))
            continue
        name, sp_text, sp_s, sp_e, stype, how, parsed, agrees = got
        hits.append(Quote(inner, o_start, o_end, "direct", name, sp_text, sp_s, sp_e, stype, spk[2], si,
                          confidence=_confidence(pattern, how, parsed, agrees)))
        feats[(o_start, o_end)] = (pattern, how, agrees)

    # the last attributed direct quote of each sentence, for German reported speech that continues it
    direct_by_sent = {h.sentence: h for h in hits if h.speaker_text is not None}
    prev_indirect: Quote | None = None
    for si, (s, e) in enumerate(sents):
        regions = _free_regions(s, e, covered)
        if not regions:
            prev_indirect = direct_by_sent.get(si)
            continue
        found = None
        for r_s, r_e in regions:
            for c_s, c_e in _clauses(text, r_s, r_e):
                found = _indirect(text, c_s, c_e, L)
                if found is not None and r_e < e and found[1] >= r_e - 2:
                    found = None  # "Volgens Rutte is een 'aanpak nodig'": the quoted words carry the report
                if found is not None:
                    break
            if found is not None:
                break
        if found is None and L.code == "de" and prev_indirect is not None and prev_indirect.sentence == si - 1 \
                and len(regions) == 1 and regions[0] == (s, e):
            # German free indirect speech: a following sentence in the subjunctive continues the report
            if _DE_SUBJUNCTIVE.search(text, s, e):
                hit = replace(prev_indirect, text=text[s:e], start=s, end=e, kind="indirect", cue=None, sentence=si,
                              confidence=round(prev_indirect.confidence * 0.9, 3))
                hits.append(hit)
                feats[(s, e)] = ("subjunctive", feats.get((prev_indirect.start, prev_indirect.end), ("", "name", False))[1],
                                 False)
                prev_indirect = hit
                continue
        if found is None:
            prev_indirect = direct_by_sent.get(si)
            continue
        q_s, q_e, sp_s, sp_e, cue, pattern, cue_pos = found
        if any(a < q_e and b > q_s for a, b in covered):
            prev_indirect = direct_by_sent.get(si)
            continue
        got = attribute(sp_s, sp_e, cue, cue_pos, si, q_s)
        if got is None:
            prev_indirect = None
            continue
        name, sp_text, sp_s, sp_e, stype, how, parsed, agrees = got
        if L.code == "nl":
            q_s = _drop_complementiser(text, q_s, q_e, L)
        hit = Quote(text[q_s:q_e], q_s, q_e, "indirect", name, sp_text, sp_s, sp_e, stype, cue, si,
                    confidence=_confidence(pattern, how, parsed, agrees))
        hits.append(hit)
        feats[(q_s, q_e)] = (pattern, how, agrees)
        prev_indirect = hit
    if L.code == "nl":
        for si in range(1, len(sents)):
            report = _report_before(text, sents, si, L)
            if report is None:
                continue
            q_s, q_e, sp_s, sp_e, cue, cue_pos = report
            if any(a < q_e and b > q_s for a, b in covered) or any(h.start < q_e and h.end > q_s for h in hits):
                continue  # the sentence is already a quote
            got = attribute(sp_s, sp_e, cue, cue_pos, si, q_s)
            if got is None:
                continue
            name, sp_text, sp_s, sp_e, stype, how, parsed, agrees = got
            hits.append(Quote(text[q_s:q_e], q_s, q_e, "indirect", name, sp_text, sp_s, sp_e, stype, cue, si - 1,
                              confidence=_confidence("that_report", how, parsed, agrees)))
            feats[(q_s, q_e)] = ("that_report", how, agrees)
    hits.sort(key=lambda h: h.start)
    for o_start, o_end, inner, si, n_words, embedded in pending:
        before_all = [h for h in hits if h.end <= o_start and h.speaker_text is not None]
        nearest = max(before_all, key=lambda h: h.end) if before_all else None
        cont = _continuation(text, o_start, o_end, inner, si, n_words, embedded, last_speaker(o_start), sent_of, ctx,
                             nearest, lambda q: feats.get((q.start, q.end), ("", "name", False))[1], bool(syn.items))
        if cont is not None:
            quote, pattern, how = cont
            hits.append(quote)
            feats[(o_start, o_end)] = (pattern, how, False)
    hits.sort(key=lambda h: h.start)
    out = [_addressed(h) for h in hits]
    if explain is not None:
        for q in out:
            explain[(q.start, q.end)] = feats.get((q.start, q.end), ("none", "none", False))
    return out


_VOCATIVE = re.compile(r"\W*([A-ZÀ-Ý][\w'’-]+)\s*[,!]")


def _addressed(q: Quote) -> Quote:
    """A quote that opens by addressing its speaker by name ("Wouter, al je boeken liggen hier!") was said
    to them, not by them: kept, with the speaker unresolved."""
    m = _VOCATIVE.match(q.text)
    if m is None or not q.speaker or m.group(1) not in q.speaker.split():
        return q
    return replace(q, speaker=None, speaker_type=None, confidence=min(q.confidence, ADDRESSED_CONFIDENCE))


def _continuation(text: str, o_start: int, o_end: int, inner: str, si: int, n_words: int, embedded: bool, prev,
                  sent_of, ctx, nearest=None, how_of=lambda q: "name",
                  parsed: bool = True) -> tuple[Quote, str, str] | None:
    """A direct quote without its own attribution: it continues the quote just before it (same speaker), is an
    interview answer, or is the words of the person the previous sentences are about; else it has no speaker.
    ``prev``: the latest quote with a named speaker; ``nearest``: the latest with any speaker phrase; ``how_of``:
    how a quote's speaker was named. Returns the quote, its pattern and how (the confidence's features)."""
    if not embedded and nearest is not None and nearest.speaker is None and (prev is None or nearest.end > prev.end) \
            and si - sent_of(max(nearest.end - 1, nearest.start)) <= CONTINUATION_SENTENCES:
        # "…, aldus een woordvoerder. ,,…''": the unresolved speaker goes on speaking
        how = how_of(nearest)
        conf = min(_confidence("continuation", how, parsed, False), round(nearest.confidence - CONTINUATION_MARGIN, 3))
        return Quote(inner, o_start, o_end, "direct", None, nearest.speaker_text, nearest.speaker_start,
                     nearest.speaker_end, nearest.speaker_type, None, si, confidence=conf), "continuation", how
    if not embedded and _after_question(text, o_start):
        # an interview: the answer after a question is the interviewee's, the person the article names most
        who = ctx.most_named()
        if who is not None:
            return Quote(inner, o_start, o_end, "direct", who, None, None, None, "PER", None, si,
                         confidence=_confidence("interview", "name", parsed, False)), "interview", "name"
    if not embedded and prev is not None and si - sent_of(max(prev.end - 1, prev.start)) <= CONTINUATION_SENTENCES \
            and not _has_other_speaker(text[prev.end:o_start], ctx, prev.end, prev.speaker):
        how = how_of(prev)
        conf = min(_confidence("continuation", how, parsed, False), round(prev.confidence - CONTINUATION_MARGIN, 3))
        return Quote(inner, o_start, o_end, "direct", prev.speaker, prev.speaker_text, prev.speaker_start,
                     prev.speaker_end, prev.speaker_type, None, si, confidence=conf), "continuation", how
    subject = ctx.subject[si - 1] if si > 0 and not embedded else None
    s_start = ctx.sents[si][0]
    if not embedded and _clause_start(text, s_start, o_start) > s_start:
        # the splitter missed the boundary before the quote: the person the sentence before it is about
        before = [m for m in ctx.persons if s_start <= m.start < o_start]
        if before:
            subject = ctx.name_of(before[0])
    if subject is not None and ctx.named_near(subject, si, upto=o_start):
        # Shown only when the sentence before names this person as its only person, not after a preposition
        # ("de moord op Pim Fortuyn", "kansloos tegen Bergkamp, Henry"): else the quote is kept, hidden.
        sure = ctx.sole_person_of(si - 1, subject, upto=o_start) if si > 0 else False
        pattern = "context" if sure else "context_unsure"
        return Quote(inner, o_start, o_end, "direct", subject, None, None, None, "PER", None, si,
                     confidence=_confidence(pattern, "name", parsed, False)), pattern, "name"
    if n_words < (MIN_EMBEDDED_WORDS if embedded else MIN_UNATTRIBUTED_WORDS):
        return None
    return Quote(inner, o_start, o_end, "direct", None, None, None, None, None, None, si,
                 confidence=_confidence("none", "none", parsed, False)), "none", "none"


def _after_question(text: str, pos: int) -> bool:
    """Whether the words right before ``pos`` are a question outside quotation marks (an interviewer's)."""
    before = text[max(0, pos - 200):pos].rstrip()
    if not before.endswith("?"):
        return False
    last_close = max(before.rfind("''"), before.rfind('"'), before.rfind("”"), before.rfind("'"))
    return last_close < len(before) - 1 and before[last_close + 1:].strip() != "?"


_SENTENCE_END = re.compile(r"[.!?](?:''|[\"”’'])?\s+(?=\S)")


def _clause_start(text: str, s_start: int, pos: int) -> int:
    """The start of the sentence ``pos`` is in, also where the splitter missed a boundary (``zei X. ,,…``)."""
    last = s_start
    for m in _SENTENCE_END.finditer(text, s_start, min(len(text), pos + 1)):  # +1: the lookahead sees pos
        if m.end() <= pos:
            last = m.end()
    return last


def _label_colon(text: str, pos: int) -> bool:
    """Whether a colon before ``pos`` introduces a list or a label rather than speech ("Foto: ...")."""
    head = text[max(0, pos - 12):pos].lower()
    return any(w in head for w in ("foto:", "lees ook:", "bron:", "video:", "zie ook:"))


def _cue_pos(text: str, cue: str | None, sp_s: int, sp_e: int, o_start: int, o_end: int) -> int | None:
    """Offset of the cue word nearest the speaker phrase (for the parse lookup)."""
    if not cue or cue == ":":
        return None
    best = None
    for m in re.finditer(r"(?<!\w)" + re.escape(cue) + r"(?!\w)", text[max(0, sp_s - 200):sp_e + 200]):
        pos = max(0, sp_s - 200) + m.start()
        if o_start <= pos < o_end:
            continue
        if best is None or abs(pos - sp_s) < abs(best - sp_s):
            best = pos
    return best


def _free_regions(s: int, e: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of sentence [s, e) outside direct quotes that are long enough to carry reported speech."""
    inside = sorted((max(a, s), min(b, e)) for a, b in covered if a < e and b > s)
    if not inside:
        return [(s, e)]
    out, pos = [], s
    for a, b in inside:
        if a - pos > MIN_REPORT_CHARS * 3:
            out.append((pos, a))
        pos = max(pos, b)
    if e - pos > MIN_REPORT_CHARS * 3:
        out.append((pos, e))
    return out


def _drop_complementiser(text: str, q_s: int, q_e: int, L: _Lang) -> int:
    m = re.match(r"(?:dat|of|om)\s+", text[q_s:q_e])
    return q_s + m.end() if m else q_s


def _has_other_speaker(between: str, ctx, pos: int, speaker: str | None) -> bool:
    """Whether a stretch between two quotes names another person (the next quote may be theirs)."""
    return any(m.type == "PER" and pos <= m.start < pos + len(between) and ctx.name_of(m) != speaker
               for m in ctx.mentions)


def _is_title(text: str, o_start: int, inner: str, L: _Lang) -> bool:
    """A title of a book, show or campaign: named by a title noun right before, or written in title case."""
    before = [w.lower() for w in _WORD.findall(text[max(0, o_start - 40):o_start])][-3:]
    if any(w in _TITLE_NOUNS for w in before):
        return True
    words = [w for w in inner.split() if w[:1].isalpha()]
    if len(words) >= 2 and not re.search(r"[.!?,]", inner) and sum(w[0].isupper() for w in words) >= 0.75 * len(words):
        return True
    return False


def _speaker_colon(text: str, s_start: int, q_start: int, L: _Lang) -> tuple[int, int, str] | None:
    """'Mackenbach: ,,…''' — a short name or role phrase and a colon right before the quote."""
    head = text[s_start:q_start].rstrip()
    if not head.endswith(":"):
        return None
    toks = _tokens(text, s_start, s_start + len(head) - 1)
    if not toks:
        return None
    marks = [i for i, t in enumerate(toks) if t[0] in (",", ";", ".", "(", ")")]
    start = marks[-1] + 1 if marks else 0
    if start >= len(toks):
        return None
    e = _np_at(toks, start, L)
    if e != len(toks) or e - start > 6:
        return None
    return toks[start][1], toks[e - 1][2], ":"


_CLAUSE_BREAK = re.compile(r"\s[–—]\s|;\s")


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A sentence cut at dashes and semicolons: each part may carry its own attribution."""
    out, pos = [], s
    for m in _CLAUSE_BREAK.finditer(text, s, e):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, e))
    return out


def _starts_sentence(text: str, pos: int, s_start: int) -> bool:
    return not text[s_start:pos].strip(" \t\n\"'“”„‘’«»")


_MODALS = {"moet", "moeten", "moest", "moesten", "zou", "zouden", "kan", "kunnen", "mag", "mogen", "wil", "willen",
           "should", "would", "must", "could", "soll", "sollte", "müsste", "würde", "muss", "devrait", "debería",
           "dovrebbe"}
_AUXILIARIES = {"a", "avait", "ont", "ha", "aveva", "hanno", "han", "había", "has", "had", "heeft", "hat"}


def _speaker_after(text: str, pos: int, end: int, L: _Lang) -> tuple[int, int, str] | None:
    """Speaker in an attribution right after a quote: '”, zei hij' / '", said X' / '", Peskov said'."""
    seg_end = min(end, pos + 200)
    toks = _tokens(text, pos, seg_end)
    if not toks:
        return None
    i = 0
    if toks[0][0] in (",", ":", "–", "—", "-"):
        i = 1
    elif toks[0][0] in (".", "!", "?"):
        return None
    if i < len(toks) and toks[i][0].lower() in ("zo", "so"):
        if L.code == "de" and toks[i][0].lower() == "so" and i + 1 < len(toks):
            e = _np_at(toks, i + 1, L)
            if e > i + 1:
                return toks[i + 1][1], toks[e - 1][2], "so"
        i += 1
    if i + 1 < len(toks) and toks[i][0].lower() in _AUXILIARIES and toks[i + 1][0].lower() in L.verbs:
        i += 1  # "», a déclaré X" / "», ha detto X"
    if i >= len(toks):
        return None
    verb = toks[i][0]
    vlow = verb.lower()
    if vlow in L.verbs or (verb[:1].islower() and L.code != "en" and i > 0):
        # inversion after a quote: '”, <finite verb> <subject>' (any verb: "vatte Peskov ... samen")
        e = _np_at(toks, i + 1, L)
        if e > i + 1 and (vlow in L.verbs or _looks_named(toks, i + 1, e, L)):
            return toks[i + 1][1], toks[e - 1][2], verb
    if L.code == "en" or toks[i][0][:1].isupper() or toks[i][0].lower() in L.pron:
        e = _np_at(toks, i, L)
        if e > i and e < len(toks) and toks[e][0].lower() in L.verbs:
            return toks[i][1], toks[e - 1][2], toks[e][0]
    return None


def _looks_named(toks, s: int, e: int, L: _Lang) -> bool:
    """A name, a pronoun, or a definite role or organisation noun ("de inspectie", "de woordvoerder")."""
    words = [t[0] for t in toks[s:e]]
    if words[0].lower() in L.pron or any(w[:1].isupper() for w in words):
        return True
    head = words[-1].lower()
    return words[0].lower() in L.det and (_is_person_noun(head) or _is_org_noun(head))


def _speaker_before(text: str, s_start: int, q_start: int, L: _Lang) -> tuple[int, int, str] | None:
    """Speaker in the clause before a quote: 'X zei: “…”', 'zei X: "…"', 'volgens X "…"'."""
    toks = _tokens(text, s_start, q_start)
    if not toks:
        return None
    marks = _clause_marks_before(toks)
    for k in range(len(toks) - 1, -1, -1):
        w = toks[k][0]
        lw = w.lower()
        if lw in L.verbs and (lw not in L.needs_particle or _has_particle(toks, k, L)):
            st = _subject_start(toks, k, L, marks)
            if st >= 0:
                e = _np_at(toks, st, L)
                return toks[st][1], toks[e - 1][2], w
            e = _np_at(toks, k + 1, L)
            if e > k + 1 and _looks_named(toks, k + 1, e, L):
                return toks[k + 1][1], toks[e - 1][2], w
    m = None
    for m in L.according_re.finditer(text, s_start, q_start):
        pass
    if m is not None:
        sub = _tokens(text, m.end(), q_start)
        e = _np_at(sub, 0, L)
        if e > 0:
            return sub[0][1], sub[e - 1][2], m.group()
    return None


def _subject_of(text: str, s_start: int, pos: int, L: _Lang) -> tuple[int, int, str] | None:
    """A named clause-initial subject followed by a lower-case (verb) word, as the speaker."""
    toks = _tokens(text, s_start, pos)
    e = _np_at(toks, 0, L) if toks else 0
    if 0 < e < len(toks) and _looks_named(toks, 0, e, L) and toks[e][0][:1].islower() \
            and toks[0][0].lower() not in L.pron | {"es", "het", "it", "er", "man"}:
        return toks[0][1], toks[e - 1][2], toks[e][0]
    if 0 < e < len(toks) and toks[0][0].lower() in L.pron:
        return toks[0][1], toks[e - 1][2], toks[e][0]
    return None


_THAT_OPENERS = {"dat", "dit"}


def _report_before(text: str, sents, si: int, L: _Lang) -> tuple[int, int, int, int, str, int] | None:
    """(quote_start, quote_end, speaker_start, speaker_end, cue, cue offset) when sentence ``si`` opens with
    "Dat/Dit" and a reporting verb and names who said it ("Dat zei politiewoordvoerder Willem van Hooijdonk
    gisteravond."): the sentence before it, in the same paragraph, is that speaker's report."""
    s, e = sents[si]
    toks = _tokens(text, s, e)
    if len(toks) < 3 or toks[0][0].lower() not in _THAT_OPENERS:
        return None
    verb = toks[1][0].lower()
    if verb not in L.verbs or verb not in _SINGULAR_NL_VERBS | _PLURAL_REPORT_VERBS:
        return None
    if verb in L.needs_particle and not _has_particle(toks, 1, L):
        return None
    ne = _np_at(toks, 2, L)
    if ne <= 2:
        return None
    p_s, p_e = sents[si - 1]
    if "\n" in text[p_e:s] or "\n" in text[p_s:p_e].strip():
        return None  # a new paragraph: "Dat" points elsewhere
    q_e = p_e
    while q_e > p_s and text[q_e - 1] in " .!?\n":
        q_e -= 1
    if q_e - p_s <= MIN_REPORT_CHARS or text[p_e - 1:p_e] == "?":
        return None
    return p_s, q_e, toks[2][1], toks[ne - 1][2], toks[1][0], toks[1][1]


def _has_particle(toks, k: int, L: _Lang, window: int = 9) -> bool:
    return any(t[0].lower() in L.particles for t in toks[k + 1:k + 1 + window])


def _indirect(text: str, s: int, e: int, L: _Lang) -> tuple[int, int, int, int, str, str, int] | None:
    """(quote_start, quote_end, speaker_start, speaker_end, cue, pattern, cue offset) for reported speech in one
    sentence; ``pattern`` names the rule (a key of CALIBRATION_PATTERN)."""
    toks = _tokens(text, s, e)
    if len(toks) < 4:
        return None
    end_cut = toks[-1][1] if toks[-1][0] in ".!?" else toks[-1][2]
    # 1. "Volgens X ..." / "Laut X ..." / "According to X, ..."
    m = L.according_re.search(text, s, e)
    if m is not None:
        sub = _tokens(text, m.end(), e)
        ne = _np_at(sub, 0, L)
        if ne > 0:
            sp_s, sp_e = sub[0][1], sub[ne - 1][2]
            if ne + 2 < len(sub) and sub[ne][0] == "," and sub[ne + 1][0][:1].isupper():
                # "Según el ministro de Sanidad, Salvador Illa, ...": the name in apposition
                ne2 = _np_at(sub, ne + 1, L)
                if ne2 < len(sub) and sub[ne2][0] == "," and ne2 - ne <= 4:
                    sp_s, sp_e = sub[ne + 1][1], sub[ne2 - 1][2]
            if m.start() == s or not text[s:m.start()].strip():
                q_s = sp_e
                while q_s < e and text[q_s] in " ,":
                    q_s += 1
                bracket = re.match(r"\([^()]{1,30}\)[ ,]*", text[q_s:e])
                if bracket:
                    q_s += bracket.end()  # "Volgens Greenpeace (GP) is ...": the speaker's acronym is no quote
                q_e = end_cut
            else:
                q_s, q_e = s, end_cut
            if q_e - q_s > MIN_REPORT_CHARS:
                return q_s, q_e, sp_s, sp_e, m.group(), "according", m.start()
    # German "X zufolge ..." is rare enough to leave out; 2. trailing "..., aldus X." / "..., sagte X."
    for m in L.trailing_re.finditer(text, s, e):
        sub = _tokens(text, m.end(), e)
        ne = _np_at(sub, 0, L)
        if ne > 0 and m.start() - s > MIN_REPORT_CHARS:
            rest = sub[ne:]
            # the attribution closes the sentence (only adverbials may follow)
            if len(rest) <= TRAILING_ATTRIBUTION_TOKENS or (rest and rest[0][0] in (",", "(")):
                return s, m.start(), sub[0][1], sub[ne - 1][2], m.group("verb"), "trailing", m.start("verb")
    # 3. "Dat meldt X." — the report is the previous sentence; handled by the caller as a plain cue here
    # 4. "X zegt/sagte (, ) dat ..." with the subject before the verb (V2) or after it (inversion)
    marks = _clause_marks_before(toks)
    lows = last_te = last_dat = None
    for k, (w, ws, we) in enumerate(toks):
        lw = w.lower()
        if lw not in L.verbs:
            continue
        if lw in L.needs_particle and not _has_particle(toks, k, L):
            continue
        if any(t[0].lower() in _MODALS for t in toks[max(0, k - 3):k]):
            continue  # "X moet eisen dat ...", "zou zeggen dat": what someone should or would say is no report
        # complementiser within a few tokens after the verb (past adverbs, the subject or an object)
        c = None
        for j in range(k + 1, min(len(toks), k + COMPLEMENTISER_WINDOW)):
            tj = toks[j][0].lower()
            if tj in L.comp:
                c = j
                break
            if tj in (".", ";", ":") or (tj in L.verbs and j > k + 1):
                break
        st = _subject_start(toks, k, L, marks)
        sp = None
        if st >= 0:
            ne = _np_at(toks, st, L)
            sp = (toks[st][1], toks[ne - 1][2])
        else:
            ne = _np_at(toks, k + 1, L)
            if ne > k + 1 and _looks_named(toks, k + 1, ne, L):
                sp = (toks[k + 1][1], toks[ne - 1][2])
                if c is None and L.code == "de":
                    # "So sagte X am Montag, die Astronauten würden ..." — content after the comma
                    for j in range(ne, min(len(toks), ne + DE_CONTENT_COMMA_WINDOW)):
                        if toks[j][0] == ",":
                            if j + 1 < len(toks) and toks[j + 1][1] < end_cut:
                                return toks[j + 1][1], end_cut, sp[0], sp[1], w, "verb", ws
                            break
        if sp is None and (c is not None or (L.code == "de" and k + 1 < len(toks) and toks[k + 1][0] == ",")):
            # "Rice hatte bei ihrem Aufenthalt erklärt, ..." / "Jansen heeft gisteren in Den Haag gezegd dat ...":
            # the clause-initial named subject, however far before the verb
            e0 = _np_at(toks, 0, L)
            if 0 < e0 < k and _looks_named(toks, 0, e0, L) and toks[e0][0][:1].islower() \
                    and toks[0][0].lower() not in {"es", "het", "it", "er", "man", "das", "dat", "dies"} \
                    and not any(t[0] in (".", ";", ":") for t in toks[e0:k]):
                sp = (toks[0][1], toks[e0 - 1][2])
        if sp is None:
            continue
        if c is not None:
            if c + 2 < len(toks):
                return toks[c][1], end_cut, sp[0], sp[1], w, "verb", ws
            continue
        if L.code == "de" and k + 2 < len(toks) and toks[k + 1][0] == ",":
            return toks[k + 2][1], end_cut, sp[0], sp[1], w, "verb", ws
        if L.code == "nl" and lw in _INFINITIVE_REPORTS:
            # "X riep op om ... te stoppen", "X beloofde de prijzen te verlagen": the om/te-clause is the report
            if lows is None:  # once per sentence: a sentence of many reporting verbs stays linear
                lows = [t[0].lower() for t in toks]
                last_te = max((i for i, w in enumerate(lows) if w == "te"), default=-1)
                last_dat = max((i for i, w in enumerate(lows) if w == "dat"), default=-1)
            if last_te > k and last_dat <= k:
                first = k + 1
                after_particle = False
                window = lows[k + 1:k + 1 + COMPLEMENTISER_WINDOW]
                if "om" in window:
                    first = k + 2 + window.index("om")
                else:
                    if sp[0] > ws:  # inversion: "kondigde Bouteflika aan ..." - content after the subject
                        first = next((i for i, t in enumerate(toks) if t[1] >= sp[1]), len(toks))
                    if lw in L.needs_particle:
                        # "kondigde maandag al aan voor het einde ... te vertrekken": the report follows the particle
                        part = next((i for i in range(first, min(len(toks), first + COMPLEMENTISER_WINDOW))
                                     if lows[i] in L.particles), None)
                        if part is not None and part < last_te:
                            first, after_particle = part + 1, True
                    while first < len(toks) and (lows[first] in L.particles or lows[first] in _REPORT_ADVERBS
                                                 or _TIME_WORD.match(lows[first])):
                        first += 1  # "zei gisteren geen ruimte meer te zien": adverbs of the main clause
                if first + 2 < len(toks) and toks[first][1] < end_cut and (
                        lows[first] not in L.stop or lows[first] in L.det or after_particle):
                    return toks[first][1], end_cut, sp[0], sp[1], w, "verb", ws
    return None


# Adverbs of the reporting clause between the verb and an infinitive report ("zei gisteren ... te zien").
_REPORT_ADVERBS = {"al", "ook", "nog", "eerder", "opnieuw", "gisteren", "vandaag", "donderdag", "maandag", "dinsdag",
                   "woensdag", "vrijdag", "zaterdag", "zondag", "toen", "daarom", "nu", "inmiddels", "eerder", "later",
                   "wel", "echter", "dan", "vervolgens", "zelf", "meermaals", "herhaaldelijk"}
# Reporting verbs whose report may be an om/te-infinitive clause instead of a dat-clause.
_INFINITIVE_REPORTS = {"riep", "roept", "riepen", "roepen", "beloofde", "belooft", "beloofden", "kondigde",
                       "bekende", "bekent", "beweerde", "beweert", "dreigde", "dreigt", "eiste", "eist", "claimde",
                       "claimt", "ontkende", "ontkent", "pleit", "pleitte", "zei", "zegt"}


# --------------------------------------------------------------------------- matching across outlets
_QUOTE_CHARS = str.maketrans({c: " " for c in "\"'“”„‘’‚«»‹›()[]…,.;:!?–—-"})


def normalise_quote(text: str) -> str:
    """Lower case, accents folded, punctuation and quote marks dropped, spaces collapsed."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _SPACE.sub(" ", folded.lower().translate(_QUOTE_CHARS)).strip()


def tokens_of(norm: str) -> set[str]:
    return set(norm.split())


def quote_similarity(a: str, b: str) -> float:
    """How likely two normalised quote texts are the same words as reported by two outlets.

    Token overlap relative to the shorter quote (outlets cut quotes differently),
    tempered by the longest shared word run so that common words alone do not match.
    """
    ta, tb = a.split(), b.split()
    if not ta or not tb:
        return 0.0
    sa, sb = set(ta), set(tb)
    overlap = len(sa & sb) / min(len(sa), len(sb))
    run = _longest_common_run(ta, tb)
    run_score = min(1.0, run / RUN_SATURATION)
    return OVERLAP_WEIGHT * overlap + RUN_WEIGHT * run_score


def _longest_common_run(a: list[str], b: list[str]) -> int:
    best = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best
