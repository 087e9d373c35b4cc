"""Tuned parameters of the online clusterer.

Produced by ``make tune-clustering`` (``python -m storyline.cluster.tune --data ../shared/data --skip-prior``) on
2026-11-24: logistic-regression weights fitted on (article, candidate) pairs replayed from ECB+ training topics
(1-35 minus dev) and MEANTIME en/es/it, without the stated-count/year features (``tune.EXCLUDED_FEATURES``: they
help the English sets and cost Dutch news precision; session 3 keyed counts by what they count and measured
again, same verdict). Thresholds from the online clusterer's grid over ECB+ dev topics (2, 5, 12, 18, 21, 23,
34, 35), MEANTIME en+it and the dev weeks (7-13) of the project's silver DPG labels, averaged over 8 stream
orders (session 3); the DPG labels choose thresholds only, never weights (DPG is where Storyline is judged on
labels we do not have). ECB+ test topics, MEANTIME nl and DPG weeks 14-15 were not used.
Feature order: ``online.FEATURES``.
"""

# Candidate search: events active within the last CANDIDATE_WINDOW articles, at most MAX_CANDIDATES of them.
CANDIDATE_WINDOW = 50_000
MAX_CANDIDATES = 30
# Hard gates (days between date intervals): a same-event report comes within a week; a storyline spans
# weeks to months.
EVENT_MAX_GAP_DAYS = 7
STORYLINE_MAX_GAP_DAYS = 92

EVENT_MODEL = {"weights": [4.345, 4.912, 3.543, 5.466, -1.832, -5.551, 9.075, 2.987, 1.919, 4.961, 5.832, 0.0, 0.0,
                          0.0, 0.0],
               "bias": -11.789, "tau_days": 2.0}
STORYLINE_MODEL = {"weights": [4.323, 2.64, 3.052, -0.655, -2.505, 0.0, 0.0, 4.322, 0.623, 1.726, 0.0, 0.0, 0.0, 0.0,
                              0.0],
                   "bias": -5.248, "tau_days": 30.0}
# Event threshold, chosen from the whole grid rather than its argmax. Mean pairwise F1 over ECB+ dev / MEANTIME
# en+it / DPG dev, in-memory, averaged over 8 stream orders (``tune --orders 8``; one order alone moves a set by
# 0.02-0.04): 0.1 -> 0.697, 0.2 -> 0.696, 0.25 -> 0.688, 0.3 -> 0.677, 0.4 -> 0.661, 0.5 -> 0.654. Lower
# thresholds win the mean through recall: ECB+ sub-topics and one DPG dev event (the provincial-election results,
# 23 articles, 253 of the 479 gold pairs of those weeks) join up. They also join more wrongly (DPG dev BCubed
# 0.945 at 0.4, 0.940 at 0.1) and, from 0.3 down, put the example corpus's article from days before the talks
# (Russia open to talks in Minsk; score 0.385) into the talks event: with month-only dates the time signal has
# nothing to say. Wrong merges cost a reader more than missed ones, and the held-out Dutch labels group less than
# ours: 0.4, as in sessions 1 and 2. Full pipeline (`storyline eval clustering --event-threshold T --orders N`):
# docs/benchmarks-clustering.md.
EVENT_THRESHOLD = 0.4
# Storylines: mean storyline BCubed over ECB+ dev topics and DPG dev weeks (8 orders, event threshold 0.4), best
# at 0.1 (0.899; 0.2 -> 0.896, 0.3 -> 0.891).
STORYLINE_THRESHOLD = 0.1
