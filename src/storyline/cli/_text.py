"""Untrusted text for the terminal: every string that comes from an article, a file name or a user goes
through :func:`plain` (or :func:`line`) before the CLI prints it.

Two things make such text dangerous on a terminal:

- Rich markup and emoji codes: ``Kabinet [/] valt`` raises ``MarkupError``, ``[update]`` vanishes,
  ``[link=…]`` becomes a hidden hyperlink, ``:warning:`` an emoji. A :class:`rich.text.Text` is never
  parsed for markup or emoji, so the helpers return ``Text``.
- Control characters: ``ESC ] 0 ; … BEL`` sets the window title, ``ESC [ 2 J`` clears the screen, C1
  ``CSI`` (U+009B) does the same on some terminals, and bidi overrides (U+202E) reorder what is shown.
  Each is replaced by a visible stand-in: C0 controls and DEL by their Unicode control pictures
  (ESC -> ␛), the others by ``<U+XXXX>``.

Newlines and tabs are kept in multi-line text (an article body, a table cell) and replaced (␊, ␉) in
``single_line`` text, where a newline could forge a line of output (a file name in the ingest summary).
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text

__all__ = ["sanitize", "plain", "line"]

# C0 controls, DEL, C1 controls; bidi embeddings, overrides and isolates; line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_KEEP_MULTILINE = {"\n", "\t"}


def _visible(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the control pictures block: ␀ … ␟ (␛ for ESC)
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def sanitize(value: Any, *, single_line: bool = False) -> str:
    """``value`` as a string with no control character left: each replaced by a visible stand-in.

    >>> sanitize("a\\x1b[2Jb")
    'a␛[2Jb'
    >>> sanitize("x\\ny", single_line=True)
    'x␊y'
    """
    text = "" if value is None else str(value)
    keep = () if single_line else _KEEP_MULTILINE
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _visible(m.group()), text)


def plain(value: Any, style: str = "", *, single_line: bool = False) -> Text:
    """``value`` as literal, sanitised text: never read as markup or emoji codes."""
    return Text(sanitize(value, single_line=single_line), style=style)


def line(*parts: Any) -> Text:
    """One line from parts: strings are untrusted text; ``(text, style)`` pairs are styled untrusted text.

    >>> line(("id", "bold"), " ", "[/]").plain
    'id [/]'
    """
    out = Text()
    for part in parts:
        if isinstance(part, tuple):
            out.append_text(plain(part[0], part[1]))
        elif isinstance(part, Text):
            out.append_text(part)
        else:
            out.append_text(plain(part))
    return out
