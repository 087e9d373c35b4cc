"""The project's silver event labels for DPG Media 2019 and their converter (real texts from ../shared/data)."""

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shared_data import data_path  # noqa: E402

from storyline.eval import dpg


def test_labels_file_is_well_formed_and_each_event_has_one_storyline():
    labels = dpg.load_labels()
    assert len(labels) >= 1400
    story_of: dict[str, str] = {}
    for row in labels.values():
        assert story_of.setdefault(row["event"], row["storyline"]) == row["storyline"]
    sizes = Counter(row["event"] for row in labels.values())
    # A real news stream: most articles alone, some events across outlets.
    alone = sum(1 for n in sizes.values() if n == 1)
    assert alone / len(labels) > 0.6 and max(sizes.values()) > 3


def test_every_corpus_article_is_labelled_once_and_splits_do_not_overlap():
    root = data_path("dpgmedia2019-partisan-nl")
    ids = set()
    for line in open(root / dpg.ARTICLE_FILES[0], encoding="utf-8"):
        ids.add(str(json.loads(line)["id"]))
    assert ids <= set(dpg.load_labels())
    dev = list(dpg.convert(root, "dev"))
    test = list(dpg.convert(root, "test"))
    assert {r["id"] for r in dev}.isdisjoint({r["id"] for r in test})
    assert len(dev) + len(test) == len(list(dpg.convert(root, "all")))
    # Publication order, Dutch, with the outlet as source where the corpus names it.
    assert [r["published"] for r in test] == sorted(r["published"] for r in test)
    assert max(r["published"] for r in dev) < min(r["published"] for r in test)
    assert all(r["language"] == "nl" and r["event"] for r in dev)
    assert {"vk", "ad", "trouw"} <= {r["source"] for r in dev + test}


def test_the_held_out_ids_never_leave_the_converter():
    root = data_path("dpgmedia2019-partisan-nl")
    held = dpg.heldout_ids(root)
    if not held:
        pytest.skip("no held-out id list beside the shared data folder")
    converted = {r["id"].split("/", 1)[1] for r in dpg.convert(root, "all")}
    assert converted and not converted & held
    everything = {r["id"].split("/", 1)[1] for r in dpg.convert(root, "all", exclude=set())}
    assert held & everything  # they are in the corpus: the converter left them out


def test_unknown_split_and_missing_corpus_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="unknown split"):
        list(dpg.convert(tmp_path, "train"))
    with pytest.raises(FileNotFoundError, match="missing"):
        list(dpg.convert(tmp_path, "dev"))


def test_a_label_line_without_event_is_rejected(tmp_path):
    bad = tmp_path / "labels.jsonl"
    bad.write_text('{"id": "1", "storyline": "s"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="needs 'id' and 'event'"):
        dpg.load_labels(bad)
