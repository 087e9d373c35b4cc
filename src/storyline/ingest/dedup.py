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


class NearDuplicateIndex:
    """In-memory LSH over stored signatures; ``find`` returns the earliest near-copy's id."""

    def __init__(self, threshold: float = THRESHOLD):
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.order: dict[str, int] = {}
        self.signatures: dict[str, MinHash] = {}

    def add(self, article_id: str, m: MinHash) -> None:
        if article_id in self.order:
            return
        self.order[article_id] = len(self.order)
        self.signatures[article_id] = m
        self.lsh.insert(article_id, m)

    def find(self, m: MinHash, threshold: float = THRESHOLD) -> str | None:
        best = None
        for candidate in self.lsh.query(m):
            # LSH gives candidates; confirm with the estimated Jaccard before calling it a copy.
            if self.signatures[candidate].jaccard(m) >= threshold:
                if best is None or self.order[candidate] < self.order[best]:
                    best = candidate
        return best
