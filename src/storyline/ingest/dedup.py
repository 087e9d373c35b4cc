"""Near-duplicate detection with MinHash LSH (datasketch).

Shingles are word 5-grams of the lower-cased text: robust to an outlet changing a
headline, a photo credit or a sentence, strict enough that two reports of one event
written independently do not collide.
"""

from __future__ import annotations

import re

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
THRESHOLD = 0.7
SHINGLE = 5
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def minhash(text: str) -> MinHash:
    m = MinHash(num_perm=NUM_PERM)
    grams = shingles(text)
    if grams:
        m.update_batch(list(grams))
    return m


def to_bytes(m: MinHash) -> bytes:
    return np.asarray(m.hashvalues, dtype=np.uint64).tobytes()


SCHEME = MinHash(num_perm=NUM_PERM).scheme


def from_bytes(data: bytes) -> LeanMinHash:
    values = np.frombuffer(data, dtype=np.uint64)
    return LeanMinHash(seed=1, hashvalues=values, scheme=SCHEME)


# Signatures kept in memory: the latest this many stored articles. Near copies (wire reprints, an outlet's
# updated version) arrive within days, well inside this at a national stream's few thousand articles a
# day; the index then costs a bounded ~6 KB x WINDOW of memory (LSH buckets + signatures) and a bounded
# load time, however large the store grows. Exact copies are found by content hash in the store at any age.
WINDOW = 50_000


class NearDuplicateIndex:
    """In-memory LSH over the latest ``window`` signatures; ``find`` returns the earliest near-copy's id.

    Older signatures are evicted in arrival order (``None``: keep all).
    """

    def __init__(self, threshold: float = THRESHOLD, window: int | None = WINDOW):
        if window is not None and window < 1:
            raise ValueError("window must be at least 1 article")
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.window = window
        self.order: dict[str, int] = {}  # id -> arrival number; dicts keep insertion order (eviction order)
        self.signatures: dict[str, MinHash] = {}
        self._next = 0

    def __len__(self) -> int:
        return len(self.order)

    def add(self, article_id: str, m: MinHash) -> None:
        if article_id in self.order:
            return
        self.order[article_id] = self._next
        self._next += 1
        self.signatures[article_id] = m
        self.lsh.insert(article_id, m)
        if self.window is not None:
            while len(self.order) > self.window:
                oldest = next(iter(self.order))
                del self.order[oldest]
                del self.signatures[oldest]
                self.lsh.remove(oldest)

    def find(self, m: MinHash, threshold: float = THRESHOLD) -> str | None:
        best = None
        for candidate in self.lsh.query(m):
            # LSH gives candidates; confirm with the estimated Jaccard before calling it a copy.
            if self.signatures[candidate].jaccard(m) >= threshold:
                if best is None or self.order[candidate] < self.order[best]:
                    best = candidate
        return best
