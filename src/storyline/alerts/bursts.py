"""The burst statistic: is a storyline's article rate in the last hours far above what it was?

For a storyline *s* at time *t*, with a window of *W* hours and a trailing baseline of *B* hours before it:

* ``k``  — the storyline's original articles (copies left out) that arrived in the window (t − W, t];
* ``b``  — its original articles that arrived in the baseline (t − W − B, t − W];
* ``N_W`` — the rest of the stream's original articles in the window (the storyline's own left out, so a
  burst does not raise its own expectation); ``N_B`` — the stream's original articles in the baseline;
* ``α``  — a prior count (``burst_prior``): a storyline never seen before is expected to bring α articles
  per baseline, so a first report is not by itself a burst.

The storyline's own expected count in the window is ``λ₀ = (b + α) · W / B``; when the stream itself runs
faster than in the baseline (a busy morning after a quiet night), that expectation is scaled by the stream's
rate ratio ``ρ = (N_W / W) / ((N_B + 1) / B)``, never below 1 (a quiet stream does not make a story burst):
``λ = λ₀ · max(1, ρ)``. The statistic is the Poisson tail probability ``p = P(X ≥ k | λ)``: the chance of
seeing at least ``k`` articles in the window if the storyline kept its own pace relative to the stream.

A storyline *bursts* when ``p < burst_p`` and the window holds at least ``burst_min_articles`` articles
from at least ``burst_min_outlets`` distinct known outlets (one outlet publishing a series is not news
spreading). ``B`` shrinks to the history the watcher has (never below ``W``), and no burst is judged before
the watcher has one full window of baseline.

    >>> round(poisson_tail(3, 0.5), 4)
    0.0144
    >>> s = burst_score(k=6, baseline=0, window_h=6, baseline_h=168, prior=1.0, stream_window=20, stream_baseline=400)
    >>> s.expected < 0.25 and s.p_value < 1e-4
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["BurstScore", "burst_score", "poisson_tail"]


def poisson_tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam), summed in log space (exact for the small counts of a window)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    term = math.exp(-lam)  # P(X = 0)
    below = term
    for i in range(1, k):
        term *= lam / i
        below += term
    tail = 1.0 - below
    if tail > 1e-12:
        return max(tail, 0.0)
    # 1 - below loses all precision here: sum the upper terms instead (they fall fast for k >> lam).
    log_term = -lam + k * math.log(lam) - math.lgamma(k + 1)
    total, i = 0.0, k
    while True:
        value = math.exp(log_term)
        total += value
        i += 1
        log_term += math.log(lam) - math.log(i)
        if value < total * 1e-15 or i > k + 1000:
            return total


@dataclass(frozen=True)
class BurstScore:
    """The statistic for one storyline at one time: observed ``k``, ``expected`` λ, and ``p_value``."""

    k: int
    expected: float
    p_value: float
    stream_ratio: float


def burst_score(*, k: int, baseline: int, window_h: float, baseline_h: float, prior: float, stream_window: int,
                stream_baseline: int) -> BurstScore:
    """The Poisson tail probability of ``k`` window articles given the storyline's baseline and the stream.

    Args:
        k: the storyline's original articles in the window.
        baseline: its original articles in the baseline.
        window_h: window length W in hours.
        baseline_h: baseline length B in hours (already shrunk to the history available).
        prior: α, the prior count per baseline.
        stream_window: the other original articles of the stream in the window (N_W, the storyline's own
            left out).
        stream_baseline: the stream's original articles in the baseline (N_B).

    Returns:
        A :class:`BurstScore`.
    """
    if window_h <= 0 or baseline_h <= 0:
        raise ValueError("window and baseline must be positive numbers of hours")
    own = (baseline + prior) * window_h / baseline_h
    ratio = (stream_window / window_h) / ((stream_baseline + 1) / baseline_h)
    lam = own * max(1.0, ratio)
    return BurstScore(k=k, expected=lam, p_value=poisson_tail(k, lam), stream_ratio=ratio)
