"""Benchmark corpora: the real articles under ``../shared/data`` and a replay that scales them up.

* DPG Media 2019 (``dpgmedia2019-partisan-nl``): JSON Lines read by the ordinary ingest reader.
* ML-Crisis (``ml-crisis-tls``): ``<lang>/<topic>/<YYYY-MM-DD>/<id>.txt`` source articles (es/fr/it);
  the publication date and language come from the path, so a tiny reader lives here.
* :func:`replay` repeats a base corpus with shifted dates and new ids, and perturbs each copy just
  enough that the near-duplicate detector does not take it for a republication (see ``perturb``).
"""

from __future__ import annotations

import json
import os
import random
import re
import zlib
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

from storyline.ingest.readers import ReadError, article_from_record, finish_article, read_path
from storyline.records import Article
from storyline.errors import CorpusMissing
from storyline import settings

DPG_DIR = "dpgmedia2019-partisan-nl"
DPG_GLOB = "dpgMedia2019-articles-*.jsonl"  # the labels files carry no text
CRISIS_DIR = "ml-crisis-tls"
CRISIS_LANGS = ("es", "fr", "it")


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``explicit``, else ``$STORYLINE_DATA`` (settings ``paths.data``), else ``../shared/data`` next to the repository."""
    return settings.data_dir(explicit)


def dpg_files(root: Path) -> list[Path]:
    files = sorted((root / DPG_DIR).glob(DPG_GLOB))
    if not files:
        raise CorpusMissing(f"no {DPG_GLOB} under {root / DPG_DIR} (set STORYLINE_DATA or --data)")
    return files


def read_dpg(root: Path) -> Iterator[Article | ReadError]:
    """Both article files (the larger one contains the smaller: the ingester counts those as duplicates)."""
    for path in dpg_files(root):
        yield from read_path(path)


def crisis_files(root: Path) -> list[Path]:
    base = root / CRISIS_DIR
    files = sorted(p for lang in CRISIS_LANGS for p in (base / lang).glob("*/*/*.txt"))
    if not files:
        raise CorpusMissing(f"no <lang>/<topic>/<date>/<id>.txt articles under {base}")
    return files


def read_crisis_file(path: Path) -> Article | ReadError:
    """One ML-Crisis source article; its id, date, language and topic come from the path."""
    lang, topic, day = path.parts[-4], path.parts[-3], path.parts[-2]
    try:
        text = path.read_text(encoding="utf-8")
        return finish_article(id=f"crisis-{lang}-{topic}-{day}-{path.stem}", text=text, published=day,
                              language=lang, source=f"ml-crisis:{path.stem.split('_')[0]}",
                              metadata={"topic": topic, "path": str(path)})
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return ReadError(str(path), str(exc))


def read_crisis(root: Path) -> Iterator[Article | ReadError]:
    for path in crisis_files(root):
        yield read_crisis_file(path)


def count_inputs(corpus: str, root: Path) -> int:
    """Input records, for a progress bar total."""
    n = 0
    if corpus in ("dpg", "both"):
        for path in dpg_files(root):
            with open(path, "rb") as fh:
                n += sum(1 for line in fh if line.strip())
    if corpus in ("crisis", "both"):
        n += len(crisis_files(root))
    return n


def read_corpus(corpus: str, root: Path) -> Iterator[Article | ReadError]:
    if corpus not in ("dpg", "crisis", "both"):
        raise ValueError(f"unknown corpus {corpus!r}: use dpg, crisis or both")
    if corpus in ("dpg", "both"):
        yield from read_dpg(root)
    if corpus in ("crisis", "both"):
        yield from read_crisis(root)


# --------------------------------------------------------------------------- replay
def base_records(root: Path) -> list[dict]:
    """The distinct DPG articles as raw records (id, title, text, published_at), in file order."""
    seen: set[str] = set()
    out: list[dict] = []
    for path in dpg_files(root):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                rec = json.loads(line)
                key = str(rec.get("id"))
                if key in seen or not isinstance(rec.get("text"), str):
                    continue
                if not rec["text"].strip() and not str(rec.get("title") or "").strip():
                    continue  # the reader skips these as empty records
                seen.add(key)
                out.append(rec)
    return out


# A two-character token: dropped by the lexical signals (terms shorter than 3), not capitalised (no name
# key), no digits (no figure), but a word to the 5-gram shingles of the near-duplicate detector.
MARK = "_q"
_MARK_RE = re.compile(r" _q(?!\w)")
_WORD = re.compile(r"\w+")


def perturb(text: str, seed: int, rate: float = 0.2) -> str:
    """Insert `` _q`` after about ``rate`` of the words, at positions drawn from ``seed``.

    Two copies then share few word 5-grams (Jaccard well under the 0.7 copy threshold) while every
    signal the pipeline computes stays that of the original. Never inside a run of capitalised words,
    so names stay whole for the (cached) NER offsets.
    """
    rng = random.Random(seed)
    out: list[str] = []
    last = 0
    words = list(_WORD.finditer(text))
    for i, m in enumerate(words):
        if rng.random() >= rate:
            continue
        nxt = words[i + 1].group() if i + 1 < len(words) else ""
        if nxt[:1].isupper() and m.group()[:1].isupper():
            continue
        out.append(text[last:m.end()])
        out.append(" " + MARK)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def unperturb(text: str) -> str:
    return _MARK_RE.sub("", text)


def mark_positions(text: str) -> list[int]:
    """Offsets in the original text where a mark was inserted (for mapping offsets back)."""
    out, removed = [], 0
    for m in _MARK_RE.finditer(text):
        out.append(m.start() - removed)
        removed += m.end() - m.start()
    return out


def _shift(day: str | None, days: int) -> str | None:
    if not day:
        return day
    try:
        return (date.fromisoformat(day[:10]) + timedelta(days=days)).isoformat()
    except ValueError:
        return day


def replay_shift_days(records: list[dict]) -> int:
    """The default shift between copies: the corpus span plus a day (a stream continuous in time)."""
    days = sorted(r.get("published_at") or r.get("published") or "" for r in records)
    days = [d for d in days if d]
    return ((date.fromisoformat(days[-1][:10]) - date.fromisoformat(days[0][:10])).days if days else 0) + 1


def replay(records: list[dict], n: int, shift_days: int | None = None, start: int = 0) -> Iterator[Article | ReadError]:
    """Articles ``start`` to ``n - 1`` of the replayed stream: the base records, then copies ``k = 1, 2, …``
    with dates moved ``k * shift_days`` on, ids suffixed ``~r<k>``, and texts perturbed. ``start`` continues
    a stream whose first ``start`` articles a store already holds."""
    if not records:
        return
    if shift_days is None:
        shift_days = replay_shift_days(records)
    k, skip = divmod(start, len(records))
    produced = start
    while produced < n:
        for rec in records[skip:]:
            if produced >= n:
                return
            rec2 = dict(rec)
            if k:
                rec2["id"] = f"{rec['id']}~r{k}"
                rec2["text"] = perturb(rec["text"], zlib.crc32(f"{k}:{rec['id']}".encode()))
                for key in ("published_at", "published"):
                    if key in rec2:
                        rec2[key] = _shift(rec2[key], k * shift_days)
            produced += 1
            try:
                yield article_from_record(rec2, f"replay:{k}")
            except ValueError as exc:
                yield ReadError(f"replay:{k}:{rec.get('id')}", str(exc))
        k += 1
        skip = 0
