"""Online event clustering: articles (with what the enrich stage found) in, assignments to events and storylines out.

    clusterer = EventClusterer(store, settings.cluster)
    assignments = clusterer.learn_many(articles, mentions, quotes)   # one Assignment per article
    clusterer.predict_one(article)                                   # where it would go; changes nothing
"""

from storyline.cluster.online import Decision, OnlineClusterer, Prediction
from storyline.cluster.stage import EventClusterer, embedding_inputs

__all__ = ["EventClusterer", "OnlineClusterer", "Decision", "Prediction", "embedding_inputs"]
