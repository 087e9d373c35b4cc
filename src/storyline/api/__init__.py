"""HTTP API and web page (FastAPI). ``create_app(db_path)`` builds the app; ``storyline serve`` runs it."""

from storyline.api.app import create_app

__all__ = ["create_app"]
