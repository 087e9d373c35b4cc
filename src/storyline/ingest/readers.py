"""Readers: each turns one input format into Article records.

Every reader yields ``Article`` or ``ReadError`` items, never raises for bad input,
so one malformed line or page costs only itself.
"""

from __future__ import annotations

import glob
import io
import json
import os
import re
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from storyline.ingest.dates import read_published
from storyline.ingest.normalize import clean_text, first_sentence_title, identify_language, normalise_language, \
    normalize_text
from storyline.records import Article
from storyline.errors import EmptyRecord

DEFAULT_MAX_ARTICLE_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024
MIN_HTML_WORDS = 8
# Metadata key of a published date that was readable but implausible (future, before the web): kept, not used.
DATE_WARNING = "published_dropped"


@dataclass
class ReadError:
    where: str
    message: str
    empty: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


Item = Article | ReadError

# Lone UTF-16 surrogates (JSON "\\ud800" escapes) are valid in a Python str but cannot be encoded
# as UTF-8, so SQLite would refuse the whole batch; they become U+FFFD at the door.
_SURROGATE = re.compile("[\ud800-\udfff]")
_DATE_LINE = re.compile(r"^\ufeff?\s*date\s+(\d{4}-\d{1,2}(?:-\d{1,2})?)\s*")
_KNOWN_FIELDS = {"id", "url", "source", "published", "published_at", "title", "text", "language", "author"}


# --------------------------------------------------------------------------- decoding
def decode_bytes(data: bytes, where: str) -> str:
    """Decode a file's bytes: BOMs first, then UTF-8, then cp1252 (a superset of latin-1 for text)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise ValueError("binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        # cp1252 leaves five bytes undefined; latin-1 maps them, but they signal a wrong guess.
        raise ValueError(f"undecodable bytes at offset {exc.start} (not UTF-8, UTF-16 or cp1252)") from exc


# --------------------------------------------------------------------------- builders
def finish_article(
    *,
    id: str,
    text: str,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
    published=None,
    language: str | None = None,
    author: str | None = None,
    metadata: dict | None = None,
    max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
) -> Article:
    """Normalise the fields of one article; raise ValueError with a clear message if unusable."""
    if not isinstance(text, str):
        raise ValueError("field 'text' must be a string")
    text, title, source, url, author = (_scrub(v) for v in (text, title, source, url, author))
    id = _scrub(str(id)) if id is not None else ""
    metadata = _scrub_metadata(metadata)
    if len(text.encode("utf-8", errors="ignore")) > max_bytes:
        raise ValueError(f"article larger than the limit of {max_bytes} bytes")
    raw = normalize_text(text)
    cleaned = clean_text(text)
    if not cleaned and isinstance(title, str) and title.strip():
        # Title-only items (video pages, live-blog stubs) are still articles: the title is their text.
        cleaned = normalize_text(title)
    if not cleaned:
        raise EmptyRecord("empty record: no title and no text")
    title = normalize_text(title) if isinstance(title, str) and title.strip() else first_sentence_title(cleaned)
    lang = normalise_language(language) if isinstance(language, str) and language.strip() \
        else identify_language(cleaned)
    dated = read_published(published, lang)
    pub, precision = dated.iso, dated.precision
    if dated.warning:
        # Kept undated; the original string and the reason stay with the article (the ingest reports it).
        metadata = {**(metadata or {}), DATE_WARNING: {"value": str(published)[:200], "why": dated.warning}}
    article = Article(
        id=str(id).strip(),
        text=cleaned,
        raw_text=raw if raw != cleaned else None,
        title=title,
        source=source.strip() if isinstance(source, str) and source.strip() else site_name(url),
        url=url.strip() if isinstance(url, str) and url.strip() else None,
        published=pub,
        date_precision=precision,
        language=lang,
        author=author if isinstance(author, str) else None,
        metadata=metadata or {},
    )
    if not article.id:
        raise ValueError("empty id")
    return article


def site_name(url) -> str | None:
    """The outlet of an article known only by its URL: the host without ``www.`` (``nos.nl``)."""
    if not isinstance(url, str) or "://" not in url:
        return None
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return None
    host = host[4:] if host.startswith("www.") else host
    return host or None


def _scrub(value):
    return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


def _scrub_metadata(metadata: dict | None) -> dict:
    if not metadata:
        return {}
    try:
        dumped = json.dumps(metadata, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError) as exc:
        raise ValueError(f"unstorable extra fields ({type(exc).__name__})") from exc
    return json.loads(_SURROGATE.sub("\ufffd", dumped)) if _SURROGATE.search(dumped) else metadata


def article_from_record(record: dict, where: str, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES) -> Article:
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if text is None:
        raise ValueError("missing field 'text'")
    published = record.get("published", record.get("published_at"))
    record_id = record.get("id")
    if record_id is None or str(record_id).strip() == "":
        if record.get("url"):
            record_id = record["url"]
        else:
            raise ValueError("missing field 'id' (and no 'url' to use instead)")
    metadata = {k: v for k, v in record.items() if k not in _KNOWN_FIELDS}
    return finish_article(
        id=str(record_id),
        text=text,
        title=record.get("title") if isinstance(record.get("title"), str) else None,
        source=record.get("source") if isinstance(record.get("source"), str) else None,
        url=record.get("url") if isinstance(record.get("url"), str) else None,
        published=published,
        language=record.get("language") if isinstance(record.get("language"), str) else None,
        author=record.get("author") if isinstance(record.get("author"), str) else None,
        metadata=metadata,
        max_bytes=max_bytes,
    )


# --------------------------------------------------------------------------- formats
def read_plain_text(path: Path, data: bytes, max_bytes: int) -> Iterator[Item]:
    """The example's format: optional first line `` date YYYY-MM[-DD]`` then the text."""
    where = str(path)
    try:
        text = decode_bytes(data, where)
    except (ValueError, UnicodeDecodeError) as exc:
        yield ReadError(where, str(exc))
        return
    published = None
    m = _DATE_LINE.match(text)
    if m:
        published = m.group(1)
        text = text[m.end():]
    try:
        yield finish_article(id=path.stem, text=text, published=published, max_bytes=max_bytes,
                             metadata={"path": str(path)})
    except ValueError as exc:
        yield ReadError(where, str(exc))


def read_json_lines(lines: Iterable[bytes | str | ReadError], where: str, max_bytes: int) -> Iterator[Item]:
    for lineno, line in enumerate(lines, start=1):
        if isinstance(line, ReadError):  # from bounded_lines: an overlong line or too much data
            yield ReadError(f"{where}:{lineno}", line.message)
            if line.empty:
                return
            continue
        if isinstance(line, bytes):
            try:
                line = decode_bytes(line, where)
            except ValueError as exc:
                yield ReadError(f"{where}:{lineno}", str(exc))
                continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:  # ValueError: also an integer of over 4,300 digits
            yield ReadError(f"{where}:{lineno}", f"malformed JSON ({exc.msg if hasattr(exc, 'msg') else exc})")
            continue
        try:
            yield article_from_record(record, f"{where}:{lineno}", max_bytes)
        except (ValueError, TypeError) as exc:
            yield ReadError(f"{where}:{lineno}", str(exc), empty=isinstance(exc, EmptyRecord))


def bounded_lines(stream, max_bytes: int, max_total: int) -> Iterator[bytes | ReadError]:
    """Lines of a binary stream, never holding more than one bounded line in memory.

    A line longer than any article within ``max_bytes`` could be (JSON escapes take up to six bytes
    per character) is skipped; reading stops after ``max_total`` bytes, which bounds a gzip bomb
    or an endless stdin. Yields a ReadError in place of a skipped line (``empty`` set when stopping).
    """
    line_limit = 6 * max_bytes + 65536
    total = 0
    while True:
        line = stream.readline(line_limit + 1)
        if not line:
            return
        total += len(line)
        if total > max_total:
            yield ReadError("", f"input larger than the limit of {max_total} bytes; stopped reading", empty=True)
            return
        if len(line) > line_limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the overlong line
                line = stream.readline(line_limit + 1)
                total += len(line)
                if total > max_total:
                    yield ReadError("", f"input larger than the limit of {max_total} bytes; stopped reading",
                                    empty=True)
                    return
            yield ReadError("", f"line longer than {line_limit} bytes: larger than the article limit of {max_bytes} bytes")
            continue
        yield line


def read_json(path: Path, data: bytes, max_bytes: int) -> Iterator[Item]:
    where = str(path)
    try:
        text = decode_bytes(data, where)
    except ValueError as exc:
        yield ReadError(where, str(exc))
        return
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = json.loads(stripped)
        except (ValueError, RecursionError) as exc:  # ValueError: also an integer of over 4,300 digits
            yield ReadError(where, f"malformed JSON array ({getattr(exc, 'msg', exc)})")
            return
        for index, record in enumerate(records):
            try:
                yield article_from_record(record, f"{where}[{index}]", max_bytes)
            except (ValueError, TypeError) as exc:
                yield ReadError(f"{where}[{index}]", str(exc), empty=isinstance(exc, EmptyRecord))
    else:
        yield from read_json_lines(text.splitlines(), where, max_bytes)


def read_html(path: Path | str, data: bytes | str, max_bytes: int, url: str | None = None,
              fallback_id: str | None = None, max_html_bytes: int | None = None,
              timeout_s: float | None = None) -> Iterator[Item]:
    """Main text, title, date, author and site name via trafilatura (which uses htmldate).

    A page over ``max_html_bytes`` (``settings.ingest.max_html_bytes``) is refused before extraction; a page
    over ``INPROCESS_HTML_BYTES`` is extracted in a separate process stopped after ``timeout_s``
    (``settings.ingest.html_timeout_s``): extraction time grows faster than the page, and a stuck page costs
    only itself.
    """
    where = str(path)
    if max_html_bytes is None or timeout_s is None:
        from storyline.settings import get_settings

        ingest = get_settings().ingest
        max_html_bytes = ingest.max_html_bytes if max_html_bytes is None else max_html_bytes
        timeout_s = ingest.html_timeout_s if timeout_s is None else timeout_s
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", errors="ignore"))
    if size > max_html_bytes:
        yield ReadError(where, f"HTML page of {size} bytes is larger than the limit of {max_html_bytes} bytes "
                               "(ingest.max_html_bytes); not extracted")
        return
    if isinstance(data, bytes):
        try:
            html = decode_bytes(data, where)
        except ValueError as exc:
            yield ReadError(where, str(exc))
            return
    else:
        html = data
    try:
        if size > INPROCESS_HTML_BYTES:
            doc = _extract_in_worker(html, url, timeout_s)
        else:
            doc = _extract(html, url)
    except TimeoutError:
        yield ReadError(where, f"HTML extraction took longer than {timeout_s:g} s (ingest.html_timeout_s); "
                               "page skipped")
        return
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        yield ReadError(where, f"unreadable HTML ({type(exc).__name__})")
        return
    if doc is None:
        yield ReadError(where, "no article text found in the HTML page")
        return
    text = doc.get("text") or ""
    # trafilatura's fallbacks can return a stray link or menu label; a page whose main text has
    # fewer words than a short news brief has no article on it.
    if len(text.split()) < MIN_HTML_WORDS:
        yield ReadError(where, "no article text found in the HTML page")
        return
    article_id = fallback_id or (Path(str(path)).stem if path else None) or doc.get("url") or url
    published = doc.get("date")
    try:
        yield finish_article(
            id=article_id, text=text, title=doc.get("title"), source=doc.get("sitename") or doc.get("hostname"),
            url=doc.get("url") or url, published=published, language=doc.get("language"), author=doc.get("author"),
            metadata={"path": str(path)} if path else {}, max_bytes=max_bytes,
        )
    except ValueError as exc:
        yield ReadError(where, str(exc))


# Pages up to this size are extracted in this process (well under a second); larger ones in a worker
# process with a time limit (a 4 MB page took over two minutes).
INPROCESS_HTML_BYTES = 512 * 1024


def _extract(html: str, url: str | None) -> dict | None:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    if doc is None:
        return None
    doc = doc if isinstance(doc, dict) else doc.as_dict()
    # Only plain values cross the process boundary.
    return {k: doc.get(k) for k in ("text", "title", "sitename", "hostname", "url", "date", "language", "author")}


def _extract_child(conn, html: str, url: str | None) -> None:
    try:
        conn.send(("ok", _extract(html, url)))
    except Exception as exc:
        conn.send(("error", type(exc).__name__))
    finally:
        conn.close()


def _extract_in_worker(html: str, url: str | None, timeout_s: float) -> dict | None:
    """``_extract`` in a spawned process, killed after ``timeout_s`` (TimeoutError)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")  # not fork: the parent may hold database connections and model threads
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_extract_child, args=(child, html, url), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(timeout_s):
            raise TimeoutError
        status, value = parent.recv()
    except EOFError:  # the worker died (out of memory, killed)
        status, value = "error", "worker died"
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()
    if status == "error":
        raise RuntimeError(value)
    return value


def read_feed(path: Path, data: bytes, max_bytes: int) -> Iterator[Item]:
    """RSS and Atom via feedparser; the XML goes through defusedxml's checks first."""
    import feedparser

    where = str(path)
    try:
        _check_xml_safe(data)
    except ValueError as exc:
        yield ReadError(where, str(exc))
        return
    try:
        feed = feedparser.parse(data)
    except Exception as exc:  # feedparser itself trips over e.g. "&#xD800;" or a junk encoding name
        yield ReadError(where, f"malformed feed (feedparser failed: {type(exc).__name__})")
        return
    if feed.bozo and not feed.entries:
        yield ReadError(where, f"malformed feed ({type(feed.bozo_exception).__name__})")
        return
    site = feed.feed.get("title") if hasattr(feed, "feed") else None
    language = feed.feed.get("language") or None
    for index, entry in enumerate(feed.entries):
        entry_where = f"{where}#{index}"
        body = ""
        if entry.get("content"):
            body = " ".join(c.get("value", "") for c in entry["content"])
        body = body or entry.get("summary") or entry.get("description") or ""
        text = _html_to_text(body)
        published = entry.get("published") or entry.get("updated")
        try:
            yield finish_article(
                id=entry.get("id") or entry.get("link") or f"{Path(where).stem}-{index}",
                text=text, title=entry.get("title"), source=site, url=entry.get("link"),
                published=published, language=language, author=entry.get("author"), max_bytes=max_bytes,
            )
        except ValueError as exc:
            yield ReadError(entry_where, str(exc))


def read_warc(path: Path, stream, max_bytes: int) -> Iterator[Item]:
    """Each HTML response record of a WARC (e.g. CC-News) read as one article."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    where = str(path)
    try:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
            if "html" not in ctype.lower():
                continue
            payload = record.content_stream().read(max_bytes + 1)
            if len(payload) > max_bytes:
                yield ReadError(f"{where} {url}", f"page larger than the limit of {max_bytes} bytes")
                continue
            yield from read_html(f"{where} {url}", payload, max_bytes, url=url, fallback_id=url)
    except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
        yield ReadError(where, f"unreadable WARC ({exc})")
    except Exception as exc:  # warcio trips over malformed headers with assorted errors (AttributeError, ...)
        yield ReadError(where, f"unreadable WARC (malformed record: {type(exc).__name__})")


# --------------------------------------------------------------------------- dispatch
def _check_xml_safe(data: bytes) -> None:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        fromstring(data)
    except DefusedXmlException as exc:
        raise ValueError(f"unsafe XML refused ({type(exc).__name__})") from exc
    except Exception:
        # Merely malformed: feedparser's lenient parser may still recover entries. defusedxml could not
        # look inside, so refuse any entity declaration ourselves (no news feed needs one).
        if _ENTITY_DECL.search(data) or _ENTITY_DECL.search(_as_text(data)):
            raise ValueError("unsafe XML refused (entity declaration in a malformed document)") from None


_ENTITY_DECL = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)


def _as_text(data: bytes) -> bytes:
    """UTF-16/32 documents as UTF-8, so the entity check sees their markup."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="ignore").encode("utf-8")
    if b"\x00" in data[:4096]:  # BOM-less UTF-16: drop the zero bytes
        return data.replace(b"\x00", b"")
    return data


def _html_to_text(fragment: str) -> str:
    if "<" not in fragment:
        return fragment
    import lxml.html

    try:
        root = lxml.html.fromstring(f"<div>{fragment}</div>")
    except Exception:
        return re.sub(r"<[^>]+>", " ", fragment)
    for br in root.iter("br", "p", "div", "li"):
        br.tail = ("\n" + br.tail) if br.tail else "\n"
    return root.text_content()


def sniff_format(path: Path, head: bytes) -> str:
    suffix = "".join(path.suffixes[-2:]).lower()
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz", ".arc.gz")):
        return "warc"
    if suffix.endswith((".jsonl", ".ndjson")) or name.endswith(".jsonl.gz"):
        return "jsonl"
    if suffix.endswith(".json"):
        return "json"
    if suffix.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if suffix.endswith((".rss", ".atom", ".xml")):
        return "feed"
    if suffix.endswith((".txt", ".text", ".md")):
        return "text"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if probe.startswith(b"warc/"):
        return "warc"
    if probe.startswith((b"{", b"[")):
        return "json"
    if b"<rss" in probe or b"<feed" in probe or b"<rdf" in probe:
        return "feed"
    if probe.startswith((b"<!doctype html", b"<html")) or b"<body" in probe:
        return "html"
    return "text"


def expand_inputs(inputs: Iterable[str]) -> Iterator[Path | str]:
    """Directories (recursive), globs, plain paths and ``-`` (stdin) in a stable order."""
    for item in inputs:
        if item == "-":
            yield "-"
            continue
        matches = sorted(glob.glob(item, recursive=True)) if any(ch in item for ch in "*?[") else [item]
        if not matches:
            yield Path(item)  # reported as missing by read_path
        for match in matches:
            path = Path(match)
            if path.is_dir():
                for root, dirs, files in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(files):
                        if not name.startswith("."):
                            yield Path(root) / name
            else:
                yield path


def read_path(path: Path | str, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
              max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Iterator[Item]:
    if path == "-":
        yield from read_json_lines(bounded_lines(sys.stdin.buffer, max_bytes, max_file_bytes), "<stdin>", max_bytes)
        return
    path = Path(path)
    where = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield ReadError(where, f"cannot read ({exc.strerror or exc})")
        return
    if size == 0:
        yield ReadError(where, "empty file")
        return
    if size > max_file_bytes:
        yield ReadError(where, f"file larger than the limit of {max_file_bytes} bytes")
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        yield ReadError(where, f"cannot read ({exc.strerror or exc})")
        return
    kind = sniff_format(path, head)
    try:
        if kind == "warc":
            with open(path, "rb") as fh:
                yield from read_warc(path, fh, max_bytes)
            return
        if kind == "jsonl":
            opener = _open_maybe_gzip(path)
            with opener as fh:
                # Bounded: a .gz passes the size check compressed but may inflate a thousandfold.
                yield from read_json_lines(bounded_lines(fh, max_bytes, max_file_bytes), where, max_bytes)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield ReadError(where, f"cannot read ({exc.strerror or exc})")
        return
    except (EOFError, zlib.error) as exc:  # truncated or corrupt .gz
        yield ReadError(where, f"corrupt compressed file ({exc})")
        return
    if kind == "json":
        yield from read_json(path, data, max_bytes)
    elif kind == "html":
        yield from read_html(path, data, max_bytes)
    elif kind == "feed":
        yield from read_feed(path, data, max_bytes)
    else:
        yield from read_plain_text(path, data, max_bytes)


def _open_maybe_gzip(path: Path):
    if path.name.lower().endswith(".gz"):
        import gzip

        return gzip.open(path, "rb")
    return open(path, "rb")


def read_inputs(inputs: Iterable[str], **limits) -> Iterator[Item]:
    for path in expand_inputs(inputs):
        yield from read_path(path, **limits)
