"""Tuned parameters of the online clusterer.

Produced by ``make tune-clustering`` (``python -m storyline.cluster.tune --data ../shared/data``) on
2026-11-24 (second fit: + NER mention words, + shared-quote feature, ECB+ URL lines fixed): logistic-regression
weights fitted on (article, candidate) pairs replayed from ECB+ training topics (1-35 minus dev) and MEANTIME
en/es/it; thresholds chosen by grid search of the online clusterer on ECB+ dev topics (2, 5, 12, 18, 21, 23,
34, 35) and MEANTIME en+it. ECB+ test topics and MEANTIME nl were not used. Feature order: see ``online.FEATURES``.
"""

# Candidate search: events active within the last CANDIDATE_WINDOW articles, at most MAX_CANDIDATES of them.
CANDIDATE_WINDOW = 50_000
MAX_CANDIDATES = 30
# Hard gates (days between date intervals): a same-event report comes within a week; a storyline spans
# weeks to months.
EVENT_MAX_GAP_DAYS = 7
STORYLINE_MAX_GAP_DAYS = 92

EVENT_MODEL = {"weights": [4.376, 4.836, 3.641, 5.459, -1.842, -5.574, 9.07, 2.959, 1.973, 5.004, 5.738],
               "bias": -11.824, "tau_days": 2.0}
STORYLINE_MODEL = {"weights": [4.307, 2.605, 3.151, -0.652, -2.526, 0.0, 0.0, 4.298, 0.636, 1.782, 0.0],
                   "bias": -5.234, "tau_days": 30.0}
# dev (in-memory replay): ECB+ dev event BCubed F1 0.823, MEANTIME en+it 0.951 (mean 0.887);
# ECB+ dev storyline BCubed 0.981
EVENT_THRESHOLD = 0.2
STORYLINE_THRESHOLD = 0.1
