"""Tuned parameters of the online clusterer (see ``storyline.cluster.tune`` and ``make tune-clustering``).

Placeholder values until the tuning run below is recorded.
"""

# Candidate search: events active within the last CANDIDATE_WINDOW articles, at most MAX_CANDIDATES of them.
CANDIDATE_WINDOW = 50_000
MAX_CANDIDATES = 30
# Hard gates: an article never joins an event whose dates lie further away than this (days).
EVENT_MAX_GAP_DAYS = 7
STORYLINE_MAX_GAP_DAYS = 92

EVENT_MODEL = {"weights": [10.772, 6.32, 6.582, 4.41, -1.038, -4.804, 7.964], "bias": -14.057, "tau_days": 2.0}
STORYLINE_MODEL = {"weights": [6.0, 4.0, 3.0, 1.0, -0.5, 0.0, 2.0], "bias": -5.0, "tau_days": 30.0}
EVENT_THRESHOLD = 0.5
STORYLINE_THRESHOLD = 0.5
