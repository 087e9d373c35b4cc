"""Tuned parameters of the online clusterer.

Produced by ``make tune-clustering`` (``python -m storyline.cluster.tune --data ../shared/data``) on
2026-11-24: logistic-regression weights fitted on (article, candidate) pairs replayed from ECB+ training
topics (1-35 minus dev) and MEANTIME en/es/it; thresholds chosen by grid search of the online clusterer on
ECB+ dev topics (2, 5, 12, 18, 21, 23, 34, 35) and MEANTIME en+it. ECB+ test topics and MEANTIME nl were
not used. Feature order: see ``online.FEATURES``.
"""

# Candidate search: events active within the last CANDIDATE_WINDOW articles, at most MAX_CANDIDATES of them.
CANDIDATE_WINDOW = 50_000
MAX_CANDIDATES = 30
# Hard gates (days between date intervals): a same-event report comes within a week; a storyline spans
# weeks to months.
EVENT_MAX_GAP_DAYS = 7
STORYLINE_MAX_GAP_DAYS = 92

EVENT_MODEL = {"weights": [4.675, 7.5, 2.422, 5.573, -2.173, -4.875, 8.919, 3.064, 2.811, 4.32], "bias": -12.397,
               "tau_days": 2.0}
STORYLINE_MODEL = {"weights": [4.945, 2.192, 3.642, -0.714, -2.682, 0.0, 0.0, 4.466, 0.634, 2.06], "bias": -5.72,
                   "tau_days": 30.0}
# dev (in-memory replay): ECB+ dev event BCubed F1 0.814, MEANTIME en+it 0.946 (mean 0.880);
# ECB+ dev storyline BCubed 0.981
EVENT_THRESHOLD = 0.3
STORYLINE_THRESHOLD = 0.1
