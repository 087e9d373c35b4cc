"""Text normalisation: Unicode, whitespace, page furniture, language.

Furniture rules are general patterns seen across Dutch and international news sites
(photo credits, "read also" links, full-screen buttons); they run line by line so a
credit glued to the end of a caption line is cut without touching the sentence.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

# Whole lines that are navigation or promotion rather than article text.
_FURNITURE_LINE = re.compile(
    r"^\s*(?:"
    r"lees (?:ook|meer|alles over|verder)\b.*"
    r"|read (?:more|also)\b.*"
    r"|volledig scherm\b.*"
    r"|bekijk (?:ook|hier)\b.*"
    r"|(?:foto|beeld|video|photo|image|bild)s?\s*[:|©].{0,80}"
    r"|©.{0,80}"
    r"|deel (?:dit )?artikel\b.*"
    r"|share (?:this|on)\b.*"
    r"|advertentie|advertisement|anzeige"
    r")\s*$",
    re.IGNORECASE,
)
# Credits at the end of a caption line: "... in Belarus. Foto: EPA", "... © via REUTERS".
_TRAILING_CREDIT = re.compile(
    r"(?<=[.!?\"'”’)])\s+(?:(?:foto|beeld|photo|bild)\s*[:©]|©)\s*[^.!?]{0,60}$",
    re.IGNORECASE,
)


def normalize_text(text: str) -> str:
    """NFC, no control characters, single spaces, at most one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def remove_furniture(text: str) -> str:
    kept = []
    for line in text.split("\n"):
        if _FURNITURE_LINE.match(line):
            continue
        kept.append(_TRAILING_CREDIT.sub("", line))
    return _BLANK_LINES.sub("\n\n", "\n".join(kept)).strip()


def clean_text(raw: str) -> str:
    return remove_furniture(normalize_text(raw))


# News languages Storyline expects: the EU's official languages plus the other large European ones.
# Left unrestricted, py3langid labels short Dutch items as Afrikaans, Frisian or Luxembourgish
# (measured on the DPG corpus: 36 of 1,434 articles).
NEWS_LANGUAGES = (
    "nl", "en", "de", "fr", "es", "it", "pt", "da", "sv", "no", "fi", "pl", "cs", "sk", "sl", "hr", "hu",
    "ro", "bg", "el", "et", "lv", "lt", "ga", "mt", "ru", "uk", "tr", "ca", "sr",
)
# Below this many words the label is a guess (a two-word title); leave the language unknown.
MIN_LANGID_WORDS = 4
_langid = None


def identify_language(text: str) -> str | None:
    """ISO 639-1 code by py3langid (10/10 on short headlines offline), among the news languages above."""
    global _langid
    sample = text[:2000].strip()
    if len(sample.split()) < MIN_LANGID_WORDS:
        return None
    if _langid is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
        identifier.set_languages(NEWS_LANGUAGES)
        _langid = identifier
    lang, _ = _langid.classify(sample)
    return lang


def normalise_language(code: str | None) -> str | None:
    """The one form of a language code stored with an article: the lower-case primary subtag.

    Applied once at ingest; stages read ``Article.language`` as is.

    >>> normalise_language(" nl-BE "), normalise_language("EN_gb"), normalise_language(""), normalise_language(None)
    ('nl', 'en', None, None)
    """
    if not isinstance(code, str) or not code.strip():
        return None
    return code.strip().lower().replace("_", "-").split("-")[0][:8] or None


def first_sentence_title(text: str, max_chars: int = 160) -> str:
    """A title for an article that has none: its first line, or first sentence if the line is long."""
    from storyline.ingest.sentences import split_sentences

    first_line = next((line for line in text.split("\n") if line.strip()), "")
    if len(first_line) <= max_chars:
        return first_line.strip()
    sents = split_sentences(first_line)
    title = (sents[0] if sents else first_line).strip()
    if len(title) <= max_chars:
        return title
    return shorten(title, max_chars)  # a long first sentence is cut at a word, not mid-word


def shorten(text: str | None, max_chars: int) -> str:
    """``text`` cut to ``max_chars`` at a word boundary, marked with an ellipsis when cut."""
    text = text or ""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars - 1]
    if " " in cut and not text[max_chars - 1].isspace():
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"
