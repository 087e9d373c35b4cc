"""Online event and storyline clustering: :class:`EventClusterer` takes records and returns assignments."""

from storyline.cluster.stage import EventClusterer, embedding_inputs

__all__ = ["EventClusterer", "embedding_inputs"]
