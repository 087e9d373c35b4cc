"""Case and script folding for the search index, applied to documents and queries alike.

FTS5's ``unicode61`` tokenizer folds case and diacritics per character, which misses two things:

* Turkish dotted and dotless i: ``İstanbul`` lower-cases to ``i`` + U+0307 (a separate combining dot, which
  splits the word), and ``ı`` is a letter of its own; both become a plain ``i``, so ``istanbul`` finds
  ``İstanbul`` and ``diyarbakir`` finds ``Diyarbakır``;
* scripts written without spaces (Chinese, Japanese) and Korean words with attached particles: a run of
  Han, Kana or Hangul is one token to ``unicode61``, so no word inside it can be found. Each run is indexed
  as its overlapping character bigrams (one character alone stays itself), and a query is cut the same
  way, so ``東京`` finds ``東京都で会議`` and ``서울`` finds ``서울시청``.

Latin, Greek and Cyrillic text is unchanged by either rule (Dutch documents index exactly as before).
"""

from __future__ import annotations

import re

__all__ = ["fold_script"]

_TURKISH_I = str.maketrans({"İ": "I", "ı": "i", "\u0307": ""})
_CJK_RUN = re.compile("[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                      "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f\uff66-\uff9f]+")


def _bigrams(match: re.Match) -> str:
    run = match.group()
    if len(run) == 1:
        return f" {run} "
    return " " + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + " "


def fold_script(text: str) -> str:
    """``text`` with the Turkish i folded and CJK runs as bigrams (see the module)."""
    if not text:
        return text
    text = text.translate(_TURKISH_I)
    return _CJK_RUN.sub(_bigrams, text) if _CJK_RUN.search(text) else text
