"""The pages' language: Dutch or English, by gettext catalogues (Babel), chosen per request.

The choice: ``?lang=nl|en`` (kept in a ``lang`` cookie so it sticks), else the cookie, else the browser's
``Accept-Language`` (Babel's negotiation), else English. Catalogues are the ``.po`` files in
``web/locale/<lang>/LC_MESSAGES/messages.po`` (``make messages`` extracts the strings from the templates),
compiled in memory at first use, so no build step is needed. Dates are written in the chosen locale.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

__all__ = ["LANGUAGES", "DEFAULT", "choose", "current", "use", "gettext_", "ngettext_", "date_text", "number_text"]

LANGUAGES = ("en", "nl")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).parent / "web" / "locale"
_current: contextvars.ContextVar[str] = contextvars.ContextVar("storyline_lang", default=DEFAULT)


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return gettext.NullTranslations()
    with open(po, "rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def choose(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a request (see the module)."""
    for value in (query, cookie):
        if value and value.lower() in LANGUAGES:
            return value.lower()
    wanted = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            wanted.append((quality, tag.strip().replace("-", "_")))
    wanted = [tag for q, tag in sorted(wanted, key=lambda t: -t[0]) if q > 0]
    found = Locale.negotiate(wanted, LANGUAGES, sep="_") if wanted else None
    return str(found.language) if found else DEFAULT


def use(lang: str) -> None:
    _current.set(lang if lang in LANGUAGES else DEFAULT)


def current() -> str:
    return _current.get()


def gettext_(message: str, **variables) -> str:
    text = translations(current()).gettext(message)
    return text % variables if variables else text


def ngettext_(singular: str, plural: str, n: int, **variables) -> str:
    text = translations(current()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def date_text(value: str | dt.date | None, form: str = "medium") -> str:
    """``2019-03-18`` as "18 mrt 2019" / "Mar 18, 2019"; a month-precision date as "maart 2019"; else as given."""
    if not value:
        return ""
    if isinstance(value, dt.date):
        return format_date(value, format=form, locale=current())
    parts = str(value)[:10].split("-")
    try:
        if len(parts) == 3:
            return format_date(dt.date(int(parts[0]), int(parts[1]), int(parts[2])), format=form, locale=current())
        if len(parts) == 2:
            return format_date(dt.date(int(parts[0]), int(parts[1]), 1), format="LLLL y", locale=current())
    except (ValueError, UnknownLocaleError):
        pass
    return str(value)


def number_text(value: int | float | None) -> str:
    """1264 as "1,264" / "1.264"."""
    if value is None:
        return ""
    return format_decimal(value, locale=current())
