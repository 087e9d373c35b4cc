"""The tuner's stream orders: several arrival orders a real stream could have produced."""

from types import SimpleNamespace

from storyline.cluster.signals import date_interval
from storyline.eval.tune_clustering import stream_orders


def _prep(days):
    return [(SimpleNamespace(interval=date_interval(d)), None) for d in days]


def test_stream_orders_keep_dates_ascending_and_every_record():
    days = ["2019-03-02", None, "2019-03-01", "2019-03-01", "2019-03-03", None, "2019-03-01"]
    records = [{"id": str(i)} for i in range(len(days))]
    orders = stream_orders(records, _prep(days), 6)
    assert len(orders) == 6
    for recs, prep in orders:
        assert sorted(r["id"] for r in recs) == sorted(r["id"] for r in records)
        dated = [sig.interval[0] for sig, _ in prep if sig.interval]
        assert dated == sorted(dated)
        # Undated records come after the dated ones (the store orders them last too).
        assert all(sig.interval is None for sig, _ in prep[len(dated):])
    # Same-day and undated records are shuffled: the orders differ, and each is reproducible.
    assert len({tuple(r["id"] for r in recs) for recs, _ in orders}) > 1
    again = stream_orders(records, _prep(days), 6)
    assert [[r["id"] for r in recs] for recs, _ in again] == [[r["id"] for r in recs] for recs, _ in orders]


def test_one_order_is_the_data_set_as_given():
    days = ["2019-03-02", "2019-03-01"]
    records = [{"id": "a"}, {"id": "b"}]
    [(recs, _)] = stream_orders(records, _prep(days), 1)
    assert [r["id"] for r in recs] == ["a", "b"]
