"""ECB+ to gold JSON Lines: one article per document, ``event`` = sub-topic, ``storyline`` = topic.

In each ECB+ topic the ``ecb`` and the ``ecbplus`` documents report two different events of the same
kind (two earthquakes, two rehab admissions); that sub-topic is the gold event. Splits follow Cattan et
al. 2021: dev = topics 2, 5, 12, 18, 21, 23, 34, 35; train = the rest of 1-35; test = 36-45.
ECB+ documents carry no publication date: records are written in a fixed shuffled order (seed 0), so a
stream is not handed its topics one after another.
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
            title, text = read_document(doc)
            records.append({
                "id": f"ecb/{doc.stem}", "source": None, "title": title, "published": None, "language": "en",
                "text": text, "event": f"{topic}_{m.group(3)}", "storyline": str(topic),
            })
    random.Random(seed).shuffle(records)
    yield from records
