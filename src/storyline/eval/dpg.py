"""DPG Media 2019 (real Dutch news) with the project's own event labels, as clustering GOLD JSON Lines.

The corpus carries no event labels (its labels are about partisanship). ``labels/dpg2019_events.jsonl`` is a
labelling made for this project by reading every article (title, lead, full text where needed), week by
week, with written rules (``labels/README.md``): which articles report the same happening, and which events
chain into a storyline. It is a *silver* standard — one reader, chunk borders at ISO weeks — used to choose
the join threshold for Dutch news and to report pairwise F1 where most articles stand alone. Only ids and
labels are stored in the project; the texts are read from ``../shared/data``.

Split: weeks up to ISO week 13 of 2019 are ``dev`` (may be used for tuning), weeks 14-15 are ``test``
(reported, never tuned on).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Iterator

LABELS_PATH = Path(__file__).with_name("labels") / "dpg2019_events.jsonl"
ARTICLE_FILES = ("dpgMedia2019-articles-byarticle-all.jsonl", "dpgMedia2019-articles-byarticle.jsonl")
TEST_FROM_WEEK = 14
SPLITS = ("dev", "test", "all")


def load_labels(path: str | Path = LABELS_PATH) -> dict[str, dict]:
    labels: dict[str, dict] = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if "id" not in row or "event" not in row:
                raise ValueError(f"{path}:{n}: a label needs 'id' and 'event'")
            labels[str(row["id"])] = row
    return labels


def _publishers(root: Path) -> dict[str, str]:
    path = root / "dpgMedia2019-labels-byarticle.jsonl"
    out: dict[str, str] = {}
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                out[str(row["id"])] = row.get("publisher")
    return out


def split_of(published: str | None) -> str:
    if not published:
        return "dev"
    week = date.fromisoformat(published[:10]).isocalendar()[1]
    return "test" if week >= TEST_FROM_WEEK else "dev"


def corpus_root(path: str | Path) -> Path:
    """Accept the shared data folder or the DPG folder itself."""
    root = Path(path)
    if (root / "dpgmedia2019-partisan-nl").is_dir():
        root = root / "dpgmedia2019-partisan-nl"
    if not (root / ARTICLE_FILES[0]).exists():
        raise FileNotFoundError(f"missing {root / ARTICLE_FILES[0]}")
    return root


def read_articles(path: str | Path) -> dict[str, dict]:
    """The corpus rows by id, in file order (a repeated id keeps its first row)."""
    root = corpus_root(path)
    articles: dict[str, dict] = {}
    for name in ARTICLE_FILES:
        file = root / name
        if not file.exists():
            continue
        with open(file, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                articles.setdefault(str(row["id"]), row)
    return articles


HELDOUT_IDS = Path("heldout") / "dpg-quotes-figures-ids.txt"


def heldout_ids(path: str | Path) -> set[str]:
    """The DPG ids held out from the project (``heldout/`` beside the data folder): never evaluated, tuned or
    fitted on here. Empty when the list is not there."""
    root = Path(path).resolve()
    for base in (root, *root.parents[:3]):
        file = base / HELDOUT_IDS
        if file.exists():
            return set(file.read_text(encoding="utf-8").split())
    return set()


def convert(path: str | Path, split: str = "all", labels_path: str | Path = LABELS_PATH,
            exclude: set[str] | None = None) -> Iterator[dict]:
    """Labelled DPG articles in publication order (ties by id), as ingest records plus ``event``/``storyline``.
    The held-out ids (:func:`heldout_ids`, or ``exclude``) are left out."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use {', '.join(SPLITS)}")
    root = corpus_root(path)
    labels = load_labels(labels_path)
    publishers = _publishers(root)
    articles = read_articles(root)
    skip = heldout_ids(root) if exclude is None else exclude
    records = []
    for article_id, label in labels.items():
        row = articles.get(article_id)
        if row is None or article_id in skip:
            continue
        published = (row.get("published_at") or "")[:10] or None
        if split != "all" and split_of(published) != split:
            continue
        # the publisher from the labels file; an article it does not list has no known outlet (never a made-up one)
        records.append({"id": f"dpg/{article_id}", "source": publishers.get(article_id),
                        "title": row.get("title"), "text": row.get("text") or "", "published": published,
                        "language": "nl", "event": label["event"],
                        "storyline": label.get("storyline") or label["event"],
                        **({"genre": label["genre"]} if label.get("genre") else {})})
    records.sort(key=lambda r: (r["published"] or "", r["id"]))
    yield from records
