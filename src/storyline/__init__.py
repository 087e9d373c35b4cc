"""Storyline: turn news articles from many outlets into sourced events and storylines."""

__version__ = "0.1.0"
