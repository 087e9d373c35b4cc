"""Following a live stream: feeds, sitemaps and folders polled into the store, with alerts.

- :mod:`storyline.watch.sources`: :class:`Source`, ``sources.toml`` (:func:`load_sources`);
- :mod:`storyline.watch.fetch`: :class:`Fetcher`, polite HTTP (per-host delay, robots.txt, conditional
  requests, timeouts, retries with backoff, bounded bodies);
- :mod:`storyline.watch.watcher`: :class:`Watcher`, the polling loop, and signal handling;
- :mod:`storyline.watch.replay`: a corpus served as a live stream on 127.0.0.1 with a simulated clock.
"""

from storyline.watch.fetch import Fetched, Fetcher
from storyline.watch.sources import Source, WatchConfig, load_sources, source_from_arg
from storyline.watch.watcher import CycleReport, Watcher, install_signal_handlers

__all__ = ["Fetched", "Fetcher", "Source", "WatchConfig", "load_sources", "source_from_arg", "CycleReport", "Watcher",
           "install_signal_handlers"]
