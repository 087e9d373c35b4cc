"""The online clusterer on hand-built signals (no model, no store)."""

import json

import numpy as np
import pytest

from storyline.cluster.online import FEATURES, MemoryBackend, OnlineClusterer, score
from storyline.cluster.signals import Signals, date_interval, quote_shingles


def _sig(direction, words, day=None, lang="nl"):
    emb = np.zeros(512, dtype=np.float32)
    emb[direction] = 1.0
    lex = {w: 1 / np.sqrt(len(words)) for w in words}
    return Signals(emb=emb, lex=lex, names=dict(lex), interval=date_interval(day), language=lang)


def test_similar_articles_join_and_ids_never_change():
    c = OnlineClusterer(MemoryBackend())
    a = c.learn_one(_sig(0, ["storm", "limburg", "geul"], "2022-02-01"), 1, True)
    b = c.learn_one(_sig(0, ["storm", "limburg", "geul"], "2022-02-01"), 2, True)
    other = c.learn_one(_sig(5, ["verkiezing", "kabinet", "rutte"], "2022-02-01"), 3, True)
    assert a.event_id == b.event_id != other.event_id
    assert a.new_event and not b.new_event


def test_same_content_far_apart_in_time_opens_a_new_event():
    c = OnlineClusterer(MemoryBackend())
    a = c.learn_one(_sig(0, ["storm", "limburg", "geul"], "2022-02-01"), 1, True)
    later = c.learn_one(_sig(0, ["storm", "limburg", "geul"], "2022-03-15"), 2, True)
    assert later.event_id != a.event_id


def test_thresholds_are_checked():
    with pytest.raises(ValueError, match="thresholds"):
        OnlineClusterer(MemoryBackend(), event_threshold=1.5)


def _features(sig, member):
    from storyline.cluster.online import Cluster, features

    c = Cluster(id=1, kind="event")
    c.add(member, precise=member.interval is not None and member.interval[0] == member.interval[1])
    return dict(zip(FEATURES, features(sig, c, 2.0)))


def test_two_month_only_dates_weigh_about_as_little_as_no_date():
    from storyline.cluster.params import EVENT_MODEL

    words = ["storm", "limburg", "geul"]
    undated = score(EVENT_MODEL, np.array(list(_features(_sig(0, words), _sig(0, words)).values())))
    month = score(EVENT_MODEL, np.array(list(_features(_sig(0, words, "2022-02"), _sig(0, words, "2022-02")).values())))
    same_day = score(EVENT_MODEL, np.array(list(_features(_sig(0, words, "2022-02-03"),
                                                          _sig(0, words, "2022-02-03")).values())))
    far = score(EVENT_MODEL, np.array(list(_features(_sig(0, words, "2022-02-03"),
                                                     _sig(0, words, "2022-02-08")).values())))
    # "Same month" is no evidence against a merge; the same day is evidence for it, five days apart against.
    assert abs(month - undated) < 0.05
    assert same_day > month > far


def test_a_shared_direct_quote_counts_cut_differently_or_not():
    quote = "We geloven niet echt in een goede uitkomst van deze ontmoeting, maar laten we het proberen"
    a = _sig(0, ["overleg"])
    a.quotes = quote_shingles([quote])
    b = _sig(0, ["overleg"])
    b.quotes = quote_shingles(["“Ik geloof niet echt in een goede uitkomst van deze ontmoeting”"])
    other = _sig(0, ["overleg"])
    other.quotes = quote_shingles(["Dit is een heel ander citaat over de begroting van volgend jaar"])
    assert _features(b, a)["quote"] > 0.5
    assert _features(other, a)["quote"] == 0.0
    assert _features(_sig(0, ["overleg"]), a)["quote"] == 0.0  # no quotes: no evidence either way


def test_reports_dated_in_different_months_count_as_dated_apart():
    from storyline.cluster.params import EVENT_MODEL

    def logit(a, b):
        x = np.array(list(_features(_sig(0, words, a), _sig(0, words, b)).values()))
        return float(np.dot(EVENT_MODEL["weights"], x))

    words = ["storm", "limburg", "geul"]
    # February vs March: surely different days, unlike two reports both dated February.
    assert logit("2022-03", "2022-02") < logit("2022-02", "2022-02") - 1.0


def test_counts_are_read_with_what_they_count_and_years_apart():
    from storyline.cluster.signals import number_keys

    numbers, years = number_keys("Marine pakt 23 piraten", "In 2008 vluchtten 4 miljoen mensen.", "nl")
    assert {"piraat=23", "mens=4miljoen"} <= numbers and years == {"2008"}
    # Separators differ between outlets and languages; the value is the key.
    assert number_keys(None, "1,200 mensen", "nl")[0] == number_keys(None, "1.200 mensen", "nl")[0]
    # Ordinals name one of a series: the 81st ceremony is not the 86th.
    assert number_keys("Jackman to host 81st Academy Awards", "", "en")[0] != \
        number_keys("DeGeneres to host 86th Academy Awards", "", "en")[0]


def test_counts_of_the_same_thing_are_compared_as_agreement_or_conflict():
    def sig(numbers, years=()):
        s = _sig(0, ["piraat", "marine", "golf"], "2022-02-03")
        s.numbers, s.years = set(numbers), set(years)
        return s

    member = sig({"piraat=23", "schip=4"}, {"2008"})
    agree = _features(sig({"piraat=23"}, {"2008"}), member)
    assert agree["number_share"] == 1.0 and agree["year_shared"] == 1.0 and agree["number_conflict"] == 0.0
    other = _features(sig({"piraat=26"}, {"2011"}), member)  # another raid: another count, another year
    assert other["number_conflict"] == 1.0 and other["year_conflict"] == 1.0 and other["number_share"] == 0.0
    # A count of something the event never counted (an age, a score) says nothing either way.
    unrelated = _features(sig({"jaar=43"}), member)
    assert unrelated["number_share"] == unrelated["number_conflict"] == 0.0
    silent = _features(sig(set()), member)
    assert silent["number_share"] == silent["number_conflict"] == silent["year_conflict"] == 0.0
    # Event states stored before counts were keyed (bare numbers) are read without error and say nothing.
    old_state = sig({"23"})
    assert _features(sig({"piraat=23"}), old_state)["number_share"] == 0.0


def test_cluster_state_keeps_numbers_and_years_across_a_store_round_trip():
    from storyline.cluster.online import Cluster

    c = Cluster(id=7, kind="event")
    s = _sig(0, ["piraat"], "2022-02-03")
    s.numbers, s.years = {"piraat=23"}, {"2008"}
    c.add(s, precise=True)
    back = Cluster.from_state(7, "event", c.to_state())
    assert back.numbers == c.numbers and back.years == {"2008"}
    # States written before numbers existed still load.
    old = c.to_state()
    del old["numbers"], old["years"]
    assert Cluster.from_state(7, "event", old).numbers == {}


def test_a_recurring_series_title_on_another_day_does_not_join_the_earlier_item():
    c = OnlineClusterer(MemoryBackend())

    def item(day, words):
        s = _sig(0, words, day)
        from storyline.cluster.signals import title_key
        s.title_key = title_key("Toos & Henk")
        return s

    monday = c.learn_one(item("2019-04-01", ["toos", "henk", "strip"]), 1, True, "Toos & Henk")
    tuesday = c.learn_one(item("2019-04-02", ["toos", "henk", "strip"]), 2, True, "Toos & Henk")
    assert tuesday.event_id != monday.event_id
    assert tuesday.storyline_id != monday.storyline_id  # a daily strip is not a story either
    # The same title on the same day (two outlets' headlines alike) may still join.
    same_day = c.learn_one(item("2019-04-02", ["toos", "henk", "strip"]), 3, True, "Toos & Henk")
    assert same_day.event_id == tuesday.event_id


def test_series_titles_match_across_spellings_of_and():
    from storyline.cluster.signals import title_key

    assert title_key("Toos & Henk") == title_key("Toos en Henk") == title_key("TOOS EN HENK")
    assert title_key("Tom and Jerry") == title_key("Tom & Jerry")
    assert title_key("Toos & Henk") != title_key("Toos & Jan")
    assert title_key("&") is None


@pytest.mark.parametrize("first, later, series", [
    ("Kort nieuws", "Kort nieuws Amsterdam", True),        # an edition added
    ("Uit de kom Ruben L. Oppenheimer", "Uit de kom", True),  # the author dropped
    ("Brexit", "Brexit chaos in het Lagerhuis", False),    # one word says too little
    ("Rutte moet", "Rutte moeten bellen", False),           # words, not characters
    ("6.1-magnitude quake strikes Indonesia's Aceh province",  # a lead cut differently: one event
     "6.1-magnitude quake strikes Indonesia's Aceh province in region hit by 2004 tsunami", False),
])
def test_series_titles_with_an_edition_or_author_added(first, later, series):
    from storyline.cluster.signals import title_key

    c = OnlineClusterer(MemoryBackend(), event_model=_flat_model(0.99))
    words = ["strip", "krant", "rubriek"]
    a = _sig(0, words, "2019-04-01")
    a.title_key = title_key(first)
    b = _sig(0, words, "2019-04-02")
    b.title_key = title_key(later)
    one = c.learn_one(a, 1, True, first)
    two = c.learn_one(b, 2, True, later)
    assert (two.event_id != one.event_id) is series


def test_a_copy_joins_its_original_event_only_within_the_event_window():
    c = OnlineClusterer(MemoryBackend())
    words = ["anton", "dingeman", "strip"]
    first = c.learn_one(_sig(0, words, "2019-03-05"), 1, True, "Anton Dingeman")
    next_day = c.learn_one(_sig(0, words, "2019-03-06"), 2, True, "Anton Dingeman", forced_event=first.event_id)
    weeks_later = c.learn_one(_sig(0, words, "2019-04-10"), 3, True, "Anton Dingeman", forced_event=first.event_id)
    assert next_day.event_id == first.event_id
    assert weeks_later.event_id != first.event_id


def _flat_model(p):
    """A model that scores every pair ``p``: only the thresholds decide."""
    return {"weights": [0.0] * len(FEATURES), "bias": float(np.log(p / (1 - p))), "tau_days": 1.0}


@pytest.mark.parametrize("day, joins", [("2022-02-03", True), ("2022-02", False), (None, False)])
def test_dates_that_agree_lower_the_join_threshold_and_silent_dates_do_not(day, joins):
    c = OnlineClusterer(MemoryBackend(), event_model=_flat_model(0.35), event_threshold=0.3,
                        event_threshold_undated=0.4, undated_pair_model=_flat_model(0.35), undated_pair_threshold=0.4)
    words = ["overleg", "belarus", "delegatie"]
    first = c.learn_one(_sig(0, words, day), 1, day is not None and len(day) == 10)
    second = c.learn_one(_sig(0, words, day), 2, day is not None and len(day) == 10)
    assert (second.event_id == first.event_id) is joins
    assert second.score == pytest.approx(0.35)  # the pair's score is kept even when it opens a new event


def test_undated_threshold_is_never_below_the_dated_one():
    from storyline.settings import ClusterSettings

    assert OnlineClusterer(MemoryBackend(), event_threshold=0.7).event_threshold_undated == 0.7
    low = OnlineClusterer(MemoryBackend(), event_threshold=0.1)
    assert low.event_threshold_undated == ClusterSettings().event_threshold_undated
    from_settings = OnlineClusterer(MemoryBackend(), ClusterSettings(event_threshold=0.6))
    assert from_settings.event_threshold == from_settings.event_threshold_undated == 0.6
    with pytest.raises(ValueError, match="thresholds"):
        OnlineClusterer(MemoryBackend(), event_threshold_undated=1.0)


@pytest.mark.parametrize("first_day, second_day, from_text, pair_model_decides", [
    (None, None, False, True),                 # neither report dated: the text must carry it all
    ("2022-02-03", None, False, True),         # one side without a date says nothing about the day
    ("2022-02-03", "2022-02-03", True, True),  # a day read from the text is not a publication date
    ("2022-02-03", "2022-02-03", False, False),
    ("2022-02", "2022-02", False, False),      # a shared month is a (weak) date: the dated model
])
def test_pairs_without_publication_dates_are_scored_member_by_member(first_day, second_day, from_text,
                                                                     pair_model_decides):
    c = OnlineClusterer(MemoryBackend(), event_model=_flat_model(0.2), undated_pair_model=_flat_model(0.9),
                        event_threshold=0.3, event_threshold_undated=0.4, undated_pair_threshold=0.5)
    words = ["overleg", "belarus", "delegatie"]
    first = c.learn_one(_sig(0, words, first_day), 1, first_day is not None and len(first_day) == 10)
    later = _sig(0, words, second_day)
    later.date_from_text = from_text
    second = c.learn_one(later, 2, second_day is not None and len(second_day) == 10)
    assert second.score == pytest.approx(0.9 if pair_model_decides else 0.2)
    assert (second.event_id == first.event_id) is pair_model_decides


def _reports(year, words, n):
    """``n`` undated reports of one happening that name its year (different wording each, same topic)."""
    out = []
    for i in range(n):
        sig = _sig(0, words + [f"detail{year}{i}"])
        sig.emb = sig.emb.copy()
        sig.emb[1 + i % 3] = 0.6
        sig.emb /= np.linalg.norm(sig.emb)
        sig.years = {str(year)}
        out.append(sig)
    return out


def test_without_dates_an_article_is_scored_against_each_member_and_averaged():
    # A lexical-only pair model: the article repeats one member's words and none of the other's. Member by
    # member that is one sure match and one miss (mean 0.5); against the running sums it would be one blur.
    lex_only = {"weights": [0.0] * len(FEATURES), "bias": -5.0, "tau_days": 1.0}
    lex_only["weights"][FEATURES.index("lex")] = 10.0
    c = OnlineClusterer(MemoryBackend(), undated_pair_model=lex_only, undated_pair_threshold=0.45)
    one = c.learn_one(_sig(0, ["quake", "sonoma", "geysers"]), 1, False)
    two = c.learn_one(_sig(0, ["quake", "sonoma", "geysers"]), 2, False)
    assert two.event_id == one.event_id
    c.backend.get("event", one.event_id).add(_sig(0, ["apple", "macbook", "keynote"]), False)
    probe = c.learn_one(_sig(0, ["quake", "sonoma", "geysers"]), 3, False)
    sure, miss = 1 / (1 + np.exp(-5.0)), 1 / (1 + np.exp(5.0))
    assert probe.score == pytest.approx((2 * sure + miss) / 3, abs=1e-3)


@pytest.mark.parametrize("day, by_members", [("2022-02", True), ("2022-02-28", False)])
def test_dates_that_say_little_score_against_each_member_not_the_running_sums(day, by_members):
    # Two reports on one topic, and a third that shares the topic words but not their details. Against the
    # running sums it looks closer than against either report; with only "February" to go by, that pull of
    # the sums is what merged an earlier announcement into the talks it announced.
    lex_only = {"weights": [0.0] * len(FEATURES), "bias": -6.15, "tau_days": 1.0}
    lex_only["weights"][FEATURES.index("lex")] = 10.0
    c = OnlineClusterer(MemoryBackend(), event_model=lex_only, event_threshold=0.3, event_threshold_undated=0.5)
    precise = len(day) == 10
    first = c.learn_one(_sig(0, ["talks", "belarus", "delegation", "minsk", "helicopter"], day), 1, precise)
    second = c.learn_one(_sig(0, ["talks", "belarus", "delegation", "minsk", "border"], day), 2, precise)
    assert second.event_id == first.event_id
    third = c.learn_one(_sig(0, ["talks", "belarus", "delegation", "kremlin", "peskov"], day), 3, precise)
    # lemma cosine 3/5 with each report, 6 / (sqrt(5) * sqrt(18)) with their sums
    member, sums = 1 / (1 + np.exp(-(10 * 0.6 - 6.15))), 1 / (1 + np.exp(-(10 * 6 / np.sqrt(90) - 6.15)))
    assert third.score == pytest.approx(member if by_members else sums, abs=1e-3)
    assert (third.event_id == first.event_id) is (not by_members)


def test_without_dates_a_year_that_differs_counts_against_a_merge():
    from storyline.cluster import params
    from storyline.cluster.online import features, member_view

    words = ["earthquake", "sonoma", "county", "magnitude", "geysers"]
    member = _reports(2009, words, 1)[0]
    same_year, other_year = _reports(2009, words, 2)[1], _reports(2013, words, 2)[1]
    view = member_view(member, False)
    p_same = score(params.UNDATED_PAIR_MODEL, features(same_year, view, 1.0))
    p_other = score(params.UNDATED_PAIR_MODEL, features(other_year, view, 1.0))
    assert p_other < p_same


def test_event_members_survive_a_store_round_trip():
    from storyline.cluster.online import Cluster, MEMBER_VIEWS, features

    c = Cluster(id=3, kind="event")
    sigs = _reports(2009, ["earthquake", "sonoma", "county"], MEMBER_VIEWS + 2)
    for sig in sigs:
        c.add(sig, precise=False)
    back = Cluster.from_state(3, "event", json.loads(json.dumps(c.to_state())))
    assert len(back.views) == MEMBER_VIEWS  # the latest members only: the state stays bounded
    probe = _reports(2009, ["earthquake", "sonoma", "county"], 5)[4]
    for before, after in zip(c.member_views(), back.member_views()):
        assert features(probe, after, 1.0) == pytest.approx(features(probe, before, 1.0), abs=1e-3)
    assert not back.views[0].views and back.views[0].kind == "member"
    # Saved again without being read: the members' text is written back as it was.
    assert Cluster.from_state(3, "event", back.to_state()).to_state()["views"] == c.to_state()["views"]


def _emb_model():
    """Scores a pair by its embedding cosine alone: 1 -> 0.95, 0.71 -> 0.52, 0 -> 0.001."""
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("emb")] = 10.0
    return {"weights": weights, "bias": -7.0, "tau_days": 1.0}


def _vec(sig, cos_to_first):
    """``sig`` with its embedding at cosine ``cos_to_first`` to direction 0 (in the plane of directions 0 and 1)."""
    sig.emb[:] = 0.0
    sig.emb[0], sig.emb[1] = cos_to_first, np.sqrt(1 - cos_to_first ** 2)
    return sig


def _bridge(day, words, cos_between=0.55):
    """Halfway between direction 0 and an event at ``cos_between`` to it."""
    other = _vec(_sig(0, words, day), cos_between).emb
    sig = _sig(0, words, day)
    sig.emb = (sig.emb + other) / np.linalg.norm(sig.emb + other)
    return sig


def _two_events(c, day_a, day_b, cos_between=0.55):
    a = c.learn_one(_sig(0, ["stembus", "uitslag", "zetels"], day_a), 1, True)
    b = c.learn_one(_vec(_sig(0, ["stembus", "provincie", "brabant"], day_b), cos_between), 2, True)
    assert a.event_id != b.event_id
    return a, b


def test_an_article_joining_two_same_day_events_merges_them_into_the_older():
    c = OnlineClusterer(MemoryBackend(), event_model=_emb_model())
    a, b = _two_events(c, "2019-03-20", "2019-03-20")
    bridge = c.learn_one(_bridge("2019-03-20", ["stembus", "uitslag", "provincie"]), 3, True)
    assert bridge.event_id == a.event_id and bridge.merged == (b.event_id,)
    assert c.backend.resolve("event", b.event_id) == a.event_id
    # A later report like the merged one finds the one event.
    again = _vec(_sig(0, ["stembus", "provincie", "brabant"], "2019-03-20"), 0.55)
    assert c.learn_one(again, 4, True).event_id == a.event_id


def test_events_that_do_not_resemble_each_other_are_not_chained_by_one_article():
    c = OnlineClusterer(MemoryBackend(), event_model=_emb_model())
    _two_events(c, "2019-03-20", "2019-03-20", cos_between=0.0)
    bridge = c.learn_one(_bridge("2019-03-20", ["stembus", "uitslag", "provincie"], cos_between=0.0), 3, True)
    assert bridge.merged == ()


def test_events_days_apart_are_not_merged_by_a_bridging_article():
    c = OnlineClusterer(MemoryBackend(), event_model=_emb_model())
    a, b = _two_events(c, "2019-03-18", "2019-03-20")
    bridge = c.learn_one(_bridge("2019-03-20", ["stembus", "uitslag", "provincie"]), 3, True)
    assert bridge.merged == () and bridge.event_id in (a.event_id, b.event_id)
    assert c.backend.resolve("event", a.event_id) == a.event_id


def test_merging_can_be_turned_off():
    from storyline.settings import ClusterSettings

    c = OnlineClusterer(MemoryBackend(), ClusterSettings(merge_max_gap_days=-1), event_model=_emb_model())
    _two_events(c, "2019-03-20", "2019-03-20")
    assert c.learn_one(_bridge("2019-03-20", ["stembus", "uitslag", "provincie"]), 3, True).merged == ()


def test_an_opinion_item_joins_no_news_event_but_comments_on_it():
    c = OnlineClusterer(MemoryBackend())
    news = c.learn_one(_sig(0, ["storm", "limburg", "geul"], "2022-02-01"), 1, True)
    column = _sig(0, ["storm", "limburg", "geul"], "2022-02-01")
    column.rubric = True
    got = c.learn_one(column, 2, True, "Storm. Column")
    assert got.event_id != news.event_id and got.new_event
    assert [e for e, _ in got.commentary] == [news.event_id]
    assert got.storyline_id == news.storyline_id  # the storyline of the event it discusses
    # Nor does a news report join the column's event.
    again = c.learn_one(_sig(0, ["storm", "limburg", "geul"], "2022-02-01"), 3, True)
    assert again.event_id == news.event_id


def test_an_opinion_item_about_nothing_in_the_news_opens_its_own_storyline():
    c = OnlineClusterer(MemoryBackend())
    news = c.learn_one(_sig(0, ["storm", "limburg", "geul"], "2022-02-01"), 1, True)
    column = _sig(7, ["boekenbal", "schrijver", "feest"], "2022-02-01")
    column.rubric = True
    got = c.learn_one(column, 2, True, "Feest. Column")
    assert got.commentary == () and got.storyline_id != news.storyline_id


def test_same_day_pairs_are_scored_by_the_same_day_model_where_full_text_overlap_weighs_more():
    from storyline.cluster import params
    from storyline.cluster.online import features

    lex = FEATURES.index("lex")
    assert params.SAME_DAY_EVENT_MODEL["weights"][lex] > params.EVENT_MODEL["weights"][lex]
    c = OnlineClusterer(MemoryBackend())
    c.learn_one(_sig(0, ["stembus", "uitslag"], "2019-03-20"), 1, True)
    event = c.backend.get("event", 1)
    same_day = _vec(_sig(0, ["stembus", "uitslag", "zetels", "provincie"], "2019-03-20"), 0.3)
    x = features(same_day, event, 1.0)
    assert c.event_score(same_day, event, x) == pytest.approx(score(params.SAME_DAY_EVENT_MODEL, x))
    next_day = _vec(_sig(0, ["stembus", "uitslag", "zetels", "provincie"], "2019-03-21"), 0.3)
    x = features(next_day, event, 1.0)
    assert c.event_score(next_day, event, x) == pytest.approx(score(params.EVENT_MODEL, x))


def test_a_next_day_report_that_joined_does_not_make_the_next_day_same_day_with_the_event():
    # A demonstration on the 25th; the arrest of the 26th joins it (near-identical wording). A report of the
    # 26th is one day after the happening, not "same day" because the event now reaches the 26th: it is scored
    # as next-day (time 0.37, the dated model, the stricter threshold), so daily follow-ups do not chain.
    from storyline.cluster import params
    from storyline.cluster.online import SAME_DAY, features

    c = OnlineClusterer(MemoryBackend())
    c.learn_one(_sig(0, ["betoging", "baudet", "oproep"], "2019-03-25"), 1, True)
    joined = c.learn_one(_sig(0, ["betoging", "baudet", "oproep"], "2019-03-26"), 2, True)
    assert joined.event_id == 1
    event = c.backend.get("event", 1)
    later = _vec(_sig(0, ["baudet", "tweet", "gemeenteraad"], "2019-03-26"), 0.3)
    x = features(later, event, 1.0)
    assert c.day_agreement(later, event, x) < SAME_DAY
    assert c.event_score(later, event, x) == pytest.approx(score(params.EVENT_MODEL, x))
    assert c.event_threshold_for(later, x, event) > c.event_threshold
    # A report of the 25th is still same-day with it.
    same = _vec(_sig(0, ["baudet", "tweet", "gemeenteraad"], "2019-03-25"), 0.3)
    x = features(same, event, 1.0)
    assert c.event_score(same, event, x) == pytest.approx(score(params.SAME_DAY_EVENT_MODEL, x))
    assert c.event_threshold_for(same, x, event) == pytest.approx(c.event_threshold)


def test_an_events_anchor_survives_its_state_and_a_merge():
    from storyline.cluster.online import Cluster

    c = OnlineClusterer(MemoryBackend())
    c.learn_one(_sig(0, ["betoging", "baudet", "oproep"], "2019-03-25"), 1, True)
    c.learn_one(_sig(0, ["betoging", "baudet", "oproep"], "2019-03-26"), 2, True)
    event = c.backend.get("event", 1)
    assert event.anchor == date_interval("2019-03-25") and event.day[1] == date_interval("2019-03-26")[0]
    again = Cluster.from_state(1, "event", json.loads(json.dumps(event.to_state())))
    assert again.anchor == event.anchor
    later = Cluster(id=2, kind="event")
    later.add(_sig(0, ["betoging"], "2019-03-27"), True)
    later.absorb(again)
    assert later.anchor == event.anchor


def _constant_model(p):
    from storyline.cluster import params

    return {"weights": [0.0] * len(FEATURES), "bias": float(np.log(p / (1 - p))),
            "tau_days": params.STORYLINE_MODEL["tau_days"]}


@pytest.mark.parametrize("link, storylines", [(0.38, 3), (0.97, 1)])
def test_a_storyline_does_not_grow_for_months_through_weak_links(link, storylines):
    # A report every 20 days for 200 days, each its own event, each linking to the story with the same score.
    # Weak links (0.38, over the base threshold 0.1) carry a story for about three months (0.1 more per 30 days),
    # then the next report starts a new storyline (days 0-80, 100-180, 200); strong ones (0.97) keep it growing.
    from datetime import date, timedelta

    c = OnlineClusterer(MemoryBackend(), storyline_model=_constant_model(link))
    days = [(date(2011, 1, 1) + timedelta(days=20 * k)).isoformat() for k in range(11)]
    got = [c.learn_one(_sig(0, ["egypte", "protest", "kairo"], d), k, True) for k, d in enumerate(days, 1)]
    assert len({d.event_id for d in got}) == len(days)
    assert len({d.storyline_id for d in got}) == storylines
    if storylines == 3:
        ids = [d.storyline_id for d in got]
        assert ids[:5] == [ids[0]] * 5 and ids[5:10] == [ids[5]] * 5 and len({ids[0], ids[5], ids[10]}) == 3
