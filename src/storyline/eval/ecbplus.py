"""ECB+ to gold JSON Lines: one article per document, ``event`` = sub-topic, ``storyline`` = topic.

In each ECB+ topic the ``ecb`` and the ``ecbplus`` documents report two different events of the same
kind (two earthquakes, two rehab admissions); that sub-topic is the gold event. Splits follow Cattan et
al. 2021: dev = topics 2, 5, 12, 18, 21, 23, 34, 35; train = the rest of 1-35; test = 36-45.
ECB+ documents carry no publication date field: records are written in a fixed shuffled order (seed 0),
so a stream is not handed its topics one after another. The ``ecbplus`` documents open with their source
URL (tokenised: ``http: / / www. nbcnews. com / id / ...``): it becomes the record's ``source`` (the
domain) and, when the path holds a full date (``/2009-03-04/``, ``/2009/07/14/``), its ``published`` day;
the title is then the first sentence after it (not the URL).
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Iterator

from defusedxml import ElementTree

DEV_TOPICS = {2, 5, 12, 18, 21, 23, 34, 35}
TEST_TOPICS = set(range(36, 46))
TRAIN_TOPICS = set(range(1, 36)) - DEV_TOPICS
SPLITS = {"train": TRAIN_TOPICS, "dev": DEV_TOPICS, "test": TEST_TOPICS, "all": set(range(1, 46))}


def detokenize(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r"\s+([.,;:!?%)\]}])", r"\1", text)
    text = re.sub(r"([(\[{$#])\s+", r"\1", text)
    text = re.sub(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    text = text.replace("`` ", "\"").replace(" ''", "\"").replace("``", "\"").replace("''", "\"")
    return text


def read_document(path: Path) -> tuple[str | None, str]:
    root = ElementTree.parse(path).getroot()
    sentences: dict[int, list[str]] = {}
    for tok in root.iter("token"):
        sentences.setdefault(int(tok.get("sentence")), []).append(tok.text or "")
    lines = [detokenize(sentences[k]) for k in sorted(sentences)]
    title = lines[0] if lines else None
    return title, "\n".join(lines)


def read_record(path: Path) -> dict:
    """Title, text, source and published date (from the source URL when the document opens with one)."""
    _, text = read_document(path)
    source, published, lines = split_url(text.split("\n"))
    return {"title": lines[0] if lines else None, "text": "\n".join(lines), "source": source,
            "published": published}


_URL_DATE = re.compile(r"/(19\d\d|20\d\d)[-/_](\d\d)[-/_](\d\d)(?:/|[-_]|$)")


def split_url(lines: list[str]) -> tuple[str | None, str | None, list[str]]:
    """(source domain, ISO date from the URL path or None, remaining lines) when the document opens with a URL."""
    if not lines or not re.match(r"https?\s*:", lines[0]):
        return None, None, lines
    first = lines[0]
    m = re.match(r"(https?\s*:\s*/\s*/\s*)(\S.*)$", first)
    # The URL may run into the headline on the same line: it ends at the first token without ./-_ glue.
    url_part = first
    rest = ""
    if m:
        tokens = m.group(2).split(" ")
        keep = []
        for i, tok in enumerate(tokens):
            keep.append(tok)
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or not (tok.endswith((".", "/", "-", "_", "=", "?", "&", "#")) or
                                   nxt.startswith((".", "/", "-", "_", "=", "?", "&", "#"))):
                rest = " ".join(tokens[i + 1:])
                break
        url_part = "".join(keep)
    url = re.sub(r"\s+", "", url_part)
    domain = re.sub(r"^https?://", "", url).split("/")[0].lower()
    domain = re.sub(r"^www\d?\.", "", domain) or None
    published = None
    d = _URL_DATE.search(url)
    if d:
        from datetime import date
        try:
            published = date(int(d.group(1)), int(d.group(2)), int(d.group(3))).isoformat()
        except ValueError:
            published = None
    remaining = ([rest] if rest.strip() else []) + lines[1:]
    return domain, published, remaining


def find_root(path: Path) -> Path:
    """Accept the data folder, ECB+_LREC2014/ or ECB+/ itself."""
    for candidate in (path, path / "ECB+", path / "ECB+_LREC2014" / "ECB+"):
        if candidate.is_dir() and any(p.name.isdigit() for p in candidate.iterdir()):
            return candidate
    raise FileNotFoundError(f"no ECB+ topic folders (1/, 2/, ...) under {path}")


def convert(path: str | Path, split: str = "test", seed: int = 0) -> Iterator[dict]:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    root = find_root(Path(path))
    records = []
    for topic_dir in sorted((p for p in root.iterdir() if p.name.isdigit()), key=lambda p: int(p.name)):
        topic = int(topic_dir.name)
        if topic not in SPLITS[split]:
            continue
        for doc in sorted(topic_dir.glob("*.xml")):
            m = re.match(r"(\d+)_(\d+)(ecbplus|ecb)\.xml$", doc.name)
            if not m:
                continue
            rec = read_record(doc)
            records.append({
                "id": f"ecb/{doc.stem}", "source": rec["source"], "title": rec["title"], "published": rec["published"],
                "language": "en", "text": rec["text"], "event": f"{topic}_{m.group(3)}", "storyline": str(topic),
            })
    random.Random(seed).shuffle(records)
    yield from records
