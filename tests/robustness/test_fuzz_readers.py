"""Fuzzing every reader: random bytes and mutated valid documents never raise; bad items become
ReadErrors with a message, good ones Articles that the store accepts."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from hypothesis import given, strategies as st

import samples
from robustness_support import check_items, counted, fuzz
from storyline.ingest import readers

MAX = 2 * 1024 * 1024  # a small article limit, so generated inputs can cross it
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "utf-32"]


@st.composite
def mutated(draw, base: bytes) -> bytes:
    """A valid document after a few edits: truncation, junk inserted, slices deleted or repeated,
    bytes flipped, re-encoded, or half re-encoded (mixed encodings in one file)."""
    data = bytearray(base)
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["truncate", "insert", "delete", "flip", "repeat", "encode", "mix"]))
        n = len(data)
        i = draw(st.integers(0, n))
        if op == "truncate":
            data = data[:i]
        elif op == "insert":
            data[i:i] = draw(st.binary(max_size=64) | st.sampled_from(
                [b"<", b"]]>", b"</", b"\x00", b"\xff\xfe", b"&#0;", b"&#xD800;", b"\\ud800", b'"', b"{", b"\n",
                 b"<!-- ", b"<![CDATA[", b"<div>" * 50, b"\xc3", b"\xe2\x80", b"\r\n\r\n"]))
        elif op == "delete":
            data[i:i + draw(st.integers(1, 64))] = b""
        elif op == "flip" and n:
            j = min(i, n - 1)
            data[j] = draw(st.integers(0, 255))
        elif op == "repeat" and n:
            j = draw(st.integers(i, min(n, i + 200)))
            data[i:i] = data[i:j] * draw(st.integers(1, 50))
        elif op == "encode":
            data = bytearray(bytes(data).decode("utf-8", "replace").encode(draw(st.sampled_from(ENCODINGS)), "replace"))
        elif op == "mix":
            text = bytes(data).decode("utf-8", "replace")
            enc = draw(st.sampled_from(ENCODINGS))
            data = bytearray(text[: i // 2].encode("utf-8") + text[i // 2:].encode(enc, "replace"))
    return bytes(data)


def documents(base: bytes):
    return st.one_of(mutated(base), st.binary(max_size=2048))


# JSON values of every type, nested, for the record fields.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
    | st.sampled_from(["", " ", "\ud800", "2022-02-30", "2022-13", "0000-00-00", "9999-99-99", "-1",
                       "1e400", "NaN", "99999-01-01", "2022-02-28T25:61:00", "Mon, 31 Feb 2022 10:00:00",
                       "\x00\x01", "\u202e", "a" * 3000]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
FIELDS = ["id", "url", "source", "published", "published_at", "title", "text", "language", "author", "extra"]
records = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8) | json_values


@given(documents(samples.TEXT))
@fuzz(ci=60, campaign=1500)
@counted
def test_plain_text(data):
    check_items(readers.read_plain_text(Path("x.txt"), data, MAX), MAX)


@given(st.lists(st.binary(max_size=300) | st.builds(lambda r: json.dumps(r).encode(), records), max_size=8)
       | documents(samples.JSONL).map(lambda d: d.split(b"\n")))
@fuzz(ci=60, campaign=1500)
@counted
def test_json_lines(lines):
    check_items(readers.read_json_lines(lines, "x.jsonl", MAX), MAX)


@given(st.lists(records, max_size=6))
@fuzz(ci=60, campaign=1500)
@counted
def test_json_records_of_any_shape(recs):
    """Every field with every JSON type (strings where numbers belong, nested lists, impossible dates)."""
    data = json.dumps(recs).encode()
    items = check_items(readers.read_json(Path("x.json"), data, MAX), MAX)
    assert len(items) == len(recs)  # one result per record: an Article or a ReadError saying why
    lines = check_items(readers.read_json_lines([json.dumps(r) for r in recs], "x.jsonl", MAX), MAX)
    assert len(lines) == len(recs)


@given(documents(samples.JSON_ARRAY))
@fuzz(ci=40, campaign=1000)
@counted
def test_json_array(data):
    check_items(readers.read_json(Path("x.json"), data, MAX), MAX)


TAGS = ["div", "p", "span", "article", "main", "table", "tr", "td", "ul", "li", "script", "style", "b", "a",
        "svg", "math", "template", "noscript", "iframe", "h1", "title", "meta", "br", "img"]


@st.composite
def html_trees(draw) -> bytes:
    """Random (often unclosed) markup around article-like text."""
    parts = ["<html><head>"] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(st.sampled_from(TAGS))
        kind = draw(st.sampled_from(["open", "close", "text", "attr", "entity"]))
        if kind == "open":
            parts.append(f"<{tag}>")
        elif kind == "close":
            parts.append(f"</{tag}>")
        elif kind == "attr":
            parts.append(f'<{tag} {draw(st.text(max_size=10))}="{draw(st.text(max_size=20))}">')
        elif kind == "entity":
            parts.append(draw(st.sampled_from(["&amp;", "&#0;", "&#x110000;", "&nbsp;", "&bogus;", "&#xD800;", "&"])))
        else:
            parts.append(draw(st.text(max_size=80)) if draw(st.booleans()) else samples.BODY)
    return "".join(parts).encode("utf-8", "surrogatepass")


@given(documents(samples.HTML) | html_trees())
@fuzz(ci=40, campaign=1500)
@counted
def test_html(data):
    check_items(readers.read_html(Path("x.html"), data, MAX), MAX)


ENTITY_PROLOGUES = [
    b'<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">',
    b'<!DOCTYPE rss [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>',
]


@st.composite
def feeds_with_entities(draw) -> bytes:
    """A feed whose DOCTYPE declares entities (billion laughs, external files) that items then use."""
    base = draw(st.sampled_from([samples.RSS, samples.ATOM]))
    head, _, rest = base.partition(b"?>")
    body = rest.replace(b"Gesprekken", b"&d;&x;", 1)
    doc = head + b"?>" + draw(st.sampled_from(ENTITY_PROLOGUES)) + body
    return draw(mutated(doc)) if draw(st.booleans()) else doc


def assert_no_entity_expanded(items) -> None:
    for item in items:
        if isinstance(item, readers.Article):
            blob = " ".join(filter(None, [item.text, item.title]))
            assert "aaaaaaaaaaaaaaaaaaaa" not in blob  # nested entities expanded
            assert "root:" not in blob  # /etc/passwd read


@given(documents(samples.RSS) | documents(samples.ATOM) | feeds_with_entities())
@fuzz(ci=60, campaign=2000)
@counted
def test_feeds(data):
    items = check_items(readers.read_feed(Path("x.rss"), data, MAX), MAX)
    assert_no_entity_expanded(items)


WARC_PLAIN, WARC_GZ = samples.warc(), samples.warc(gzip=True)


@given(documents(WARC_PLAIN) | mutated(WARC_GZ))
@fuzz(ci=30, campaign=1000)
@counted
def test_warc(data):
    check_items(readers.read_warc(Path("x.warc"), io.BytesIO(data), MAX), MAX)


SUFFIXES = ["", ".txt", ".md", ".json", ".jsonl", ".ndjson", ".jsonl.gz", ".html", ".htm", ".xml", ".rss",
            ".atom", ".warc", ".warc.gz", ".bin"]


@given(st.sampled_from(SUFFIXES), st.one_of(*(documents(d) for d in samples.ALL.values())) | mutated(WARC_GZ),
       st.booleans())
@fuzz(ci=60, campaign=1500)
@counted
def test_any_file_through_read_path(suffix, data, gzipped):
    """Whatever a file is called and holds (wrong extension, gzip that is not, empty): one clear result."""
    import gzip

    if gzipped and suffix.endswith(".gz"):
        data = gzip.compress(data)[: len(data) + 10]  # often truncated gzip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        check_items(readers.read_path(path, max_bytes=MAX, max_file_bytes=64 * 1024), MAX)


@given(json_values)
@fuzz(ci=100, campaign=1000)
@counted
def test_published_dates(value):
    """Any value in `published` is a date with a precision, nothing, or a ValueError saying why."""
    from storyline.ingest.dates import parse_published

    try:
        iso, precision = parse_published(value)
    except ValueError as exc:
        assert str(exc)
        return
    assert (iso is None) == (precision is None)


@given(st.lists(records, min_size=1, max_size=8))
@fuzz(ci=30, campaign=500)
@counted
def test_fuzzed_records_store_cleanly(recs):
    """What the readers accept the store accepts: no batch fails on a stored article's content."""
    from storyline.ingest.pipeline import Ingester
    from storyline.store import Store

    items = readers.read_json_lines([json.dumps(r) for r in recs], "x.jsonl", MAX)
    store = Store(":memory:")
    try:
        summary = Ingester(store, batch_size=3).ingest(items)
        assert summary.new + summary.duplicates == summary.read
        assert store.count_articles() == summary.new
        assert store.conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0] == summary.new
    finally:
        store.close()
