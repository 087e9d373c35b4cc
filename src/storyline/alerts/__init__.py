"""Alerts on a live stream: new and bursting storylines, follows, rules, delivery and Atom feeds.

- :mod:`storyline.alerts.bursts`: the burst statistic (Poisson tail of a window count);
- :mod:`storyline.alerts.detect`: :class:`Detector` raises and stores alerts after each watched batch;
- :mod:`storyline.alerts.rules`: :class:`AlertRule` picks which alerts go to which sink;
- :mod:`storyline.alerts.deliver`: signed webhooks with retries, JSON Lines files, stdout;
- :mod:`storyline.alerts.atom`: Atom documents for ``/feeds/*.atom``.
"""

from storyline.alerts.atom import atom_feed, iso_time
from storyline.alerts.bursts import BurstScore, burst_score, poisson_tail
from storyline.alerts.deliver import Deliverer, Delivery, signature
from storyline.alerts.detect import Detector, alert_json
from storyline.alerts.rules import KINDS, AlertRule, rule_from_dict

__all__ = ["atom_feed", "iso_time", "BurstScore", "burst_score", "poisson_tail", "Deliverer", "Delivery", "signature",
           "Detector", "alert_json", "KINDS", "AlertRule", "rule_from_dict"]
