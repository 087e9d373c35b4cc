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


# News languages Storyline expects in Latin script: the EU's official languages plus the other large European
# ones. Left unrestricted, py3langid labels short Dutch items as Afrikaans, Frisian or Luxembourgish
# (measured on the DPG corpus: 36 of 1,434 articles).
NEWS_LANGUAGES = (
    "nl", "en", "de", "fr", "es", "it", "pt", "da", "sv", "no", "fi", "pl", "cs", "sk", "sl", "hr", "hu",
    "ro", "et", "lv", "lt", "ga", "mt", "tr", "ca", "sr",
)
# Other scripts: the languages py3langid may choose among, by the script the letters are written in. A script
# with one language in this list decides it outright; none at all (Thai, Georgian, ...) gives UNDETERMINED.
SCRIPT_LANGUAGES = {
    "Cyrillic": ("ru", "uk", "bg", "sr", "mk", "be", "kk"),
    "Greek": ("el",),
    "Arabic": ("ar", "fa", "ur", "ps"),
    "Hebrew": ("he",),
    "Devanagari": ("hi", "mr", "ne"),
    "Hangul": ("ko",),
    "Kana": ("ja",),  # Japanese mixes kana with Han characters; any kana decides it
    "Han": ("zh",),
}
# ISO 639-2 "undetermined": a text whose language cannot be told honestly (mixed or unsupported scripts,
# an unsure classifier). No language's models or rules run on it.
UNDETERMINED = "und"
# Below this many words the label is a guess (a two-word title); leave the language unknown.
MIN_LANGID_WORDS = 4
# Below this normalised probability among a script's languages, py3langid's choice is a guess: "und".
MIN_SCRIPT_CONFIDENCE = 0.6
_identifiers: dict[tuple[str, ...], object] = {}


def _identifier(languages: tuple[str, ...]):
    if languages not in _identifiers:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages(list(languages))
        _identifiers[languages] = identifier
    return _identifiers[languages]


def _script(ch: str) -> str | None:
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o < 0x1F00:
        return "Latin" if ch.isalpha() else None
    if 0x370 <= o < 0x400 or 0x1F00 <= o < 0x2000:
        return "Greek"
    if 0x400 <= o < 0x530:
        return "Cyrillic"
    if 0x590 <= o < 0x600 or 0xFB1D <= o < 0xFB50:
        return "Hebrew"
    if 0x600 <= o < 0x700 or 0x750 <= o < 0x780 or 0xFB50 <= o < 0xFE00 or 0xFE70 <= o < 0xFF00:
        return "Arabic"
    if 0x900 <= o < 0x980:
        return "Devanagari"
    if 0xAC00 <= o < 0xD7B0 or 0x1100 <= o < 0x1200 or 0x3130 <= o < 0x3190:
        return "Hangul"
    if 0x3040 <= o < 0x3100 or 0x31F0 <= o < 0x3200 or 0xFF66 <= o < 0xFFA0:
        return "Kana"
    if 0x4E00 <= o < 0xA000 or 0x3400 <= o < 0x4DC0 or 0xF900 <= o < 0xFB00:
        return "Han"
    return "Other" if ch.isalpha() else None


def dominant_script(text: str) -> str | None:
    """The script most letters of ``text`` are written in (Kana wins over Han: Japanese mixes both)."""
    counts: dict[str, int] = {}
    for ch in text:
        script = _script(ch)
        if script:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    if counts.get("Kana", 0) >= max(3, 0.05 * (counts.get("Kana", 0) + counts.get("Han", 0))):
        return "Kana"
    return max(counts, key=counts.get)


def identify_language(text: str) -> str | None:
    """ISO 639-1 code by script, then py3langid among the languages of that script (10/10 on short Dutch
    headlines offline). ``und`` when the script has no supported language or the classifier is unsure;
    None for a Latin-script text too short to tell (the configured default language applies)."""
    sample = text[:2000].strip()
    script = dominant_script(sample)
    if script is None:
        return None
    if script != "Latin":
        languages = SCRIPT_LANGUAGES.get(script)
        if not languages:
            return UNDETERMINED
        if len(languages) == 1:
            return languages[0]
        lang, confidence = _identifier(languages).classify(sample)
        return lang if confidence >= MIN_SCRIPT_CONFIDENCE else UNDETERMINED
    if len(sample.split()) < MIN_LANGID_WORDS:
        return None
    lang, _ = _identifier(NEWS_LANGUAGES).classify(sample)
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
