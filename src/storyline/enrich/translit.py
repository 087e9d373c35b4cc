"""Transliteration-aware keys for names, so spelling variants of one name compare equal.

Names from Cyrillic (and other scripts) reach Dutch, English and German news in each
language's own transliteration: Dutch writes ``oe`` for /u/, ``sj``/``zj``/``tsj``
for ш/ж/ч and ``ch`` for х; English writes ``u``, ``sh``, ``zh``, ``ch``, ``kh``;
German ``u``, ``sch``, ``sch``, ``tsch``, ``ch`` and ``w`` for в, ``s`` for з.
:func:`name_key` maps each of these to one spelling, so that

>>> name_key("Zelensky") == name_key("Zelenski") == name_key("Zelenskyj") == name_key("Selenskyj")
True
>>> name_key("Poetin") == name_key("Putin"), name_key("Loekasjenko") == name_key("Lukashenko")
(True, True)
>>> name_key("Tsjernihiv") == name_key("Chernihiv"), name_key("Rusland") == name_key("Wit-Rusland")
(True, False)

The rules are general phonetic correspondences between transliteration systems, not
a list of known names. They are written by hand because no library found offline
(unidecode-style folders, phonetic codes such as Soundex/Metaphone) knows the Dutch
and German conventions; Metaphone, for one, would also fold far more (every vowel)
and merge different people.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "name_key", "key_of_folded", "strip_possessive", "tokens", "similar"]

# Letters NFKD does not decompose.
_SPECIAL = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                          "þ": "th", "ı": "i", "’": "'", "‘": "'", "`": "'", "´": "'"})

# Ordered: longer sequences first, so ``tsch`` is not read as ``t`` + ``sch``.
_RULES: list[tuple[str, str]] = [
    ("tsch", "C"),   # German ч
    ("tsj", "C"),    # Dutch ч
    ("tch", "C"),    # French ч
    ("sch", "S"),    # German ш (Schewtschenko); also Dutch sch, harmless for comparison
    ("sj", "S"),     # Dutch ш
    ("sh", "S"),     # English ш
    ("zj", "Z"),     # Dutch ж
    ("zh", "Z"),     # English ж
    ("kh", "C"),     # English х; ch and kh collapse with ч: Dutch ch = English kh, English ch = Dutch tsj
    ("ch", "C"),
    ("oe", "u"),     # Dutch /u/
    ("ou", "u"),     # French /u/
    ("x", "ks"),
    ("ck", "k"),
    ("ph", "f"),
    ("w", "v"),      # German в
    ("y", "i"),      # й/ы/и: y, i, j, ij, yj, iy all fold to i
    ("j", "i"),
    ("z", "s"),      # German writes з as s (Selenskyj)
]
_RULE_RE = re.compile("|".join(re.escape(a) for a, _ in _RULES))
_RULE_MAP = dict(_RULES)
_DOUBLE = re.compile(r"(.)\1+")
_POSSESSIVE = re.compile(r"(?:'s|'|s')$", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s]+")


def fold(text: str) -> str:
    """Lower case, no diacritics, apostrophes unified; keeps letters, digits, spaces and hyphens."""
    if text.isascii():  # fast path: most names
        return " ".join(text.lower().replace("`", "'").split())
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().translate(_SPECIAL).split())


def strip_possessive(name: str) -> str:
    """``Zelenski's`` / ``Zelenski’s`` -> ``Zelenski``; ``Reuters`` stays (no apostrophe)."""
    name = name.strip()
    if "'" in name or "’" in name:
        name = _POSSESSIVE.sub("", name.replace("’", "'")).rstrip("'")
    return name


def tokens(name: str) -> list[str]:
    """Name words after folding; hyphens and punctuation separate words (``Wit-Rusland`` -> wit, rusland)."""
    return _NON_WORD.sub(" ", fold(strip_possessive(name)).replace("-", " ").replace("_", " ")).split()


# Kept as written: words of one or two letters (initials, "Yi", "IJ") and Roman numerals ("Rutte III",
# "Willem II"): folding them (y/j -> i, doubles collapsed) made "III", "II", "J" and "Yi" one key.
_KEEP = re.compile(r"^(?:\w{1,2}|[ivxl]{1,5})$")


# The caches below are bounds on a long run's memory (about 250 bytes an entry): a live stream brings new
# names without end, and the words and names in use stay cached.
@lru_cache(maxsize=50_000)
def _word_key(word: str) -> str:
    if _KEEP.match(word):
        return word
    word = _RULE_RE.sub(lambda m: _RULE_MAP[m.group()], word)
    word = _DOUBLE.sub(r"\1", word)
    return word.lower()


@lru_cache(maxsize=20_000)
def name_key(name: str) -> str:
    """The transliteration-folded key of a name: words joined by single spaces."""
    return key_of_folded(fold(strip_possessive(name)))


def key_of_folded(folded: str) -> str:
    """:func:`name_key` of a string already passed through :func:`fold` (saves work in bulk indexing)."""
    words = _NON_WORD.sub(" ", folded.replace("-", " ").replace("_", " ")).split()
    return " ".join(_word_key(w) for w in words)


def similar(a: str, b: str) -> float:
    """Similarity in [0, 1] of two keys (difflib ratio; keys are short, so this is cheap)."""
    if a == b:
        return 1.0
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b, autojunk=False).ratio()
