"""Fitted pair models of the online clusterer (``make tune-clustering``, ``storyline.eval.tune_clustering``).

Each is a logistic regression over ``online.FEATURES``, in that order. Thresholds, gates and the candidate search
are settings (``storyline.settings.ClusterSettings``). How each value was chosen, and the grids:
docs/benchmarks-clustering.md.
"""

# An article against an event's running sums, for dated pairs. Fitted on ECB+ train topics and MEANTIME en/es/it,
# stated counts and years left out (``tune_clustering.EXCLUDED_FEATURES``), time decay 1 day.
EVENT_MODEL = {"weights": [4.328, 5.063, 3.762, 4.677, -0.942, -6.008, 9.701, 2.856, 1.728, 4.796, 6.152, 0.0, 0.0,
                          0.0, 0.0],
               "bias": -11.752, "tau_days": 1.0}
# An article against one member of an event, for pairs without a publication date (their probabilities averaged
# over the event's latest members). Fitted on the 139,147 article pairs of ECB+ train without dates, counts and
# years included (``tune_clustering.fit_undated_pairs``).
UNDATED_PAIR_MODEL = {"weights": [3.862, 3.301, 6.116, 0.0, 0.0, 0.0, 0.0, 3.862, 2.137, 4.125, 0.428, 1.423, -0.889,
                                  -1.583, 2.534],
                      "bias": -9.294, "tau_days": 1.0}
# A new event against a storyline's running sums. Fitted on ECB+ train topics, time decay 30 days.
STORYLINE_MODEL = {"weights": [4.323, 2.64, 3.052, -0.655, -2.505, 0.0, 0.0, 4.322, 0.623, 1.726, 0.0, 0.0, 0.0, 0.0,
                              0.0],
                   "bias": -5.248, "tau_days": 30.0}
# An article against an event's running sums when both are dated to the same day. One day's reports of one
# happening share its words across the whole text more than the embedding of title and lead shows: the lemma
# TF-IDF cosine (full text) weighs 7.0 here against 5.1 in EVENT_MODEL. Fitted on the same-day pairs of the DPG
# silver dev weeks (relabelled, news reports only) and MEANTIME en+it (1,270 pairs, 203 same-event);
# ``time``/``has_time`` are constant on these pairs and fold into the bias.
SAME_DAY_EVENT_MODEL = {"weights": [5.998, 7.036, 2.481, -1.219, -1.219, -0.494, 1.891, 3.03, 0.736, 3.276, 0.16, 0.0,
                                    0.0, 0.0, 0.0],
                        "bias": -5.629, "tau_days": 1.0}
